"""Disclosure control for counts shown to people not entitled to the records: minimum cell, noise, budget.

Every count that leaves the platform for someone who may not see the records behind it goes through here, in
this order: the caller's query budget is spent (`budget_spend`, before the count is computed), then the count
is disclosed (`count_disclose`):

- A count from 1 to MIN_CELL - 1 is never shown: it is "<10", the range 1–9 (KIBAN_DISCLOSURE_MIN_CELL, 10 by
  default). Zero is shown as 0 only where the caller says existence is public (`zero_is_public`): the Beacon
  answers "exists: true/false" to anyone, so a 0 there tells nothing new (Beacon practice); where the mere
  absence of records would tell something, 0 is masked like the small counts (the range 0–9).
- A larger count gets discrete Laplace noise (KIBAN_DISCLOSURE_NOISE_SCALE) drawn from a keyed hash (HMAC with
  SECRET_KEY) of the caller and the normalised question, so the same caller asking the same question always
  gets the same answer and repeating a query averages nothing away; it is never shown below MIN_CELL. The
  threshold applies to the true count, so "1–9 are never shown" holds exactly, while the noise blurs the
  difference between two larger counts (one person more or less).
- A table of one record's counts broken down by strata (a variant's allele counts overall and per sex, cohort
  and region: `table_disclose`) is masked, not noised: its cells are fixed facts of that record, asking for
  it again or for a neighbour's tells nothing more, and noise would make a count disagree with its
  frequency. A cell from 1 to MIN_CELL - 1 is masked; where one cell of a stratum is masked (or the samples
  with no value in that stratum hold a small count), that stratum's whole column is masked, zeros included,
  since the margin minus the cells shown, or a telling 0 beside a masked cell, gives the masked one back. A
  frequency is shown only where the counts it is made of are: AF × AN is AC.
- A caller (a user, whichever token or session they use; an anonymous caller by client address) may ask
  KIBAN_DISCLOSURE_QUERY_BUDGET distinct questions (KIBAN_DISCLOSURE_ANONYMOUS_QUERY_BUDGET for anonymous
  callers) within KIBAN_DISCLOSURE_WINDOW_SECONDS; asking one again is free, a new one beyond the budget
  raises QueryBudgetExhausted with the seconds to wait (HTTP 429 with Retry-After).

OpenDP is not used: its samplers draw from the operating system's randomness by design and cannot be seeded,
and the noise here must be the same for the same caller and question.
"""

import hashlib
import hmac
import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import DisclosureBudget

# Beacon's countPrecision values (framework v2.1 and later), reused as the helper's own vocabulary.
EXACT = "exact"
IMPRECISE = "imprecise"


def _setting(name: str, minimum: float) -> Any:
    value = getattr(settings, name)
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; it is {value}.")
    return value


def min_cell() -> int:
    """The smallest count shown as a number (KIBAN_DISCLOSURE_MIN_CELL)."""
    return int(_setting("KIBAN_DISCLOSURE_MIN_CELL", 1))


def _key(purpose: str, *parts: str) -> bytes:
    message = "\0".join((purpose, *parts)).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()


# ---------------------------------------------------------------------------------------------------------
# who asks what


def caller_of(*, user, address: str | None) -> str:
    """The budget's and the noise's key for a caller: the user (any of their tokens or sessions), or for an
    anonymous caller the client address."""
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"address:{(address or 'unknown')[:60]}"


def question_of(scope: str, parts: Mapping[str, Any]) -> str:
    """One text per question: the scope (e.g. "beacon.g_variants") and its already validated parameters,
    with sorted keys, so the same question asked through GET or POST, in any order, is the same text."""
    return json.dumps({"scope": scope, "parts": parts}, sort_keys=True, separators=(",", ":"), default=str)


# ---------------------------------------------------------------------------------------------------------
# the count shown


