"""Reviews API: a reviewer's assignments and their submission, conflicts, a round's aggregate for managers."""

from datetime import date, datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from kiban.core.apikit import WRITE_REFUSALS, Page, Rows, responses
from kiban.core.inputs import Count, Id
from kiban.core.permissions import require

from . import selectors, services
from .models import Assignment, ReviewRound
from .registry import adapter_for

router = Router(tags=["reviews"])


class AssignmentOut(Schema):
    id: int
    round_id: int
    round_title: str
    title: str
    applicant: str | None  # null in a blind round
    due_date: date | None
    submitted_at: datetime | None
    url: str


class ScoresIn(Schema):
    values: dict[Id, Count | None]  # criterion id -> score, null = not applicable
    comments: dict[Id, str] = {}


class ConflictIn(Schema):
    reason: str


class ConflictOut(Schema):
    id: int
    conflict: str
    conflict_reason: str


class CriterionAggregateOut(Schema):
    criterion_id: int
    name: str
    weight: float
    value: float | None
    n: int


class AggregateOut(Schema):
    round_id: int
    state: str
    aggregation: str
    per_criterion: list[CriterionAggregateOut]
    overall: float | None
    reviewers_counted: int
    excluded_conflicted: int


def _assignment_out(assignment: Assignment) -> dict:
    round_ = assignment.round
    adapter = adapter_for(round_.target)
    return {
        "id": assignment.pk,
        "round_id": round_.pk,
        "round_title": round_.title,
        "title": adapter.title(round_.target),
        "applicant": None if round_.blind else adapter.applicant_label(round_.target),
        "due_date": round_.due_date,
        "submitted_at": assignment.submitted_at,
        "url": assignment.get_absolute_url(),
    }


def _own_assignment(request, assignment_id: int, perm: str) -> Assignment:
    try:
        assignment = selectors.assignment_for_reviewer(pk=assignment_id)
    except Assignment.DoesNotExist as error:
        raise Http404(_("No assignment has id %(id)s.") % {"id": assignment_id}) from error
    require(request.user, perm, assignment)
    return assignment


@router.get(
    "/assignments", response=responses(list[AssignmentOut], 403), summary="My review work in open rounds"
)
@paginate(Page)
def my_assignments(request):
    require(request.user, "reviews.list_assignments")
    return Rows(selectors.assignments_for_reviewer(request.user), _assignment_out)


@router.post(
    "/assignments/{assignment_id}/scores",
    response=responses(AssignmentOut, *WRITE_REFUSALS),
    summary="Submit my scores, once (the assigned reviewer without a conflict)",
)
def scores_submit(request, assignment_id: Id, payload: ScoresIn):
    assignment = _own_assignment(request, assignment_id, "reviews.view_assignment")
    assignment = services.scores_submit(
        assignment=assignment, values=payload.values, comments=payload.comments, actor=request.user
    )
    return _assignment_out(assignment)


@router.post(
    "/assignments/{assignment_id}/conflict",
    response=responses(ConflictOut, *WRITE_REFUSALS),
    summary="Declare a conflict of interest (the assigned reviewer)",
)
def conflict_declare(request, assignment_id: Id, payload: ConflictIn):
    assignment = _own_assignment(request, assignment_id, "reviews.declare_conflict")
    return services.conflict_declare(assignment=assignment, reason=payload.reason, actor=request.user)


@router.get(
    "/rounds/{round_id}/aggregate",
    response=responses(AggregateOut, 403, 404),
    summary="A round's aggregate, conflicted reviewers and not-applicable scores left out (its managers)",
)
def round_aggregate(request, round_id: Id):
    round_ = ReviewRound.objects.select_related("rubric", "content_type").filter(pk=round_id).first()
    if round_ is None:
        raise Http404(_("No review round has id %(id)s.") % {"id": round_id})
    require(request.user, "reviews.manage_reviewround", round_)
    result = selectors.aggregate(round_)
    return {
        "round_id": round_.pk,
        "state": round_.state,
        "aggregation": round_.rubric.aggregation,
        "per_criterion": [
            {
                "criterion_id": row.criterion.pk,
                "name": row.criterion.display_name,
                "weight": float(row.criterion.weight),
                "value": row.value,
                "n": row.n,
            }
            for row in result.per_criterion
        ],
        "overall": result.overall,
        "reviewers_counted": result.reviewers_counted,
        "excluded_conflicted": result.excluded_conflicted,
    }
