"""The request's lifecycle and each biobank's part: every step and its refusals, the overall-state rule, the
committee's decision, the agreement before provision, withdrawal, reminders and who is told what."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from kiban.agreements.choices import AgreementKind, AgreementState
from kiban.biobank_access import selectors, services
from kiban.biobank_access.choices import CommitteeDecision, Overall, PartState, PartStep
from kiban.biobank_access.demo import committee_decide
from kiban.biobank_access.models import AccessPart, AccessRequest
from kiban.core.errors import StateConflict
from kiban.core.models import Notification
from kiban.reviews.models import ReviewRound, RoundState
from kiban.submissions.choices import SubmissionState

from .conftest import draft, part_of, pdf, submitted, to_conditions_met, to_decided


def inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def test_a_draft_carries_the_counts_the_researcher_is_shown_per_biobank(world):
    access = draft(world, [world.bbj, world.tmm, world.ncbn])
    counts = dict(access.parts.values_list("biobank__code", "counts_shown"))
    # Asthma, women aged 40–60: 31 at TMM (P001–P030, P046), 25 at BBJ; NCBN has nobody, shown as "<10".
    assert counts == {"TMM": "31", "BBJ": "25", "NCBN": "<10"}
    assert access.total_shown == "56"
    tmm = part_of(access, world.tmm)
    assert tmm.collections_shown == [
        {"code": "TMM/community", "name": "地域住民コホート", "name_en": "Community cohort", "shown": "31"}
    ]
    assert set(access.parts.values_list("state", flat=True)) == {PartState.DRAFT}
    assert access.state == SubmissionState.DRAFT and selectors.overall_of(access) == Overall.DRAFT


def test_only_the_owner_of_a_saved_search_makes_a_request_from_it(world):
    with pytest.raises(PermissionDenied):
        services.request_create(
            actor=world.other_researcher, saved_search=world.search, biobanks=[world.bbj], title="x"
        )
    with pytest.raises(PermissionDenied):  # a curator is not a researcher
        services.request_create(
            actor=world.bbj_curator, saved_search=world.search, biobanks=[world.bbj], title="x"
        )


def test_a_request_needs_a_biobank_a_title_and_bounded_amounts(world):
    with pytest.raises(ValidationError, match="at least one biobank"):
        draft(world, biobanks=[])
    with pytest.raises(ValidationError, match="1 to 100"):
        draft(world, aliquots_per_participant=101)
    with pytest.raises(ValidationError, match="NUL"):
        draft(world, project_summary="bad\x00text")


def test_submitting_names_everything_still_missing(world):
    access = draft(world, wants_data=False, terms_accepted=False)
    with pytest.raises(ValidationError) as refused:
        services.request_submit(request=access, actor=world.researcher)
    messages = refused.value.messages
    assert "Upload the ethics approval document." in messages
    assert "Say whether samples, data or both are requested." in messages
    assert "Accept the data-use terms." in messages
    access.refresh_from_db()
    assert access.state == SubmissionState.DRAFT


def test_the_ethics_document_is_checked_for_type_and_size(world, settings):
    access = draft(world)
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError, match="not accepted"):
        services.request_irb_attach(
            request=access, upload=SimpleUploadedFile("irb.exe", b"MZ..."), actor=world.researcher
        )
    with pytest.raises(ValidationError, match="does not contain"):
        services.request_irb_attach(
            request=access, upload=SimpleUploadedFile("irb.pdf", b"not a pdf"), actor=world.researcher
        )
    settings.KIBAN_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="limit"):
        services.request_irb_attach(request=access, upload=pdf(), actor=world.researcher)
    with pytest.raises(PermissionDenied):
        services.request_irb_attach(request=access, upload=pdf(), actor=world.other_researcher)


def test_submitting_sends_each_biobank_its_own_part_only(world):
    access = submitted(world, [world.bbj, world.tmm])
    assert access.state == SubmissionState.SUBMITTED
    assert set(access.parts.values_list("state", flat=True)) == {PartState.SUBMITTED}
    bbj_notes, tmm_notes = inbox(world.bbj_curator), inbox(world.tmm_curator)
    assert [n.link for n in bbj_notes] == [part_of(access, world.bbj).get_absolute_url()]
    assert [n.link for n in tmm_notes] == [part_of(access, world.tmm).get_absolute_url()]
    assert "BBJ" in bbj_notes[0].subject and "TMM" not in bbj_notes[0].subject
    assert "TMM" in tmm_notes[0].subject and "BBJ" not in tmm_notes[0].subject
    assert inbox(world.ncbn_curator) == []  # not addressed
    assert selectors.overall_of(access) == Overall.SUBMITTED
    event = part_of(access, world.bbj).events.get()
    assert (event.step, event.actor) == (PartStep.SUBMITTED, world.researcher)


def test_one_biobank_approves_one_declines_and_the_request_follows_its_parts(world):
    access = submitted(world, [world.bbj, world.tmm])
    bbj, tmm = part_of(access, world.bbj), part_of(access, world.tmm)

    services.part_check_start(part=bbj, actor=world.bbj_curator, note="確認中")
    access.refresh_from_db()
    assert access.state == SubmissionState.UNDER_REVIEW
    assert selectors.overall_of(access) == Overall.IN_PROGRESS

    services.part_mark_available(part=bbj, actor=world.bbj_curator)
    bbj = services.part_conditions_met(part=bbj, actor=world.bbj_curator)
    committee_decide(
        part=bbj, outcome=CommitteeDecision.APPROVE, rationale="審査の結果", actor=world.bbj_curator
    )
    bbj.refresh_from_db()
    access.refresh_from_db()
    assert bbj.state == PartState.APPROVED and bbj.outcome_reason == "審査の結果"
    assert access.state == SubmissionState.UNDER_REVIEW  # TMM has not decided yet
    assert selectors.overall_of(access) == Overall.PARTLY_APPROVED

    tmm = to_decided(tmm, world.tmm_curator, approve=False)
    access.refresh_from_db()
    assert tmm.state == PartState.DECLINED
    assert access.state == SubmissionState.ACCEPTED  # every part decided, one approved
    assert "BBJ: Approved" in access.decision_reason and "TMM: Declined" in access.decision_reason

    # The data-use agreement must be signed before the data is made available.
    with pytest.raises(StateConflict, match="Data-use agreement"):
        services.part_provide(part=bbj, actor=world.bbj_curator)
    (agreement,) = services.part_agreement_send(part=bbj, actor=world.bbj_curator)
    assert agreement.kind == AgreementKind.DATA_USE and agreement.state == AgreementState.SENT
    parties = {(p.organisation.name, p.role) for p in agreement.parties.all()}
    assert parties == {(world.bbj.organisation.name, "provider"), ("京都大学", "recipient")}
    with pytest.raises(StateConflict):
        services.part_provide(part=bbj, actor=world.bbj_curator)
    services.part_agreement_sign(
        part=bbj,
        agreement=agreement,
        signed_on=timezone.localdate(),
        signed_file=pdf("dua.pdf"),
        actor=world.bbj_curator,
    )
    services.part_provide(part=bbj, actor=world.bbj_curator, note="account issued")
    access.refresh_from_db()
    assert access.state == SubmissionState.COMPLETED
    assert selectors.overall_of(access) == Overall.CLOSED
    steps = list(bbj.events.values_list("step", flat=True))
    assert steps == [
        PartStep.SUBMITTED, PartStep.CHECKING, PartStep.AVAILABLE, PartStep.CONDITIONS_MET, PartStep.REVIEW,
        PartStep.APPROVED, PartStep.AGREEMENT_SENT, PartStep.AGREEMENT_SIGNED, PartStep.PROVIDED,
    ]  # fmt: skip
    # Every step is in the audit trail with who and why.
    last = bbj.history.order_by("-history_id").first()
    assert last.history_user == world.bbj_curator and "account issued" in last.history_change_reason


def test_samples_need_an_mta_and_data_a_data_use_agreement(world):
    access = submitted(
        world, [world.bbj], wants_samples=True, participants_wanted=10, aliquots_per_participant=1
    )
    bbj = to_decided(part_of(access, world.bbj), world.bbj_curator, approve=True)
    sent = services.part_agreement_send(part=bbj, actor=world.bbj_curator)
    assert sorted(a.kind for a in sent) == [AgreementKind.DATA_USE, AgreementKind.MTA]
    with pytest.raises(StateConflict, match="already drafted"):
        services.part_agreement_send(part=bbj, actor=world.bbj_curator)
    services.part_agreement_sign(
        part=bbj, agreement=sent[0], signed_on=timezone.localdate(), actor=world.bbj_curator
    )
    assert services.missing_agreements(bbj) == [sent[1].kind]


def test_an_unavailable_part_ends_with_its_reason_and_all_unavailable_rejects_the_request(world):
    access = submitted(world, [world.ncbn])
    ncbn = part_of(access, world.ncbn)
    services.part_check_start(part=ncbn, actor=world.ncbn_curator)
    with pytest.raises(ValidationError, match="Say why"):
        services.part_mark_unavailable(part=ncbn, actor=world.ncbn_curator, reason="  ")
    services.part_mark_unavailable(part=ncbn, actor=world.ncbn_curator, reason="保有していません")
    access.refresh_from_db()
    assert access.state == SubmissionState.REJECTED
    assert selectors.overall_of(access) == Overall.CLOSED


@pytest.mark.parametrize(
    ("step", "kwargs"),
    [
        ("part_mark_available", {}),
        ("part_mark_unavailable", {"reason": "no"}),
        ("part_conditions_indicate", {"conditions": "fees"}),
        ("part_conditions_met", {}),
        ("part_provide", {}),
    ],
)
def test_a_step_that_does_not_follow_from_the_part_state_is_refused(world, step, kwargs):
    access = submitted(world, [world.bbj])
    part = part_of(access, world.bbj)
    with pytest.raises(StateConflict, match="cannot follow") as refused:
        getattr(services, step)(part=part, actor=world.bbj_curator, **kwargs)
    assert refused.value.code == "illegal_transition"
    part.refresh_from_db()
    assert part.state == PartState.SUBMITTED and part.events.count() == 1


def test_approval_comes_only_from_the_committee_under_review(world):
    access = submitted(world, [world.bbj])
    part = part_of(access, world.bbj)
    services.part_check_start(part=part, actor=world.bbj_curator)
    with pytest.raises(StateConflict):
        services.part_decide(part=part, approve=True, reason="ok", actor=world.bbj_curator)
    from kiban.biobank_access.demo import _rubric
    from kiban.reviews import services as reviews

    with pytest.raises(ValidationError, match="conditions are met"):
        reviews.review_round_open(
            target=part, rubric=_rubric(), title="x", blind=False, due_date=None, actor=world.bbj_curator
        )


def test_the_conditions_path_and_the_state_protection(world):
    access = submitted(world, [world.tmm])
    tmm = part_of(access, world.tmm)
    services.part_check_start(part=tmm, actor=world.tmm_curator)
    services.part_mark_available(part=tmm, actor=world.tmm_curator)
    with pytest.raises(ValidationError, match="access conditions"):
        services.part_conditions_indicate(part=tmm, actor=world.tmm_curator, conditions="")
    services.part_conditions_indicate(part=tmm, actor=world.tmm_curator, conditions="所定の申請書")
    tmm = services.part_conditions_met(part=tmm, actor=world.tmm_curator, note="受領")
    assert tmm.state == PartState.CONDITIONS_MET and tmm.conditions == "所定の申請書"
    with pytest.raises(AttributeError):
        tmm.state = PartState.APPROVED  # protected: only the transitions change it


def test_curators_of_one_biobank_cannot_act_on_another_biobanks_part(world):
    access = submitted(world, [world.bbj, world.tmm])
    tmm = part_of(access, world.tmm)
    for intruder in (world.bbj_curator, world.ncbn_curator, world.researcher, world.other_researcher):
        with pytest.raises(PermissionDenied):
            services.part_check_start(part=tmm, actor=intruder)
        with pytest.raises(PermissionDenied):
            services.part_note_set(part=tmm, actor=intruder, note="x")
    tmm.refresh_from_db()
    assert tmm.state == PartState.SUBMITTED


def test_a_stale_copy_cannot_take_the_same_step_twice(world):
    access = submitted(world, [world.bbj])
    first = part_of(access, world.bbj)
    second = AccessPart.objects.get(pk=first.pk)  # another curator's page, loaded at the same moment
    services.part_check_start(part=first, actor=world.bbj_curator)
    with pytest.raises(StateConflict, match="Checking availability"):
        services.part_check_start(part=second, actor=world.bbj_curator)
    assert first.events.filter(step=PartStep.CHECKING).count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Needs PostgreSQL (two writers at once)")
@pytest.mark.django_db(transaction=True)
def test_two_curators_stepping_at_once_leave_one_step(world):
    access = submitted(world, [world.bbj])
    part = part_of(access, world.bbj)
    barrier, outcomes = threading.Barrier(2), []

    def step() -> None:
        try:
            barrier.wait()
            services.part_check_start(part=AccessPart.objects.get(pk=part.pk), actor=world.bbj_curator)
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=step) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "illegal_transition"]
    assert part.events.filter(step=PartStep.CHECKING).count() == 1


def test_withdrawing_ends_the_open_parts_cancels_their_rounds_and_tells_each_biobank(world):
    access = submitted(world, [world.bbj, world.tmm])
    bbj = to_conditions_met(part_of(access, world.bbj), world.bbj_curator)
    from kiban.biobank_access.demo import _rubric
    from kiban.reviews import services as reviews

    round_ = reviews.review_round_open(
        target=bbj, rubric=_rubric(), title="審査", blind=False, due_date=None, actor=world.bbj_curator
    )
    before = {u.pk: len(inbox(u)) for u in (world.bbj_curator, world.tmm_curator)}
    with pytest.raises(PermissionDenied):
        services.request_withdraw(request=access, actor=world.bbj_curator)
    services.request_withdraw(request=access, actor=world.researcher, reason="計画変更")
    access.refresh_from_db()
    assert access.state == SubmissionState.WITHDRAWN
    assert set(access.parts.values_list("state", flat=True)) == {PartState.WITHDRAWN}
    assert ReviewRound.objects.get(pk=round_.pk).state == RoundState.CANCELLED
    for curator, part in ((world.bbj_curator, bbj), (world.tmm_curator, part_of(access, world.tmm))):
        new = inbox(curator)[before[curator.pk] :]
        assert [n.link for n in new] == [part.get_absolute_url()]
    with pytest.raises(StateConflict, match="no longer handled"):
        services.part_conditions_met(part=part_of(access, world.tmm), actor=world.tmm_curator)


def test_a_request_with_an_approved_part_can_no_longer_be_withdrawn(world):
    access = submitted(world, [world.bbj, world.tmm])
    to_decided(part_of(access, world.bbj), world.bbj_curator, approve=True)
    with pytest.raises(StateConflict, match="already approved"):
        services.request_withdraw(request=access, actor=world.researcher)


def test_the_researcher_hears_of_every_step_and_no_biobank_of_anothers(world):
    access = submitted(world, [world.bbj, world.tmm])
    bbj_before, tmm_before = len(inbox(world.bbj_curator)), len(inbox(world.tmm_curator))
    services.part_check_start(part=part_of(access, world.bbj), actor=world.bbj_curator, note="在庫確認")
    services.part_check_start(part=part_of(access, world.tmm), actor=world.tmm_curator)
    subjects = [n.subject for n in inbox(world.researcher)]
    assert any(s.startswith("BBJ: Started checking availability") for s in subjects)
    assert any(s.startswith("TMM: Started checking availability") for s in subjects)
    assert len(inbox(world.bbj_curator)) == bbj_before and len(inbox(world.tmm_curator)) == tmm_before


def test_reminders_go_to_the_late_biobank_once_per_step(world, settings):
    settings.KIBAN_BIOBANK_ACCESS_REMINDER_DAYS = 14
    access = submitted(world, [world.bbj, world.tmm])
    bbj, tmm = part_of(access, world.bbj), part_of(access, world.tmm)
    now = timezone.now()
    assert services.reminders_send(now=now + datetime.timedelta(days=13)) == 0
    services.part_check_start(part=tmm, actor=world.tmm_curator)
    services.part_mark_available(part=tmm, actor=world.tmm_curator)
    services.part_conditions_indicate(
        part=tmm, actor=world.tmm_curator, conditions="申請書"
    )  # researcher owes
    before = {u.pk: len(inbox(u)) for u in (world.bbj_curator, world.tmm_curator, world.ncbn_curator)}
    later = now + datetime.timedelta(days=15)
    assert services.reminders_send(now=later) == 1
    assert services.reminders_send(now=later) == 0  # idempotent
    new_bbj = inbox(world.bbj_curator)[before[world.bbj_curator.pk] :]
    assert [n.link for n in new_bbj] == [bbj.get_absolute_url()] and "15 days" in new_bbj[0].subject
    assert len(inbox(world.tmm_curator)) == before[world.tmm_curator.pk]
    assert len(inbox(world.ncbn_curator)) == before[world.ncbn_curator.pk]
    bbj.refresh_from_db()
    tmm.refresh_from_db()
    assert bbj.is_overdue(later) and not tmm.is_overdue(later)
    # A new step restarts the count: reminded again only once that step is late.
    services.part_check_start(part=bbj, actor=world.bbj_curator)
    assert services.reminders_send(now=timezone.now() + datetime.timedelta(days=13)) == 0
    assert services.reminders_send(now=timezone.now() + datetime.timedelta(days=14, minutes=1)) == 1


def test_the_reminder_command_reports_what_it_sent(world):
    from io import StringIO

    from django.core.management import call_command

    submitted(world, [world.bbj])
    AccessPart.objects.update(moved_at=timezone.now() - datetime.timedelta(days=30))
    out = StringIO()
    call_command("biobank_access_reminders", stdout=out)
    call_command("biobank_access_reminders", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 reminder(s) sent (parts waiting 14 days or more).",
        "0 reminder(s) sent (parts waiting 14 days or more).",
    ]


def test_the_draft_can_change_its_biobanks_and_counts_follow(world):
    access = draft(world, [world.bbj])
    services.request_update(
        request=access, actor=world.researcher, biobanks=[world.tmm, world.ncbn], title="新題"
    )
    access.refresh_from_db()
    assert access.title == "新題"
    assert dict(access.parts.values_list("biobank__code", "counts_shown")) == {"TMM": "31", "NCBN": "<10"}
    submitted_request = submitted(world, [world.bbj])
    with pytest.raises(PermissionDenied):
        services.request_update(request=submitted_request, actor=world.researcher, title="late")
    assert AccessRequest.objects.get(pk=submitted_request.pk).title == "喘息研究"


def test_the_reminder_delay_is_a_setting_with_a_safe_default(settings, monkeypatch):
    from kiban.biobank_access.models import reminder_days

    settings.KIBAN_BIOBANK_ACCESS_REMINDER_DAYS = 7
    assert reminder_days() == 7
    del settings.KIBAN_BIOBANK_ACCESS_REMINDER_DAYS
    monkeypatch.setenv("KIBAN_BIOBANK_ACCESS_REMINDER_DAYS", "30")
    assert reminder_days() == 30
    monkeypatch.setenv("KIBAN_BIOBANK_ACCESS_REMINDER_DAYS", "forever")
    assert reminder_days() == 14
    monkeypatch.setenv("KIBAN_BIOBANK_ACCESS_REMINDER_DAYS", "0")
    assert reminder_days() == 14


def test_a_message_about_a_part_reaches_the_other_side_only(world):
    access = submitted(world, [world.bbj, world.tmm])
    bbj = part_of(access, world.bbj)
    before = {u.pk: len(inbox(u)) for u in (world.bbj_curator, world.tmm_curator, world.researcher)}
    services.part_message_post(part=bbj, actor=world.researcher, body="血清の量について質問です")
    assert len(inbox(world.bbj_curator)) == before[world.bbj_curator.pk] + 1
    assert len(inbox(world.tmm_curator)) == before[world.tmm_curator.pk]
    services.part_message_post(part=bbj, actor=world.bbj_curator, body="0.5 mL です")
    assert inbox(world.researcher)[-1].body == "0.5 mL です"
    for intruder in (world.tmm_curator, world.other_researcher):
        with pytest.raises(PermissionDenied):
            services.part_message_post(part=bbj, actor=intruder, body="x")
    with pytest.raises(ValidationError, match="Write the message"):
        services.part_message_post(part=bbj, actor=world.researcher, body=" ")
