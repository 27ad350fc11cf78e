"""Whether a review round may be opened is the service's rule, not the page's: a draft, an application
returned for changes or one already under review gets no round, through the page or the service."""

import pytest
from django.core.exceptions import ValidationError

from kiban.certification import services
from kiban.certification.choices import ApplicationState
from kiban.core.testing import signed_in
from kiban.reviews import services as reviews
from kiban.reviews.models import ReviewRound, Rubric


@pytest.fixture
def rubric(db) -> Rubric:
    return reviews.rubric_create(name="認定審査", criteria=[{"name": "要件A–D"}])


def _open(application, rubric, actor):
    return reviews.review_round_open(
        target=application, rubric=rubric, title="認定審査", blind=False, due_date=None, actor=actor
    )


def test_the_service_refuses_a_round_on_a_draft(application, rubric, agency_user):
    # when the agency opens a round on a draft through the service (no page involved)
    with pytest.raises(ValidationError) as error:
        _open(application, rubric, agency_user)

    # then it is refused, and no round exists
    assert error.value.messages == ["The application is a draft; only a submitted application is reviewed."]
    assert not ReviewRound.objects.exists()


def test_opening_a_round_puts_the_application_under_review_once(submitted_application, rubric, agency_user):
    # when a round is opened on the submitted application
    _open(submitted_application, rubric, agency_user)

    # then it is under review, and a second round is refused while the first is undecided
    submitted_application.refresh_from_db()
    assert submitted_application.state == ApplicationState.UNDER_REVIEW
    assert submitted_application.review_started_at is not None
    with pytest.raises(ValidationError) as error:
        _open(submitted_application, rubric, agency_user)
    assert error.value.messages == ["A review round on this application is still under way; decide it first."]
    assert ReviewRound.objects.count() == 1


def test_returning_an_application_cancels_its_round_and_the_resubmission_gets_a_new_one(
    submitted_application, rubric, agency_user, ministry_user, hub_user
):
    from kiban.core.choices import Role
    from kiban.core.testing import user_with_role
    from kiban.reviews.choices import RoundState

    # given a round with a reviewer, then the application is returned for changes
    round_ = _open(submitted_application, rubric, agency_user)
    reviewer = user_with_role(Role.RESEARCHER, username="cert_reviewer")
    assignment = reviews.reviewer_assign(round=round_, reviewer=reviewer, actor=agency_user)
    services.application_return(
        application=submitted_application, reason="修正してください。", actor=ministry_user
    )

    # then the round is cancelled, scoring it is refused, and no round opens on the returned application
    round_.refresh_from_db()
    assert round_.state == RoundState.CANCELLED
    assert round_.history.first().history_change_reason == (
        "Review round cancelled: application returned for changes"
    )
    with pytest.raises(ValidationError) as error:
        reviews.scores_submit(
            assignment=assignment, values={c.pk: 3 for c in rubric.criteria.all()}, actor=reviewer
        )
    assert error.value.messages == [
        "The round “認定審査” was cancelled (Review round cancelled: application returned for changes); "
        "nothing in it changes any more."
    ]
    with pytest.raises(ValidationError) as error:
        _open(submitted_application, rubric, agency_user)
    assert error.value.messages == [
        "The application was returned for changes; it is reviewed again once resubmitted."
    ]

    # when the hub resubmits it, a new round opens, is scored, closed and decided
    submitted_application.refresh_from_db()
    services.application_submit(application=submitted_application, actor=hub_user)
    second = _open(submitted_application, rubric, agency_user)
    assignment = reviews.reviewer_assign(round=second, reviewer=reviewer, actor=agency_user)
    reviews.scores_submit(
        assignment=assignment, values={c.pk: 4 for c in rubric.criteria.all()}, actor=reviewer
    )
    reviews.review_round_close(round=second, actor=agency_user)
    reviews.decision_record(round=second, outcome="reject", rationale="要件不足。", actor=ministry_user)

    # then the application is decided through the new round
    submitted_application.refresh_from_db()
    assert submitted_application.state == ApplicationState.REJECTED


def test_the_page_offers_a_round_only_when_the_service_would_open_one(
    other_application, submitted_application, rubric, agency_user
):
    button = "Open a review round"
    assert button not in signed_in(agency_user).get(other_application.get_absolute_url()).content.decode()
    assert button in signed_in(agency_user).get(submitted_application.get_absolute_url()).content.decode()
    _open(submitted_application, rubric, agency_user)
    assert button not in signed_in(agency_user).get(submitted_application.get_absolute_url()).content.decode()
