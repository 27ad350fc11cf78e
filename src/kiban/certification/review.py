"""How the review engine reads and decides certification applications (registered in apps.py)."""

from django.db import models
from django.utils.translation import gettext as _

from kiban.core.choices import Role
from kiban.core.models import User
from kiban.reviews.models import Decision

from . import selectors, services
from .choices import ApplicationState, DecisionOutcome
from .models import CertificationApplication


class CertificationApplicationAdapter:
    """Certify or not: the ministry and the agency manage the review, the ministry decides."""

    outcomes = DecisionOutcome.choices

    def target_queryset(self) -> models.QuerySet[CertificationApplication]:
        return CertificationApplication.objects.select_related("organisation", "round")

    def title(self, target: CertificationApplication, state: str | None = None) -> str:
        """The application's title names no state, so a round's reviewed state does not change it."""
        return _("Certification application: %(organisation)s, %(round)s") % {
            "organisation": target.organisation.name,
            "round": target.round.title,
        }

    def summary(self, target: CertificationApplication) -> str:
        parts = [f"{term}\n{statement or '—'}" for term, _label, statement in target.statements]
        roster = selectors.roster(application=target)
        parts.append(
            _("Staff: %(people)s people, %(fte)s FTE in all.")
            % {"people": roster.headcount, "fte": roster.total_fte}
        )
        return "\n\n".join(parts)

    def applicant_label(self, target: CertificationApplication) -> str:
        return target.organisation.name

    def applicant_users(self, target: CertificationApplication) -> list[User]:
        return target.applicant_users()

    def conflict_organisation_ids(self, target: CertificationApplication) -> set[int]:
        """The applicant, the institutions sharing its work, and every partner named on the application."""
        partners = set(target.responses.exclude(partners=None).values_list("partners", flat=True)) | set(
            target.staff.values_list("organisation_id", flat=True)
        )
        return selectors.outcome_organisation_ids(organisation=target.organisation) | partners

    def conflict_user_ids(self, target: CertificationApplication) -> set[int]:
        return {pk for pk in (target.created_by_id, target.submitted_by_id) if pk}

    def can_manage(self, user: User, target: CertificationApplication) -> bool:
        return user.has_role(Role.MINISTRY_OFFICIAL, Role.AGENCY_OFFICER)

    def review_refusal(self, target: CertificationApplication) -> str | None:
        """Only an application waiting for review is reviewed or scored: not a draft, not one returned for
        changes (until it is resubmitted), not one decided or withdrawn."""
        if target.is_pending:
            return None
        if target.state == ApplicationState.RETURNED:
            return _("The application was returned for changes; it is reviewed again once resubmitted.")
        if target.is_draft:
            return _("The application is a draft; only a submitted application is reviewed.")
        return _("The application is %(state)s; it is no longer reviewed.") % {
            "state": target.get_state_display().lower()
        }

    def review_state(self, target: CertificationApplication) -> str:
        return target.state

    def review_state_label(self, state: str) -> str:
        return str(ApplicationState(state).label) if state in ApplicationState.values else state

    def review_opened(self, target: CertificationApplication, round, actor: User) -> None:
        """A round was opened: the application is under review, unless another round is still under way."""
        services.application_review_start(application=target, review_round=round, actor=actor)

    def apply_decision(self, target: CertificationApplication, decision: Decision) -> None:
        """The ministerial decision: certifying issues a certificate (five years); refused for anyone else."""
        services.application_decide(
            application=target,
            outcome=decision.outcome,
            rationale=decision.rationale,
            actor=decision.decided_by,
        )

    def url(self, target: CertificationApplication) -> str:
        return target.get_absolute_url()
