"""Send-back (差戻し): the ministry or the agency returns an application for changes; hub staff edit and
resubmit. Through the service, the page and the API."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kiban.certification import services
from kiban.certification.choices import ApplicationState
from kiban.core.testing import signed_in

REASON = "人員表の生物統計家の所属を確認してください。"


def test_an_officer_returns_an_application_and_the_hub_resubmits_it(
    submitted_application, agency_user, hub_user, ministry_user
):
    # when the agency returns the submitted application, saying what must change
    services.application_return(application=submitted_application, reason=REASON, actor=agency_user)

    # then it is returned with the reason, the hub's staff are told, and they may change it again
    submitted_application.refresh_from_db()
    assert submitted_application.state == ApplicationState.RETURNED
    assert submitted_application.return_reason == REASON
    notice = hub_user.notifications.get(subject__startswith="Certification application returned for changes")
    assert notice.body == REASON
    services.application_update_statements(
        application=submitted_application, hub_statement="拠点を設置している（修正）。",
        organisation_statement="組織体制を整備している。", track_record_statement="実績がある。",
        training_statement="人材を育成している。", actor=hub_user,
    )  # fmt: skip

    # when the hub's staff send it again (even after the round has closed)
    services.application_submit(
        application=submitted_application,
        actor=hub_user,
        on=submitted_application.round.closes_on.replace(year=2099),
    )

    # then it is resubmitted and the ministry is told; the history keeps who returned it and why
    assert submitted_application.state == ApplicationState.RESUBMITTED
    assert ministry_user.notifications.filter(
        subject__startswith="Certification application resubmitted"
    ).exists()
    returned = submitted_application.history.get(history_change_reason__startswith="Returned")
    assert (returned.history_user, returned.history_change_reason) == (
        agency_user,
        f"Returned for changes: {REASON}",
    )


def test_a_return_needs_a_reason_and_an_official(submitted_application, agency_user, hub_user):
    with pytest.raises(ValidationError) as error:
        services.application_return(application=submitted_application, reason=" ", actor=agency_user)
    assert error.value.messages == ["Say what must change; the applicant receives it."]
    with pytest.raises(PermissionDenied):
        services.application_return(application=submitted_application, reason=REASON, actor=hub_user)
    submitted_application.refresh_from_db()
    assert submitted_application.state == ApplicationState.SUBMITTED


def test_a_draft_or_a_decided_application_cannot_be_returned(
    other_application, submitted_application, ministry_user
):
    with pytest.raises(ValidationError) as error:
        services.application_return(application=other_application, reason=REASON, actor=ministry_user)
    assert error.value.messages == [
        "Only a request waiting for screening or review can be returned for changes; this one is draft."
    ]
    services.application_decide(
        application=submitted_application, outcome="certify", rationale="可", actor=ministry_user
    )
    with pytest.raises(ValidationError) as error:
        services.application_return(application=submitted_application, reason=REASON, actor=ministry_user)
    assert error.value.messages == [
        "Only a request waiting for screening or review can be returned for changes; this one is certified."
    ]


def test_the_page_has_a_return_button_for_officials_only(submitted_application, agency_user, hub_user):
    url = submitted_application.get_absolute_url()
    assert 'id="return"' in signed_in(agency_user).get(url).content.decode()
    assert 'id="return"' not in signed_in(hub_user).get(url).content.decode()

    # hub staff posting the form are refused
    response = signed_in(hub_user).post(f"{url}return/", {"reason": REASON})
    assert response.status_code == 403

    # the agency returns it; the page shows the reason and offers the hub's staff to resubmit
    response = signed_in(agency_user).post(f"{url}return/", {"reason": REASON}, follow=True)
    assert "The application is returned for changes" in response.content.decode()
    page = signed_in(hub_user).get(url).content.decode()
    assert REASON in page and "Resubmit" in page and "Returned for changes" in page


def test_the_page_reports_a_return_without_a_reason(submitted_application, agency_user):
    url = submitted_application.get_absolute_url()
    response = signed_in(agency_user).post(f"{url}return/", {"reason": ""}, follow=True)
    assert "Say what must change; the applicant receives it." in response.content.decode()
    submitted_application.refresh_from_db()
    assert submitted_application.state == ApplicationState.SUBMITTED


def test_the_api_returns_an_application(submitted_application, agency_user, hub_user):
    url = f"/api/certification/applications/{submitted_application.pk}/return"
    body = json.dumps({"reason": REASON})
    refused = signed_in(hub_user).post(url, data=body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the ministry and the agency return an application for changes."
    response = signed_in(agency_user).post(url, data=body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["state"] == ApplicationState.RETURNED
    again = signed_in(agency_user).post(url, data=body, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["detail"] == (
        "Only a request waiting for screening or review can be returned for changes; "
        "this one is returned for changes."
    )


def test_a_certification_application_is_never_in_progress(submitted_application, ministry_user):
    from kiban.submissions import services as lifecycle

    services.application_decide(
        application=submitted_application, outcome="certify", rationale="可", actor=ministry_user
    )
    assert lifecycle.transition_refusal(submitted_application, "start") == (
        "A certification application is never in progress."
    )


def test_the_hub_withdraws_an_application_not_yet_decided(submitted_application, hub_user, agency_user):
    url = submitted_application.get_absolute_url()
    assert 'id="withdraw"' in signed_in(hub_user).get(url).content.decode()
    assert signed_in(agency_user).post(f"{url}withdraw/").status_code == 403
    response = signed_in(hub_user).post(f"{url}withdraw/", {"reason": "体制を見直す。"}, follow=True)
    assert "The application is withdrawn." in response.content.decode()
    submitted_application.refresh_from_db()
    assert submitted_application.state == ApplicationState.WITHDRAWN
    assert 'id="withdraw"' not in signed_in(hub_user).get(url).content.decode()
    again = signed_in(hub_user).post(
        f"/api/certification/applications/{submitted_application.pk}/withdraw",
        data=json.dumps({}),
        content_type="application/json",
    )
    assert again.status_code == 409
    assert again.json()["detail"] == "A request that is withdrawn can no longer be withdrawn."


def test_withdrawing_an_application_under_review_cancels_its_open_round(
    submitted_application, hub_user, agency_user
):
    from kiban.reviews import services as reviews
    from kiban.reviews.choices import RoundState

    rubric = reviews.rubric_create(
        name="認定審査", name_en="Certification review", scale_min=1, scale_max=5, higher_is_better=True,
        criteria=[{"name": "要件A–D"}],
    )  # fmt: skip
    round_ = reviews.review_round_open(
        target=submitted_application, rubric=rubric, title="認定審査", blind=False, due_date=None,
        actor=agency_user,
    )  # fmt: skip

    services.application_withdraw(application=submitted_application, reason="体制を見直す。", actor=hub_user)

    round_.refresh_from_db()
    assert round_.state == RoundState.CANCELLED
    assert round_.history.first().history_change_reason == "Review round cancelled: application withdrawn"
    assert round_.history.first().history_user == hub_user
