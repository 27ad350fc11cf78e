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
from kiban.core.testing import user_with_role
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
    with pytest.raises(ValidationError, match="runs from 1 to 100"):
        draft(world, aliquots_per_participant=101)
    with pytest.raises(ValidationError, match="digits 0-9"):  # the shared check of core.inputs
        draft(world, participants_wanted="１２")
    assert draft(world, participants_wanted="12").participants_wanted == 12
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


def test_approval_comes_only_from_the_committees_recorded_decision(world):
    from kiban.biobank_access.demo import _rubric
    from kiban.reviews import services as reviews
    from kiban.reviews.models import Decision

    access = submitted(world, [world.bbj, world.tmm])
    part = part_of(access, world.bbj)
    services.part_check_start(part=part, actor=world.bbj_curator)
    with pytest.raises(ValidationError, match="conditions are met"):  # no round before the conditions
        reviews.review_round_open(
            target=part, rubric=_rubric(), title="x", blind=False, due_date=None, actor=world.bbj_curator
        )
    services.part_mark_available(part=part, actor=world.bbj_curator)
    part = services.part_conditions_met(part=part, actor=world.bbj_curator)
    round_ = reviews.review_round_open(
        target=part, rubric=_rubric(), title="審査", blind=False, due_date=None, actor=world.bbj_curator
    )
    reviews.review_round_close(round=round_, actor=world.bbj_curator)
    part.refresh_from_db()
    assert part.state == PartState.UNDER_REVIEW

    # Under review, every other step of a biobank is refused ...
    for step, kwargs in (
        ("part_check_start", {}),
        ("part_mark_available", {}),
        ("part_mark_unavailable", {"reason": "x"}),
        ("part_conditions_indicate", {"conditions": "x"}),
        ("part_conditions_met", {}),
        ("part_review_start", {}),
        ("part_provide", {}),
    ):
        with pytest.raises(StateConflict):
            getattr(services, step)(part=part, actor=world.bbj_curator, **kwargs)
    # ... and so is part_decide without a decision the committee recorded about this very part: an unsaved
    # one, or the (saved) decision of another part's round.
    with pytest.raises(ValidationError, match="recorded decision"):
        services.part_decide(
            part=part,
            decision=Decision(round=round_, outcome=CommitteeDecision.APPROVE, rationale="ok",
                              decided_by=world.bbj_curator),
        )  # fmt: skip
    tmm = to_decided(part_of(access, world.tmm), world.tmm_curator, approve=True)
    with pytest.raises(ValidationError, match="recorded decision"):
        services.part_decide(part=part, decision=Decision.objects.get(round__object_id=tmm.pk))
    # Neither the page nor the API has an "approve" step.
    from kiban.core.testing import signed_in

    client = signed_in(world.bbj_curator)
    client.post(f"/api/biobank/requests/parts/{part.pk}/steps", {"step": "approve"}, "application/json")
    from django.urls import reverse

    client.post(reverse("biobank_access:part-step", args=[part.pk, "approve"]), {"note": "x"})
    part.refresh_from_db()
    assert part.state == PartState.UNDER_REVIEW and not part.events.filter(step=PartStep.APPROVED).exists()

    # The committee's decision approves it, and its timeline says who decided.
    reviews.decision_record(
        round=round_, outcome=CommitteeDecision.APPROVE, rationale="妥当", actor=world.bbj_curator
    )
    part.refresh_from_db()
    assert part.state == PartState.APPROVED and part.outcome_reason == "妥当"
    assert part.events.get(step=PartStep.APPROVED).actor == world.bbj_curator


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


def curator_researcher(world):
    """A researcher at Kyoto University who is also a curator of BBJ, with a request of their own to BBJ and
    TMM, submitted."""
    from kiban.biobank.services import saved_search_create
    from kiban.core.choices import Role
    from kiban.core.models import Membership

    from .conftest import ASTHMA, COMPLETE

    dual = user_with_role(
        Role.RESEARCHER, organisation=world.researcher.memberships.get().organisation, username="dual"
    )
    Membership.objects.create(user=dual, organisation=world.bbj.organisation, role=Role.BIOBANK_CURATOR)
    search = saved_search_create(user=dual, name="自分の検索", tree=ASTHMA)
    access = services.request_create(
        actor=dual, saved_search=search, biobanks=[world.bbj, world.tmm], title="自分の申請", **COMPLETE
    )
    services.request_irb_attach(request=access, upload=pdf(), actor=dual)
    return dual, services.request_submit(request=access, actor=dual)


