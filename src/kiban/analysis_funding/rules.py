"""Who may do what in analysis funding: agency officers run calls and allocations, researchers propose,
reviewers score what the review engine assigns them; calls and the funded list are public."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.choices import Role
from kiban.core.permissions import register_refusals
from kiban.core.rules import has_role, is_agency_officer, is_auditor, is_ministry_official, is_signed_in

from .choices import AllocationState

is_researcher = has_role(Role.RESEARCHER)


@rules.predicate
def is_proposer(user, proposal) -> bool:
    """Who prepared or submitted the proposal."""
    return proposal is not None and user.pk in (proposal.created_by_id, proposal.submitted_by_id)


@rules.predicate
def is_editable(user, proposal) -> bool:
    return proposal is not None and proposal.is_editable


@rules.predicate
def is_not_draft(user, proposal) -> bool:
    return proposal is not None and proposal.state != "draft"


@rules.predicate
def is_published(user, allocation) -> bool:
    return allocation is not None and allocation.state == AllocationState.PUBLISHED


@rules.predicate
def proposes_in_call(user, analysis_call) -> bool:
    """Who prepared or submitted a proposal (past its draft) in the call: conflicted on its allocation."""
    if analysis_call is None or not user.is_authenticated:
        return False
    from django.db.models import Q

    from .models import Proposal

    return (
        Proposal.objects.filter(call_id=analysis_call.call_id)
        .filter(Q(created_by=user) | Q(submitted_by=user))
        .exclude(state__in=["draft", "withdrawn"])
        .exists()
    )


is_officer = is_signed_in & is_agency_officer

# Calls (with their assays and costs) and, once published, the list of funded proposals: everyone.
rules.add_perm("analysis_funding.view_call", rules.always_allow)
# Opening and configuring calls: funding agency officers (programme officers).
rules.add_perm("analysis_funding.add_call", is_officer)
rules.add_perm("analysis_funding.change_analysiscall", is_officer)
# Proposals: researchers write their own; the agency reads every submitted one.
rules.add_perm("analysis_funding.list_proposals", is_signed_in & (is_researcher | is_agency_officer))
rules.add_perm(
    "analysis_funding.view_proposal", is_signed_in & (is_proposer | (is_agency_officer & is_not_draft))
)
rules.add_perm("analysis_funding.add_proposal", is_signed_in & is_researcher)
rules.add_perm("analysis_funding.change_proposal", is_signed_in & is_proposer & is_editable)
rules.add_perm("analysis_funding.submit_proposal", is_signed_in & is_proposer)
rules.add_perm("analysis_funding.withdraw_proposal", is_signed_in & is_proposer)
# The review (rounds, reviewers, closing) and the decisions: the agency.
rules.add_perm("analysis_funding.manage_review", is_officer & ~is_proposer)
rules.add_perm("analysis_funding.review_proposal", is_officer & ~is_proposer)
# An officer who is also the proposer never decides their own proposal (conflict of interest).
rules.add_perm("analysis_funding.decide_proposal", is_officer & ~is_proposer)
# The allocation with every proposal's rationale: the agency, the ministry and auditors read it; the agency
# computes, approves and publishes it.
# Checked with the call: whoever has a proposal in it sees no one else's score or rank before publication.
rules.add_perm(
    "analysis_funding.view_allocation",
    is_signed_in & (is_agency_officer | is_ministry_official | is_auditor) & ~proposes_in_call,
)
# Checked with the call: an officer with a proposal in it is conflicted and leaves the allocation to others.
rules.add_perm("analysis_funding.compute_allocation", is_officer & ~proposes_in_call)
rules.add_perm("analysis_funding.approve_allocation", is_officer & ~proposes_in_call)
rules.add_perm("analysis_funding.publish_allocation", is_officer & ~proposes_in_call)

register_refusals(
    {
        "analysis_funding.view_call": _("You may not see analysis funding calls."),
        "analysis_funding.add_call": _("Only funding agency officers open analysis funding calls."),
        "analysis_funding.change_analysiscall": _(
            "Only funding agency officers configure analysis funding calls."
        ),
        "analysis_funding.list_proposals": _(
            "Only researchers and funding agency officers see analysis proposals."
        ),
        "analysis_funding.view_proposal": _(
            "Only the proposer, and once it is submitted the funding agency, see this proposal."
        ),
        "analysis_funding.add_proposal": _("Only researchers submit analysis proposals."),
        "analysis_funding.change_proposal": _(
            "Only the proposer changes a proposal, and only while it is a draft or returned for changes."
        ),
        "analysis_funding.submit_proposal": _("Only the proposer submits a proposal."),
        "analysis_funding.withdraw_proposal": _("Only the proposer withdraws a proposal."),
        "analysis_funding.manage_review": _(
            "Only funding agency officers run the review of analysis proposals, never of their own."
        ),
        "analysis_funding.review_proposal": _(
            "Only funding agency officers put analysis proposals under review, never their own."
        ),
        "analysis_funding.decide_proposal": _(
            "Only funding agency officers decide on analysis proposals, never on their own."
        ),
        "analysis_funding.view_allocation": _(
            "Only the funding agency, the ministry and auditors see the allocation with its rationale, and "
            "not of a call they have a proposal in."
        ),
        "analysis_funding.compute_allocation": _(
            "Only funding agency officers compute an allocation, and not of a call they have a proposal in."
        ),
        "analysis_funding.approve_allocation": _(
            "Only funding agency officers approve an allocation, and not of a call they have a proposal in."
        ),
        "analysis_funding.publish_allocation": _(
            "Only funding agency officers publish an allocation, and not of a call they have a proposal in."
        ),
    }
)
