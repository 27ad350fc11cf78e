"""Eligibility rules of calls (公募): a small registry of named rules, each with its refusal message.

A rule is registered once, by the app that knows how to judge it (certification registers "certified
institutions only"); a call stores the codes of the rules it applies. The message may use %(call)s,
%(organisation)s, %(date)s and %(rule)s, so a refusal names the call, the organisation and the rule."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kiban.core.choices import OrganisationKind
from kiban.core.models import Organisation


@dataclass(frozen=True)
class EligibilityRule:
    code: str
    label: str  # short, for lists: "Academic institutions only"
    message: str  # the refusal, naming the rule
    admits: Callable[[Organisation, datetime.date], bool]

    def refusal(self, *, call, organisation: Organisation, on: datetime.date) -> str | None:
        """The refusal message when the rule does not admit the organisation on the day, else None."""
        if self.admits(organisation, on):
            return None
        return str(self.message) % {
            "call": call,
            "organisation": organisation,
            "date": on.isoformat(),
            "rule": self.label,
        }


_rules: dict[str, EligibilityRule] = {}


def register(rule: EligibilityRule) -> EligibilityRule:
    """Adds a rule (call it at import or in AppConfig.ready()); a code names one rule only."""
    existing = _rules.get(rule.code)
    if existing is not None and existing != rule:
        raise ValueError(f"Another eligibility rule is already registered as {rule.code!r}.")
    _rules[rule.code] = rule
    return rule


def rule(code: str) -> EligibilityRule:
    try:
        return _rules[code]
    except KeyError:
        raise LookupError(f"No eligibility rule is registered as {code!r}.") from None


def registered_rules() -> list[EligibilityRule]:
    return sorted(_rules.values(), key=lambda r: r.code)


def rule_choices() -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in registered_rules()]


ACADEMIC_KINDS = frozenset(
    {OrganisationKind.UNIVERSITY, OrganisationKind.TRANSLATIONAL_HUB, OrganisationKind.RESEARCH_INSTITUTE}
)

ACADEMIC_ONLY = register(
    EligibilityRule(
        code="academic_only",
        label=_("Academic institutions only"),
        message=_(
            "“%(call)s” is open to academic institutions only (%(rule)s), and %(organisation)s is not one."
        ),
        admits=lambda organisation, on: organisation.kind in ACADEMIC_KINDS,
    )
)
