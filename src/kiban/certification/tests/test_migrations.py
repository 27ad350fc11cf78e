"""The migration onto the lifecycle, tried on the demo database: migrated back to the old tables and
forward again, every application keeps its state (as the lifecycle names it) and every call its rules."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kiban.certification.choices import ApplicationState
from kiban.certification.models import CallEntry, CertificationApplication
from kiban.submissions.models import Call

BEFORE = ("certification", "0002_function_catalogue")


def _migrate(target) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def _snapshot():
    return (
        dict(CertificationApplication.objects.values_list("pk", "state")),
        list(Call.objects.order_by("pk").values_list("pk", "system", "title", "eligibility", "programme_id")),
        sorted(CallEntry.objects.values_list("pk", "call_id", "organisation_id")),
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_demo_survives_the_migration_back_and_forth(django_db_blocker):  # conftest restores with it
    from kiban.certification.demo import load_certification
    from kiban.core.demo import load_core
    from kiban.facilities.demo import load_facilities
    from kiban.programmes.demo import load_programmes
    from kiban.seeds.demo import load_seeds

    # given the demo, with applications in every state the old tables knew and the new ones
    load_core(), load_programmes(), load_facilities(), load_seeds(), load_certification()
    states, calls, entries = _snapshot()
    assert set(states.values()) >= {
        ApplicationState.DRAFT, ApplicationState.SUBMITTED, ApplicationState.RETURNED,
        ApplicationState.UNDER_REVIEW, ApplicationState.CERTIFIED,
    }  # fmt: skip
    try:
        # when the database goes back to the old tables
        executor = _migrate([BEFORE])
        old = executor.loader.project_state([BEFORE]).apps
        OldApplication = old.get_model("certification", "CertificationApplication")
        OldCall = old.get_model("certification", "Call")

        # then it holds what the old code read: the old states, calls with certified_only
        old_states = dict(OldApplication.objects.values_list("pk", "state"))
        assert set(old_states.values()) == {"draft", "submitted", "certified"}
        assert list(OldCall.objects.order_by("pk").values_list("pk", "title", "certified_only")) == [
            (pk, title, "certified_institution" in rules) for pk, _system, title, rules, _p in calls
        ]
        # and the old code may add what it could: a submitted application no round reviews yet, an open call
        rejected = OldApplication.objects.filter(state="certified").order_by("pk").first()
        OldApplication.objects.filter(pk=rejected.pk).update(state="rejected")
        waiting = OldApplication.objects.filter(state="draft").order_by("pk").first()
        OldApplication.objects.filter(pk=waiting.pk).update(state="submitted")
        programme_id = OldCall.objects.values_list("programme_id", flat=True).first()
        open_call = OldCall.objects.create(
            title="一般公募", title_en="Open call", programme_id=programme_id, certified_only=False,
            opens_on="2026-04-01", closes_on="2026-06-30",
        )  # fmt: skip
    finally:
        # when it migrates forward again
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    # then every state is the lifecycle's: certified is accepted, a reviewed submission is under review,
    # what the lifecycle alone knew (returned) went back to a draft; calls keep their ids and rules
    mapped = {
        ApplicationState.RETURNED: ApplicationState.DRAFT,
        ApplicationState.RESUBMITTED: ApplicationState.SUBMITTED,
    }
    expected = {pk: mapped.get(state, state) for pk, state in states.items()}
    expected[rejected.pk] = ApplicationState.REJECTED
    expected[waiting.pk] = ApplicationState.SUBMITTED
    new_states, new_calls, new_entries = _snapshot()
    assert new_states == expected
    kyushu = CertificationApplication.objects.get(round__code="fy2024", organisation__name="九州大学")
    assert kyushu.state == ApplicationState.UNDER_REVIEW and kyushu.review_started_at
    assert CertificationApplication.objects.get(pk=rejected.pk).state == ApplicationState.REJECTED
    assert new_calls == [*calls, (open_call.pk, "certification", "一般公募", [], programme_id)]
    assert new_entries == entries
    # and a call added after the migration gets a fresh id
    assert (
        Call.objects.create(
            system="certification", title="次", title_en="Next", opens_on="2027-04-01", closes_on="2027-05-01"
        ).pk
        > open_call.pk
    )
