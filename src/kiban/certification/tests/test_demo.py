"""The demo: a synthetic certification round for the ten hubs, loaded after the seeds' demo."""

import datetime

import pytest

from kiban.certification.choices import ApplicationState
from kiban.certification.demo import load_certification
from kiban.certification.models import CallEntry, Certificate, CertificationApplication
from kiban.certification.selectors import is_certified
from kiban.core.models import Organisation, User
from kiban.core.testing import demo_fixture, signed_in
from kiban.reviews.models import Assignment

_certification_demo = demo_fixture("certification", "facilities")  # with the seeds' demo it depends on


@pytest.fixture
def demo(_certification_demo, db):
    """The demo up to certification, loaded once for the module."""
    _certification_demo.ready()


def test_the_round_for_the_ten_hubs(demo):
    # given the demo
    applications = CertificationApplication.objects.filter(round__code="fy2024")

    # then all ten hubs applied: nine certified, Kyushu under review with the demo reviewers assigned
    assert applications.count() == 10
    states = dict(applications.values_list("organisation__name", "state"))
    assert states.pop("九州大学") == ApplicationState.UNDER_REVIEW
    assert set(states.values()) == {ApplicationState.CERTIFIED}
    kyushu = applications.get(organisation__name="九州大学")
    assert Assignment.objects.filter(round__object_id=kyushu.pk, conflict="none").count() == 2
    # and every application's roster, answers and figures were accepted by the services
    assert all(a.staff.count() >= 25 and a.outcomes.count() == 15 for a in applications)  # ③ roles extra


def test_certificates_validity_expiry_and_renewal(demo):
    osaka = Organisation.objects.get(name="大阪大学")
    tsukuba = Organisation.objects.get(name="筑波大学")
    assert Certificate.objects.count() == 9
    assert is_certified(osaka, datetime.date(2026, 11, 26))
    assert not is_certified(osaka, datetime.date(2029, 9, 1))
    assert is_certified(tsukuba, datetime.date(2026, 8, 31))
    assert not is_certified(tsukuba, datetime.date(2026, 9, 1))
    renewal = CertificationApplication.objects.get(round__code="fy2026", organisation=tsukuba)
    assert renewal.renews == Certificate.objects.get(organisation=tsukuba)
    assert renewal.state == ApplicationState.DRAFT
    assert sorted(CallEntry.objects.values_list("organisation__name", flat=True)) == ["京都大学", "大阪大学"]


def test_loading_again_changes_nothing(demo):
    counts = (
        CertificationApplication.objects.count(),
        Certificate.objects.count(),
        CallEntry.objects.count(),
    )
    load_certification()
    assert counts == (
        CertificationApplication.objects.count(),
        Certificate.objects.count(),
        CallEntry.objects.count(),
    )


def test_the_demo_pages_open(demo):
    hub_staff = signed_in(User.objects.get(username="hub_staff"))
    osaka = CertificationApplication.objects.get(round__code="fy2024", organisation__name="大阪大学")
    kyushu = CertificationApplication.objects.get(round__code="fy2024", organisation__name="九州大学")
    assert hub_staff.get("/certification/").status_code == 200
    assert hub_staff.get(osaka.get_absolute_url()).status_code == 200
    assert hub_staff.get(kyushu.get_absolute_url()).status_code == 403
    ministry = signed_in(User.objects.get(username="ministry_official"))
    for application in CertificationApplication.objects.all():
        assert ministry.get(application.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ja").status_code == 200
    assert signed_in(User.objects.get(username="reviewer")).get(kyushu.get_absolute_url()).status_code == 200
