"""The audit trail: every kept change with who, when and why, filtered and shown before and after."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kiban.core import selectors
from kiban.core.audit import audited_delete, audited_save
from kiban.core.choices import Role
from kiban.core.models import ApiToken, Organisation, User
from kiban.core.testing import assert_constant_queries, client_for

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture
def official(db):
    return User.objects.create_user(
        "watanabe", "ministry@example.jp", "pw-for-tests-only", display_name="渡辺 大輔"
    )


@pytest.fixture
def officer(db):
    return User.objects.create_user("ito", "agency@example.jp", "pw-for-tests-only", display_name="伊藤 由美")


@pytest.fixture
def auditor_client(db):
    return client_for(Role.AUDITOR)


def backdate(organisation: Organisation, when: datetime.datetime) -> None:
    """Moves the newest kept change of the organisation to the given moment."""
    newest = Organisation.history.filter(id=organisation.pk).order_by("-history_id").first()
    Organisation.history.filter(history_id=newest.history_id).update(history_date=when)


def test_a_change_with_a_reason_is_kept_with_who_when_and_why(official):
    kyoto = Organisation.objects.create(name="京都大学", name_en="Kyoto Univ.", kind="translational_hub")
    before = timezone.now()

    # when the ministry official corrects the English name and says why
    kyoto.name_en = "Kyoto University"
    audited_save(kyoto, actor=official, reason="英語名の訂正")

    # then the audit trail shows it first, with who, when and why
    page = selectors.audit_trail(audit_filter=selectors.AuditFilter(model="core.organisation"))
    assert page.total == 2
    change = page.records[0]
    assert change.history_type == "~"
    assert change.history_user == official
    assert change.history_change_reason == "英語名の訂正"
    assert before <= change.history_date <= timezone.now()
    assert change.audit_label == "core.organisation"
    assert change.id == kyoto.pk
    assert page.records[1].history_type == "+"


def test_a_change_made_through_a_page_is_kept_with_the_signed_in_user(client, official):
    client.force_login(official)

    client.post("/account/api-tokens/", {"name": "notebook"})

    page = selectors.audit_trail(audit_filter=selectors.AuditFilter(model="core.apitoken"))
    [created] = page.records
    assert created.history_user == official
    assert created.history_change_reason == "API token created"
    assert created.id == ApiToken.objects.get().pk


@pytest.fixture
def kept_changes(official, officer, auditor_client):
    """Four changes to organisations by two people on four days of FY2021 (Tokyo time)."""
    kyoto = Organisation(name="京都大学", name_en="Kyoto Univ.", kind="translational_hub")
    audited_save(kyoto, actor=official, reason="新規登録")
    backdate(kyoto, datetime.datetime(2021, 4, 1, 0, 30, tzinfo=TOKYO))  # still 31 March in UTC
    osaka = Organisation(name="大阪大学", kind="translational_hub")
    audited_save(osaka, actor=officer, reason="新規登録（拠点）")
    backdate(osaka, datetime.datetime(2021, 5, 10, 12, 0, tzinfo=TOKYO))
    kyoto.name_en = "Kyoto University"
    audited_save(kyoto, actor=official, reason="英語名の訂正")
    backdate(kyoto, datetime.datetime(2021, 6, 15, 12, 0, tzinfo=TOKYO))
    osaka._history_user = officer
    osaka._change_reason = "重複登録"
    osaka_pk = osaka.pk
    osaka.delete()
    osaka.pk = osaka_pk
    backdate(osaka, datetime.datetime(2021, 7, 20, 9, 0, tzinfo=TOKYO))
    return kyoto


def audit_rows(response) -> list[tuple[str, str, str]]:
    """The rows of the audit page: who, change and why."""
    return [
        (str(r.history_user or ""), r.history_type, r.history_change_reason or "")
        for r in response.context["page"].items
    ]


def test_the_audit_page_lists_changes_newest_first_filtered_by_record_type(auditor_client, kept_changes):
    response = auditor_client.get("/audit/", {"model": "core.organisation"})

    assert response.status_code == 200
    # the four changes, and the organisation of the auditor's own membership, created by no one
    assert audit_rows(response) == [
        ("", "+", ""),
        ("伊藤 由美", "-", "重複登録"),
        ("渡辺 大輔", "~", "英語名の訂正"),
        ("伊藤 由美", "+", "新規登録（拠点）"),
        ("渡辺 大輔", "+", "新規登録"),
    ]
    assert "5 changes kept." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"username": "watanabe"}, [("~", "英語名の訂正"), ("+", "新規登録")]),
        ({"username": "nobody"}, []),
        ({"change_type": "~"}, [("~", "英語名の訂正")]),
        ({"change_type": "-"}, [("-", "重複登録")]),
        ({"reason": "新規"}, [("+", "新規登録（拠点）"), ("+", "新規登録")]),
        ({"reason": "訂正", "username": "ito"}, []),
        ({"since": "2021-05-01", "until": "2021-06-30"}, [("~", "英語名の訂正"), ("+", "新規登録（拠点）")]),
        ({"since": "2021-07-20", "until": "2021-07-20"}, [("-", "重複登録")]),
        # 00:30 on 1 April in Tokyo is 31 March in UTC; the dates are Tokyo dates
        ({"since": "2021-04-01", "until": "2021-04-01"}, [("+", "新規登録")]),
        ({"until": "2021-03-31"}, []),
    ],
)
def test_the_audit_page_filters_by_user_change_reason_and_dates(
    auditor_client, kept_changes, query, expected
):
    response = auditor_client.get("/audit/", {"model": "core.organisation", **query})

    assert response.status_code == 200
    assert [(change, why) for _who, change, why in audit_rows(response)] == expected
    assert response.context["page"].total == len(expected)


def test_the_audit_page_filters_across_record_types_by_user(auditor_client, kept_changes, official):
    token = ApiToken(user=official, name="notebook", key_hash="h2", key_hint="kbn_")
    audited_save(token, actor=official, reason="API token created")

    response = auditor_client.get("/audit/", {"username": "watanabe"})

    assert [(r.audit_label, r.history_change_reason) for r in response.context["page"].items] == [
        ("core.apitoken", "API token created"),
        ("core.organisation", "英語名の訂正"),
        ("core.organisation", "新規登録"),
    ]


def test_a_from_date_after_the_to_date_is_a_form_error(auditor_client, kept_changes):
    response = auditor_client.get("/audit/", {"since": "2021-07-01", "until": "2021-06-01"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["“From” must not be after “To”."]
    assert "“From” must not be after “To”." in response.content.decode()


def test_an_unreadable_date_is_a_field_error(auditor_client, kept_changes):
    response = auditor_client.get("/audit/", {"since": "last April"})

    assert response.context["form"].errors == {"since": ["Enter a valid date."]}


def test_the_audit_page_pages_through_older_changes(auditor_client, official):
    for number in range(54):
        Organisation.objects.create(name=f"機関 {number:02}", kind="university")

    # 54 organisations and the auditor's own: 55 creations
    first = auditor_client.get("/audit/", {"model": "core.organisation"})
    second = auditor_client.get("/audit/", {"model": "core.organisation", "page": "2"})

    assert first.context["page"].total == 55
    assert len(first.context["page"].items) == 50
    assert first.context["page"].has_next is True
    assert "?model=core.organisation&amp;page=2" in first.content.decode()
    assert len(second.context["page"].items) == 5
    assert second.context["page"].has_next is False
    shown = [r.history_id for r in first.context["page"].items] + [
        r.history_id for r in second.context["page"].items
    ]
    assert len(set(shown)) == 55
    assert shown == sorted(shown, reverse=True)


def test_the_audit_detail_page_shows_the_values_before_and_after(auditor_client, kept_changes):
    change = Organisation.history.get(history_type="~")

    response = auditor_client.get(f"/audit/core.organisation/{change.history_id}/")

    assert response.status_code == 200
    assert response.context["changes"] == [("name (English)", "Kyoto Univ.", "Kyoto University")]
    content = response.content.decode()
    assert "<td>name (English)</td><td>Kyoto Univ.</td><td>Kyoto University</td>" in content
    assert "渡辺 大輔" in content
    assert "英語名の訂正" in content
    assert "2021-06-15 12:00:00" in content


def test_the_audit_detail_of_a_creation_shows_every_field_as_new(auditor_client, kept_changes):
    created = Organisation.history.get(history_type="+", history_change_reason="新規登録")

    response = auditor_client.get(f"/audit/core.organisation/{created.history_id}/")

    changes = {name: (old, new) for name, old, new in response.context["changes"]}
    assert changes["name (Japanese)"] == (None, "京都大学")
    assert changes["name (English)"] == (None, "Kyoto Univ.")
    assert changes["kind"] == (None, "translational_hub")


@pytest.mark.parametrize("path", ["core.organisation/999999", "core.nosuchmodel/1", "auth.group/1"])
def test_an_unknown_kept_change_is_404(auditor_client, path):
    assert auditor_client.get(f"/audit/{path}/").status_code == 404


def test_the_audit_page_runs_the_same_number_of_queries_as_changes_grow(auditor_client, official):
    def add_changes(count: int) -> None:
        for _ in range(count):
            organisation = Organisation(name=f"機関 {Organisation.objects.count()}", kind="university")
            audited_save(organisation, actor=official, reason="新規登録")

    assert_constant_queries(auditor_client, "/audit/", add_changes)


def test_the_organisation_list_runs_the_same_number_of_queries_as_organisations_grow(db):
    lead = Organisation.objects.create(name="北海道大学", kind="translational_hub")

    def add_organisations(count: int) -> None:
        for _ in range(count):
            Organisation.objects.create(
                name=f"分担機関 {Organisation.objects.count()}", kind="university", lead_organisation=lead
            )

    assert_constant_queries(client_for(Role.RESEARCHER), "/organisations/", add_organisations)


def test_the_organisation_page_runs_the_same_number_of_queries_as_people_grow(db):
    kyoto = Organisation.objects.create(name="京都大学", kind="translational_hub")

    def add_people(count: int) -> None:
        for _ in range(count):
            user = User.objects.create_user(f"person{User.objects.count()}")
            user.memberships.create(organisation=kyoto, role=Role.RESEARCHER)
            Organisation.objects.create(
                name=f"分担機関 {Organisation.objects.count()}", kind="university", lead_organisation=kyoto
            )

    assert_constant_queries(client_for(Role.RESEARCHER), f"/organisations/{kyoto.pk}/", add_people)


def test_audited_save_and_delete_keep_who_and_why_outside_any_request(official):
    # given no request (a command, a task or an API token call has no middleware to name the user)
    kyoto = Organisation(name="京都大学", kind="translational_hub")

    # when a record is created, changed with only one field written, and deleted through the helpers
    audited_save(kyoto, actor=official, reason="新規登録")
    kyoto.name_en = "Kyoto University"
    audited_save(kyoto, actor=official, reason="英語名の追加", update_fields=["name_en"])
    kept_id = kyoto.pk
    audited_delete(kyoto, actor=official, reason="重複登録の削除")

    # then every history row names the official and the reason
    rows = list(Organisation.history.filter(id=kept_id).order_by("history_id"))
    assert [(r.history_type, r.history_user, r.history_change_reason) for r in rows] == [
        ("+", official, "新規登録"),
        ("~", official, "英語名の追加"),
        ("-", official, "重複登録の削除"),
    ]
    assert rows[1].name_en == "Kyoto University"


def test_audited_save_with_full_clean_saves_nothing_when_the_record_is_invalid(official):
    # given an organisation without a name
    nameless = Organisation(name="", kind="translational_hub")

    # when it is saved with the model's checks
    with pytest.raises(ValidationError):
        audited_save(nameless, actor=official, reason="新規登録", full_clean=True)

    # then nothing was saved and no history row was written
    assert not Organisation.objects.exists()
    assert not Organisation.history.exists()
