"""Correcting a budget amount: ministry officials only, with a reason, never overwriting another's change."""

import re

import pytest
from django.core import mail
from django.test import Client

from kiban.core.choices import Role
from kiban.core.models import Notification, Organisation, User
from kiban.core.testing import page_text, signed_in, user_with_role
from kiban.programmes.models import ProgrammeBudget


@pytest.fixture
def editor(demo_data) -> User:
    return User.objects.get(username="ministry_official")


@pytest.fixture
def second_official(demo_data) -> User:
    ministry = Organisation.objects.get(name="文部科学省")
    return user_with_role(Role.MINISTRY_OFFICIAL, organisation=ministry, username="second_official")


def _put(client: Client, budget: ProgrammeBudget, **payload):
    return client.put(f"/api/programmes/budgets/{budget.pk}", payload, content_type="application/json")


def _version_on_form(response) -> int:
    return int(re.search(r'name="version" value="(\d+)"', response.content.decode()).group(1))


# --- the API


def test_api_correction_bumps_the_version_and_keeps_who_and_why(editor, translational_fy2021):
    # given FY2021's translational budget at 5,223百万円, version 1
    # when a ministry official corrects it with a reason
    response = _put(
        signed_in(editor),
        translational_fy2021,
        amount_yen=5_300_000_000,
        version=1,
        reason="補正後の額に訂正",
    )

    # then the new amount and version come back and the audit trail names the editor and the reason
    assert response.status_code == 200
    assert response.json() == {
        "id": translational_fy2021.pk,
        "fiscal_year": 2021,
        "kind": "initial",
        "amount_yen": 5_300_000_000,
        "is_request": False,
        "version": 2,
    }
    translational_fy2021.refresh_from_db()
    assert (translational_fy2021.amount_yen, translational_fy2021.version) == (5_300_000_000, 2)
    latest = translational_fy2021.history.first()
    assert latest.history_change_reason == "補正後の額に訂正"
    assert latest.history_user == editor
    assert latest.amount_yen == 5_300_000_000
    assert translational_fy2021.history.count() == 2


def test_api_correction_notifies_the_agency_and_other_officials_but_not_the_editor(
    editor, second_official, translational_fy2021, django_capture_on_commit_callbacks
):
    # given the demo's agency officer and researcher, and a second ministry official
    agency_officer = User.objects.get(username="agency_officer")

    # when the first official corrects an amount
    with django_capture_on_commit_callbacks(execute=True):
        _put(
            signed_in(editor), translational_fy2021, amount_yen=5_300_000_000, version=1, reason="誤記の訂正"
        )

    # then the agency officer and the other official each get one inbox message; the editor gets none
    notified = Notification.objects.filter(subject__startswith="Budget changed")
    assert sorted(n.recipient.username for n in notified) == sorted(
        [agency_officer.username, second_official.username]
    )
    message = notified.get(recipient=agency_officer)
    assert (
        message.subject
        == "Budget changed: 橋渡し研究プログラム（橋渡し研究戦略的推進プログラム含む）, FY2021 (Reiwa 3)"
    )
    assert message.body == (
        "渡辺 大輔 changed the Initial budget from ¥5,223 million to ¥5,300 million. Reason: 誤記の訂正"
    )
    assert message.link == f"/programmes/{translational_fy2021.programme_id}/"
    assert not Notification.objects.filter(recipient=editor).exists()
    assert not Notification.objects.filter(recipient__username="researcher").exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([agency_officer.email, second_official.email])


@pytest.mark.parametrize("reason", ["", "   "])
def test_api_correction_without_a_reason_is_refused(editor, translational_fy2021, reason):
    # given FY2021's translational budget
    # when a correction comes without a reason
    response = _put(signed_in(editor), translational_fy2021, amount_yen=1, version=1, reason=reason)

    # then it is refused, saying why a reason is needed, and nothing changes
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Say why the amount changes; the reason is kept in the audit trail.",
        "code": "reason",
    }
    translational_fy2021.refresh_from_db()
    assert (translational_fy2021.amount_yen, translational_fy2021.version) == (5_223_000_000, 1)
    assert translational_fy2021.history.count() == 1
    assert not Notification.objects.exists()


