"""Helpers of the review-engine tests."""

from kiban.reviews import services
from kiban.reviews.models import Assignment, ReviewRound


def values(round_: ReviewRound, *scores: int | None) -> dict[int, int | None]:
    """Scores in the rubric's criterion order."""
    criteria = list(round_.rubric.criteria.all())
    return {c.pk: v for c, v in zip(criteria, scores, strict=True)}


def submit(assignment: Assignment, *scores: int | None) -> Assignment:
    return services.scores_submit(
        assignment=assignment,
        values=values(assignment.round, *scores),
        comments={},
        actor=assignment.reviewer,
    )