def test_a_curator_never_handles_their_own_request(world):
    from kiban.agreements import services as agreements
    from kiban.biobank_access.demo import _rubric
    from kiban.biobank_access.review import AccessPartAgreements, AccessPartReview
    from kiban.reviews import services as reviews

    dual, access = curator_researcher(world)
    part = part_of(access, world.bbj)
    assert dual.has_perm("biobank_access.view_accesspart", part)  # their own request's part: they read it
    for perm in ("handle_accesspart", "view_internal_note"):
        assert not dual.has_perm(f"biobank_access.{perm}", part)
    assert not dual.has_perm("biobank_access.review_accessrequest", access)
    assert not AccessPartReview().can_manage(dual, part) and not AccessPartAgreements().can_manage(dual, part)
    for step, kwargs in (("part_check_start", {}), ("part_note_set", {"note": "x"})):
        with pytest.raises(PermissionDenied):
            getattr(services, step)(part=part, actor=dual, **kwargs)

    # Another curator of BBJ takes the part to its committee; the researcher-curator manages none of it.
    part = to_conditions_met(part, world.bbj_curator)
    with pytest.raises(PermissionDenied):
        reviews.review_round_open(
            target=part, rubric=_rubric(), title="x", blind=False, due_date=None, actor=dual
        )
    round_ = reviews.review_round_open(
        target=part, rubric=_rubric(), title="審査", blind=False, due_date=None, actor=world.bbj_curator
    )
    with pytest.raises(PermissionDenied):
        reviews.review_round_close(round=round_, actor=dual)
    reviews.review_round_close(round=round_, actor=world.bbj_curator)
    with pytest.raises(PermissionDenied):
        reviews.decision_record(round=round_, outcome=CommitteeDecision.APPROVE, rationale="ok", actor=dual)
    reviews.decision_record(
        round=round_, outcome=CommitteeDecision.APPROVE, rationale="妥当", actor=world.bbj_curator
    )
    part.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.part_agreement_send(part=part, actor=dual)
    (agreement,) = services.part_agreement_send(part=part, actor=world.bbj_curator)
    with pytest.raises(PermissionDenied):
        services.part_agreement_sign(
            part=part, agreement=agreement, signed_on=timezone.localdate(), actor=dual
        )
    with pytest.raises(PermissionDenied):
        agreements.agreement_sign(agreement=agreement, signed_on=timezone.localdate(), actor=dual)
    services.part_agreement_sign(
        part=part, agreement=agreement, signed_on=timezone.localdate(), actor=world.bbj_curator
    )
    with pytest.raises(PermissionDenied):
        services.part_provide(part=part, actor=dual)
    part.refresh_from_db()
    assert part.state == PartState.APPROVED
    assert not part.events.filter(actor=dual).exclude(step=PartStep.SUBMITTED).exists()


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


def _at_once(*calls) -> list[str]:
    """Runs the calls in threads released together; each one's outcome: "done", or its error's code (a
    deadlock would show as OperationalError)."""
    barrier, outcomes = threading.Barrier(len(calls)), {}

    def run(index, call) -> None:
        try:
            barrier.wait()
            call()
            outcomes[index] = "done"
        except (ValidationError, PermissionDenied) as error:
            outcomes[index] = getattr(error, "code", None) or type(error).__name__
        except Exception as error:
            outcomes[index] = type(error).__name__
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [outcomes.get(i, "hung") for i in range(len(calls))]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Needs PostgreSQL (two writers at once)")
@pytest.mark.django_db(transaction=True)
def test_withdrawing_while_a_biobank_steps_neither_deadlocks_nor_loses_either(world):
    access = submitted(world, [world.bbj, world.tmm])
    bbj = part_of(access, world.bbj)
    step, withdraw = _at_once(
        lambda: services.part_check_start(part=AccessPart.objects.get(pk=bbj.pk), actor=world.bbj_curator),
        lambda: services.request_withdraw(
            request=AccessRequest.objects.get(pk=access.pk), actor=world.researcher
        ),
    )
    assert withdraw == "done", withdraw
    assert step in ("done", "request_closed", "illegal_transition"), step
    access.refresh_from_db()
    assert access.state == SubmissionState.WITHDRAWN
    assert set(access.parts.values_list("state", flat=True)) == {PartState.WITHDRAWN}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Needs PostgreSQL (two writers at once)")
@pytest.mark.django_db(transaction=True)
def test_withdrawing_while_the_committee_decides_neither_deadlocks_nor_withdraws_an_approval(world):
    from kiban.biobank_access.demo import _rubric
    from kiban.reviews import services as reviews

    access = submitted(world, [world.bbj, world.tmm])
    bbj = to_conditions_met(part_of(access, world.bbj), world.bbj_curator)
    round_ = reviews.review_round_open(
        target=bbj, rubric=_rubric(), title="審査", blind=False, due_date=None, actor=world.bbj_curator
    )
    reviews.review_round_close(round=round_, actor=world.bbj_curator)
    decide, withdraw = _at_once(
        lambda: reviews.decision_record(
            round=ReviewRound.objects.get(pk=round_.pk),
            outcome=CommitteeDecision.APPROVE,
            rationale="妥当",
            actor=world.bbj_curator,
        ),
        lambda: services.request_withdraw(
            request=AccessRequest.objects.get(pk=access.pk), actor=world.researcher
        ),
    )
    access.refresh_from_db()
    bbj.refresh_from_db()
    # Exactly one wins: the approval (and the request stays), or the withdrawal (and the round is cancelled).
    assert sorted([decide, withdraw]) != ["done", "done"] and "done" in (decide, withdraw), (decide, withdraw)
    if decide == "done":
        assert withdraw == "approved" and bbj.state == PartState.APPROVED
        assert access.state == SubmissionState.UNDER_REVIEW
    else:
        assert bbj.state == PartState.WITHDRAWN and access.state == SubmissionState.WITHDRAWN
        assert ReviewRound.objects.get(pk=round_.pk).state == RoundState.CANCELLED


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
    # Anyone else is refused for who they are, before anything about the parts is said.
    for intruder in (world.tmm_curator, world.ncbn_curator, world.other_researcher):
        with pytest.raises(PermissionDenied, match="Only the researcher"):
            services.request_withdraw(request=access, actor=intruder)


