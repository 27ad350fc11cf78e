"""How the review engine reads and decides an analysis proposal (registered in apps.py): the agency runs
the review with the call's rubric and blindness; the proposer and their organisation are conflicted; the
decision is the allocation's, recorded on the round when the allocation is published."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from kiban.core.models import User
from kiban.core.money import format_yen
from kiban.reviews.models import Decision
from kiban.submissions import services as lifecycle
from kiban.submissions.choices import PENDING_STATES, SubmissionState

from . import selectors
from .choices import AllocationState, ReviewOutcome
from .models import Proposal


class ProposalAdapter:
    """Reviewers score an analysis proposal's merit; blind calls hide who proposes (title and summary never
    name the proposer)."""

    outcomes = ReviewOutcome.choices

    def target_queryset(self) -> models.QuerySet[Proposal]:
        return Proposal.objects.select_related("organisation", "created_by", "call")

    def title(self, target: Proposal, state: str | None = None) -> str:
        return _("Analysis proposal %(reference)s: %(title)s") % {
            "reference": target.reference,
            "title": target.title,
        }

    def summary(self, target: Proposal) -> str:
        facts = _(
            "Assay: %(assay)s. Samples: %(samples)s at %(cost)s each, %(requested)s requested. Sample set: "
            "%(set)s (%(count)s participants with the material as the proposer saw them)."
        ) % {
            "assay": target.get_assay_display(),
            "samples": f"{target.samples:,}",
            "cost": format_yen(target.cost_per_sample_yen),
            "requested": format_yen(target.requested_yen),
            "set": target.sample_set_name or "—",
            "count": f"{target.sample_set_count:,}" if target.sample_set_count is not None else "—",
        }
        return f"{facts}\n\n{target.scientific_case}"

    def applicant_label(self, target: Proposal) -> str:
        return _("%(name)s (%(organisation)s)") % {
            "name": target.created_by,
            "organisation": target.organisation.name,
        }

    def applicant_users(self, target: Proposal) -> list[User]:
        return target.applicant_users()

    def conflict_organisation_ids(self, target: Proposal) -> set[int]:
        return {target.organisation_id}

    def conflict_user_ids(self, target: Proposal) -> set[int]:
        return {pk for pk in (target.created_by_id, target.submitted_by_id) if pk}

    def can_manage(self, user: User, target: Proposal) -> bool:
        return user.has_perm("analysis_funding.manage_review", target)

    def review_refusal(self, target: Proposal) -> str | None:
        if target.state not in PENDING_STATES:
            return _("The proposal is %(state)s; only a submitted proposal is reviewed.") % {
                "state": target.get_state_display().lower()
            }
        allocation = selectors.allocation_of(selectors.analysis_call(call_id=target.call_id))
        if allocation is not None and allocation.state != AllocationState.DRAFT:
            return _("The call's allocation is approved; its proposals are no longer scored.")
        return None

    def review_opened(self, target: Proposal, round, actor: User) -> None:
        analysis_call = selectors.analysis_call(call_id=target.call_id)
        if round.rubric_id != analysis_call.rubric_id:
            raise ValidationError(
                _("This call's proposals are scored on its rubric “%(rubric)s”, so that they rank together.")
                % {"rubric": analysis_call.rubric},
                "rubric",
            )
        if round.blind != analysis_call.blind_review:
            raise ValidationError(
                _("This call's review is blind; open the round as blind.")
                if analysis_call.blind_review
                else _("This call's review is not blind; open the round as not blind."),
                "blind",
            )
        if target.state in (SubmissionState.SUBMITTED, SubmissionState.RESUBMITTED):
            lifecycle.submission_review_start(submission=target, actor=actor)

    def apply_decision(self, target: Proposal, decision: Decision) -> None:
        funded = decision.outcome == ReviewOutcome.FUNDED
        expected = SubmissionState.ACCEPTED if funded else SubmissionState.REJECTED
        if target.state != expected:
            raise ValidationError(
                _(
                    "Analysis proposals are decided by publishing their call's allocation (on the allocation "
                    "page), not on the review round."
                ),
                "decided_by_allocation",
            )

    def url(self, target: Proposal) -> str:
        return target.get_absolute_url()
