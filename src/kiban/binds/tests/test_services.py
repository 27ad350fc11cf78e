"""The lifecycle of a support application: ordered items, routing, per-item screening, tasks, hand-offs."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from kiban.binds import selectors, services
from kiban.binds.choices import ItemState, OutcomeKind, TaskState
from kiban.binds.models import SupportApplication
from kiban.core.errors import StateConflict
from kiban.core.models import Notification

from .conftest import lead_of


def _screen_all(application, people, accepts):
    for item, accept in zip(application.items.order_by("position"), accepts, strict=True):
        if accept:
            services.item_accept(item=item, actor=lead_of(people, item), reason="ok")
        else:
            services.item_decline(item=item, actor=lead_of(people, item), reason="out of scope")
    application.refresh_from_db()


def test_submission_problems_name_what_is_missing(people, menu):
    application = services.application_create(actor=people.applicant, title="T")
    problems = application.submission_problems()
    assert "Write the research summary." in problems
    assert "Request at least one support item." in problems
    services.item_add(application=application, menu_item=menu["cryo-em-spa"], actor=people.applicant)
    assert "Give the E1 or E2 days requested for “Cryo-EM single-particle analysis”." in (
        application.submission_problems()
    )
    with pytest.raises(ValidationError, match="Write the research summary"):
        services.application_submit(application=application, actor=people.applicant)


def test_uniprot_accession_is_checked_by_format(people):
    with pytest.raises(ValidationError, match="not a UniProt accession"):
        services.application_create(actor=people.applicant, title="T", uniprot_accession="P6990")
    assert services.application_create(actor=people.applicant, title="T", uniprot_accession="A0A023GPI8").pk


def test_e_days_only_on_cryo_em_items(draft, people, menu):
    with pytest.raises(ValidationError, match="only with cryo-EM"):
        services.item_add(application=draft, menu_item=menu["docking"], e1_days=2, actor=people.applicant)


def test_items_reorder_and_remove(draft, people):
    items = list(draft.items.order_by("position"))
    services.item_move(item=items[2], up=True, actor=people.applicant)
    assert [i.menu_item.code for i in draft.items.order_by("position")] == [
        "membrane-protein", "docking", "cryo-em-spa", "hts"
    ]  # fmt: skip
    services.item_remove(item=items[0], actor=people.applicant)
    assert list(draft.items.order_by("position").values_list("position", "menu_item__code")) == [
        (1, "docking"), (2, "cryo-em-spa"), (3, "hts")
    ]  # fmt: skip


def test_only_headquarters_routes_and_the_unit_is_told(submitted, people, units):
    item = submitted.items.get(position=1)
    with pytest.raises(PermissionDenied):
        services.item_route(item=item, unit=units["structure"], actor=people.structure)
    services.item_route(item=item, unit=units["structure"], actor=people.headquarters)
    assert Notification.objects.filter(
        recipient=people.structure, subject__contains="Support requested"
    ).exists()
    with pytest.raises(StateConflict):
        services.item_route(item=item, unit=units["structure"], actor=people.headquarters)


def test_only_the_routed_units_lead_screens(routed, people):
    docking = routed.items.get(menu_item__code="docking")
    with pytest.raises(PermissionDenied):
        services.item_accept(item=docking, actor=people.structure, reason="ok")
    with pytest.raises(ValidationError, match="Say which changes"):
        services.item_screen(item=docking, decision="accept_with_changes", reason="ok", actor=people.insilico)


def test_a_declined_item_does_not_decline_the_application(routed, people):
    _screen_all(routed, people, [True, True, True, False])
    assert routed.state == "accepted"
    assert list(routed.items.values_list("state", flat=True).order_by("position")) == [
        ItemState.ACCEPTED, ItemState.ACCEPTED, ItemState.ACCEPTED, ItemState.DECLINED
    ]  # fmt: skip
    first = routed.items.get(position=1).task
    assert first.state == TaskState.READY
    assert routed.items.get(position=2).task.state == TaskState.WAITING


def test_application_waits_until_every_item_is_decided(routed, people):
    item = routed.items.get(position=1)
    services.item_accept(item=item, actor=people.structure, reason="ok")
    routed.refresh_from_db()
    assert routed.state == "submitted"


def test_all_declined_rejects(routed, people):
    _screen_all(routed, people, [False, False, False, False])
    assert routed.state == "rejected"
    assert not routed.items.filter(task__isnull=False).exists()


def test_tasks_hand_off_in_order_and_complete_the_application(routed, people):
    _screen_all(routed, people, [True, True, True, False])
    tasks = [routed.items.get(position=p).task for p in (1, 2, 3)]
    with pytest.raises(StateConflict, match="starts once its input is ready"):
        services.task_start(task=tasks[1], actor=people.structure)
    services.task_plan(
        task=tasks[0],
        actor=people.structure,
        responsible=people.structure,
        planned_start=datetime.date(2025, 5, 1),
        planned_end=datetime.date(2025, 6, 1),
    )
    services.task_start(task=tasks[0], actor=people.structure, on=datetime.date(2025, 5, 2))
    routed.refresh_from_db()
    assert routed.state == "in_progress"
    Notification.objects.all().delete()
    services.task_finish(
        task=tasks[0], actor=people.structure, result_note="2 mg", on=datetime.date(2025, 6, 1)
    )
    tasks[1].refresh_from_db()
    assert tasks[1].state == TaskState.READY
    for task in tasks[1:]:
        task.refresh_from_db()
        lead = lead_of(people, task.item)
        services.task_start(task=task, actor=lead)
        services.task_finish(task=task, actor=lead)
    assert Notification.objects.filter(recipient=people.insilico, subject__startswith="Input ready").exists()
    routed.refresh_from_db()
    assert routed.state == "completed"


def test_responsible_must_belong_to_the_unit(routed, people):
    _screen_all(routed, people, [True, True, True, True])
    with pytest.raises(ValidationError, match="member of the unit"):
        services.task_plan(
            task=routed.items.get(position=1).task,
            actor=people.structure,
            responsible=people.insilico,
            planned_start=None,
            planned_end=None,
        )


def test_return_sends_items_back_and_is_refused_after_a_decision(routed, people):
    services.application_return(application=routed, actor=people.headquarters, reason="Add the construct.")
    routed.refresh_from_db()
    assert routed.state == "returned"
    assert set(routed.items.values_list("state", "unit")) == {(ItemState.REQUESTED, None)}
    services.application_submit(application=routed, actor=people.applicant)
    routed.refresh_from_db()
    assert routed.state == "resubmitted"
    item = routed.items.get(position=1)
    services.item_route(item=item, unit=item.menu_item.unit, actor=people.headquarters)
    services.item_accept(item=item, actor=people.structure, reason="ok")
    with pytest.raises(StateConflict, match="already decided"):
        services.application_return(application=routed, actor=people.headquarters, reason="again")


def test_withdraw_withdraws_open_items(routed, people):
    services.application_withdraw(application=routed, actor=people.applicant)
    assert set(routed.items.values_list("state", flat=True)) == {ItemState.WITHDRAWN}


def test_withdraw_is_refused_once_a_unit_has_accepted_an_item(routed, people):
    services.item_accept(item=routed.items.get(position=1), actor=people.structure, reason="ok")
    with pytest.raises(StateConflict, match="already accepted an item"):
        services.application_withdraw(application=routed, actor=people.applicant)
    assert routed.items.filter(state=ItemState.ACCEPTED).count() == 1


@pytest.mark.parametrize(
    ("kind", "identifier", "ok"),
    [
        (OutcomeKind.PAPER, "10.1038/s41586-020-2012-7", True),
        (OutcomeKind.PAPER, "doi:10.1038/x", False),
        (OutcomeKind.PDB, "7K3G", True),
        (OutcomeKind.PDB, "pdb_00007k3g", True),
        (OutcomeKind.PDB, "K3G7", False),
        (OutcomeKind.EMDB, "EMD-22898", True),
        (OutcomeKind.EMDB, "EMD-228", False),
        (OutcomeKind.PATENT, "特願2023-123456", True),
    ],
)
def test_outcome_identifiers_are_checked(routed, people, kind, identifier, ok):
    _screen_all(routed, people, [True, True, True, True])
    add = lambda: services.outcome_add(  # noqa: E731
        application=routed, actor=people.applicant, unit=routed.items.get(position=1).unit, kind=kind,
        identifier=identifier, acknowledges_binds=True,
    )  # fmt: skip
    if ok:
        assert add().acknowledges_binds
    else:
        with pytest.raises(ValidationError):
            add()


def test_outcomes_wait_for_acceptance_and_are_not_recorded_twice(routed, people):
    unit = routed.items.get(position=1).unit
    with pytest.raises(StateConflict, match="once support is accepted"):
        services.outcome_add(
            application=routed, actor=people.applicant, unit=unit, kind="pdb", identifier="7K3G"
        )
    _screen_all(routed, people, [True, True, True, True])
    services.outcome_add(application=routed, actor=people.applicant, unit=unit, kind="pdb", identifier="7K3G")
    with pytest.raises(StateConflict, match="already recorded"):
        services.outcome_add(
            application=routed, actor=people.applicant, unit=unit, kind="pdb", identifier="7K3G"
        )


def test_report_due_and_reminder_command(routed, people):
    _screen_all(routed, people, [True, True, True, True])
    task = routed.items.get(position=1).task
    services.task_start(task=task, actor=people.structure)
    routed.refresh_from_db()
    due = selectors.report_due(application=routed)
    assert due == routed.started_at.date() + datetime.timedelta(days=180)
    call_command("binds_report_reminders", on=due.isoformat())
    call_command("binds_report_reminders", on=due.isoformat())
    assert (
        Notification.objects.filter(
            recipient=people.applicant, subject__startswith="Progress report due"
        ).count()
        == 1
    )
    services.report_submit(application=routed, actor=people.applicant, summary="done", is_final=True)
    assert selectors.report_due(application=routed) is None


def test_state_changes_leave_history(routed, people):
    item = routed.items.get(position=1)
    services.item_accept(item=item, actor=people.structure, reason="fits")
    last = item.history.latest()
    assert last.history_user == people.structure
    assert last.history_change_reason == "Accepted: fits"
    assert SupportApplication.history.filter(id=routed.pk, history_change_reason="Submitted").exists()


def test_dashboard_counts(routed, people):
    _screen_all(routed, people, [True, True, True, False])
    board = selectors.dashboard()
    assert board.applications == 1
    assert board.cross_unit == 1
    assert board.young == 1
    assert board.outside_amed == 1
    assert board.acceptance_median == 0
    assert {(r.unit.code, r.items, r.accepted, r.declined) for r in board.rows} == {
        ("structure", 2, 2, 0), ("insilico", 1, 1, 0), ("chemical", 1, 0, 1)
    }  # fmt: skip
