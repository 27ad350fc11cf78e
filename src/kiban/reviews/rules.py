"""Who may do what in reviews: managers are whoever the item's adapter says; reviewers only their own work."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.permissions import register_refusals
from kiban.core.rules import is_signed_in

from .choices import Conflict, RoundState
from .registry import adapter_for


@rules.predicate
def manages_round(user, round_) -> bool:
    """The item's app decides who manages its review (hub staff for a seed, the ministry for S2)."""
    if round_ is None:
        return False
    target = round_.target
    return target is not None and adapter_for(target).can_manage(user, target)


@rules.predicate
def manages_target(user, target) -> bool:
    try:
        adapter = adapter_for(target)
    except LookupError:
        return False
    return adapter.can_manage(user, target)


@rules.predicate
def is_own_assignment(user, assignment) -> bool:
    return assignment is not None and assignment.reviewer_id == user.pk


@rules.predicate
def is_without_conflict(user, assignment) -> bool:
    return assignment is not None and assignment.conflict == Conflict.NONE


@rules.predicate
def round_is_open(user, assignment) -> bool:
    return assignment is not None and assignment.round.state == RoundState.OPEN


# "My reviews": every signed-in user (anyone may be asked to review; the list holds only their own work).
rules.add_perm("reviews.list_assignments", is_signed_in)
# The review page: the assigned reviewer only, and never one with a conflict of interest.
rules.add_perm("reviews.view_assignment", is_signed_in & is_own_assignment & is_without_conflict)
# Scoring: the same, while the round is open (the service also refuses, with the reason).
rules.add_perm(
    "reviews.change_assignment", is_signed_in & is_own_assignment & is_without_conflict & round_is_open
)
# Declaring a conflict: the reviewer themself.
rules.add_perm("reviews.declare_conflict", is_signed_in & is_own_assignment)
# Opening a round on an item, and everything on the round page: its managers, as the item's adapter says.
rules.add_perm("reviews.add_reviewround", is_signed_in & manages_target)
rules.add_perm("reviews.manage_reviewround", is_signed_in & manages_round)

# What a refused user reads, on the 403 page and in the API's 403 answer alike.
register_refusals(
    {
        "reviews.list_assignments": _("You may not see review assignments."),
        "reviews.view_assignment": _(
            "This review is not assigned to you, or you have a conflict of interest with it."
        ),
        "reviews.change_assignment": _(
            "Only the assigned reviewer without a conflict of interest scores, while the round is open."
        ),
        "reviews.declare_conflict": _("Only the reviewer can declare their own conflict of interest."),
        "reviews.add_reviewround": _("Only those who manage this item's review may open a round on it."),
        "reviews.manage_reviewround": _(
            "Only those who manage this item's review may open, close, staff or decide its rounds."
        ),
    }
)
