"""The allocation of a call's budget to proposals by merit: a pure function, no Django, no database.

Rules, in order:
1. Proposals with a score are ranked by it (higher first, or lower first where the rubric says lower is
   better), compared at two decimals as people read them; equal scores are ordered by the tie-break rule
   (lower requested amount then earlier submission, or earlier submission then lower amount), and finally by
   the proposal's key, so that the result never depends on the order the proposals are given in.
2. Going down the ranking, a proposal whose request fits in what is left is funded in full.
3. One that does not fit: without partial funding it is skipped and the next is tried; with partial funding
   it gets what is left rounded down to whole samples and is the last one funded (the rest: budget spent).
   If what is left does not pay even one of its samples it gets nothing and the next is tried.
4. Proposals without a score are not ranked and get nothing.
The sum allocated never exceeds the budget, and every amount is a whole number of samples.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

LOWER_REQUEST = "lower_request"
EARLIER_SUBMISSION = "earlier_submission"
TIE_BREAKS = (LOWER_REQUEST, EARLIER_SUBMISSION)

FUNDED = "funded"
PARTIAL = "partial"
DOES_NOT_FIT = "does_not_fit"
BELOW_ONE_SAMPLE = "below_one_sample"
BUDGET_SPENT = "budget_spent"
NOT_SCORED = "not_scored"

HUNDREDTH = Decimal("0.01")


def score_as_shown(value: float | Decimal | None) -> Decimal | None:
    """A score at two decimals (half up), the precision pages show and ranking compares."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Candidate:
    """One proposal as the allocation sees it."""

    key: int
    score: Decimal | None
    samples: int
    cost_per_sample: int
    submitted_at: datetime.datetime

    @property
    def requested(self) -> int:
        return self.samples * self.cost_per_sample


@dataclass(frozen=True)
class Line:
    """What one proposal got, and why: `remaining_before` is what was left when its turn came."""

    key: int
    rank: int | None
    score: Decimal | None
    requested: int
    allocated: int
    allocated_samples: int
    remaining_before: int
    reason: str


def ranked(candidates: Iterable[Candidate], *, tie_break: str, higher_is_better: bool) -> list[Candidate]:
    """The scored candidates in order of merit, ties broken by the rule."""
    if tie_break not in TIE_BREAKS:
        raise ValueError(f"Unknown tie-break rule {tie_break!r}.")

    def key(c: Candidate):
        merit = -c.score if higher_is_better else c.score
        if tie_break == LOWER_REQUEST:
            return (merit, c.requested, c.submitted_at, c.key)
        return (merit, c.submitted_at, c.requested, c.key)

    return sorted((c for c in candidates if c.score is not None), key=key)


def allocate(
    candidates: Iterable[Candidate],
    *,
    budget: int,
    partial: bool,
    tie_break: str,
    higher_is_better: bool = True,
) -> list[Line]:
    """One line per candidate: the ranked ones first in rank order, then the unscored ones by submission."""
    if budget < 0:
        raise ValueError("A budget cannot be negative.")
    candidates = list(candidates)
    keys = [c.key for c in candidates]
    if len(set(keys)) != len(keys):
        raise ValueError("Each candidate needs its own key.")
    for c in candidates:
        if c.samples < 1 or c.cost_per_sample < 1:
            raise ValueError(f"Candidate {c.key} asks for no samples or has no cost per sample.")
    candidates = [
        Candidate(c.key, score_as_shown(c.score), c.samples, c.cost_per_sample, c.submitted_at)
        for c in candidates
    ]
    lines: list[Line] = []
    remaining = budget
    closed = False  # a partial award ends the allocation
    for rank, c in enumerate(ranked(candidates, tie_break=tie_break, higher_is_better=higher_is_better), 1):
        before = remaining
        samples = 0
        if closed or remaining == 0:
            reason = BUDGET_SPENT
        elif c.requested <= remaining:
            samples, reason = c.samples, FUNDED
        elif not partial:
            reason = DOES_NOT_FIT
        elif remaining < c.cost_per_sample:
            reason = BELOW_ONE_SAMPLE
        else:
            samples, reason, closed = remaining // c.cost_per_sample, PARTIAL, True
        allocated = samples * c.cost_per_sample
        remaining -= allocated
        lines.append(Line(c.key, rank, c.score, c.requested, allocated, samples, before, reason))
    for c in sorted((c for c in candidates if c.score is None), key=lambda c: (c.submitted_at, c.key)):
        lines.append(Line(c.key, None, None, c.requested, 0, 0, remaining, NOT_SCORED))
    return lines
