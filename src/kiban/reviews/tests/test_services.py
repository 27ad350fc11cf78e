"""The review engine's rules as a manager, a reviewer and an applicant meet them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kiban.core.choices import OrganisationKind
from kiban.core.models import Notification, Organisation
from kiban.reviews import registry, services
from kiban.reviews.choices import Conflict, RoundState
from kiban.reviews.models import Assignment, Decision, ReviewRound
from kiban.reviews.selectors import aggregate, assignments_for_reviewer, visible_scores

from .helpers import submit, values


def _messages(error) -> str:
    return " ".join(error.value.messages)


# --- conflicts of interest
def test_conflicts_are_detected_for_the_applicants_and_partners_members_and_named_people(
    review_round, adapter, applicant, partner, manager, make_reviewer
):
    # given reviewers at the applicant, at a partner, named on the application, and elsewhere
    insider = make_reviewer("insider", applicant)
    partner_member = make_reviewer("partner_member", partner)
    named = make_reviewer("named")
    independent = make_reviewer("independent")
    adapter.named[applicant.pk] = {named.pk}

    # when each is assigned
    found = {
        user.username: services.reviewer_assign(round=review_round, reviewer=user, actor=manager)
        for user in (insider, partner_member, named, independent)
    }

    # then the first three are recorded as conflicted, with the reason; only the last is asked to review
    assert {name: a.conflict for name, a in found.items()} == {
        "insider": Conflict.DETECTED,
        "partner_member": Conflict.DETECTED,
        "named": Conflict.DETECTED,
        "independent": Conflict.NONE,
    }
    assert found["insider"].conflict_reason == (
        "Member of the applicant's organisation or a partner: 申請大学."
    )
    assert found["partner_member"].conflict_reason.endswith("分担機関.")
    assert found["named"].conflict_reason == "Named on the application."
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["independent"]
    history = found["insider"].history.get()
    assert history.history_user == manager
    assert history.history_change_reason.startswith("Reviewer assigned; conflict of interest detected")


def test_a_reviewer_declares_a_conflict_and_is_then_out_of_the_review(review_round, manager, make_reviewer):
    # given an assigned reviewer without a detected conflict
    reviewer = make_reviewer("reviewer")
    assignment = services.reviewer_assign(round=review_round, reviewer=reviewer, actor=manager)

    # when they declare a conflict, without and then with a reason
    with pytest.raises(ValidationError) as error:
        services.conflict_declare(assignment=assignment, reason="  ", actor=reviewer)
    assert "Say what the conflict of interest is" in _messages(error)
    services.conflict_declare(assignment=assignment, reason="Co-author of the PI", actor=reviewer)

    # then it is recorded and audited, the round's opener is told, and the work leaves their list
    assignment.refresh_from_db()
    assert (assignment.conflict, assignment.conflict_reason) == (Conflict.DECLARED, "Co-author of the PI")
    assert assignment.history.first().history_change_reason == (
        "Conflict of interest declared: Co-author of the PI"
    )
    assert Notification.objects.filter(recipient=manager, subject__startswith="Conflict of interest").exists()
    assert list(assignments_for_reviewer(reviewer)) == []


def test_only_the_reviewer_declares_their_conflict(review_round, manager, make_reviewer):
    assignment = services.reviewer_assign(round=review_round, reviewer=make_reviewer("r"), actor=manager)
    with pytest.raises(PermissionDenied):
        services.conflict_declare(assignment=assignment, reason="not mine", actor=manager)


def test_a_conflicted_reviewer_cannot_score(review_round, applicant, manager, make_reviewer):
    # given a reviewer from the applicant's organisation
    insider = services.reviewer_assign(
        round=review_round, reviewer=make_reviewer("insider", applicant), actor=manager
    )

    # when they try to submit scores
    with pytest.raises(ValidationError) as error:
        submit(insider, 3, 3, 3)

    # then they are refused with the reason, and nothing is stored
    assert _messages(error) == (
        "You have a conflict of interest with this item (Member of the applicant's organisation or a "
        "partner: 申請大学.), so you cannot score it."
    )
    assert not insider.scores.exists()


# --- scoring
def test_scores_outside_the_scale_or_incomplete_are_refused(review_round, manager, make_reviewer):
    assignment = services.reviewer_assign(round=review_round, reviewer=make_reviewer("r"), actor=manager)
    with pytest.raises(ValidationError) as error:
        submit(assignment, 3, 10, 3)
    assert _messages(error) == (
        "The score for “Innovation” must be a whole number from 1 to 9, or not applicable; 10 is not."
    )
    with pytest.raises(ValidationError) as error:
        services.scores_submit(assignment=assignment, values={}, comments={}, actor=assignment.reviewer)
    assert "missing: Significance, Innovation, Feasibility" in _messages(error)
    assert assignment.scores.count() == 0


def test_a_reviewer_submits_once(review_round, manager, make_reviewer):
    # given a reviewer who has submitted
    assignment = services.reviewer_assign(round=review_round, reviewer=make_reviewer("r"), actor=manager)
    submit(assignment, 3, None, 5)

    # when they submit again (a second tab, a double click)
    with pytest.raises(ValidationError) as error:
        submit(assignment, 9, 9, 9)

    # then the first submission stands, audited
    assert _messages(error) == "You have already submitted your scores for this round."
    assert list(assignment.scores.values_list("value", flat=True)) == [3, None, 5]
    assert assignment.history.first().history_change_reason == "Scores submitted"


def test_only_the_assigned_reviewer_submits(review_round, manager, make_reviewer):
    assignment = services.reviewer_assign(round=review_round, reviewer=make_reviewer("r"), actor=manager)
    with pytest.raises(PermissionDenied):
        services.scores_submit(assignment=assignment, values=values(review_round, 1, 1, 1), actor=manager)


# --- aggregation
def _scored_round(aggregation, *, adapter, applicant, manager, make_reviewer) -> ReviewRound:
    """Three reviewers (with not-applicable values), one conflict declared after submitting, one detected."""
    rubric = services.rubric_create(
        name=f"ルーブリック {aggregation}",
        aggregation=aggregation,
        criteria=[
            {"name": "c1", "weight": 1},
            {"name": "c2", "weight": 2},
            {"name": "c3", "weight": 1},
        ],
    )
    round_ = services.review_round_open(
        target=applicant, rubric=rubric, title=aggregation, blind=False, due_date=None, actor=manager
    )
    scores = {"r1": (2, 4, None), "r2": (4, 6, 3), "r3": (6, None, 5), "late_conflict": (9, 9, 9)}
    for username, row in scores.items():
        reviewer = make_reviewer(username)
        submit(services.reviewer_assign(round=round_, reviewer=reviewer, actor=manager), *row)
    late = Assignment.objects.get(round=round_, reviewer__username="late_conflict")
    services.conflict_declare(assignment=late, reason="Former student of the PI", actor=late.reviewer)
    services.reviewer_assign(round=round_, reviewer=make_reviewer("insider", applicant), actor=manager)
    return round_


@pytest.mark.parametrize(
    ("aggregation", "per_criterion", "overall"),
    [
        ("mean", [(4.0, 3), (5.0, 2), (4.0, 2)], 30 / 7),
        ("median", [(4.0, 3), (5.0, 2), (4.0, 2)], 4.0),
        ("weighted_mean", [(4.0, 3), (5.0, 2), (4.0, 2)], 40 / 9),
    ],
)
def test_aggregation_leaves_out_not_applicable_values_and_conflicted_reviewers(
    aggregation, per_criterion, overall, adapter, applicant, manager, make_reviewer
):
    # given r1 (2, 4, n/a), r2 (4, 6, 3), r3 (6, n/a, 5), a reviewer who scored (9, 9, 9) and then declared a
    # conflict, and a reviewer with a detected conflict
    round_ = _scored_round(
        aggregation, adapter=adapter, applicant=applicant, manager=manager, make_reviewer=make_reviewer
    )

    # when the round is aggregated
    result = aggregate(round_)

    # then only r1–r3's applicable values count: per criterion and overall (the weighted mean weighs c2 twice)
    assert [(row.value, row.n) for row in result.per_criterion] == per_criterion
    assert result.overall == pytest.approx(overall)
    assert (result.reviewers_counted, result.excluded_conflicted) == (3, 2)


def test_an_unscored_round_has_no_aggregate(review_round):
    result = aggregate(review_round)
    assert (result.overall, result.reviewers_counted) == (None, 0)
    assert [row.value for row in result.per_criterion] == [None, None, None]


# --- who sees which scores
def test_reviewers_see_other_scores_only_after_submitting_their_own(
    review_round, applicant, manager, make_reviewer
):
    # given two reviewers, one of whom has submitted, and a conflicted reviewer
    first = services.reviewer_assign(round=review_round, reviewer=make_reviewer("first"), actor=manager)
    second = services.reviewer_assign(round=review_round, reviewer=make_reviewer("second"), actor=manager)
    insider = services.reviewer_assign(
        round=review_round, reviewer=make_reviewer("insider", applicant), actor=manager
    )
    submit(first, 1, 2, 3)

    # then the second reviewer sees nothing until they submit, then both; the insider never; the manager all
    assert list(visible_scores(review_round, second.reviewer)) == []
    assert visible_scores(review_round, first.reviewer).count() == 3
    submit(second, 4, 5, 6)
    assert visible_scores(review_round, second.reviewer).count() == 6
    assert visible_scores(review_round, insider.reviewer).count() == 0
    assert visible_scores(review_round, manager).count() == 6


# --- balanced assignment
def test_balanced_assignment_spreads_the_load_and_skips_conflicts(adapter, rubric, manager, make_reviewer):
    # given three applications and a pool of five, the first of whom works at the first applicant
    applicants = [
        Organisation.objects.create(name=f"申請機関{n}", kind=OrganisationKind.UNIVERSITY) for n in (1, 2, 3)
    ]
    rounds = [
        services.review_round_open(
            target=org, rubric=rubric, title=org.name, blind=True, due_date=None, actor=manager
        )
        for org in applicants
    ]
    insider = make_reviewer("insider", applicants[0])
    others = [make_reviewer(f"r{n}") for n in (1, 2, 3, 4)]

    # when two reviewers per round are assigned from the pool
    created = services.reviewers_assign_balanced(
        rounds=rounds, pool=[insider, *others], per_round=2, actor=manager
    )

    # then each round has two, the insider is not on their own organisation's round, and no one has more
    # than one assignment more than anyone else (fewest first, ties by user id)
    names = {pk: sorted(a.reviewer.username for a in found) for pk, found in created.items()}
    assert names == {
        rounds[0].pk: ["r1", "r2"],
        rounds[1].pk: ["insider", "r3"],
        rounds[2].pk: ["insider", "r4"],
    }
    assert not Assignment.objects.filter(round=rounds[0], reviewer=insider).exists()
    assert Assignment.objects.filter(conflict=Conflict.NONE).count() == 6


def test_balanced_assignment_tops_up_a_round_and_counts_existing_work(
    review_round, adapter, manager, make_reviewer
):
    # given a round that already has one reviewer, and a pool in which that reviewer is the busiest
    busy, idle_a, idle_b = make_reviewer("busy"), make_reviewer("idle_a"), make_reviewer("idle_b")
    services.reviewer_assign(round=review_round, reviewer=busy, actor=manager)

    # when the round is brought up to two reviewers
    created = services.reviewers_assign_balanced(
        rounds=[review_round], pool=[busy, idle_b, idle_a], per_round=2, actor=manager
    )

    # then one more, the idle reviewer with the lower id, is assigned
    assert [a.reviewer for a in created[review_round.pk]] == [idle_a]


# --- closing and deciding
def test_a_decision_needs_a_rationale_is_applied_notified_and_audited(
    review_round, applicant, applicant_user, manager, make_reviewer
):
    # given a closed round
    submit(services.reviewer_assign(round=review_round, reviewer=make_reviewer("r"), actor=manager), 2, 3, 4)
    services.review_round_close(round=review_round, actor=manager)

    # when the panel decides without a rationale, then with one
    with pytest.raises(ValidationError) as error:
        services.decision_record(round=review_round, outcome="fund", rationale="  ", actor=manager)
    assert _messages(error) == "Write the rationale of the decision; it is sent to the applicant and kept."
    decision = services.decision_record(
        round=review_round, outcome="fund", rationale="Strong preliminary data.", actor=manager
    )

    # then the item's app applied it, the round is decided, the applicant is told, and it is all audited
    applicant.refresh_from_db()
    review_round.refresh_from_db()
    assert applicant.short_name == "fund"
    assert review_round.state == RoundState.DECIDED
    assert (decision.outcome, decision.decided_by) == ("fund", manager)
    notice = Notification.objects.get(recipient=applicant_user)
    assert (notice.subject, notice.body) == (
        f"Decision on Proposal no. {applicant.pk}: Fund",
        "Strong preliminary data.",
    )
    reasons = list(review_round.history.values_list("state", "history_change_reason", "history_user"))
    assert reasons == [
        ("decided", "Decision: Fund. Rationale: Strong preliminary data.", manager.pk),
        ("closed", "Review round closed", manager.pk),
        ("open", "Review round opened", manager.pk),
    ]


def test_illegal_transitions_are_refused_with_clear_messages(review_round, manager, make_reviewer):
    assignment = services.reviewer_assign(round=review_round, reviewer=make_reviewer("late"), actor=manager)

    # deciding an open round
    with pytest.raises(ValidationError) as error:
        services.decision_record(round=review_round, outcome="fund", rationale="Good.", actor=manager)
    assert _messages(error) == "Close the round before recording the decision."

    # scoring after closing
    services.review_round_close(round=review_round, actor=manager)
    with pytest.raises(ValidationError) as error:
        submit(assignment, 1, 1, 1)
    assert _messages(error) == (
        "The round “2025 stage-gate” is closed; scores and assignments can no longer change."
    )

    # closing twice
    with pytest.raises(ValidationError) as error:
        services.review_round_close(round=review_round, actor=manager)
    assert _messages(error).startswith("Only an open round can be closed.")

    # an outcome the item does not know
    with pytest.raises(ValidationError) as error:
        services.decision_record(round=review_round, outcome="promote", rationale="Good.", actor=manager)
    assert _messages(error) == (
        "“promote” is not a possible decision here; choose one of: Fund, Reject, Broken outcome."
    )

    # deciding twice
    services.decision_record(round=review_round, outcome="reject", rationale="Weak.", actor=manager)
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            round=review_round, outcome="fund", rationale="Changed our minds.", actor=manager
        )
    assert _messages(error) == "The round “2025 stage-gate” is already decided."
    assert Decision.objects.get().outcome == "reject"

    # assigning after the decision
    with pytest.raises(ValidationError):
        services.reviewer_assign(round=review_round, reviewer=make_reviewer("later"), actor=manager)


def test_a_decision_the_item_refuses_leaves_nothing_behind(review_round, applicant, manager):
    # given a closed round
    services.review_round_close(round=review_round, actor=manager)

    # when the item's app refuses the outcome inside the decision's transaction
    with pytest.raises(ValidationError) as error:
        services.decision_record(round=review_round, outcome="broken", rationale="Try it.", actor=manager)

    # then no decision, no state change, no notice remains
    assert _messages(error) == "The application cannot take this outcome."
    review_round.refresh_from_db()
    assert review_round.state == RoundState.CLOSED
    assert not Decision.objects.exists()
    assert not Notification.objects.filter(subject__startswith="Decision").exists()


def test_only_managers_open_close_assign_and_decide(review_round, applicant, rubric, make_reviewer):
    outsider = make_reviewer("outsider")
    with pytest.raises(PermissionDenied):
        services.review_round_open(
            target=applicant, rubric=rubric, title="x", blind=False, due_date=None, actor=outsider
        )
    with pytest.raises(PermissionDenied):
        services.reviewer_assign(round=review_round, reviewer=outsider, actor=outsider)
    with pytest.raises(PermissionDenied):
        services.review_round_close(round=review_round, actor=outsider)
    with pytest.raises(PermissionDenied):
        services.decision_record(round=review_round, outcome="fund", rationale="x", actor=outsider)


# --- rubrics and the registry
def test_a_rubric_in_use_cannot_be_changed(review_round, rubric):
    with pytest.raises(ValidationError) as error:
        services.rubric_update(rubric=rubric, scale_max=5)
    assert "is used by a review round and cannot be changed" in _messages(error)


def test_an_unregistered_model_cannot_be_reviewed(db, rubric, manager):
    with pytest.raises(LookupError, match=r"No review adapter is registered for core\.User"):
        registry.adapter_for(manager)