def test_api_correction_to_a_negative_amount_is_refused(editor, translational_fy2021):
    # given FY2021's translational budget
    # when the amount is set below zero
    response = _put(signed_in(editor), translational_fy2021, amount_yen=-1, version=1, reason="test")

    # then it is refused and nothing changes
    assert response.status_code == 400
    assert response.json() == {"detail": "An amount cannot be negative.", "code": "negative_amount"}
    translational_fy2021.refresh_from_db()
    assert translational_fy2021.amount_yen == 5_223_000_000


def test_api_stale_correction_is_refused_and_the_other_write_is_kept(
    editor, second_official, translational_fy2021
):
    # given two officials who both read the budget at version 1
    first, second = signed_in(editor), signed_in(second_official)
    programme_url = f"/api/programmes/{translational_fy2021.programme_id}"
    read_first = next(
        b for b in first.get(programme_url).json()["budgets"] if b["id"] == translational_fy2021.pk
    )
    read_second = next(
        b for b in second.get(programme_url).json()["budgets"] if b["id"] == translational_fy2021.pk
    )
    assert read_first["version"] == read_second["version"] == 1

    # when the first saves, then the second saves from what they read
    saved = _put(
        first, translational_fy2021, amount_yen=5_300_000_000, version=read_first["version"], reason="A"
    )
    stale = _put(
        second, translational_fy2021, amount_yen=5_000_000_000, version=read_second["version"], reason="B"
    )

    # then the second is refused with the amount now recorded, and the first one's amount stays
    assert saved.status_code == 200
    assert stale.status_code == 409
    assert stale.json() == {
        "detail": "Someone else changed this amount while you were editing it (it is now ¥5,300 million). "
        "Reload the page and make your change again.",
        "code": "stale",
    }
    translational_fy2021.refresh_from_db()
    assert (translational_fy2021.amount_yen, translational_fy2021.version) == (5_300_000_000, 2)
    assert [h.history_change_reason for h in translational_fy2021.history.all()] == ["A", "Demo data loaded"]


def test_api_correction_by_a_researcher_is_forbidden_and_changes_nothing(
    researcher_client, translational_fy2021
):
    # given FY2021's translational budget
    # when a researcher tries to correct it
    response = researcher_client.put(
        f"/api/programmes/budgets/{translational_fy2021.pk}",
        {"amount_yen": 1, "version": 1, "reason": "x"},
        content_type="application/json",
    )

    # then it is forbidden with a readable message and nothing changes
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only ministry officials may change budget amounts.",
        "code": "forbidden",
    }
    translational_fy2021.refresh_from_db()
    assert translational_fy2021.amount_yen == 5_223_000_000


def test_api_correction_of_an_unknown_budget_is_404(editor):
    # given the demo data
    # when a budget id that does not exist is corrected
    response = _put(signed_in(editor), ProgrammeBudget(pk=999999), amount_yen=1, version=1, reason="x")

    # then the answer says so
    assert response.status_code == 404
    assert response.json() == {"detail": "No budget has id 999999.", "code": "not_found"}


# --- the page


def test_page_offers_the_current_amount_and_version(editor, translational_fy2021):
    # given FY2021's translational budget
    # when a ministry official opens the correction page
    response = signed_in(editor).get(f"/programmes/budgets/{translational_fy2021.pk}/edit/")

    # then it shows what is being corrected and carries the version it edits
    assert response.status_code == 200
    assert "FY2021 (Reiwa 3), Initial budget: ¥5,223 million" in page_text(response)
    assert _version_on_form(response) == 1


def test_page_correction_in_million_yen_is_saved_exactly(editor, translational_fy2021):
    # given FY2021's translational budget
    # when a ministry official enters 5,300.5百万円 with a reason
    response = signed_in(editor).post(
        f"/programmes/budgets/{translational_fy2021.pk}/edit/",
        {"amount_million": "5300.5", "version": "1", "reason": "資料の訂正"},
        follow=True,
    )

    # then the programme page confirms it, and the exact yen, the new version and the reason are kept
    assert response.redirect_chain == [(f"/programmes/{translational_fy2021.programme_id}/", 302)]
    assert "The amount is changed and the change is recorded." in page_text(response)
    translational_fy2021.refresh_from_db()
    assert (translational_fy2021.amount_yen, translational_fy2021.version) == (5_300_500_000, 2)
    latest = translational_fy2021.history.first()
    assert (latest.history_change_reason, latest.history_user) == ("資料の訂正", editor)


