"""Concurrent submissions: the assignment row is locked, so a second submission waits and is then refused."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kiban.reviews import services
from kiban.reviews.models import Assignment

from .helpers import values

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database cannot hold two writers; CI runs this on PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_keep_exactly_one(review_round, manager, make_reviewer):
    # given one assignment, submitted from two tabs at the same moment with different scores
    assignment = services.reviewer_assign(round=review_round, reviewer=make_reviewer("r"), actor=manager)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def send(score: int) -> None:
        try:
            start.wait()
            services.scores_submit(
                assignment=Assignment.objects.get(pk=assignment.pk),
                values=values(review_round, score, score, score),
                actor=assignment.reviewer,
            )
            outcomes.append("stored")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(score,)) for score in (2, 8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one submission is stored whole, the other refused; no mixture of the two
    assert sorted(outcomes) == ["You have already submitted your scores for this round.", "stored"]
    stored = set(assignment.scores.values_list("value", flat=True))
    assert stored in ({2}, {8})
    assert assignment.scores.count() == 3
