"""Defects found in review: an officer who also proposes must not run or decide the allocation of their own
call, and a withdrawal racing the approval must not slip past the approval's lock."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kiban.analysis_funding import selectors, services
from kiban.analysis_funding.models import Allocation, Proposal
from kiban.core.choices import Role
from kiban.core.errors import StateConflict
from kiban.core.models import Membership, User
from kiban.submissions.choices import SubmissionState

from . import world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return w.build()


def _second_officer(world):
    agency = world.officer.memberships.get(role=Role.AGENCY_OFFICER).organisation
    return w.person("officer_b", agency, Role.AGENCY_OFFICER)


def _officer_who_proposes(world):
    """The officer is also a researcher at the proposer's university and proposes in the call."""
    kyoto = world.proposer.memberships.get().organisation
    Membership.objects.create(user=world.officer, organisation=kyoto, role=Role.RESEARCHER)
    world.officer = User.objects.get(pk=world.officer.pk)  # its roles read afresh
    from kiban.biobank.services import saved_search_create

    own_set = saved_search_create(user=world.officer, name="自分の集合", tree={"disease": "E11"})
    own = w.proposal(world, user=world.officer, sample_set=own_set, samples=10, title="担当官自身の提案")
    rival = w.proposal(world, user=world.rival, sample_set=world.rival_set, samples=10, title="競合")
    other = _second_officer(world)
    services.call_reviews_open(
        analysis_call=world.analysis_call, reviewers=world.reviewers, per_round=2, actor=other
    )
    for made in (own, rival):
        w.score(selectors.review_round(made), [4, 4])
    return own, other


def test_an_officer_with_a_proposal_in_the_call_cannot_compute_approve_or_publish(world):
    own, other = _officer_who_proposes(world)
    on = w.after_close(world)
    with pytest.raises(PermissionDenied, match="not of a call they have a proposal in"):
        services.allocation_compute(analysis_call=world.analysis_call, actor=world.officer, on=on)
    allocation = services.allocation_compute(analysis_call=world.analysis_call, actor=other, on=on)
    with pytest.raises(PermissionDenied, match="not of a call they have a proposal in"):
        services.allocation_approve(allocation=allocation, actor=world.officer)
    allocation = services.allocation_approve(allocation=allocation, actor=other)
    with pytest.raises(PermissionDenied, match="not of a call they have a proposal in"):
        services.allocation_publish(allocation=allocation, actor=world.officer)
    services.allocation_publish(allocation=allocation, actor=other)
    own.refresh_from_db()
    assert own.decided_by == other


def test_an_officer_never_decides_or_reviews_their_own_proposal(world):
    own, _ = _officer_who_proposes(world)
    assert not world.officer.has_perm("analysis_funding.decide_proposal", own)
    assert not world.officer.has_perm("analysis_funding.manage_review", own)
    assert world.officer.has_perm("analysis_funding.decide_proposal", None)


def test_the_conflicted_officer_can_neither_open_the_allocation_page_nor_compute(world, client):
    _officer_who_proposes(world)
    w.close_call(world)
    client.force_login(world.officer)
    page = client.get(f"/biobank/analysis-calls/{world.analysis_call.call_id}/allocation/")
    assert page.status_code == 403
    refused = client.post(f"/biobank/analysis-calls/{world.analysis_call.call_id}/allocation/compute/")
    assert refused.status_code == 403
    assert not Allocation.objects.filter(analysis_call=world.analysis_call).exists()


def _lock_watch(monkeypatch):
    """Records, for each lock of the call, whether it was taken inside a transaction."""
    from django.db import connection

    taken = []
    original = services._locked_call

    def watched(analysis_call):
        taken.append(connection.in_atomic_block)
        return original(analysis_call)

    monkeypatch.setattr(services, "_locked_call", watched)
    return taken


def test_withdrawal_checks_the_allocation_under_the_calls_lock(world, monkeypatch):
    # The approval locks the call; a withdrawal that checks the allocation without that lock can pass its
    # check while the approval commits, leaving an approved allocation with a withdrawn proposal in it.
    proposal = w.proposal(world)
    taken = _lock_watch(monkeypatch)
    services.proposal_withdraw(proposal=proposal, actor=world.proposer, reason="取り下げ")
    assert taken and all(taken)
    proposal.refresh_from_db()
    assert proposal.state == SubmissionState.WITHDRAWN


def test_opening_the_review_checks_the_allocation_under_the_calls_lock(world, monkeypatch):
    w.proposal(world)
    taken = _lock_watch(monkeypatch)
    rounds = services.call_reviews_open(
        analysis_call=world.analysis_call, reviewers=world.reviewers, per_round=2, actor=world.officer
    )
    assert len(rounds) == 1
    assert taken and all(taken)


