"""The review engine as reviewers and managers use it in the browser and through the API."""

import pytest

from kiban.core.choices import Role
from kiban.core.models import Notification
from kiban.core.testing import client_for, user_with_role
from kiban.reviews import services
from kiban.reviews.models import Assignment, Decision, ReviewRound

from .helpers import submit


def _form(round_: ReviewRound, *scores, comment: str = "") -> dict:
    data = {}
    for criterion, value in zip(round_.rubric.criteria.all(), scores, strict=True):
        data[f"score_{criterion.pk}"] = "na" if value is None else str(value)
        data[f"comment_{criterion.pk}"] = comment
    return data


@pytest.fixture
def reviewer_assignment(review_round, manager) -> Assignment:
    return services.reviewer_assign(
        round=review_round, reviewer=user_with_role(Role.RESEARCHER), actor=manager
    )


@pytest.mark.parametrize("blind", [True, False])
def test_a_blind_round_hides_the_applicant_from_reviewers(
    blind, adapter, applicant, partner, rubric, manager
):
    # given a (blind or open) round with the researcher as reviewer
    round_ = services.review_round_open(
        target=applicant, rubric=rubric, title="Gate", blind=blind, due_date=None, actor=manager
    )
    assignment = services.reviewer_assign(
        round=round_, reviewer=user_with_role(Role.RESEARCHER), actor=manager
    )
    client = client_for(Role.RESEARCHER)

    # when the reviewer opens their list, the review page and their assignments through the API
    pages = (
        client.get("/reviews/").content.decode() + client.get(assignment.get_absolute_url()).content.decode()
    )
    api = client.get("/api/reviews/assignments").json()

    # then the applicant's name appears only when the round is not blind; the proposal itself always does
    assert ("Applicant University" in pages or "申請大学" in pages) is not blind
    assert "Hidden: this is a blind review." in pages if blind else "Hidden" not in pages
    assert f"Proposal no. {applicant.pk}" in pages
    assert api["items"][0]["applicant"] == (None if blind else "申請大学")
    # the manager always sees who applies
    assert "申請大学" in client_for(Role.AGENCY_OFFICER).get(round_.get_absolute_url()).content.decode()


def test_a_reviewer_sees_the_others_scores_only_after_submitting(review_round, manager, reviewer_assignment):
    # given another reviewer who has submitted with a comment
    other = services.reviewer_assign(round=review_round, reviewer=user_with_role(Role.COMPANY), actor=manager)
    services.scores_submit(
        assignment=other,
        values={c.pk: 7 for c in review_round.rubric.criteria.all()},
        comments={c.pk: "Other reviewer's view" for c in review_round.rubric.criteria.all()},
        actor=other.reviewer,
    )
    client = client_for(Role.RESEARCHER)
    page = reviewer_assignment.get_absolute_url()

    # when the researcher opens the page before submitting
    before = client.get(page).content.decode()

    # then the other scores are hidden; after submitting through the form they are shown, anonymised
    assert "Other reviewer&#x27;s view" not in before
    assert "shown once you have submitted yours" in before
    response = client.post(page, _form(review_round, 3, None, 4, comment="Mine"))
    assert response.status_code == 302
    after = client.get(page).content.decode()
    assert "Other reviewer&#x27;s view" in after
    assert "Reviewer 1" in after and str(other.reviewer) not in after
    assert "You submitted your scores" in after
    assert list(reviewer_assignment.scores.values_list("value", flat=True)) == [3, None, 4]


def test_the_review_form_reports_refusals(review_round, manager, reviewer_assignment):
    # given a round closed before the reviewer submits
    services.review_round_close(round=review_round, actor=manager)

    # when the reviewer sends their scores
    response = client_for(Role.RESEARCHER).post(
        reviewer_assignment.get_absolute_url(), _form(review_round, 1, 2, 3)
    )

    # then the page says why nothing was stored
    assert response.status_code == 400
    assert "is closed; scores and assignments can no longer change" in response.content.decode()
    assert not reviewer_assignment.scores.exists()


def test_declaring_a_conflict_from_the_review_page(review_round, reviewer_assignment):
    client = client_for(Role.RESEARCHER)
    response = client.post(
        f"{reviewer_assignment.get_absolute_url()}conflict/", {"reason": "My former supervisor"}
    )
    assert response.status_code == 302
    assert client.get(reviewer_assignment.get_absolute_url()).status_code == 403
    reviewer_assignment.refresh_from_db()
    assert reviewer_assignment.conflict_reason == "My former supervisor"


