"""Every write of BINDS support: applications and their items, routing by headquarters, screening by the
units, the support tasks with their hand-offs, messages, progress reports, outcomes. Keyword-only; each runs
in one transaction, checks the actor's permission, records who/when/why in the history and notifies."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from kiban.core.audit import audited_delete, audited_save
from kiban.core.choices import OrganisationKind
from kiban.core.errors import StateConflict, unique_or_conflict
from kiban.core.inputs import check_text
from kiban.core.models import Organisation, User
from kiban.core.permissions import require
from kiban.core.services import notification_send
from kiban.facilities import selectors as facility_selectors
from kiban.facilities import services as facility_services
from kiban.facilities.choices import UserClass
from kiban.facilities.models import FacilityProject
from kiban.submissions import services as lifecycle
from kiban.submissions.choices import PENDING_STATES, SubmissionState

from . import selectors
from .choices import ItemState, ScreeningDecision, TaskState
from .models import (
    MenuItem,
    Message,
    Outcome,
    ProgressReport,
    RequestedItem,
    SupportApplication,
    SupportTask,
    SupportUnit,
)

S = SubmissionState
APPLICATION_FIELDS = (
    "title",
    "research_summary",
    "target_name",
    "uniprot_accession",
    "funding",
    "funding_detail",
    "young_researcher",
    "confidential",
)


def _locked(record):
    return type(record)._default_manager.select_for_update().get(pk=record.pk)


def _refuse_unless(allowed: bool, message: str, code: str = "illegal_transition") -> None:
    if not allowed:
        raise StateConflict(message, code)


# --- the application
def application_create(
    *, actor: User, title: str, organisation: Organisation | None = None, **fields
) -> SupportApplication:
    """A researcher starts a draft; the institution is theirs (their researcher membership) unless named."""
    require(actor, "binds.add_supportapplication")
    own = Organisation.objects.filter(memberships__user=actor, memberships__role="researcher")
    if organisation is None:
        organisation = own.first()
    elif not own.filter(pk=organisation.pk).exists():
        raise ValidationError(_("You apply from an institution you are a researcher at."), "organisation")
    application = SupportApplication(
        created_by=actor, organisation=organisation, title=check_text(title).strip()
    )
    for name in APPLICATION_FIELDS[1:]:
        if name in fields:
            setattr(application, name, fields[name])
    if not application.title:
        raise ValidationError(_("Give the application a title."), "title")
    with transaction.atomic():
        audited_save(application, actor=actor, reason=_("Application drafted"), full_clean=True)
    return application


def application_update(*, application: SupportApplication, actor: User, **fields) -> SupportApplication:
    """The applicant changes the draft (or the application returned for changes)."""
    with transaction.atomic():
        application = _locked(application)
        require(actor, "binds.change_supportapplication", application)
        for name, value in fields.items():
            if name not in APPLICATION_FIELDS:
                raise ValueError(name)
            setattr(application, name, value.strip() if isinstance(value, str) else value)
        audited_save(application, actor=actor, reason=_("Application changed"), full_clean=True)
    return application


def item_add(
    *,
    application: SupportApplication,
    menu_item: MenuItem,
    actor: User,
    handoff_note: str = "",
    e1_days: int = 0,
    e2_days: int = 0,
) -> RequestedItem:
    """Adds a requested support at the end of the order."""
    with transaction.atomic():
        application = _locked(application)
        require(actor, "binds.change_supportapplication", application)
        last = application.items.aggregate(last=Max("position"))["last"] or 0
        item = RequestedItem(
            application=application,
            menu_item=menu_item,
            position=last + 1,
            handoff_note=handoff_note.strip(),
            e1_days=e1_days or 0,
            e2_days=e2_days or 0,
        )
        audited_save(item, actor=actor, reason=_("Support item requested"), full_clean=True)
    return item


def item_remove(*, item: RequestedItem, actor: User) -> None:
    """Removes a requested support; the later ones move up."""
    with transaction.atomic():
        application = _locked(item.application)
        require(actor, "binds.change_supportapplication", application)
        audited_delete(item, actor=actor, reason=_("Support item removed"))
        for later in application.items.filter(position__gt=item.position).order_by("position"):
            later.position -= 1
            audited_save(later, actor=actor, reason=_("Support items reordered"))


def item_move(*, item: RequestedItem, up: bool, actor: User) -> RequestedItem:
    """Moves a requested support one place earlier (up) or later in the order."""
    with transaction.atomic():
        application = _locked(item.application)
        require(actor, "binds.change_supportapplication", application)
        item = _locked(item)
        neighbours = application.items.filter(
            position__lt=item.position if up else 32767, position__gt=0 if up else item.position
        ).order_by("-position" if up else "position")
        other = neighbours.first()
        if other is None:
            return item
        first, second = item.position, other.position
        item.position = 0  # out of the way of the unique order while the two swap
        audited_save(item, actor=actor, reason=_("Support items reordered"))
        other.position = first
        audited_save(other, actor=actor, reason=_("Support items reordered"))
        item.position = second
        audited_save(item, actor=actor, reason=_("Support items reordered"))
    return item


def application_submit(*, application: SupportApplication, actor: User) -> SupportApplication:
    """The applicant submits the draft, or resubmits it after a return; headquarters is told."""
    if application.state == S.RETURNED:
        return lifecycle.submission_resubmit(submission=application, actor=actor)
    return lifecycle.submission_submit(submission=application, actor=actor)


def application_withdraw(
    *, application: SupportApplication, actor: User, reason: str = ""
) -> SupportApplication:
    """The applicant gives the application up before a unit has taken on any of it; its open items are
    withdrawn with it. Once an item is accepted, the unit's support has begun: headquarters ends it."""
    with transaction.atomic():
        application = _locked(application)
        if application.items.filter(state=ItemState.ACCEPTED).exists():
            raise StateConflict(
                _("A unit has already accepted an item of this application; it can no longer be withdrawn."),
                "accepted",
            )
        application = lifecycle.submission_withdraw(submission=application, actor=actor, reason=reason)
        for item in application.items.all():
            if can_proceed(item.withdraw):
                item.withdraw()
                audited_save(item, actor=actor, reason=_("Withdrawn with the application"))
    return application


