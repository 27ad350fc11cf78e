"""The allocation function alone: never over budget, merit order, partial or not, ties, determinism."""

import datetime
import random
from decimal import Decimal
from itertools import pairwise

import pytest

from kiban.analysis_funding.allocation import (
    BELOW_ONE_SAMPLE,
    BUDGET_SPENT,
    DOES_NOT_FIT,
    EARLIER_SUBMISSION,
    FUNDED,
    LOWER_REQUEST,
    NOT_SCORED,
    PARTIAL,
    Candidate,
    allocate,
)

T0 = datetime.datetime(2026, 4, 1, 9, 0, tzinfo=datetime.UTC)


def candidate(key, score, samples, cost, minutes=0):
    return Candidate(
        key=key,
        score=None if score is None else Decimal(str(score)),
        samples=samples,
        cost_per_sample=cost,
        submitted_at=T0 + datetime.timedelta(minutes=minutes),
    )


def by_key(lines):
    return {line.key: line for line in lines}


def test_highest_merit_is_funded_first_until_the_budget_is_spent():
    # Given three proposals of 30, 40 and 50 (thousand yen) under a budget of 80
    lines = allocate(
        [candidate(1, 3.0, 30, 1000), candidate(2, 4.5, 40, 1000), candidate(3, 4.0, 50, 1000)],
        budget=80_000,
        partial=False,
        tie_break=LOWER_REQUEST,
    )
    # Then rank 1 (4.5) is funded, rank 2 (4.0, 50) does not fit in the 40 left and is skipped, rank 3 fits
    assert [(ln.key, ln.rank, ln.allocated, ln.reason) for ln in lines] == [
        (2, 1, 40_000, FUNDED),
        (3, 2, 0, DOES_NOT_FIT),
        (1, 3, 30_000, FUNDED),
    ]
    assert by_key(lines)[3].remaining_before == 40_000


def test_partial_funding_gives_the_last_one_what_is_left_in_whole_samples():
    lines = allocate(
        [candidate(1, 5, 40, 1000), candidate(2, 4, 50, 1000), candidate(3, 3, 5, 1000)],
        budget=65_500,
        partial=True,
        tie_break=LOWER_REQUEST,
    )
    line = by_key(lines)
    assert (line[2].allocated, line[2].allocated_samples, line[2].reason) == (25_000, 25, PARTIAL)
    # The partial award ends the allocation: nothing below it is funded.
    assert (line[3].allocated, line[3].reason) == (0, BUDGET_SPENT)
    assert sum(ln.allocated for ln in lines) == 65_000


def test_with_partial_funding_a_proposal_whose_sample_costs_more_than_what_is_left_gets_nothing():
    lines = allocate(
        [candidate(1, 5, 9, 1000), candidate(2, 4, 3, 5000), candidate(3, 3, 10, 100)],
        budget=10_000,
        partial=True,
        tie_break=LOWER_REQUEST,
    )
    line = by_key(lines)
    assert (line[2].allocated, line[2].reason) == (0, BELOW_ONE_SAMPLE)
    assert (line[3].allocated, line[3].allocated_samples, line[3].reason) == (1000, 10, FUNDED)


def test_ties_lower_request_first_then_earlier_submission():
    proposals = [candidate(1, 4.33, 30, 1000, minutes=0), candidate(2, 4.33, 20, 1000, minutes=5),
                 candidate(3, 4.33, 20, 1000, minutes=1)]  # fmt: skip
    lower = allocate(proposals, budget=10**9, partial=False, tie_break=LOWER_REQUEST)
    earlier = allocate(proposals, budget=10**9, partial=False, tie_break=EARLIER_SUBMISSION)
    assert [ln.key for ln in lower] == [3, 2, 1]
    assert [ln.key for ln in earlier] == [1, 3, 2]


def test_scores_are_compared_at_two_decimals_as_shown():
    # 4.334 and 4.3349 both read 4.33: a tie, broken by the lower request
    lines = allocate(
        [candidate(1, 4.334, 30, 1000), candidate(2, 4.3349, 20, 1000)],
        budget=10**9,
        partial=False,
        tie_break=LOWER_REQUEST,
    )
    assert [(ln.key, ln.score) for ln in lines] == [(2, Decimal("4.33")), (1, Decimal("4.33"))]


def test_lower_is_better_rubrics_rank_the_lowest_score_first():
    lines = allocate(
        [candidate(1, 2, 10, 1), candidate(2, 1, 10, 1)], budget=10, partial=False, tie_break=LOWER_REQUEST,
        higher_is_better=False,
    )  # fmt: skip
    assert [(ln.key, ln.allocated) for ln in lines] == [(2, 10), (1, 0)]


