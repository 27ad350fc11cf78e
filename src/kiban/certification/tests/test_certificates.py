"""The ministerial decision through the review engine, certificates, validity, renewal and expiry."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kiban.certification import selectors, services
from kiban.certification.choices import ApplicationState
from kiban.certification.models import Certificate, CertificationRound
from kiban.core.fiscal import FiscalYear
from kiban.core.testing import signed_in
from kiban.reviews import services as reviews
from kiban.reviews.models import Rubric

from .conftest import complete


@pytest.fixture
def rubric(db) -> Rubric:
    return reviews.rubric_create(
        name="認定審査", name_en="Certification review", scale_min=1, scale_max=5, higher_is_better=True,
        criteria=[{"name": "要件A–D"}, {"name": "取組の成果"}],
    )  # fmt: skip


def _decide(application, *, outcome, actor, rubric, rationale="要件を満たす。"):
    round_ = reviews.review_round_open(
        target=application, rubric=rubric, title="認定審査", blind=False, due_date=None, actor=actor
    )
    reviews.review_round_close(round=round_, actor=actor)
    return reviews.decision_record(round=round_, outcome=outcome, rationale=rationale, actor=actor)


def test_a_ministerial_decision_to_certify_issues_a_five_year_certificate(
    submitted_application, ministry_user, hub_user, rubric, today
):
    # given a submitted application under review
    # when the ministry records the decision to certify
    _decide(submitted_application, outcome="certify", actor=ministry_user, rubric=rubric)

    # then the application is certified and a certificate is numbered, valid five years less a day
    submitted_application.refresh_from_db()
    assert submitted_application.state == ApplicationState.CERTIFIED
    certificate = Certificate.objects.get()
    assert certificate.number == f"TR-{FiscalYear.of(today).year}-001"
    assert (certificate.organisation, certificate.valid_from) == (submitted_application.organisation, today)
    assert certificate.valid_until == today.replace(year=today.year + 5) - datetime.timedelta(days=1)
    assert submitted_application.decision_reason == "要件を満たす。"
    # and the hub's staff receive the certificate notice as well as the engine's decision notice
    subjects = list(hub_user.notifications.values_list("subject", flat=True))
    assert (
        f"Certified as a translational research support institution: certificate {certificate.number}"
        in subjects
    )
    assert selectors.is_certified(submitted_application.organisation, today)


def test_a_decision_not_to_certify_issues_nothing(
    submitted_application, ministry_user, hub_user, rubric, today
):
    _decide(
        submitted_application, outcome="reject", actor=ministry_user, rubric=rubric, rationale="実績が不足。"
    )
    submitted_application.refresh_from_db()
    assert submitted_application.state == ApplicationState.REJECTED
    assert not Certificate.objects.exists()
    assert not selectors.is_certified(submitted_application.organisation, today)
    # and the hub's staff receive one decision notice, the engine's with its reasons
    subjects = list(hub_user.notifications.values_list("subject", flat=True))
    assert [s for s in subjects if s.startswith(("Decision on", "Not certified"))] == [
        "Decision on Certification application: 試験機関 hub_staff, 認定（試験）: Do not certify"
    ]


def test_only_the_ministry_decides_even_though_the_agency_manages_the_review(
    submitted_application, agency_user, rubric
):
    # given the agency manages the review round
    round_ = reviews.review_round_open(
        target=submitted_application,
        rubric=rubric,
        title="認定審査",
        blind=False,
        due_date=None,
        actor=agency_user,
    )
    reviews.review_round_close(round=round_, actor=agency_user)

    # when the agency records a decision
    with pytest.raises(ValidationError) as error:
        reviews.decision_record(round=round_, outcome="certify", rationale="可", actor=agency_user)

    # then it is refused and nothing is issued
    assert error.value.messages == ["Only the ministry decides on certification."]
    submitted_application.refresh_from_db()
    assert submitted_application.state == ApplicationState.UNDER_REVIEW  # as the open round left it
    assert not Certificate.objects.exists()


def test_a_decision_may_set_another_validity(submitted_application, ministry_user, today):
    certificate = services.application_decide(
        application=submitted_application, outcome="certify", rationale="3年間の認定とする。",
        actor=ministry_user, valid_until=today.replace(year=today.year + 3),
    )  # fmt: skip
    assert certificate.valid_until == today.replace(year=today.year + 3)


def test_a_certificate_past_its_end_date_no_longer_certifies(submitted_application, ministry_user, today):
    # given a certificate valid from 2021-09-01 to 2026-08-31
    certificate = services.application_decide(
        application=submitted_application, outcome="certify", rationale="可", actor=ministry_user,
        decided_on=datetime.date(2021, 9, 1),
    )  # fmt: skip
    organisation = certificate.organisation
    assert certificate.valid_until == datetime.date(2026, 8, 31)

    # then the institution is certified on its last day and not the day after, nor before it starts
    assert selectors.is_certified(organisation, datetime.date(2026, 8, 31))
    assert not selectors.is_certified(organisation, datetime.date(2026, 9, 1))
    assert not selectors.is_certified(organisation, datetime.date(2021, 8, 31))


def test_the_ministry_shortens_a_validity_with_a_reason(submitted_application, ministry_user, today):
    certificate = services.application_decide(
        application=submitted_application, outcome="certify", rationale="可", actor=ministry_user
    )
    services.certificate_validity_change(
        certificate=certificate, valid_until=today, reason="決定により1日限り", actor=ministry_user
    )
    assert selectors.is_certified(certificate.organisation, today)
    assert not selectors.is_certified(certificate.organisation, today + datetime.timedelta(days=1))
    assert certificate.history.first().history_change_reason == "決定により1日限り"


def test_a_renewal_continues_the_day_after_the_certificate_ends(
    submitted_application, ministry_user, hub_user, partner, open_round, today
):
    # given a certificate still valid for 100 days
    old = services.application_decide(
        application=submitted_application, outcome="certify", rationale="可", actor=ministry_user,
        decided_on=today - datetime.timedelta(days=5 * 365 - 100),
    )  # fmt: skip
    renewal_round = CertificationRound.objects.create(
        code="renewal", title="更新", title_en="Renewal", fiscal_year=open_round.fiscal_year + 1,
        opens_on=open_round.opens_on, closes_on=open_round.closes_on,
    )  # fmt: skip

    # when a renewal is filed, linked to the certificate, and certified today
    renewal = services.application_create(
        round=renewal_round, organisation=old.organisation, renews=old, actor=hub_user
    )
    complete(renewal, actor=hub_user, partner=partner)
    services.application_submit(application=renewal, actor=hub_user)
    new = services.application_decide(
        application=renewal, outcome="certify", rationale="更新", actor=ministry_user
    )

    # then the new certificate starts the day after the old one ends and names it
    assert new.renews == old
    assert new.valid_from == old.valid_until + datetime.timedelta(days=1)
    assert new.number != old.number
    assert list(old.renewed_by.all()) == [new]


def test_a_renewal_must_be_of_the_institutions_own_certificate(
    submitted_application, ministry_user, other_hub, other_hub_user, open_round
):
    certificate = services.application_decide(
        application=submitted_application, outcome="certify", rationale="可", actor=ministry_user
    )
    later = CertificationRound.objects.create(
        code="later", title="次回", title_en="Later", fiscal_year=open_round.fiscal_year + 1,
        opens_on=open_round.opens_on, closes_on=open_round.closes_on,
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.application_create(
            round=later, organisation=other_hub, renews=certificate, actor=other_hub_user
        )
    assert error.value.messages == [f"Certificate {certificate.number} was issued to another institution."]


def test_the_certified_list_marks_expired_certificates(submitted_application, ministry_user, hub_user):
    services.application_decide(
        application=submitted_application, outcome="certify", rationale="可", actor=ministry_user,
        decided_on=datetime.date(2015, 4, 1),
    )  # fmt: skip
    response = signed_in(hub_user).get("/certification/")
    text = response.content.decode()
    assert "No institution holds a certificate valid on that day." in text
    assert "Expired" in text
    on_2016 = signed_in(hub_user).get("/certification/?on=2016-04-01").content.decode()
    assert 'id="certified"' in on_2016


@pytest.mark.parametrize("on", ["last April", "2016-02-30", "20160401", "２０１６-０４-０１"])
def test_an_unreadable_day_on_the_certified_list_is_a_400_page_saying_how_to_write_it(hub_user, on):
    # given a signed-in hub member
    # when the certified list is asked for a day it cannot read
    response = signed_in(hub_user).get("/certification/", {"on": on})

    # then the page says so (not today's list, not a server error)
    assert response.status_code == 400
    assert response.context["message"] == (
        f"“{on}” is not a day: write it as YYYY-MM-DD, for example 2024-04-01."
    )
    assert 'id="certified"' not in response.content.decode()


def test_a_certificate_number_follows_the_highest_of_the_year_not_the_count(
    submitted_application, other_application, ministry_user, today
):
    # given the year's certificate 001 was deleted and 002 remains
    year = FiscalYear.of(today).year
    Certificate.objects.create(
        number=f"TR-{year}-002", organisation=other_application.organisation,
        application=other_application, valid_from=today, valid_until=today,
        issued_on=today, issued_by=ministry_user,
    )  # fmt: skip

    certificate = services.application_decide(
        application=submitted_application, outcome="certify", rationale="可", actor=ministry_user
    )

    assert certificate.number == f"TR-{year}-003"