def application_return(*, application: SupportApplication, actor: User, reason: str) -> SupportApplication:
    """Headquarters returns the application for changes (差戻し); refused once a unit has decided an item.
    Its items are routed again after the resubmission."""
    with transaction.atomic():
        application = _locked(application)
        if application.items.filter(state__in=[ItemState.ACCEPTED, ItemState.DECLINED]).exists():
            raise StateConflict(
                _("A unit has already decided an item of this application; it can no longer be returned."),
                "decided",
            )
        application = lifecycle.submission_return(submission=application, reason=reason, actor=actor)
        for item in application.items.all():
            item.send_back()
            item.unit = None
            audited_save(item, actor=actor, reason=_("Returned with the application"))
    return application


# --- routing and screening
def _notify_unit(unit: SupportUnit, *, subject: str, body: str, link: str) -> None:
    notification_send(recipients=selectors.unit_members(unit=unit), subject=subject, body=body, link=link)


def item_route(*, item: RequestedItem, unit: SupportUnit, actor: User) -> RequestedItem:
    """Headquarters routes a requested item to the unit that screens and carries it out; the unit is told."""
    require(actor, "binds.route_requesteditem", item)
    if unit.is_headquarters:
        raise ValidationError(_("Route an item to a support unit, not to headquarters."), "unit")
    with transaction.atomic():
        item = _locked(item)
        application = item.application
        _refuse_unless(
            application.state in PENDING_STATES,
            _("Items are routed while the application waits for screening; it is %(state)s.")
            % {"state": application.get_state_display().lower()},
        )
        _refuse_unless(
            can_proceed(item.route),
            _("This item is %(state)s; it is routed only once.")
            % {"state": item.get_state_display().lower()},
        )
        item.route()
        item.unit, item.routed_by, item.routed_at = unit, actor, timezone.now()
        audited_save(item, actor=actor, reason=_("Routed to %(unit)s") % {"unit": unit.name})
        _notify_unit(
            unit,
            subject=_("Support requested of your unit: %(item)s") % {"item": item.menu_item.name},
            body=application.title,
            link=application.get_absolute_url(),
        )
    return item