def test_the_researcher_hears_of_a_committee_decision_once(world):
    access = submitted(world, [world.bbj, world.tmm])
    before = len(inbox(world.researcher))
    to_decided(part_of(access, world.bbj), world.bbj_curator, approve=True)
    new = inbox(world.researcher)[before:]
    # The steps up to the committee (checking — with the request's "under review" —, available, conditions
    # met, review opened), then one notice of the decision: the review engine's, with the rationale.
    decisions = [n for n in new if "Approve" in n.subject or "Approved" in n.subject]
    assert len(decisions) == 1 and decisions[0].body == "審査の結果", [n.subject for n in new]
    assert len(new) == 6, [n.subject for n in new]
    before = len(inbox(world.researcher))
    tmm = part_of(access, world.tmm)
    to_conditions_met(tmm, world.tmm_curator)
    middle = len(inbox(world.researcher))
    committee_decide(
        part=tmm, outcome=CommitteeDecision.DECLINE, rationale="同意の範囲外", actor=world.tmm_curator
    )
    access.refresh_from_db()
    assert access.state == SubmissionState.ACCEPTED  # the last decision decided the request too ...
    last = inbox(world.researcher)[middle:]
    assert len(last) == 2, [n.subject for n in last]  # ... yet only "review opened" and the decision
    assert last[-1].body == "同意の範囲外" and middle - before == 3


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


def test_a_part_stepped_while_reminders_run_is_not_reminded(world, monkeypatch):
    access = submitted(world, [world.bbj, world.tmm])
    bbj, tmm = part_of(access, world.bbj), part_of(access, world.tmm)
    AccessPart.objects.update(moved_at=timezone.now() - datetime.timedelta(days=30))
    real_send, stepped = services.notification_send, []

    def send(**kwargs):
        # TMM's curator answers at the moment BBJ's reminder goes out: the list of late parts is stale.
        if not stepped and kwargs["link"] == bbj.get_absolute_url():
            stepped.append(True)
            services.part_check_start(part=tmm, actor=world.tmm_curator)
        return real_send(**kwargs)

    monkeypatch.setattr(services, "notification_send", send)
    assert services.reminders_send() == 1
    assert not tmm.events.filter(step=PartStep.REMINDED).exists()
    assert bbj.events.filter(step=PartStep.REMINDED).count() == 1


def test_while_the_agreement_waits_for_the_signature_the_biobank_is_not_reminded(world, settings):
    settings.KIBAN_BIOBANK_ACCESS_REMINDER_DAYS = 14
    access = submitted(world, [world.bbj])
    bbj = to_decided(part_of(access, world.bbj), world.bbj_curator, approve=True)
    (agreement,) = services.part_agreement_send(part=bbj, actor=world.bbj_curator)
    later = timezone.now() + datetime.timedelta(days=20)
    assert services.reminders_send(now=later) == 0  # the researcher's institution owes the signature
    bbj = AccessPart.objects.get(pk=bbj.pk)
    assert not bbj.biobank_owes and not bbj.is_overdue(later)
    assert not selectors.desk_parts(user=world.bbj_curator).get().is_overdue(later)
    services.part_agreement_sign(
        part=bbj, agreement=agreement, signed_on=timezone.localdate(), actor=world.bbj_curator
    )
    bbj = AccessPart.objects.get(pk=bbj.pk)
    assert bbj.biobank_owes  # now the biobank owes the provision, counted from the signature
    assert services.reminders_send(now=timezone.now() + datetime.timedelta(days=13)) == 0
    assert services.reminders_send(now=timezone.now() + datetime.timedelta(days=15)) == 1


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
    settings.KIBAN_BIOBANK_ACCESS_REMINDER_DAYS = "30"  # as settings.py reads it from the environment
    assert reminder_days() == 30
    monkeypatch.setenv("KIBAN_BIOBANK_ACCESS_REMINDER_DAYS", "3")  # only the setting counts, not the process
    assert reminder_days() == 30
    for bad in ("forever", "0", "366", None):
        settings.KIBAN_BIOBANK_ACCESS_REMINDER_DAYS = bad
        assert reminder_days() == 14
    del settings.KIBAN_BIOBANK_ACCESS_REMINDER_DAYS
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
