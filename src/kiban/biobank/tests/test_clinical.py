"""Clinical updates: a file checked whole and previewed, applied in one transaction only on confirmation,
versions instead of overwrites, and search counts as recorded (or true) on a day."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kiban.biobank import clinical
from kiban.biobank.choices import FactKind, UpdateState
from kiban.biobank.clinical import AsOf
from kiban.biobank.models import ClinicalFact, ClinicalUpdate, Diagnosis, Participant, TimelineView
from kiban.biobank.search import search_run
from kiban.core.choices import Role
from kiban.core.errors import StateConflict
from kiban.core.testing import page_text, signed_in, user_with_role

HEADER = "participant,kind,item,value,unit,date,until,source,action,reason\n"
TODAY = timezone.localdate()
LAST_MONTH = (TODAY - datetime.timedelta(days=30)).isoformat()


@pytest.fixture
def backdated(world):
    """The small world as recorded two months ago, so that today's updates are after it."""
    then = timezone.now() - datetime.timedelta(days=60)
    Participant.objects.update(recorded_at=then)
    Diagnosis.objects.update(recorded_at=then)
    return world


def preview(world, curator, text: str, name: str = "updates.csv"):
    return clinical.update_preview(biobank=world["tmm"], name=name, content=text.encode(), actor=curator)


def tmm_count(curator, tree, as_of=clinical.NOW) -> int:
    result = search_run(tree=tree, user=curator, address=None, as_of=as_of)
    (row,) = [row for row in result.biobanks if row.biobank.code == "TMM"]
    assert row.cell.exact
    return row.cell.shown.value


def test_a_file_is_previewed_line_by_line_and_nothing_changes_until_applied(backdated, curator):
    text = HEADER + (
        f"P001,covid19,,5,,{LAST_MONTH},,hospital,,PCR positive\n"
        f"P002,diagnosis,J45.1,,,{LAST_MONTH},,hospital,,\n"
        "P003,diagnosis,J45.0,,,,,import,,\n"  # import is not a source a curator gives
        "P004,covid19,,11,,2021-01-05,,hospital,,\n"
        "NOBODY,lab,HbA1c,6.9,%,2024-01-01,,hospital,,\n"
        f"P001,covid19,,4,,{LAST_MONTH},,hospital,,\n"
        "P005,vaccination,BNT162b2,3,,2023-01-01,,registry,retract,\n"
    )
    update = preview(backdated, curator, text)
    outcome = {line.number: (line.status, line.problem) for line in clinical.lines_of(update)}
    assert outcome[2] == ("new", "")
    assert outcome[3] == ("new", "")
    assert outcome[4][0] == "rejected" and "source" in outcome[4][1]
    assert outcome[5][0] == "rejected" and "1 to 10" in outcome[5][1]
    assert outcome[6][0] == "rejected" and "no participant “NOBODY”" in outcome[6][1]
    assert outcome[7][0] == "rejected" and "line 2" in outcome[7][1]
    assert outcome[8] == ("rejected", "there is no such fact to retract.")
    assert (update.new, update.changed, update.unchanged, update.rejected) == (2, 0, 0, 5)
    assert not ClinicalFact.objects.exists()
    with pytest.raises(ValidationError, match="5 lines are rejected"):
        clinical.update_apply(update=update, actor=curator)
    assert not ClinicalFact.objects.exists() and Diagnosis.objects.filter(code="J45.1").count() == 0