def test_a_request_beyond_the_bound_on_money_is_refused_not_stored(world):
    # samples × cost per sample is stored as the line's requested amount: with the costs the call accepts
    # (up to MAX_YEN each) it must stay inside MAX_YEN, else it is refused with a message, never overflowed.
    from kiban.core.inputs import MAX_YEN

    services.assay_offer_set(
        analysis_call=world.analysis_call,
        assay="wgs",
        material="dna",
        cost_per_sample_yen=MAX_YEN,
        actor=world.officer,
    )
    world.analysis_call.refresh_from_db()
    with pytest.raises(ValidationError, match="ask for fewer samples") as refused:
        w.proposal(world, samples=2, submit=False)
    assert refused.value.code == "requested_too_large"
    assert w.proposal(world, samples=1, submit=False).requested_yen == MAX_YEN


def test_submitting_keeps_a_change_saved_meanwhile(world, monkeypatch):
    # The proposer changes the title in one tab while the other tab's submit is counting the sample set:
    # the submit must not save its stale copy over the change.
    proposal = w.proposal(world, submit=False)
    original = services._checked

    def checked_while_changed(**kwargs):
        answer = original(**kwargs)
        monkeypatch.setattr(services, "_checked", original)  # the other tab's change is checked as usual
        fresh = Proposal.objects.get(pk=proposal.pk)
        services.proposal_update(
            proposal=fresh, title="変更後の題名", sample_set=fresh.sample_set, assay=fresh.assay,
            samples=fresh.samples, scientific_case=fresh.scientific_case, actor=world.proposer,
        )  # fmt: skip
        return answer

    monkeypatch.setattr(services, "_checked", checked_while_changed)
    services.proposal_submit(proposal=proposal, actor=world.proposer)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.title) == (SubmissionState.SUBMITTED, "変更後の題名")


def test_submitting_refuses_when_the_samples_changed_meanwhile(world, monkeypatch):
    proposal = w.proposal(world, samples=20, submit=False)
    original = services._checked

    def checked_while_changed(**kwargs):
        answer = original(**kwargs)
        Proposal.objects.filter(pk=proposal.pk).update(samples=59)
        return answer

    monkeypatch.setattr(services, "_checked", checked_while_changed)
    with pytest.raises(StateConflict, match="changed while it was being submitted"):
        services.proposal_submit(proposal=proposal, actor=world.proposer)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.samples) == (SubmissionState.DRAFT, 59)


def test_withdrawing_a_stale_copy_keeps_a_change_saved_meanwhile(world):
    stale = w.proposal(world, submit=False)
    fresh = Proposal.objects.get(pk=stale.pk)
    services.proposal_update(
        proposal=fresh, title="変更後の題名", sample_set=fresh.sample_set, assay=fresh.assay,
        samples=fresh.samples, scientific_case=fresh.scientific_case, actor=world.proposer,
    )  # fmt: skip
    services.proposal_withdraw(proposal=stale, actor=world.proposer, reason="取り下げ")
    stale.refresh_from_db()
    assert (stale.state, stale.title) == (SubmissionState.WITHDRAWN, "変更後の題名")


def test_approval_is_refused_when_the_budget_changed_since_computing(world):
    # ¥5,000,000 → ¥5,100,000 gives the same awards, but every rationale's "left" and the budget shown
    # differ: approving the old draft would publish figures the call's settings no longer give.
    w.reviewed_call(world)
    allocation = services.allocation_compute(analysis_call=world.analysis_call, actor=world.officer)
    a = world.analysis_call
    services.analysis_call_configure(
        analysis_call=a, budget_yen=5_100_000, funder=a.funder, partial_funding=a.partial_funding,
        blind_review=a.blind_review, tie_break=a.tie_break, example_costs=a.example_costs, rubric=a.rubric,
        actor=world.officer,
    )  # fmt: skip
    with pytest.raises(StateConflict, match="compute it again"):
        services.allocation_approve(allocation=allocation, actor=world.officer)
    allocation = services.allocation_compute(analysis_call=world.analysis_call, actor=world.officer)
    assert allocation.budget_yen == 5_100_000
    assert services.allocation_approve(allocation=allocation, actor=world.officer).state == "approved"


def test_an_officer_who_proposes_sees_no_rivals_scores_or_ranks(world):
    from kiban.core.testing import page_text, signed_in

    own, other = _officer_who_proposes(world)
    w.close_call(world)
    services.allocation_compute(analysis_call=world.analysis_call, actor=other)
    call_id = world.analysis_call.call_id
    conflicted = signed_in(world.officer)
    assert conflicted.get(f"/api/biobank/analysis-calls/calls/{call_id}/allocation").status_code == 403
    detail = conflicted.get(f"/biobank/analysis-calls/{call_id}/")
    assert detail.status_code == 200
    assert "4.00" not in page_text(detail) and 'id="allocation-link"' not in detail.content.decode()
    rival = Proposal.objects.exclude(pk=own.pk).get()
    assert "4.00" not in page_text(conflicted.get(rival.get_absolute_url()))
    # Another officer sees them
    assert "4.00" in page_text(signed_in(other).get(f"/biobank/analysis-calls/{call_id}/"))
    assert signed_in(other).get(f"/api/biobank/analysis-calls/calls/{call_id}/allocation").status_code == 200
