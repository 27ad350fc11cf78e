"""The reviews API: a reviewer's assignments as a page, scores once (a second time is a 409 conflict)."""

import json

from kiban.core.testing import signed_in
from kiban.reviews import services

from .helpers import values


def test_a_second_submission_is_a_conflict_with_the_round_state(review_round, manager, make_reviewer):
    # Given a reviewer assigned to an open round, who has submitted their scores
    reviewer = make_reviewer("rev1")
    assignment = services.reviewer_assign(round=review_round, reviewer=reviewer, actor=manager)
    client = signed_in(reviewer)
    url = f"/api/reviews/assignments/{assignment.pk}/scores"
    payload = json.dumps({"values": values(review_round, 5, 6, 7)})
    first = client.post(url, payload, content_type="application/json")

    # When they submit again
    second = client.post(url, payload, content_type="application/json")

    # Then the first is taken and the second refused as a conflict, with the service's message and code
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {
        "detail": "You have already submitted your scores for this round.",
        "code": "submitted",
    }


def test_my_assignments_is_a_page_and_others_are_refused_with_the_registered_refusal(
    review_round, manager, make_reviewer
):
    reviewer = make_reviewer("rev1")
    other = make_reviewer("rev2")
    assignment = services.reviewer_assign(round=review_round, reviewer=reviewer, actor=manager)

    page = signed_in(reviewer).get("/api/reviews/assignments").json()
    refused = signed_in(other).post(
        f"/api/reviews/assignments/{assignment.pk}/scores",
        json.dumps({"values": values(review_round, 5, 6, 7)}),
        content_type="application/json",
    )

    assert (page["count"], page["offset"], [a["id"] for a in page["items"]]) == (1, 0, [assignment.pk])
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "This review is not assigned to you, or you have a conflict of interest with it.",
        "code": "forbidden",
    }