def test_a_manager_runs_a_round_from_its_page(
    adapter, applicant, partner, rubric, manager, applicant_user, make_reviewer
):
    client = client_for(Role.AGENCY_OFFICER)

    # opens a round on the item
    response = client.post(
        f"/reviews/open/core/organisation/{applicant.pk}/",
        {"title": "Stage-gate FY2025", "rubric": rubric.pk, "blind": "on"},
    )
    round_ = ReviewRound.objects.get()
    assert response.status_code == 302 and response["Location"] == round_.get_absolute_url()
    assert round_.blind

    # assigns a partner's member by hand (the conflict is shown) and two others from a pool
    insider, first, second = (
        make_reviewer("insider", partner),
        make_reviewer("first"),
        make_reviewer("second"),
    )
    response = client.post(f"/reviews/rounds/{round_.pk}/assign/", {"reviewer": insider.pk}, follow=True)
    assert "has a conflict of interest" in response.content.decode()
    client.post(
        f"/reviews/rounds/{round_.pk}/assign-balanced/",
        {"pool": [insider.pk, first.pk, second.pk], "per_round": 2},
    )
    assert sorted(round_.assignments.values_list("reviewer__username", "conflict")) == [
        ("first", "none"),
        ("insider", "detected"),
        ("second", "none"),
    ]

    # the reviewers score; the page shows the aggregate
    submit(Assignment.objects.get(round=round_, reviewer=first), 2, 4, 6)
    submit(Assignment.objects.get(round=round_, reviewer=second), 4, None, 8)
    page = client.get(round_.get_absolute_url()).content.decode()
    assert '<td class="num" id="overall">4.80</td>' in page  # (2+4+6+4+8) / 5

    # a decision without a rationale is refused on the page; closing then deciding works
    client.post(f"/reviews/rounds/{round_.pk}/close/")
    response = client.post(f"/reviews/rounds/{round_.pk}/decide/", {"outcome": "fund", "rationale": ""})
    assert response.status_code == 400
    response = client.post(
        f"/reviews/rounds/{round_.pk}/decide/", {"outcome": "fund", "rationale": "Clear milestones."}
    )
    assert response.status_code == 302
    assert Decision.objects.get(round=round_).rationale == "Clear milestones."
    assert Notification.objects.filter(recipient=applicant_user, subject__contains="Fund").exists()
    page = client.get(round_.get_absolute_url()).content.decode()
    assert "Decision: Fund. Rationale: Clear milestones." in page  # the history on the page


def test_a_reviewer_submits_through_the_api_and_a_manager_reads_the_aggregate(
    review_round, reviewer_assignment
):
    criteria = list(review_round.rubric.criteria.all())
    client = client_for(Role.RESEARCHER)
    url = f"/api/reviews/assignments/{reviewer_assignment.pk}/scores"

    # an out-of-scale value is refused with the reason
    response = client.post(url, {"values": {c.pk: 12 for c in criteria}}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "out_of_scale"

    # a valid submission is taken once
    payload = {"values": {str(c.pk): v for c, v in zip(criteria, [3, None, 5], strict=True)}}
    assert client.post(url, payload, content_type="application/json").status_code == 200
    again = client.post(url, payload, content_type="application/json")
    assert (again.status_code, again.json()["detail"]) == (
        409,
        "You have already submitted your scores for this round.",
    )

    aggregate = client_for(Role.AGENCY_OFFICER).get(f"/api/reviews/rounds/{review_round.pk}/aggregate").json()
    assert aggregate["overall"] == 4.0
    assert [row["n"] for row in aggregate["per_criterion"]] == [1, 0, 1]
    assert aggregate["reviewers_counted"] == 1


def test_a_cancelled_round_says_so_and_offers_no_decision(review_round, manager, reviewer_assignment):
    # given a round cancelled because its item was withdrawn
    services.review_rounds_cancel_for(target=review_round.target, actor=manager, reason="Withdrawn")

    # when the manager opens it
    client = client_for(Role.HUB_STAFF)
    client.force_login(manager)
    page = client.get(review_round.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    # then it says it was cancelled, offers neither closing nor deciding, and its history says why
    text = page.content.decode()
    assert "The round was cancelled before a decision; its history says why." in text
    assert 'id="close-form"' not in text and 'id="decision-form"' not in text
    assert "Withdrawn" in text