@dataclass(frozen=True)
class DisclosedCount:
    """A count as it may be shown: a number, or "<10" with the range the true count lies in."""

    value: int | None  # None when masked
    low: int
    high: int
    threshold: int
    precision: str  # EXACT or IMPRECISE

    @property
    def masked(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return f"<{self.threshold}" if self.masked else str(self.value)


def _discrete_laplace(seed: bytes, scale: float) -> int:
    """Noise with P(k) proportional to exp(-|k| / scale): the difference of two geometric variables, each
    drawn by inverting its distribution at a uniform number taken from the seed."""
    if scale <= 0:
        return 0
    log_alpha = -1.0 / scale

    def geometric(chunk: bytes) -> int:
        uniform = (int.from_bytes(chunk, "big") + 0.5) / 2**64  # strictly inside (0, 1)
        return math.floor(math.log(uniform) / log_alpha)

    return geometric(seed[:8]) - geometric(seed[8:16])


def noise_for(*, caller: str, question: str) -> int:
    """The noise added to this caller's count for this question; the same every time they ask it."""
    scale = float(_setting("KIBAN_DISCLOSURE_NOISE_SCALE", 0))
    return _discrete_laplace(_key("noise", caller, question), scale)


def count_disclose(*, count: int, caller: str, question: str, zero_is_public: bool) -> DisclosedCount:
    """The count as it may be shown to this caller for this question (see the module's docstring)."""
    if count < 0:
        raise ValueError(f"A count cannot be negative ({count}).")
    threshold = min_cell()
    if count == 0 and zero_is_public:
        return DisclosedCount(value=0, low=0, high=0, threshold=threshold, precision=EXACT)
    if count < threshold:
        # Where zero is not public the range starts at 0 for every masked count, or it would tell 0 apart.
        return DisclosedCount(
            value=None,
            low=1 if zero_is_public else 0,
            high=threshold - 1,
            threshold=threshold,
            precision=IMPRECISE,
        )
    shown = max(threshold, count + noise_for(caller=caller, question=question))
    # The label depends on the setting only, never on the draw: "exact" for a zero draw would tell the count.
    precision = EXACT if settings.KIBAN_DISCLOSURE_NOISE_SCALE <= 0 else IMPRECISE
    return DisclosedCount(value=shown, low=shown, high=shown, threshold=threshold, precision=precision)


def _small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def table_disclose(
    *,
    margin: Mapping[str, int],
    strata: Mapping[str, Mapping[str, Mapping[str, int]]],
    columns: Sequence[Sequence[str]],
) -> tuple[dict[str, int | None], dict[str, dict[str, dict[str, int | None]]]]:
    """One record's counts as they may be shown: the margin (every sample) and, per stratum, one cell per
    value, each a mapping of count names to counts; None where masked (see the module's docstring).

    `columns` groups the count names that are masked together because one follows from the others (e.g.
    homozygous, heterozygous and hemizygous genotypes add up to the allele count): a column group is masked
    in a cell as soon as one of its counts is small. A stratum's cells need not cover every sample: the rest
    (no value recorded) is the margin minus the cells, and is checked like a cell."""
    threshold = min_cell()

    def masked_in(cell: Mapping[str, int], group: Sequence[str]) -> bool:
        return any(_small(cell[name], threshold) for name in group)

    def shown(cell: Mapping[str, int], hidden: set[str]) -> dict[str, int | None]:
        return {name: None if name in hidden else value for name, value in cell.items()}

    margin_hidden = {name for group in columns if masked_in(margin, group) for name in group}
    shown_strata: dict[str, dict[str, dict[str, int | None]]] = {}
    for stratum, cells in strata.items():
        hidden = set(margin_hidden)
        for group in columns:
            rest = {name: margin[name] - sum(cell[name] for cell in cells.values()) for name in group}
            if masked_in(rest, group) or any(masked_in(cell, group) for cell in cells.values()):
                hidden.update(group)
        shown_strata[stratum] = {value: shown(cell, hidden) for value, cell in cells.items()}
    return shown(margin, margin_hidden), shown_strata


# ---------------------------------------------------------------------------------------------------------
# the query budget


def _duration(seconds: int) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    if seconds >= 60:
        minutes = math.ceil(seconds / 60)
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


class QueryBudgetExhausted(Exception):
    """The caller has asked as many distinct questions as the window allows; answered with HTTP 429."""

    status = 429

    def __init__(self, *, limit: int, window: int, retry_after: int) -> None:
        self.limit = limit
        self.window = window
        self.retry_after = retry_after
        self.message = _(
            "You have asked %(limit)s different counting questions within %(window)s, as many as are "
            "allowed. Ask again in %(wait)s (questions you have already asked are answered at any time)."
        ) % {"limit": limit, "window": _duration(window), "wait": _duration(retry_after)}
        super().__init__(self.message)

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def _question_digest(question: str) -> str:
    return _key("budget", question).hex()[:32]


def budget_limit(caller: str) -> int:
    """How many distinct questions the caller may ask per window: anonymous callers (by address) have their
    own, smaller budget, since one person can take many addresses only with effort but asks for nothing."""
    if caller.startswith("address:"):
        return int(_setting("KIBAN_DISCLOSURE_ANONYMOUS_QUERY_BUDGET", 1))
    return int(_setting("KIBAN_DISCLOSURE_QUERY_BUDGET", 1))


def budget_spend(*, caller: str, question: str, now: float | None = None) -> int:
    """Counts the question against the caller's budget, or raises QueryBudgetExhausted; returns how many
    distinct questions the caller has left. Asking an already counted question again costs nothing.

    The check and the count are one transaction on the caller's row, locked (select_for_update on
    PostgreSQL; SQLite's IMMEDIATE transactions take the write lock at BEGIN), so two workers answering the
    same caller at once cannot both spend the last question."""
    limit = budget_limit(caller)
    window = int(_setting("KIBAN_DISCLOSURE_WINDOW_SECONDS", 1))
    now = time.time() if now is None else now
    digest = _question_digest(question)
    with transaction.atomic():
        budget, _created = DisclosureBudget.objects.select_for_update().get_or_create(caller=caller)
        recent = [[d, at] for d, at in budget.questions if at > now - window]
        if any(d == digest for d, _at in recent):
            left = limit - len(recent)
        elif len(recent) >= limit:
            oldest = recent[len(recent) - limit][1]
            raise QueryBudgetExhausted(
                limit=limit, window=window, retry_after=max(1, math.ceil(oldest + window - now))
            )
        else:
            recent.append([digest, now])
            left = limit - len(recent)
        if recent != budget.questions:
            budget.questions = recent
            budget.save(update_fields=["questions", "updated_at"])
    return left
