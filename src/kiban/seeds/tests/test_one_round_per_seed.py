"""One undecided review round per seed, enforced by the database; the round judges the stage it reviewed and
its decision is refused once the seed has moved on (no Seed B → preC → Seed C in one day)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from kiban.core.errors import StateConflict
from kiban.core.models import User
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
from kiban.seeds.models import Seed


@pytest.fixture
def rubric(hub_staff):
    return rubric_create(name="ステージゲート評価", scale_min=1, scale_max=5, criteria=[{"name": "革新性"}])


def _open(seed, rubric, hub_staff, title="ステージゲート"):
    return review_round_open(
        target=seed, rubric=rubric, title=title, blind=False, due_date=None, actor=hub_staff
    )


def _closed(seed, rubric, hub_staff):
    round_ = _open(seed, rubric, hub_staff)
    reviewer = User.objects.create_user("gate_reviewer", "gate@example.jp", "pw-for-tests-only")
    assignment = reviewer_assign(round=round_, reviewer=reviewer, actor=hub_staff)
    scores_submit(assignment=assignment, values={c.pk: 4 for c in rubric.criteria.all()}, actor=reviewer)
    return review_round_close(round=round_, actor=hub_staff)


def test_a_second_round_on_a_seed_is_refused_while_the_first_is_undecided(seed, rubric, hub_staff):
    # given a closed round awaiting its decision
    first = _closed(seed, rubric, hub_staff)

    # when another round is opened on the same seed
    with pytest.raises(StateConflict) as refused:
        _open(seed, rubric, hub_staff, title="もう一つの評価")

    # then it is refused naming the round under way, and through the API it is a 409
    assert refused.value.messages == [
        "The review round “ステージゲート” on this item is still under way; decide it first."
    ]
    assert ReviewRound.objects.filter(object_id=seed.pk).count() == 1
    client = Client()
    client.force_login(hub_staff)
    response = client.post(
        f"/api/seeds/{seed.pk}/stage-gates",
        {"rubric_id": rubric.pk, "title": "もう一つの評価"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "still under way" in response.json()["detail"]
    # and once it is decided, the next stage-gate may open, recording the new stage
    decision_record(round=first, outcome="stage_up", rationale="前進", actor=hub_staff)
    assert first.reviewed_state == Stage.SEED_A
    assert _open(seed, rubric, hub_staff, title="次の評価").reviewed_state == Stage.PRE_B


def test_a_decision_is_refused_once_the_seed_has_moved_on(seed, rubric, hub_staff):
    # given a closed round that reviewed the seed in Seed A
    round_ = _closed(seed, rubric, hub_staff)
    assert round_.reviewed_state == Stage.SEED_A

    # when the seed moves on outside the round, then the panel decides stage up
    services.seed_decision_apply(seed=seed, outcome="stage_up", rationale="別の経路で前進", actor=hub_staff)
    with pytest.raises(StateConflict) as refused:
        decision_record(round=round_, outcome="stage_up", rationale="さらに前進", actor=hub_staff)

    # then the refusal names both stages and the seed stays where it is
    assert refused.value.messages == [
        "The round “ステージゲート” reviewed the item at Seed A, but it is now at preB; its decision no "
        "longer applies. Open a new round for the present state."
    ]
    assert not Decision.objects.filter(round=round_).exists()
    seed.refresh_from_db()
    assert seed.stage == Stage.PRE_B


def test_the_round_page_names_the_stage_it_reviewed(seed, rubric, hub_staff):
    # given a round decided "stage up" on a Seed A seed, which is now preB
    round_ = _closed(seed, rubric, hub_staff)
    decision_record(round=round_, outcome="stage_up", rationale="前進", actor=hub_staff)
    seed.refresh_from_db()
    assert seed.stage == Stage.PRE_B

    # when its manager reads the round's page
    client = Client()
    client.force_login(hub_staff)
    page = client.get(round_.get_absolute_url()).content.decode()

    # then the heading names the stage the panel judged, not the present one
    assert f"Stage-gate of “{seed.title}” (Seed A)" in page
    assert f"Stage-gate of “{seed.title}” (preB)" not in page


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database cannot hold two writers; CI runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_openings_keep_exactly_one_round(seed, rubric, hub_staff):
    # given two managers opening a round on one seed at the same moment
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def open_one(title: str) -> None:
        try:
            start.wait()
            _open(Seed.objects.get(pk=seed.pk), rubric, hub_staff, title=title)
            outcomes.append("opened")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(title,)) for title in ("甲", "乙")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one round is opened and the other request is refused with the round under way, not a 500
    assert ReviewRound.objects.filter(object_id=seed.pk).count() == 1
    assert sorted(outcomes)[1] == "opened"
    assert "on this item is still under way; decide it first." in sorted(outcomes)[0]
