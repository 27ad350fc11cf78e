"""The stage machine: one stage up at a time, suspension and resumption, termination as the end; every
illegal decision refused with a message the panel can act on, every transition kept with its rationale."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from kiban.seeds import services
from kiban.seeds.choices import Stage
from kiban.seeds.models import StageGate

from .conftest import register

DAY = datetime.date(2021, 2, 1)


def decide(seed, outcome, actor, day=DAY, rationale="評価委員会の判断"):
    return services.seed_decision_apply(
        seed=seed, outcome=outcome, rationale=rationale, actor=actor, decided_on=day
    )


def refusal(seed, outcome, actor) -> str:
    with pytest.raises(ValidationError) as caught:
        decide(seed, outcome, actor)
    return " ".join(caught.value.messages)


def test_stage_up_moves_exactly_one_stage_each_time(seed, hub_staff):
    # given a seed in Seed A
    # when it is moved up four times
    stages = []
    for year in range(4):
        decide(seed, "stage_up", hub_staff, day=datetime.date(2020 + year, 2, 1))
        stages.append(seed.stage)

    # then it passes through every stage in order, never skipping one
    assert stages == ["pre_b", "seed_b", "pre_c", "seed_c"]


def test_a_seed_in_seed_c_cannot_move_up(seed, hub_staff):
    # given a seed moved up to Seed C
    for year in range(4):
        decide(seed, "stage_up", hub_staff, day=datetime.date(2020 + year, 2, 1))

    # when the panel decides stage up again
    # then it is refused, saying why and what may be decided instead
    assert refusal(seed, "stage_up", hub_staff) == (
        f"“{seed.title}” is in Seed C, the last stage, and cannot move up; decide continue, suspend or "
        "terminate, or record its license-out."
    )


def test_a_suspended_seed_resumes_its_stage_before_moving_up(seed, hub_staff):
    # given a seed in preB, then suspended
    decide(seed, "stage_up", hub_staff, day=datetime.date(2020, 2, 1))
    decide(seed, "suspend", hub_staff, day=datetime.date(2020, 8, 1))

    # when the panel decides stage up, or suspend again
    # then both are refused with the reason
    assert refusal(seed, "stage_up", hub_staff) == (
        f"“{seed.title}” is suspended: decide “continue” to resume it in preB before it can move up."
    )
    assert refusal(seed, "suspend", hub_staff) == f"“{seed.title}” is already suspended."

    # and "continue" resumes it in preB
    decide(seed, "continue", hub_staff, day=datetime.date(2021, 2, 1))
    assert seed.stage == Stage.PRE_B


@pytest.mark.parametrize("outcome", ["stage_up", "continue", "suspend", "terminate"])
def test_a_terminated_seed_takes_no_further_decision(seed, hub_staff, outcome):
    # given a terminated seed
    decide(seed, "terminate", hub_staff, day=datetime.date(2020, 3, 1))

    # when the panel records any decision
    # then it is refused, naming the termination date
    assert refusal(seed, outcome, hub_staff) == (
        f"“{seed.title}” was terminated on 2020-03-01; no further stage-gate decision can be recorded."
    )


def test_an_unknown_decision_and_a_missing_rationale_are_refused(seed, hub_staff):
    # given a seed in Seed A
    # when a decision outside the four, or one without a rationale, is recorded
    # then each is refused
    assert refusal(seed, "skip_to_seed_c", hub_staff) == (
        "“skip_to_seed_c” is not a stage-gate decision; decide stage up, continue, suspend or terminate."
    )
    with pytest.raises(ValidationError, match="Write the rationale"):
        services.seed_decision_apply(seed=seed, outcome="stage_up", rationale="  ", actor=hub_staff)


def test_a_decision_cannot_predate_the_stage_or_lie_in_the_future(seed, hub_staff):
    # given a seed registered on 2019-06-01
    # when a decision is dated before that, or in the future
    # then it is refused
    with pytest.raises(ValidationError, match="cannot predate the seed's entry into Seed A"):
        decide(seed, "stage_up", hub_staff, day=datetime.date(2019, 5, 1))
    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        decide(seed, "stage_up", hub_staff, day=datetime.date.today() + datetime.timedelta(days=1))


def test_the_stage_cannot_be_set_directly(seed, hub_staff):
    # given a seed in Seed A
    # when code assigns the stage, or an edit sends a stage
    # then the field refuses the assignment and the service refuses the edit
    with pytest.raises(AttributeError):
        seed.stage = Stage.SEED_C
    with pytest.raises(ValidationError, match="The stage changes only through a stage-gate decision"):
        services.seed_update(seed=seed, values={"stage": "seed_c"}, reason="skip", actor=hub_staff)


def test_the_api_refuses_to_set_the_stage(seed, hub_staff):
    # given the hub's staff signed in
    client = Client()
    client.force_login(hub_staff)

    # when they PATCH the stage
    response = client.patch(
        f"/api/seeds/{seed.pk}", json.dumps({"stage": "seed_c"}), content_type="application/json"
    )

    # then it is refused with the reason, and the seed stays in Seed A
    assert response.status_code == 400
    assert "only through a stage-gate decision" in response.json()["detail"]
    seed.refresh_from_db()
    assert seed.stage == Stage.SEED_A


def test_every_transition_is_kept_with_its_rationale(seed, hub_staff):
    # given a seed in Seed A since 2019-06-01
    # when it moves up on 2020-02-01 and is suspended on 2020-06-01
    decide(seed, "stage_up", hub_staff, day=datetime.date(2020, 2, 1), rationale="POCの見通しが立った")
    decide(seed, "suspend", hub_staff, day=datetime.date(2020, 6, 1), rationale="安全性の懸念")

    # then each decision is recorded with the stages, the days spent and the fiscal year
    gates = list(
        StageGate.objects.filter(seed=seed).values_list(
            "outcome", "from_stage", "to_stage", "days_in_stage", "fiscal_year", "rationale"
        )
    )
    assert gates == [
        ("stage_up", "seed_a", "pre_b", 245, 2019, "POCの見通しが立った"),
        ("suspend", "pre_b", "suspended", 121, 2020, "安全性の懸念"),
    ]
    # and the seed's audit trail carries the rationale and who decided
    latest = seed.history.first()
    assert "安全性の懸念" in latest.history_change_reason
    assert latest.history_user == hub_staff
    assert latest.stage == Stage.SUSPENDED


def test_continue_keeps_the_stage_and_is_recorded(seed, hub_staff):
    # given a seed in Seed A
    # when the panel decides continue
    gate = decide(seed, "continue", hub_staff)

    # then the stage and the date it was entered stay, and the decision is recorded without days
    seed.refresh_from_db()
    assert (seed.stage, seed.stage_entered_on) == (Stage.SEED_A, datetime.date(2019, 6, 1))
    assert (gate.from_stage, gate.to_stage, gate.days_in_stage) == ("seed_a", "seed_a", None)


def test_a_seed_registered_directly_in_seed_b_moves_on_from_there(osaka, hub_staff, pi):
    # given a seed that arrives at the hub already in Seed B
    seed = register(hub=osaka, pi=pi, actor=hub_staff, stage=Stage.SEED_B, programme_slot="seed_b")

    # when it moves up
    decide(seed, "stage_up", hub_staff)

    # then it is in preC
    assert seed.stage == Stage.PRE_C


def test_registration_refuses_a_stage_outside_the_pipeline(osaka, hub_staff, pi):
    # given the hub's staff
    # when they register a seed as terminated
    # then it is refused
    with pytest.raises(ValidationError, match="registered in one of the stages"):
        register(hub=osaka, pi=pi, actor=hub_staff, stage=Stage.TERMINATED)
