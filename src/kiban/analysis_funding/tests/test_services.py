"""The services a call goes through: proposals bounded by their sample set, the review with conflicts, and
the allocation computed, approved, published, with the refusals on the way."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kiban.analysis_funding import selectors, services
from kiban.analysis_funding.choices import AllocationState
from kiban.analysis_funding.models import Allocation, Proposal
from kiban.core.errors import StateConflict
from kiban.reviews.choices import Conflict, RoundState
from kiban.reviews.services import decision_record
from kiban.sequencing.selectors import funded_plans
from kiban.submissions.choices import SubmissionState

from . import world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return w.build()


def _reviewed(world, *proposals_and_scores):
    services.call_reviews_open(
        analysis_call=world.analysis_call, reviewers=world.reviewers, per_round=2, actor=world.officer
    )
    for proposal, values in proposals_and_scores:
        w.score(selectors.review_round(proposal), values)


def test_requested_amount_is_samples_times_the_assays_cost(world):
    proposal = w.proposal(world, samples=20, submit=False)
    assert proposal.state == SubmissionState.DRAFT
    assert proposal.requested_yen == 20 * w.WGS_COST
    assert (proposal.sample_set_name, proposal.sample_set_count) == ("糖尿病", 60)


def test_samples_cannot_exceed_the_sample_set_as_the_proposer_sees_it(world):
    with pytest.raises(ValidationError) as refused:
        w.proposal(world, samples=61)
    assert refused.value.messages == [
        "The sample set “糖尿病” holds 60 participants with DNA as you may see it "
        "(under disclosure control); "
        "ask for at most 60 samples."
    ]


def test_a_masked_sample_set_cannot_be_proposed(world):
    with pytest.raises(ValidationError) as refused:
        w.proposal(world, sample_set=world.small_set, samples=3)
    assert "fewer than 10 participants with DNA" in refused.value.messages[0]
    assert "“<10”" in refused.value.messages[0]


def test_only_ones_own_saved_search_is_a_sample_set(world):
    with pytest.raises(ValidationError, match="your own saved searches"):
        w.proposal(world, sample_set=world.rival_set, samples=5)


def test_an_assay_the_call_does_not_offer_is_refused(world):
    with pytest.raises(ValidationError, match="does not offer"):
        w.proposal(world, assay="proteome", samples=5)


def test_submission_checks_the_calls_window(world):
    proposal = w.proposal(world, submit=False)
    with pytest.raises(ValidationError, match="accepts entries from"):
        services.proposal_submit(proposal=proposal, actor=world.proposer, on=w.after_close(world))
    proposal.refresh_from_db()
    assert proposal.state == SubmissionState.DRAFT


def test_the_review_leaves_out_the_proposers_organisation_and_is_blind(world):
    proposal = w.proposal(world)
    services.call_reviews_open(
        analysis_call=world.analysis_call, reviewers=world.reviewers, per_round=3, actor=world.officer
    )
    round_ = selectors.review_round(proposal)
    proposal.refresh_from_db()
    assert proposal.state == SubmissionState.UNDER_REVIEW
    assert round_.blind and round_.rubric == world.analysis_call.rubric
    assigned = {a.reviewer.username: a.conflict for a in round_.assignments.all()}
    assert assigned == {"reviewer_a": Conflict.NONE, "reviewer_b": Conflict.NONE}  # the colleague is skipped


def test_a_round_opened_by_hand_must_follow_the_calls_rubric_and_blindness(world):
    from kiban.reviews.services import review_round_open

    proposal = w.proposal(world)
    with pytest.raises(ValidationError, match="blind"):
        review_round_open(
            target=proposal, rubric=world.analysis_call.rubric, title="R", blind=False, due_date=None,
            actor=world.officer,
        )  # fmt: skip


def test_compute_approve_publish_decides_the_proposals_and_plans_genomes(world):
    # Given ¥5,000,000: a WGS of 30 (¥3M, score 5), a WGS of 25 (¥2.5M, score 4), an array (score 3)
    first = w.proposal(world, samples=30, title="一位")
    second = w.proposal(world, user=world.rival, sample_set=world.rival_set, samples=25, title="二位")
    third = w.proposal(world, assay="snp_array", samples=40, title="三位")
    _reviewed(world, (first, [5, 5]), (second, [4, 4]), (third, [3, 3]))

    # When the officer computes after the call has closed
    allocation = services.allocation_compute(
        analysis_call=world.analysis_call, actor=world.officer, on=w.after_close(world)
    )
    lines = list(selectors.lines_of(allocation))
    # Then the second does not fit the ¥2M left (no partial funding) and the third (¥320,000) does
    assert [(ln.proposal.title, ln.rank, ln.allocated_yen, ln.reason) for ln in lines] == [
        ("一位", 1, 3_000_000, "funded"),
        ("二位", 2, 0, "does_not_fit"),
        ("三位", 3, 320_000, "funded"),
    ]
    assert lines[0].score == 5

    services.allocation_approve(allocation=allocation, actor=world.officer)
    assert selectors.review_round(first).state == RoundState.CLOSED  # scoring ended with the approval
    with pytest.raises(StateConflict, match="can no longer be computed again"):
        services.allocation_compute(
            analysis_call=world.analysis_call, actor=world.officer, on=w.after_close(world)
        )
    assert funded_plans() == []  # nothing planned before publication

    services.allocation_publish(allocation=allocation, actor=world.officer)
    for proposal in (first, second, third):
        proposal.refresh_from_db()
    assert (first.state, second.state, third.state) == ("accepted", "rejected", "accepted")
    assert "does not fit in the ¥2,000,000 left" in second.decision_reason
    assert selectors.review_round(first).decision.outcome == "funded"
    assert selectors.review_round(second).decision.outcome == "not_funded"
    # The WGS of 30 plans 30 genomes for the companies; the SNP array plans none
    [plan] = funded_plans()
    assert (plan.funder, plan.genomes, plan.proposals) == ("company", 30, 1)
    assert [line.proposal.title for line in selectors.funded_list(analysis_call=world.analysis_call)] == [
        "一位",
        "三位",
    ]
    # Every step is in the audit trail
    reasons = list(
        Allocation.history.filter(id=allocation.pk).values_list("history_change_reason", flat=True)
    )
    assert any(r.startswith("Allocation computed") for r in reasons)
    assert "Allocation approved" in reasons and "Allocation published; proposals decided" in reasons
    assert first.history.filter(history_change_reason__startswith="Funded by the allocation").exists()


def test_partial_funding_gives_the_last_what_is_left(world):
    world.analysis_call.partial_funding = True
    world.analysis_call.save()
    first = w.proposal(world, samples=30, title="一位")
    second = w.proposal(world, user=world.rival, sample_set=world.rival_set, samples=25, title="二位")
    _reviewed(world, (first, [5, 5]), (second, [4, 4]))
    allocation = services.allocation_compute(
        analysis_call=world.analysis_call, actor=world.officer, on=w.after_close(world)
    )
    line = selectors.lines_of(allocation).get(proposal=second)
    assert (line.allocated_yen, line.allocated_samples, line.reason) == (2_000_000, 20, "partial")


def test_approval_is_refused_when_scores_changed_since_computing(world):
    first = w.proposal(world, samples=10)
    second = w.proposal(world, user=world.rival, sample_set=world.rival_set, samples=10)
    services.call_reviews_open(
        analysis_call=world.analysis_call, reviewers=world.reviewers, per_round=2, actor=world.officer
    )
    w.score(selectors.review_round(first), [4])  # one reviewer so far
    allocation = services.allocation_compute(
        analysis_call=world.analysis_call, actor=world.officer, on=w.after_close(world)
    )
    w.score(selectors.review_round(second), [5, 5])  # scores arrive after the draft
    with pytest.raises(StateConflict, match="compute it again"):
        services.allocation_approve(allocation=allocation, actor=world.officer)
    allocation.refresh_from_db()
    assert allocation.state == AllocationState.DRAFT


def test_computing_is_refused_while_the_call_is_open(world):
    w.proposal(world)
    with pytest.raises(ValidationError, match="once it has closed"):
        services.allocation_compute(analysis_call=world.analysis_call, actor=world.officer)


def test_publishing_needs_an_approval_and_happens_once(world):
    first = w.proposal(world, samples=10)
    _reviewed(world, (first, [4, 4]))
    allocation = services.allocation_compute(
        analysis_call=world.analysis_call, actor=world.officer, on=w.after_close(world)
    )
    with pytest.raises(StateConflict, match="Only an approved allocation"):
        services.allocation_publish(allocation=allocation, actor=world.officer)
    services.allocation_approve(allocation=allocation, actor=world.officer)
    services.allocation_publish(allocation=allocation, actor=world.officer)
    with pytest.raises(StateConflict, match="Only an approved allocation"):
        services.allocation_publish(allocation=allocation, actor=world.officer)


def test_the_review_round_cannot_decide_a_proposal_on_its_own(world):
    first = w.proposal(world, samples=10)
    _reviewed(world, (first, [4, 4]))
    round_ = selectors.review_round(first)
    from kiban.reviews.services import review_round_close

    review_round_close(round=round_, actor=world.officer)
    with pytest.raises(ValidationError, match="publishing their call's allocation"):
        decision_record(round=round_, outcome="funded", rationale="Good.", actor=world.officer)
    first.refresh_from_db()
    assert first.state == SubmissionState.UNDER_REVIEW


def test_withdrawal_is_refused_once_the_allocation_is_approved(world):
    first = w.proposal(world, samples=10)
    _reviewed(world, (first, [4, 4]))
    allocation = services.allocation_compute(
        analysis_call=world.analysis_call, actor=world.officer, on=w.after_close(world)
    )
    services.allocation_approve(allocation=allocation, actor=world.officer)
    with pytest.raises(StateConflict, match="approved"):
        services.proposal_withdraw(proposal=first, actor=world.proposer, reason="他の資金")


def test_withdrawing_cancels_the_review_round(world):
    first = w.proposal(world, samples=10)
    _reviewed(world)
    services.proposal_withdraw(proposal=first, actor=world.proposer, reason="他の資金")
    assert selectors.review_round(first) is None
    assert Proposal.objects.get(pk=first.pk).state == SubmissionState.WITHDRAWN


def test_costs_are_frozen_once_a_proposal_is_submitted(world):
    w.proposal(world)
    with pytest.raises(StateConflict, match="no longer change"):
        services.assay_offer_set(
            analysis_call=world.analysis_call,
            assay="wgs",
            material="dna",
            cost_per_sample_yen=1,
            actor=world.officer,
        )


def test_settings_are_frozen_once_the_allocation_is_approved(world):
    first = w.proposal(world, samples=10)
    _reviewed(world, (first, [4, 4]))
    allocation = services.allocation_compute(
        analysis_call=world.analysis_call, actor=world.officer, on=w.after_close(world)
    )
    services.allocation_approve(allocation=allocation, actor=world.officer)
    a = world.analysis_call
    with pytest.raises(StateConflict, match="no longer change"):
        services.analysis_call_configure(
            analysis_call=a, budget_yen=1, funder=a.funder, partial_funding=True, blind_review=a.blind_review,
            tie_break=a.tie_break, example_costs=a.example_costs, rubric=a.rubric, actor=world.officer,
        )  # fmt: skip


@pytest.mark.parametrize("who", ["proposer", "rival", "colleague"])
def test_researchers_cannot_open_calls_or_allocate(world, who):
    user = getattr(world, who)
    with pytest.raises(PermissionDenied, match="Only funding agency officers compute"):
        services.allocation_compute(analysis_call=world.analysis_call, actor=user, on=w.after_close(world))
    with pytest.raises(PermissionDenied, match="Only funding agency officers open"):
        services.analysis_call_open(
            title="x", title_en="x", opens_on=world.analysis_call.call.opens_on,
            closes_on=world.analysis_call.call.closes_on, budget_yen=1, funder="company",
            assays=[services.AssaySpec("wgs", "dna", 1)], actor=user,
        )  # fmt: skip


def test_officers_do_not_propose(world):
    with pytest.raises(PermissionDenied, match="Only researchers submit analysis proposals"):
        w.proposal(world, user=world.officer)


def test_only_the_proposer_submits(world):
    proposal = w.proposal(world, submit=False)
    with pytest.raises(PermissionDenied, match="Only the proposer submits"):
        services.proposal_submit(proposal=proposal, actor=world.rival)
