"""Calls limited to certified institutions refuse the others with a clear message."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kiban.certification import services
from kiban.certification.models import CallEntry
from kiban.core.testing import signed_in
from kiban.programmes.models import Programme
from kiban.submissions import services as lifecycle
from kiban.submissions.models import Call


@pytest.fixture
def programme(db) -> Programme:
    return Programme.objects.create(
        code="translational", name="橋渡し研究プログラム", name_en="Translational Research Program"
    )


@pytest.fixture
def call(programme, agency_user, today) -> Call:
    return lifecycle.call_create(
        system="certification", title="橋渡し研究プログラム 公募",
        title_en="Translational Research Program call", programme=programme,
        opens_on=today - datetime.timedelta(days=10), closes_on=today + datetime.timedelta(days=10),
        eligibility=["certified_institution"], actor=agency_user,
    )  # fmt: skip


def test_an_uncertified_institution_is_refused_with_the_reason(call, hub, hub_user, today):
    # given a hub holding no certificate
    # when its staff enter it into the certified-only call
    with pytest.raises(ValidationError) as error:
        services.call_entry_create(call=call, organisation=hub, title="提案", actor=hub_user)

    # then it is refused, saying why
    assert error.value.messages == [
        "“Translational Research Program call” is open to certified translational research support "
        "institutions (橋渡し研究支援機関) only, and Test hub holds no certificate valid on "
        f"{today.isoformat()}."
    ]
    assert not CallEntry.objects.exists()


def test_the_page_shows_the_refusal(call, hub, hub_user, today):
    client = signed_in(hub_user)
    response = client.post(f"/certification/calls/{call.pk}/", {"organisation": hub.pk, "title": "提案"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "is open to certified translational research support institutions" in text
    assert not CallEntry.objects.exists()


def test_a_certified_institution_enters(
    call, submitted_application, ministry_user, hub, hub_user, agency_user
):
    # given the hub is certified
    services.application_decide(
        application=submitted_application, outcome="certify", rationale="可", actor=ministry_user
    )

    # when its staff enter it
    response = signed_in(hub_user).post(
        f"/certification/calls/{call.pk}/", {"organisation": hub.pk, "title": "提案"}
    )

    # then the entry is accepted and the agency is told
    assert response.status_code == 302
    assert CallEntry.objects.get().organisation == hub
    assert agency_user.notifications.filter(subject="New entry to 橋渡し研究プログラム 公募").exists()


def test_an_expired_certificate_does_not_qualify(call, submitted_application, ministry_user, hub, hub_user):
    services.application_decide(
        application=submitted_application, outcome="certify", rationale="可", actor=ministry_user,
        decided_on=datetime.date(2015, 4, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.call_entry_create(call=call, organisation=hub, title="提案", actor=hub_user)
    assert error.value.code == "not_eligible"


def test_a_call_open_to_all_takes_any_institution(programme, agency_user, hub, hub_user, today):
    call = lifecycle.call_create(
        system="certification", title="一般公募", title_en="Open call", programme=programme, eligibility=[],
        opens_on=today, closes_on=today, actor=agency_user,
    )  # fmt: skip
    entry = services.call_entry_create(call=call, organisation=hub, title="提案", actor=hub_user)
    assert entry.pk


def test_a_closed_call_refuses_everyone(call, hub, hub_user, today):
    with pytest.raises(ValidationError) as error:
        services.call_entry_create(
            call=call,
            organisation=hub,
            title="提案",
            actor=hub_user,
            on=call.closes_on + datetime.timedelta(days=1),
        )
    assert "accepts entries from" in error.value.messages[0]


def test_hub_staff_enter_only_their_own_institution(call, other_hub, hub_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.call_entry_create(call=call, organisation=other_hub, title="提案", actor=hub_user)