def test_page_correction_notifies_the_agency_and_other_officials(
    editor, second_official, translational_fy2021
):
    # given a second ministry official and the demo's agency officer
    # when the first official saves a correction on the page
    signed_in(editor).post(
        f"/programmes/budgets/{translational_fy2021.pk}/edit/",
        {"amount_million": "5300", "version": "1", "reason": "訂正"},
    )

    # then the others find it in their inbox, the editor does not
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"agency_officer", "second_official"}


def test_page_correction_without_a_reason_is_refused(editor, translational_fy2021):
    # given FY2021's translational budget
    # when the form is sent without a reason
    response = signed_in(editor).post(
        f"/programmes/budgets/{translational_fy2021.pk}/edit/",
        {"amount_million": "5300", "version": "1", "reason": "  "},
    )

    # then the form comes back saying the reason is required, and nothing changes
    assert response.status_code == 400
    assert "This field is required." in page_text(response)
    translational_fy2021.refresh_from_db()
    assert (translational_fy2021.amount_yen, translational_fy2021.version) == (5_223_000_000, 1)
    assert not Notification.objects.exists()


def test_page_stale_correction_is_refused_and_the_other_write_is_kept(
    editor, second_official, translational_fy2021
):
    # given two officials who opened the same correction form
    url = f"/programmes/budgets/{translational_fy2021.pk}/edit/"
    first, second = signed_in(editor), signed_in(second_official)
    first_version = _version_on_form(first.get(url))
    second_version = _version_on_form(second.get(url))

    # when the first saves, then the second saves the form they opened
    saved = first.post(url, {"amount_million": "5300", "version": first_version, "reason": "A"})
    stale = second.post(url, {"amount_million": "5000", "version": second_version, "reason": "B"})

    # then the second is told someone else changed it, and the first one's amount stays
    assert saved.status_code == 302
    assert stale.status_code == 409
    assert (
        "Someone else changed this amount while you were editing it (it is now ¥5,300 million). "
        "Reload the page and make your change again."
    ) in page_text(stale)
    translational_fy2021.refresh_from_db()
    assert (translational_fy2021.amount_yen, translational_fy2021.version) == (5_300_000_000, 2)
    assert translational_fy2021.history.first().history_change_reason == "A"


def test_page_for_an_unknown_budget_is_404(editor):
    # given the demo data
    # when the correction page of a budget that does not exist is opened
    response = signed_in(editor).get("/programmes/budgets/999999/edit/")

    # then it is not found
    assert response.status_code == 404


def test_the_correct_link_is_shown_only_to_ministry_officials(
    editor, researcher_client, translational_fy2021
):
    # given the translational programme page
    url = f"/programmes/{translational_fy2021.programme_id}/"
    edit = f'href="/programmes/budgets/{translational_fy2021.pk}/edit/"'

    # when a ministry official and a researcher open it
    # then only the official sees the link to correct an amount
    assert edit in signed_in(editor).get(url).content.decode()
    assert edit not in researcher_client.get(url).content.decode()


def test_an_amount_past_a_thousand_trillion_yen_is_refused(editor, translational_fy2021):
    for amount in (10**20, 9_223_372_036_854_775_807, 10**15 + 1):
        response = _put(signed_in(editor), translational_fy2021, amount_yen=amount, version=1, reason="誤記")
        assert response.status_code == 422, amount
        detail = response.json()["detail"]
        assert "amount_yen: Input should be less than or equal to 1000000000000000" in detail
    translational_fy2021.refresh_from_db()
    assert translational_fy2021.amount_yen == 5_223_000_000


def test_a_fiscal_year_of_five_thousand_digits_is_refused(editor):
    response = signed_in(editor).get("/api/programmes?fiscal_year=" + "9" * 5000)

    assert response.status_code in (400, 422)
    assert "is not a fiscal year" in response.json()["detail"]
