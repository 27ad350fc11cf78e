"""Reads of the review engine: a reviewer's work, the scores a user may see, a round's aggregate."""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import models
from django.db.models import Prefetch

from kiban.core.models import User

from .choices import UNDECIDED_STATES, Aggregation, Conflict, RoundState
from .models import Assignment, Criterion, ReviewRound, Score
from .registry import adapter_for, adapter_for_model, registered_models


class CriterionAggregate(NamedTuple):
    criterion: Criterion
    value: float | None  # None: no applicable score
    n: int  # applicable scores counted


@dataclass(frozen=True)
class RoundAggregate:
    """A round's scores aggregated by its rubric's rule, over submitted reviewers without a conflict."""

    per_criterion: list[CriterionAggregate]
    overall: float | None
    reviewers_counted: int
    excluded_conflicted: int


def _combine(values: list[float], weights: list[Decimal], aggregation: str) -> float | None:
    if not values:
        return None
    if aggregation == Aggregation.MEDIAN:
        return float(statistics.median(values))
    if aggregation == Aggregation.WEIGHTED_MEAN:
        return float(sum(Decimal(v) * w for v, w in zip(values, weights, strict=True)) / sum(weights))
    return float(statistics.fmean(values))


def aggregate(round: ReviewRound) -> RoundAggregate:
    """Per criterion, the mean (or median) of the applicable scores; overall, the mean, median or
    criterion-weighted mean of every applicable score. "Not applicable" values and every reviewer with a
    conflict of interest (detected or declared) are left out. Two queries."""
    rubric = round.rubric
    criteria = list(rubric.criteria.all())
    assignments = list(round.assignments.values_list("pk", "conflict", "submitted_at"))
    counted = {pk for pk, conflict, submitted in assignments if conflict == Conflict.NONE and submitted}
    excluded = sum(1 for _pk, conflict, _submitted in assignments if conflict != Conflict.NONE)
    by_criterion: dict[int, list[int]] = {c.pk: [] for c in criteria}
    for criterion_id, value in Score.objects.filter(
        assignment_id__in=counted, value__isnull=False
    ).values_list("criterion_id", "value"):
        by_criterion.setdefault(criterion_id, []).append(value)
    per_criterion_rule = Aggregation.MEDIAN if rubric.aggregation == Aggregation.MEDIAN else Aggregation.MEAN
    per_criterion = [
        CriterionAggregate(c, _combine(by_criterion[c.pk], [], per_criterion_rule), len(by_criterion[c.pk]))
        for c in criteria
    ]
    pooled = [(v, c.weight) for c in criteria for v in by_criterion[c.pk]]
    overall = _combine([v for v, _w in pooled], [w for _v, w in pooled], rubric.aggregation)
    return RoundAggregate(per_criterion, overall, len(counted), excluded)


def _with_targets(queryset: models.QuerySet, lookup: str) -> models.QuerySet:
    """Prefetches the rounds' targets (any model) in one query per model, as each adapter wants them."""
    querysets = []
    for model in registered_models():
        make = getattr(adapter_for_model(model), "target_queryset", None)
        if make is not None:
            querysets.append(make())
    return queryset.prefetch_related(GenericPrefetch(lookup, querysets))


def assignments_for_reviewer(user: User) -> models.QuerySet[Assignment]:
    """The user's work: their assignments without a conflict in rounds still open, submitted or not."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    queryset = (
        Assignment.objects.filter(reviewer=user, conflict=Conflict.NONE, round__state=RoundState.OPEN)
        .select_related("round__rubric", "round__content_type")
        .order_by("submitted_at", "round__due_date", "round__pk")
    )
    return _with_targets(queryset, "round__target")


def can_manage(user: User, round: ReviewRound) -> bool:
    target = round.target
    return target is not None and user.is_authenticated and adapter_for(target).can_manage(user, target)


def visible_scores(round: ReviewRound, user: User) -> models.QuerySet[Score]:
    """Managers see every score (a conflicted reviewer's included, to be marked); a reviewer without a
    conflict sees the other reviewers' scores only once they have submitted their own; others see none."""
    scores = (
        Score.objects.filter(assignment__round=round)
        .select_related("criterion", "assignment__reviewer")
        .order_by("assignment__reviewer__username", "criterion__order", "criterion__pk")
    )
    if can_manage(user, round):
        return scores
    own = Assignment.objects.filter(round=round, reviewer=user, conflict=Conflict.NONE).first()
    if own is None:
        return scores.none()
    if own.submitted_at is None:
        return scores.filter(assignment=own)
    return scores.filter(assignment__conflict=Conflict.NONE)


def assignment_for_reviewer(*, pk: int) -> Assignment:
    return Assignment.objects.select_related("round__rubric", "round__content_type", "reviewer").get(pk=pk)


def round_detail(*, pk: int) -> ReviewRound:
    """A round with its rubric, criteria, assignments (reviewers and their organisations) and decision."""
    return (
        ReviewRound.objects.select_related("rubric", "content_type", "opened_by", "decision__decided_by")
        .prefetch_related(
            "rubric__criteria",
            Prefetch(
                "assignments",
                Assignment.objects.select_related("reviewer", "assigned_by").prefetch_related(
                    "reviewer__memberships__organisation"
                ),
            ),
        )
        .get(pk=pk)
    )


def rounds_for(target: models.Model) -> models.QuerySet[ReviewRound]:
    """The review rounds of one item, newest first (for the using app's page)."""
    from django.contrib.contenttypes.models import ContentType

    return ReviewRound.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).select_related("rubric", "decision")


def undecided_round(target: models.Model) -> ReviewRound | None:
    """The item's round still open or awaiting its decision, if any: an item has at most one."""
    return rounds_for(target).filter(state__in=UNDECIDED_STATES).first()


def scores_by_reviewer(scores: Iterable[Score]) -> list[tuple[Assignment, list[Score]]]:
    grouped: dict[int, tuple[Assignment, list[Score]]] = {}
    for score in scores:
        grouped.setdefault(score.assignment_id, (score.assignment, []))[1].append(score)
    return list(grouped.values())
