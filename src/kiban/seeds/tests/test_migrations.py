"""The migrations that move seeds' NDAs onto the generic agreement and the stage-gates' round numbers onto a
foreign key: rows and their audit record survive the move forward, and the move back."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from kiban.agreements.models import Agreement
from kiban.reviews.services import review_round_open, rubric_create
from kiban.seeds import services
from kiban.seeds.models import StageGate

BEFORE = [("seeds", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_ndas_and_round_numbers_survive_the_migrations(seed, hub_staff, takeda):
    # given a stage-gate decided by a review round and an NDA, recorded through today's services
    rubric = rubric_create(name="評価", criteria=[{"name": "革新性", "weight": 1}], actor=hub_staff)
    round_ = review_round_open(
        target=seed, rubric=rubric, title="ステージゲート", blind=False, due_date=None, actor=hub_staff
    )
    services.seed_decision_apply(
        seed=seed, outcome="continue", rationale="継続", actor=hub_staff, review_round=round_
    )
    services.nda_record(
        seed=seed, company=takeda, signed_on=datetime.date(2023, 4, 1), note="検討", actor=hub_staff
    )

    # when the seeds' migrations are taken back to where NDAs had their own table
    old = _migrate(BEFORE)

    # then the old tables hold the round's number and the NDA
    assert old.get_model("seeds", "StageGate").objects.get().review_round_id == round_.pk
    OldNda = old.get_model("seeds", "NonDisclosureAgreement")
    assert list(
        OldNda.objects.values_list("seed_id", "company_id", "signed_on", "note", "recorded_by_id")
    ) == [(seed.pk, takeda.pk, datetime.date(2023, 4, 1), "検討", hub_staff.pk)]

    # given an NDA as the old code recorded it, with its audit record
    other = old.get_model("core", "Organisation").objects.create(name="第二製薬", kind="company")
    recorded_at = timezone.make_aware(datetime.datetime(2023, 6, 1, 9, 30))
    nda = OldNda.objects.create(
        seed_id=seed.pk,
        company_id=other.pk,
        signed_on=datetime.date(2023, 5, 31),
        recorded_by_id=hub_staff.pk,
    )
    old.get_model("seeds", "HistoricalNonDisclosureAgreement").objects.create(
        id=nda.pk,
        seed_id=seed.pk,
        company_id=other.pk,
        signed_on=nda.signed_on,
        note="",
        recorded_by_id=hub_staff.pk,
        history_date=recorded_at,
        history_type="+",
        history_user_id=hub_staff.pk,
        history_change_reason="NDA recorded with 第二製薬",
    )

    # when the migrations run forward again
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    # then the stage-gate points to its round
    assert StageGate.objects.get().review_round == round_
    # and each NDA is a signed agreement about the seed, the hub disclosing and the company receiving
    moved = {
        a.parties.get(role="recipient").organisation.name: a
        for a in Agreement.objects.filter(kind="nda", object_id=seed.pk)
    }
    assert sorted(moved) == ["武田薬品工業", "第二製薬"]
    for agreement in moved.values():
        assert (agreement.subject, agreement.state) == (seed, "signed")
        assert agreement.parties.get(role="discloser").organisation == seed.hub
    second = moved["第二製薬"]
    assert (second.signed_on, second.effective_on, second.created_by, second.created_at) == (
        datetime.date(2023, 5, 31),
        datetime.date(2023, 5, 31),
        hub_staff,
        recorded_at,
    )
    # with its audit record: who recorded it, when and why
    record = second.history.get()
    assert (record.history_user, record.history_date, record.history_change_reason) == (
        hub_staff,
        recorded_at,
        "NDA recorded with 第二製薬 (Moved from the seeds' NDA record)",
    )
    # and the companies read the details under them as before
    assert Agreement.objects.in_force().filter(object_id=seed.pk).count() == 2