def item_review_start(*, item: RequestedItem, actor: User) -> RequestedItem:
    """A review round is opened on the item (the review engine calls this in the round's transaction): the
    item is under review, and so is the application if it was only submitted."""
    _refuse_unless(
        can_proceed(item.start_review),
        _("Only an item routed to the unit is put under review; this one is %(state)s.")
        % {"state": item.get_state_display().lower()},
    )
    application = item.application
    if application.state in (S.SUBMITTED, S.RESUBMITTED):
        lifecycle.submission_review_start(submission=application, actor=actor)
    item.start_review()
    audited_save(item, actor=actor, reason=_("Review started"))
    return item


def _check_screenable(item: RequestedItem) -> None:
    application = item.application
    _refuse_unless(
        application.state in PENDING_STATES,
        _("Items are screened while the application waits for screening; it is %(state)s.")
        % {"state": application.get_state_display().lower()},
    )
    _refuse_unless(
        item.state in (ItemState.ROUTED, ItemState.UNDER_REVIEW),
        _("This item is %(state)s; only an item routed to the unit is screened.")
        % {"state": item.get_state_display().lower()},
    )


def _reason(reason: str) -> str:
    reason = check_text(reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the decision; the applicant receives it."), "reason")
    return reason


def item_accept(*, item: RequestedItem, actor: User, reason: str, changes: str = "") -> SupportTask:
    """THE place where a requested item is accepted: from the unit's screening page, the API and a review
    decision alike. The item becomes a support task (waiting for its turn in the order); the application is
    decided once all its items are. Later wiring (a cryo-EM item → a facility project) is one call here."""
    with transaction.atomic():
        item = _locked(item)
        require(actor, "binds.screen_requesteditem", item)
        _check_screenable(item)
        item.accept()
        item.decision = ScreeningDecision.ACCEPT_WITH_CHANGES if changes.strip() else ScreeningDecision.ACCEPT
        item.decision_reason, item.changes = _reason(reason), check_text(changes).strip()
        item.decided_by, item.decided_at = actor, timezone.now()
        audited_save(item, actor=actor, reason=_("Accepted: %(reason)s") % {"reason": item.decision_reason})
        task = SupportTask(item=item)
        audited_save(task, actor=actor, reason=_("Support task created"))
        _application_follows(item.application, actor)
    return task


def item_decline(*, item: RequestedItem, actor: User, reason: str) -> RequestedItem:
    """The unit declines the item with a reason; the application's other items stand."""
    with transaction.atomic():
        item = _locked(item)
        require(actor, "binds.screen_requesteditem", item)
        _check_screenable(item)
        item.decline()
        item.decision, item.decision_reason = ScreeningDecision.DECLINE, _reason(reason)
        item.decided_by, item.decided_at = actor, timezone.now()
        audited_save(item, actor=actor, reason=_("Declined: %(reason)s") % {"reason": item.decision_reason})
        _application_follows(item.application, actor)
    return item


def item_screen(*, item: RequestedItem, decision: str, reason: str, actor: User, changes: str = ""):
    """Accept, accept with changes (which must be stated) or decline."""
    if decision == ScreeningDecision.DECLINE:
        return item_decline(item=item, actor=actor, reason=reason)
    if decision == ScreeningDecision.ACCEPT_WITH_CHANGES and not changes.strip():
        raise ValidationError(_("Say which changes the unit makes to the request."), "changes")
    if decision not in ScreeningDecision.values:
        raise ValidationError(_("Choose accept, accept with changes or decline."), "decision")
    return item_accept(item=item, actor=actor, reason=reason, changes=changes)


def _application_follows(application: SupportApplication, actor: User) -> None:
    """Once every item is decided the application is: accepted if any item is, else rejected. The first
    accepted item's task is then ready and its unit is told."""
    application = _locked(application)
    items = list(application.items.order_by("position"))
    if any(not item.is_decided for item in items):
        return
    accepted = [item for item in items if item.state == ItemState.ACCEPTED]
    summary = "\n".join(
        f"{item.position}. {item.menu_item.name}: {item.get_state_display()} — {item.decision_reason}"
        for item in items
    )
    lifecycle.submission_decide(submission=application, accept=bool(accepted), reason=summary, actor=actor)
    if accepted:
        _hand_to(accepted[0].task, actor=actor)


def _hand_to(task: SupportTask, *, actor: User) -> None:
    task.make_ready()
    task.input_ready_at = timezone.now()
    audited_save(task, actor=actor, reason=_("Input ready"))
    _notify_unit(
        task.item.unit,
        subject=_("Input ready for %(item)s") % {"item": task.item.menu_item.name},
        body=task.item.application.title,
        link=task.item.application.get_absolute_url(),
    )


# --- carrying out
def task_plan(
    *,
    task: SupportTask,
    actor: User,
    responsible: User | None,
    planned_start: datetime.date | None,
    planned_end: datetime.date | None,
) -> SupportTask:
    """The unit names the responsible staff member and plans the dates."""
    with transaction.atomic():
        task = _locked(task)
        require(actor, "binds.change_supporttask", task)
        if responsible is not None and task.item.unit_id not in selectors.member_unit_ids(user=responsible):
            raise ValidationError(_("The responsible person must be a member of the unit."), "responsible")
        if planned_start and planned_end and planned_end < planned_start:
            raise ValidationError(_("The planned end cannot come before the planned start."), "dates")
        task.responsible, task.planned_start, task.planned_end = responsible, planned_start, planned_end
        audited_save(task, actor=actor, reason=_("Task planned"), full_clean=True)
    return task


def task_start(*, task: SupportTask, actor: User, on: datetime.date | None = None) -> SupportTask:
    """The unit starts the support once its input is ready; the application's support is under way."""
    with transaction.atomic():
        task = _locked(task)
        require(actor, "binds.change_supporttask", task)
        _refuse_unless(
            can_proceed(task.start),
            _("The task is %(state)s; it starts once its input is ready.")
            % {"state": task.get_state_display().lower()},
        )
        task.start()
        task.actual_start = on or timezone.localdate()
        audited_save(task, actor=actor, reason=_("Support started"), full_clean=True)
        application = _locked(task.item.application)
        if application.state == S.ACCEPTED:
            lifecycle.submission_start(submission=application, actor=actor)
    return task


def task_finish(
    *, task: SupportTask, actor: User, result_note: str = "", on: datetime.date | None = None
) -> SupportTask:
    """The unit finishes and hands on: the next accepted item's unit is told its input is ready; after the
    last task the application's support is completed."""
    with transaction.atomic():
        task = _locked(task)
        require(actor, "binds.change_supporttask", task)
        _refuse_unless(
            can_proceed(task.finish),
            _("The task is %(state)s; only a task in progress is finished.")
            % {"state": task.get_state_display().lower()},
        )
        task.finish()
        task.actual_end = on or timezone.localdate()
        task.result_note = check_text(result_note).strip()
        if task.actual_start and task.actual_end < task.actual_start:
            raise ValidationError(_("The task cannot end before it started."), "dates")
        audited_save(task, actor=actor, reason=_("Support finished"), full_clean=True)
        following = selectors.next_task(task=task)
        if following is not None:
            _hand_to(following, actor=actor)
        elif (
            not SupportTask.objects.filter(item__application_id=task.item.application_id)
            .exclude(state=TaskState.DONE)
            .exists()
        ):
            application = _locked(task.item.application)
            lifecycle.submission_complete(submission=application, actor=actor)
    return task


# --- the thread, reports, outcomes
def _insiders(application: SupportApplication) -> list[User]:
    users = list(application.applicant_users()) + application.handler_users()
    for unit in SupportUnit.objects.filter(pk__in=selectors.involved_unit_ids(application=application)):
        users += selectors.unit_members(unit=unit)
    return users


def message_post(*, application: SupportApplication, actor: User, body: str) -> Message:
    """A message in the application's thread; the applicant, the units involved and headquarters are told."""
    require(actor, "binds.add_message", application)
    body = check_text(body).strip()
    if not body:
        raise ValidationError(_("Write the message."), "body")
    message = Message(application=application, author=actor, body=body)
    with transaction.atomic():
        audited_save(message, actor=actor, reason=_("Message sent"), full_clean=True)
        notification_send(
            recipients=[u for u in _insiders(application) if u.pk != actor.pk],
            subject=_("New message on %(application)s") % {"application": application.title},
            body=body[:200],
            link=application.get_absolute_url(),
        )
    return message


def facility_project_open(
    *, item: RequestedItem, site: Organisation, results: str, actor: User
) -> FacilityProject:
    """The applicant takes an accepted cryo-EM item to the network: a draft facility project at the chosen
    site among those the support names, with the item's E1 and E2 days, billed to the applicant's
    organisation and linked back to the item (one project per item). The site then decides it as any other."""
    with transaction.atomic():
        item = _locked(item)
        require(actor, "binds.open_facility_project", item)
        _refuse_unless(
            item.menu_item.is_cryo_em,
            _("Only a cryo-EM support item goes to the cryo-EM network."),
            "not_cryo_em",
        )
        _refuse_unless(
            item.state == ItemState.ACCEPTED,
            _("The item is %(state)s; it goes to the network once its unit accepts it.")
            % {"state": item.get_state_display().lower()},
        )
        if not item.menu_item.institutions.filter(pk=site.pk).exists():
            raise ValidationError(
                _("%(site)s does not deliver %(support)s; choose one of its sites.")
                % {"site": site, "support": item.menu_item},
                "site",
            )
        existing = facility_selectors.projects_from([item]).get(item.pk)
        if existing is not None:
            raise StateConflict(
                _("The item already has its facility project: %(project)s.") % {"project": existing.title},
                "duplicate",
            )
        application = item.application
        company = application.organisation.kind == OrganisationKind.COMPANY
        return facility_services.project_create(
            actor=actor,
            title=application.title,
            organisation=application.organisation,
            site=site,
            user_class=UserClass.COMPANY if company else UserClass.ACADEMIC,
            results=results,
            e1_days=item.e1_days or 0,
            e2_days=item.e2_days or 0,
            origin=item,
            reason=_("BINDS support item %(item)s accepted by %(unit)s")
            % {"item": item.menu_item, "unit": item.unit},
        )


def _check_supported(application: SupportApplication) -> None:
    _refuse_unless(
        application.state in (S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED),
        _("Reports and outcomes come once support is accepted; the application is %(state)s.")
        % {"state": application.get_state_display().lower()},
        "not_supported",
    )


def report_submit(
    *, application: SupportApplication, actor: User, summary: str, is_final: bool = False
) -> ProgressReport:
    """The applicant reports progress (the final report ends the reminders)."""
    require(actor, "binds.add_progressreport", application)
    _check_supported(application)
    summary = check_text(summary).strip()
    if not summary:
        raise ValidationError(_("Write what progressed."), "summary")
    report = ProgressReport(application=application, author=actor, summary=summary, is_final=is_final)
    with transaction.atomic():
        audited_save(report, actor=actor, reason=_("Progress reported"), full_clean=True)
    return report


def outcome_add(
    *,
    application: SupportApplication,
    actor: User,
    unit: SupportUnit,
    kind: str,
    identifier: str,
    title: str = "",
    acknowledges_binds: bool = False,
) -> Outcome:
    """A paper (DOI), patent or accession ID that came of a unit's support, format-checked."""
    require(actor, "binds.add_outcome", application)
    _check_supported(application)
    if unit.pk not in selectors.involved_unit_ids(application=application):
        raise ValidationError(_("Name a unit that supported this application."), "unit")
    outcome = Outcome(
        application=application,
        unit=unit,
        kind=kind,
        identifier=check_text(identifier).strip(),
        title=check_text(title).strip(),
        acknowledges_binds=acknowledges_binds,
        reported_by=actor,
    )
    with transaction.atomic(), unique_or_conflict(_("This outcome is already recorded on the application.")):
        if Outcome.objects.filter(application=application, kind=kind, identifier=outcome.identifier).exists():
            raise StateConflict(_("This outcome is already recorded on the application."), "duplicate")
        audited_save(outcome, actor=actor, reason=_("Outcome reported"), full_clean=True)
    return outcome


def report_reminders_send(*, on: datetime.date) -> int:
    """Tells each applicant whose progress report is due (once per due date); returns how many were told."""
    sent = 0
    for application, due in selectors.applications_with_report_due(on=on):
        with transaction.atomic():
            application = _locked(application)
            if application.reminded_for == due:
                continue
            notification_send(
                recipients=application.applicant_users(),
                subject=_("Progress report due on %(day)s: %(application)s")
                % {"day": due.isoformat(), "application": application.title},
                link=application.get_absolute_url(),
            )
            application.reminded_for = due
            audited_save(
                application, actor=None, reason=_("Report reminder sent"), update_fields=["reminded_for"]
            )
            sent += 1
    return sent