def test_applying_adds_versions_and_the_same_file_again_changes_nothing(backdated, curator):
    first = (
        HEADER + f"P001,covid19,,3,,{LAST_MONTH},,hospital,,\nP002,diagnosis,J45.0,,,2019-04-01,,hospital,,\n"
    )
    update = preview(backdated, curator, first)
    assert (update.new, update.changed, update.unchanged) == (1, 1, 0)  # P002 had J45.0 without a date
    clinical.update_apply(update=update, actor=curator)
    old, new = Diagnosis.objects.filter(participant__pseudonym="P002", code="J45.0").order_by("recorded_at")
    assert old.superseded_at is not None and old.diagnosed_on is None  # kept as it was, closed
    assert new.superseded_at is None and new.diagnosed_on == datetime.date(2019, 4, 1)
    assert new.entered_by == curator and new.update == update and new.source == "hospital"

    again = preview(backdated, curator, first)
    assert (again.new, again.changed, again.unchanged, again.rejected) == (0, 0, 2, 0)
    versions = Diagnosis.objects.count() + ClinicalFact.objects.count()
    clinical.update_apply(update=again, actor=curator)
    assert Diagnosis.objects.count() + ClinicalFact.objects.count() == versions

    corrected = preview(backdated, curator, HEADER + f"P001,covid19,,6,,{LAST_MONTH},,hospital,,review\n")
    assert corrected.changed == 1
    clinical.update_apply(update=corrected, actor=curator)
    scales = list(
        ClinicalFact.objects.filter(participant__pseudonym="P001")
        .order_by("recorded_at")
        .values_list("value_number", "superseded_at")
    )
    assert [int(scale) for scale, _s in scales] == [3, 6]
    assert scales[0][1] is not None and scales[1][1] is None


def test_a_retraction_is_a_version_and_leaves_the_counts(backdated, curator):
    clinical.update_apply(
        update=preview(backdated, curator, HEADER + f"P001,covid19,,5,,{LAST_MONTH},,hospital,,\n"),
        actor=curator,
    )
    assert tmm_count(curator, {"covid19": {"min_scale": 1}}) == 1
    retraction = preview(
        backdated, curator, HEADER + f"P001,covid19,,,,{LAST_MONTH},,hospital,retract,wrong participant\n"
    )
    assert retraction.changed == 1
    clinical.update_apply(update=retraction, actor=curator)
    assert tmm_count(curator, {"covid19": {"min_scale": 1}}) == 0
    assert ClinicalFact.objects.filter(retracted=True, reason="wrong participant").count() == 1
    assert ClinicalFact.objects.count() == 2


def test_counts_change_only_for_as_of_days_after_the_update(backdated, curator):
    """The Done-when: a curator's update changes today's counts, not the counts as recorded before it."""
    yesterday = AsOf(recorded_on=TODAY - datetime.timedelta(days=1))
    asthma = {"disease": "J45.1"}
    covid = {"covid19": {"min_scale": 4}}
    assert tmm_count(curator, asthma) == tmm_count(curator, asthma, yesterday) == 0
    lines = "".join(f"P{n:03d},diagnosis,J45.1,,,2020-01-01,,hospital,,\n" for n in range(1, 13))
    lines += "".join(f"P{n:03d},covid19,,5,,2021-05-0{n},,hospital,,\n" for n in range(1, 4))
    clinical.update_apply(update=preview(backdated, curator, HEADER + lines), actor=curator)
    assert tmm_count(curator, asthma) == 12
    assert tmm_count(curator, asthma, yesterday) == 0
    assert tmm_count(curator, covid) == 3 and tmm_count(curator, covid, yesterday) == 0
    # As true on a day: the diagnoses dated 2020-01-01 were not yet true at the end of 2019.
    assert tmm_count(curator, asthma, AsOf(true_on=datetime.date(2019, 12, 31))) == 0
    assert tmm_count(curator, asthma, AsOf(true_on=datetime.date(2020, 1, 1))) == 12
    # Participants entered after the day are not counted as of it either.
    long_ago = AsOf(recorded_on=TODAY - datetime.timedelta(days=90))
    assert tmm_count(curator, {"sex": "female"}, long_ago) == 0


def test_an_as_of_search_is_another_question_with_its_own_noise(backdated, curator):
    researcher = user_with_role(Role.RESEARCHER)
    today = search_run(tree={"sex": "female"}, user=researcher, address=None)
    then = search_run(tree={"sex": "female"}, user=researcher, address=None, as_of=AsOf(recorded_on=TODAY))
    assert then.budget_left == today.budget_left - 1
    assert then.as_of.recorded_on == TODAY


