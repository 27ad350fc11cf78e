"""Stage-gates through the review engine: the panel's decision moves the seed, an illegal one is refused and
leaves the round undecided, and a terminated seed is never scored."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kiban.core.models import Notification, User
from kiban.reviews.models import Decision, ReviewRound
from kiban.reviews.services import (
    decision_record,
    review_round_close,
    review_round_open,
    reviewer_assign,
    rubric_create,
    scores_submit,
)
from kiban.seeds import services
from kiban.seeds.choices import Stage


@pytest.fixture
def rubric(hub_staff):
    return rubric_create(
        name="ステージゲート評価",
        scale_min=1,
        scale_max=5,
        higher_is_better=True,
        criteria=[{"name": "革新性", "weight": 1}, {"name": "実用化の見込み", "weight": 2}],
        actor=hub_staff,
    )


@pytest.fixture
def reviewer(base_data):
    return User.objects.create_user("panel_reviewer", "panel@example.jp", "pw-for-tests-only")


def _scored_round(seed, rubric, reviewer, hub_staff) -> ReviewRound:
    round_ = review_round_open(
        target=seed, rubric=rubric, title="ステージゲート", blind=False, due_date=None, actor=hub_staff
    )
    assignment = reviewer_assign(round=round_, reviewer=reviewer, actor=hub_staff)
    scores_submit(assignment=assignment, values={c.pk: 4 for c in rubric.criteria.all()}, actor=reviewer)
    review_round_close(round=round_, actor=hub_staff)
    return round_


def test_a_stage_up_decision_moves_the_seed_and_tells_the_team(seed, rubric, reviewer, hub_staff, pi):
    # given a stage-gate round opened from the seed's page, scored and closed
    client = Client()
    client.force_login(hub_staff)
    response = client.post(
        f"/seeds/{seed.pk}/stage-gates/", {"rubric": rubric.pk, "title": "2021年度ステージゲート"}
    )
    round_ = ReviewRound.objects.get(title="2021年度ステージゲート")
    assert response.status_code == 302 and response["Location"] == round_.get_absolute_url()
    assignment = reviewer_assign(round=round_, reviewer=reviewer, actor=hub_staff)
    scores_submit(assignment=assignment, values={c.pk: 5 for c in rubric.criteria.all()}, actor=reviewer)
    review_round_close(round=round_, actor=hub_staff)

    # when the panel decides stage up
    decision_record(round=round_, outcome="stage_up", rationale="非臨床POCの見通しが立った", actor=hub_staff)

    # then the seed is in preB, the stage-gate names the round, and the principal investigator is told
    seed.refresh_from_db()
    assert seed.stage == Stage.PRE_B
    gate = seed.stage_gates.get()
    assert (gate.review_round_id, gate.rationale) == (round_.pk, "非臨床POCの見通しが立った")
    notice = Notification.objects.filter(recipient=pi, subject__contains="Stage up").get()
    assert notice.body == "非臨床POCの見通しが立った"


def test_an_illegal_decision_is_refused_and_the_round_stays_undecided(seed, rubric, reviewer, hub_staff):
    # given a seed in Seed C and a closed round on it
    for year in range(4):
        services.seed_decision_apply(
            seed=seed,
            outcome="stage_up",
            rationale="前進",
            actor=hub_staff,
            decided_on=datetime.date(2020 + year, 2, 1),
        )
    round_ = _scored_round(seed, rubric, reviewer, hub_staff)

    # when the panel decides stage up
    with pytest.raises(ValidationError) as caught:
        decision_record(round=round_, outcome="stage_up", rationale="さらに前進", actor=hub_staff)

    # then the refusal says why, no decision is kept and the round can still be decided
    assert "is in Seed C, the last stage, and cannot move up" in " ".join(caught.value.messages)
    round_.refresh_from_db()
    assert round_.state == "closed"
    assert not Decision.objects.filter(round=round_).exists()
    seed.refresh_from_db()
    assert seed.stage == Stage.SEED_C


def test_a_terminated_seed_is_not_scored(seed, rubric, reviewer, hub_staff):
    # given a round on a seed still open for scoring (an item has one undecided round at most)
    open_round = review_round_open(
        target=seed, rubric=rubric, title="別の評価", blind=False, due_date=None, actor=hub_staff
    )
    late = reviewer_assign(round=open_round, reviewer=reviewer, actor=hub_staff)

    # when the seed is terminated meanwhile, outside the round
    services.seed_decision_apply(
        seed=seed, outcome="terminate", rationale="有効性が示されなかった", actor=hub_staff
    )

    # then the other round is cancelled and the reviewer's scores are refused
    open_round.refresh_from_db()
    assert open_round.state == "cancelled"
    cancelled = re.escape("was cancelled (Review round cancelled: seed terminated)")
    with pytest.raises(ValidationError, match=cancelled):
        scores_submit(assignment=late, values={c.pk: 3 for c in rubric.criteria.all()}, actor=reviewer)
    # and no new stage-gate review can be opened from the seed's page
    client = Client()
    client.force_login(hub_staff)
    client.post(f"/seeds/{seed.pk}/stage-gates/", {"rubric": rubric.pk, "title": "再評価"}, follow=True)
    assert not ReviewRound.objects.filter(title="再評価").exists()


def test_the_adapter_names_the_team_and_the_institution_as_conflicts(osaka, hub_staff, pi, takeda):
    # given a company-committed seed from 大阪大学 with a team member
    from kiban.seeds.reviewing import SeedStageGateAdapter

    from .conftest import register

    member = User.objects.create_user("team_member", "team@example.jp", "pw-for-tests-only")
    seed = register(
        hub=osaka,
        pi=pi,
        actor=hub_staff,
        team=[member],
        programme_slot="company_committed",
        committed_company=takeda,
    )

    # when the engine asks the adapter
    adapter = SeedStageGateAdapter()

    # then the people named and the institution and committed company are conflicts; the hub manages it
    assert adapter.conflict_user_ids(seed) == {pi.pk, member.pk}
    assert adapter.conflict_organisation_ids(seed) == {osaka.pk, takeda.pk}
    assert adapter.can_manage(hub_staff, seed) and not adapter.can_manage(pi, seed)
    assert {u.pk for u in adapter.applicant_users(seed)} == {pi.pk, member.pk}


def test_the_engine_itself_refuses_to_review_a_terminated_seed(seed, rubric, reviewer, hub_staff):
    # given a seed the panel terminated
    deciding = _scored_round(seed, rubric, reviewer, hub_staff)
    decision_record(round=deciding, outcome="terminate", rationale="有効性が示されなかった", actor=hub_staff)
    seed.refresh_from_db()

    # when anyone opens a round through the engine's own service (as its generic page does), it is refused
    with pytest.raises(ValidationError, match="can no longer be reviewed or scored"):
        review_round_open(
            target=seed, rubric=rubric, title="再評価", blind=False, due_date=None, actor=hub_staff
        )
    assert not ReviewRound.objects.filter(title="再評価").exists()
    # and the API answers the engine's refusal as every refused input: 400 with the engine's code
    client = Client()
    client.force_login(hub_staff)
    response = client.post(
        f"/api/seeds/{seed.pk}/stage-gates",
        {"rubric_id": rubric.pk, "title": "再評価"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "refused_by_item"
    assert "can no longer be reviewed or scored" in response.json()["detail"]