def test_unscored_proposals_are_not_ranked_and_get_nothing():
    lines = allocate(
        [candidate(1, None, 1, 1), candidate(2, 3, 1, 1)], budget=100, partial=True, tie_break=LOWER_REQUEST
    )
    assert [(ln.key, ln.rank, ln.allocated, ln.reason) for ln in lines] == [
        (2, 1, 1, FUNDED),
        (1, None, 0, NOT_SCORED),
    ]


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        allocate([candidate(1, 3, 0, 10)], budget=10, partial=False, tie_break=LOWER_REQUEST)
    with pytest.raises(ValueError):
        allocate(
            [candidate(1, 3, 1, 10), candidate(1, 2, 1, 10)],
            budget=10,
            partial=False,
            tie_break=LOWER_REQUEST,
        )
    with pytest.raises(ValueError):
        allocate([], budget=10, partial=False, tie_break="coin toss")


def _random_case(rng: random.Random):
    count = rng.randint(0, 12)
    candidates = [
        candidate(
            key,
            rng.choice([None, *[s / 4 for s in range(4, 21)]]),  # few distinct scores: many ties
            rng.randint(1, 60),
            rng.choice([1, 7, 50, 1000, 8000, 100_000]),
            minutes=rng.randint(0, 30),
        )
        for key in range(1, count + 1)
    ]
    return (
        candidates,
        rng.randint(0, 3_000_000),
        rng.random() < 0.5,
        rng.choice([LOWER_REQUEST, EARLIER_SUBMISSION]),
    )


@pytest.mark.parametrize("seed", range(300))
def test_properties_hold_for_random_calls(seed):
    rng = random.Random(seed)
    candidates, budget, partial, tie_break = _random_case(rng)

    lines = allocate(candidates, budget=budget, partial=partial, tie_break=tie_break)

    # One line per proposal; never over budget; never more than asked; whole samples only
    assert sorted(ln.key for ln in lines) == sorted(c.key for c in candidates)
    assert sum(ln.allocated for ln in lines) <= budget
    cost = {c.key: c.cost_per_sample for c in candidates}
    for line in lines:
        assert 0 <= line.allocated <= line.requested
        assert line.allocated == line.allocated_samples * cost[line.key]
    ranked = [ln for ln in lines if ln.rank is not None]
    # Ranks are 1..n in merit order (scores never rise down the table)
    assert [ln.rank for ln in ranked] == list(range(1, len(ranked) + 1))
    assert all(a.score >= b.score for a, b in pairwise(ranked))
    # Merit is respected: a proposal ranked above a funded one got nothing only because it did not fit then
    for index, line in enumerate(ranked):
        if line.allocated == 0:
            assert line.reason in (DOES_NOT_FIT, BELOW_ONE_SAMPLE, BUDGET_SPENT)
            assert line.requested > line.remaining_before or line.reason == BUDGET_SPENT
            if line.reason == DOES_NOT_FIT:
                assert not partial
        if line.reason == PARTIAL:
            assert partial
            assert all(ln.allocated == 0 for ln in ranked[index + 1 :])  # the partial one is the last funded
    # What was left is tracked exactly
    left = budget
    for line in ranked:
        assert line.remaining_before == left
        left -= line.allocated
    # Without partial funding a proposal is funded whole or not at all
    if not partial:
        assert all(ln.allocated in (0, ln.requested) for ln in lines)
    # Deterministic: the order the proposals come in changes nothing
    shuffled = candidates[:]
    rng.shuffle(shuffled)
    assert allocate(shuffled, budget=budget, partial=partial, tie_break=tie_break) == lines
    assert allocate(candidates, budget=budget, partial=partial, tie_break=tie_break) == lines


@pytest.mark.parametrize("seed", range(100))
def test_ties_respect_the_rule_for_random_calls(seed):
    rng = random.Random(1000 + seed)
    candidates, budget, partial, tie_break = _random_case(rng)
    lines = allocate(candidates, budget=budget, partial=partial, tie_break=tie_break)
    by = {c.key: c for c in candidates}
    ranked = [ln for ln in lines if ln.rank is not None]
    for a, b in pairwise(ranked):
        if a.score == b.score:
            first, second = by[a.key], by[b.key]
            if tie_break == LOWER_REQUEST:
                assert (first.requested, first.submitted_at, first.key) < (
                    second.requested,
                    second.submitted_at,
                    second.key,
                )
            else:
                assert (first.submitted_at, first.requested, first.key) < (
                    second.submitted_at,
                    second.requested,
                    second.key,
                )