def test_a_preview_made_stale_by_another_file_is_refused(backdated, curator):
    line = HEADER + f"P001,covid19,,5,,{LAST_MONTH},,hospital,,\n"
    first, second = preview(backdated, curator, line), preview(backdated, curator, line, "again.csv")
    clinical.update_apply(update=first, actor=curator)
    with pytest.raises(StateConflict, match="changed since this preview"):
        clinical.update_apply(update=second, actor=curator)
    with pytest.raises(StateConflict, match="already applied"):
        clinical.update_apply(update=first, actor=curator)
    assert ClinicalFact.objects.count() == 1
    assert ClinicalUpdate.objects.get(pk=second.pk).state == UpdateState.PREVIEWED


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("updates.xlsx", b"x", "not “.xlsx”"),
        ("updates.csv", b"", "empty"),
        ("updates.csv", b"participant,kind\nP001,covid19\n", "header must name"),
        ("updates.csv", "participant,kind,source\n".encode("utf-16"), "not UTF-8"),
        ("updates.csv", b"participant,kind,source\n", "no lines"),
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(world, curator, name, content, message):
    with pytest.raises(ValidationError, match=message):
        clinical.update_preview(biobank=world["tmm"], name=name, content=content, actor=curator)
    assert not ClinicalUpdate.objects.exists()


def test_only_the_biobanks_own_curators_update_it_and_open_timelines(world, curator):
    other = user_with_role(
        Role.BIOBANK_CURATOR, username="bbj_curator", organisation=world["bbj"].organisation
    )
    with pytest.raises(PermissionDenied):
        preview(world, other, HEADER + "P001,covid19,,2,,2021-01-01,,hospital,,\n")
    update = preview(world, curator, HEADER + "P001,covid19,,2,,2021-01-01,,hospital,,\n")
    client = signed_in(other)
    assert client.get(update.get_absolute_url()).status_code == 403
    assert client.post(reverse("biobank:update-apply", args=[update.pk])).status_code == 403
    assert client.get(reverse("biobank:timeline", args=["TMM", "P001"])).status_code == 403
    assert client.get(reverse("biobank:timeline", args=["BBJ", "B001"])).status_code == 200
    researcher = signed_in(user_with_role(Role.RESEARCHER))
    assert researcher.get(reverse("biobank:updates")).status_code == 403
    assert reverse("biobank:updates") not in researcher.get(reverse("home")).content.decode()
    assert reverse("biobank:updates") in signed_in(curator).get(reverse("home")).content.decode()
    assert ClinicalUpdate.objects.get(pk=update.pk).state == UpdateState.PREVIEWED


def test_the_pages_upload_preview_apply_and_the_timeline_shows_who_looked(backdated, curator):
    client = signed_in(curator)
    page = client.get(reverse("biobank:updates"))
    assert page.status_code == 200
    example = client.get(reverse("biobank:update-example") + "?biobank=TMM")
    assert example.status_code == 200 and example.content.decode().startswith(HEADER.strip())
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("example.csv", example.content, content_type="text/csv")
    answer = client.post(reverse("biobank:updates"), {"biobank": "TMM", "file": upload})
    update = ClinicalUpdate.objects.get()
    assert answer.status_code == 302 and answer["Location"] == update.get_absolute_url()
    assert (update.new + update.changed, update.rejected) == (6, 0), clinical.lines_of(update)
    text = page_text(client.get(update.get_absolute_url()))
    assert "Apply 6 changes" in text
    client.post(reverse("biobank:update-apply", args=[update.pk]))
    update.refresh_from_db()
    assert update.state == UpdateState.APPLIED
    assert ClinicalFact.objects.filter(kind=FactKind.VACCINATION).count() == 1
    first = clinical.lines_of(update)[0].pseudonym
    timeline = client.get(reverse("biobank:timeline", args=["TMM", first]))
    assert timeline.status_code == 200 and "WHO scale 5" in page_text(timeline)
    assert TimelineView.objects.filter(viewer=curator).count() == 1
    bad = client.post(
        reverse("biobank:updates"),
        {"biobank": "TMM", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf")},
    )
    assert bad.status_code == 400 and "not “.pdf”" in page_text(bad)


def test_the_search_page_says_which_as_of_it_used(backdated, curator):
    client = signed_in(curator)
    day = (TODAY - datetime.timedelta(days=1)).isoformat()
    page = client.get(reverse("biobank:search"), {"sex": "female", "recorded_on": day})
    assert page.status_code == 200
    assert f"As recorded on {day}" in page_text(page)
    future = (TODAY + datetime.timedelta(days=1)).isoformat()
    refused = client.get(reverse("biobank:search"), {"sex": "female", "recorded_on": future})
    assert refused.status_code == 400 and "up to today" in page_text(refused)


def test_the_api_previews_applies_and_reads_the_timeline(backdated, curator):
    client = signed_in(curator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    line = HEADER + f"P001,lab,HbA1c,7.2,%,{LAST_MONTH},,hospital,,\n"
    answer = client.post(
        "/api/biobank/clinical-updates",
        {"biobank": "TMM", "file": SimpleUploadedFile("u.csv", line.encode(), content_type="text/csv")},
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["state"], body["new"], body["lines"][0]["status"]) == ("previewed", 1, "new")
    applied = client.post(f"/api/biobank/clinical-updates/{body['id']}/apply")
    assert applied.status_code == 200 and applied.json()["state"] == "applied"
    again = client.post(f"/api/biobank/clinical-updates/{body['id']}/apply")
    assert again.status_code == 409
    timeline = client.get("/api/biobank/participants/TMM/P001/timeline")
    assert timeline.status_code == 200
    events = timeline.json()["items"]
    assert [event["item"] for event in events if event["kind"] == "Laboratory value"] == ["HbA1c"]
    search = client.post(
        "/api/biobank/search",
        {"criteria": {"lab": {"item": "hba1c", "min": 7}}, "recorded_on": TODAY.isoformat()},
        content_type="application/json",
    )
    assert search.status_code == 200 and search.json()["recorded_on"] == TODAY.isoformat()
    future = client.post(
        "/api/biobank/search",
        {"criteria": {"sex": "female"}, "recorded_on": (TODAY + datetime.timedelta(days=2)).isoformat()},
        content_type="application/json",
    )
    assert future.status_code == 400
    researcher = signed_in(user_with_role(Role.RESEARCHER))
    assert researcher.get(f"/api/biobank/clinical-updates/{body['id']}").status_code == 403
    assert researcher.get("/api/biobank/participants/TMM/P001/timeline").status_code == 403


@pytest.mark.parametrize(
    ("leaf", "message"),
    [
        ({"covid19": {"min_scale": 11}}, "from 1 to 10"),
        ({"covid19": {"severity": 4}}, "min_scale"),
        ({"lab": {"item": "HbA1c", "min": float("nan")}}, "below 10⁹"),
        ({"lab": {"item": "HbA1c", "min": 9, "max": 5}}, "above the highest"),
        ({"lab": {"min": 5}}, "is written"),
        ({"vital_status": "missing"}, "vital status"),
        ({"vaccination": "x\x00"}, "NUL"),
    ],
)
def test_clinical_criteria_that_cannot_be_read_say_why(leaf, message):
    from kiban.biobank.criteria import CriteriaError, GenomeAccess, normalise

    genome = GenomeAccess(may_use=lambda _d: False, carriers=lambda _d, _v: [], variant_id=str)
    with pytest.raises(CriteriaError, match=message):
        normalise(leaf, genome=genome, codes={"biobanks": set(), "collections": set()})
    assert normalise({"lab": {"item": "HbA1c", "min": 6.5}}, genome=genome, codes={}) == {
        "lab": {"item": "hba1c", "min": 6.5}
    }
