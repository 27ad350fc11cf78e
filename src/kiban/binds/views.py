"""Pages of BINDS support: the public catalogue, applications with their items, routing, screening, tasks
and hand-offs, the thread, reports and outcomes, and the dashboards."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.core.charts import Bar, bar_chart
from kiban.core.exports import Column, ColumnKind, export_response
from kiban.core.fiscal import FiscalYear, FiscalYearError
from kiban.core.pages import PageError, act, page_errors, paginate
from kiban.core.permissions import require
from kiban.facilities import selectors as facility_selectors
from kiban.programmes.models import Programme

from . import selectors, services
from .forms import (
    ApplicationForm,
    FacilityProjectForm,
    ItemAddForm,
    MessageForm,
    OutcomeForm,
    ReasonForm,
    ReportForm,
    RouteForm,
    ScreenForm,
    TaskFinishForm,
    TaskPlanForm,
)
from .models import MenuItem, RequestedItem, SupportApplication, SupportTask, SupportUnit


# --- the public catalogue
def catalogue(request):
    """Everyone, signed in or not: the units, their support menu, searchable in Japanese and English."""
    require(request.user, "binds.view_supportunit")
    query = request.GET.get("q", "").strip()[:200]
    programme = Programme.objects.filter(code="binds").first()
    return render(
        request,
        "binds/catalogue.html",
        {
            "query": query,
            "units": selectors.unit_list() if not query else None,
            "results": list(selectors.menu_search(query=query)) if query else None,
            "programme": programme,
            "headquarters": selectors.headquarters(),
        },
    )


def unit_detail(request, code: str):
    """Everyone: one unit, its menu, who delivers each item and what the applicant provides."""
    require(request.user, "binds.view_supportunit")
    unit = get_object_or_404(SupportUnit, code=code)
    menu = MenuItem.objects.filter(unit=unit).prefetch_related("institutions", "staff")
    return render(request, "binds/unit_detail.html", {"unit": unit, "menu": menu})


def menu_detail(request, code: str):
    """Everyone: one support menu item."""
    require(request.user, "binds.view_supportunit")
    item = get_object_or_404(
        MenuItem.objects.select_related("unit").prefetch_related("institutions", "staff"), code=code
    )
    return render(
        request,
        "binds/menu_detail.html",
        {"item": item, "can_apply": request.user.has_perm("binds.add_supportapplication")},
    )


# --- applications
@login_required
def application_list(request):
    """Researchers (their own), units (routed to them), headquarters, the ministry and the agency (all)."""
    require(request.user, "binds.list_applications")
    applications = selectors.application_list(user=request.user)
    state = request.GET.get("state", "")
    if state:
        applications = applications.filter(state=state)
    return render(
        request,
        "binds/application_list.html",
        {
            "applications": paginate(request, applications),
            "can_add": request.user.has_perm("binds.add_supportapplication"),
            "state": state,
        },
    )


@login_required
def application_start(request):
    """Researchers: start an application (a draft)."""
    require(request.user, "binds.add_supportapplication")
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft is saved; now add the support items you request."))
            return redirect(application)
    return _form_page(request, form, heading=_("Apply for BINDS support"), status=400 if form.errors else 200)


def _form_page(request, form, *, heading: str, status: int, back=None):
    return render(request, "binds/form.html", {"form": form, "heading": heading, "back": back}, status=status)


def _application(request, pk: int, perm: str = "binds.view_supportapplication") -> SupportApplication:
    try:
        application = selectors.application_detail(pk=pk)
    except SupportApplication.DoesNotExist:
        raise PageError(404, _("There is no support application %(pk)s.") % {"pk": pk}) from None
    require(request.user, perm, application)
    return application


@login_required
@page_errors
def application_detail(request, pk: int):
    """The applicant, headquarters, the units involved, the ministry and the agency (confidential summaries
    only to the first three): the application, its items in order with routing, screening and tasks."""
    application = _application(request, pk)
    user = request.user
    is_hq = selectors.is_headquarters_member(user=user)
    my_units = selectors.member_unit_ids(user=user)
    is_applicant = user.pk in (application.created_by_id, application.submitted_by_id)
    items = list(application.items.all())
    facility_projects = facility_selectors.projects_from(items)
    rows = []
    for item in items:
        task = getattr(item, "task", None)
        project = facility_projects.get(item.pk)
        rows.append(
            {
                "item": item,
                "task": task,
                "facility_project": project,
                "can_view_facility_project": project is not None
                and user.has_perm("facilities.view_facilityproject", project),
                "facility_form": FacilityProjectForm(item=item)
                if project is None
                and item.menu_item.is_cryo_em
                and item.state == "accepted"
                and user.has_perm("binds.open_facility_project", item)
                and user.has_perm("facilities.add_facilityproject")
                else None,
                "details": is_hq or is_applicant or item.unit_id in my_units,
                "can_route": user.has_perm("binds.route_requesteditem", item)
                and item.state == "requested"
                and application.is_pending,
                "can_screen": user.has_perm("binds.screen_requesteditem", item)
                and item.state in ("routed", "under_review")
                and application.is_pending,
                "can_task": task is not None and user.has_perm("binds.change_supporttask", task),
                "plan_form": TaskPlanForm(
                    unit=item.unit,
                    initial={
                        "responsible": task.responsible_id,
                        "planned_start": task.planned_start,
                        "planned_end": task.planned_end,
                    },
                )
                if task
                else None,
            }
        )
    can_thread = user.has_perm("binds.add_message", application)
    can_outcome = user.has_perm("binds.add_outcome", application)
    supported = application.state in ("accepted", "in_progress", "completed")
    units = SupportUnit.objects.filter(pk__in=selectors.involved_unit_ids(application=application))
    return render(
        request,
        "binds/application_detail.html",
        {
            "application": application,
            "rows": rows,
            "can_view_summary": user.has_perm("binds.view_summary", application),
            "can_change": user.has_perm("binds.change_supportapplication", application),
            "can_submit": user.has_perm("binds.submit_supportapplication", application)
            and application.is_editable,
            "can_withdraw": user.has_perm("binds.withdraw_supportapplication", application)
            and application.state in ("draft", "submitted", "returned", "resubmitted", "under_review"),
            "can_return": user.has_perm("binds.return_supportapplication", application)
            and application.is_pending,
            "problems": application.submission_problems() if application.is_editable else [],
            "item_form": ItemAddForm(),
            "route_form": RouteForm(),
            "screen_form": ScreenForm(),
            "reason_form": ReasonForm(),
            "can_thread": can_thread,
            "thread": application.messages.select_related("author") if can_thread else [],
            "message_form": MessageForm(),
            "reports": application.reports.select_related("author"),
            "can_report": user.has_perm("binds.add_progressreport", application) and supported,
            "report_form": ReportForm(),
            "report_due": selectors.report_due(application=application),
            "today": timezone.localdate(),
            "outcomes": application.outcomes.select_related("unit"),
            "can_outcome": can_outcome and supported,
            "outcome_form": OutcomeForm(units=units),
        },
    )


@login_required
@page_errors
def application_edit(request, pk: int):
    """The applicant, while the application is a draft or returned for changes."""
    application = _application(request, pk, "binds.change_supportapplication")
    form = ApplicationForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(application=application, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(application)
    return _form_page(
        request,
        form,
        heading=_("Change the application"),
        status=400 if form.errors else 200,
        back=application,
    )


@login_required
@require_POST
@page_errors
def item_add(request, pk: int):
    """The applicant: request one more support item, at the end of the order."""
    application = _application(request, pk, "binds.change_supportapplication")
    form = ItemAddForm(request.POST)
    return act(
        request,
        application,
        lambda: services.item_add(
            application=application,
            menu_item=form.cleaned_data["menu_item"],
            handoff_note=form.cleaned_data["handoff_note"],
            e1_days=form.cleaned_data["e1_days"] or 0,
            e2_days=form.cleaned_data["e2_days"] or 0,
            actor=request.user,
        ),
        _("The support item is added."),
        form=form,
    )


def _item(request, pk: int, item_pk: int, perm: str) -> RequestedItem:
    application = _application(request, pk)
    item = application.items.filter(pk=item_pk).first()
    if item is None:
        raise PageError(404, _("The application has no item %(pk)s.") % {"pk": item_pk})
    require(request.user, perm, item if perm.endswith("requesteditem") else application)
    return item


@login_required
@require_POST
@page_errors
def item_remove(request, pk: int, item_pk: int):
    """The applicant: remove a requested item from the draft."""
    item = _item(request, pk, item_pk, "binds.change_supportapplication")
    return act(
        request,
        item.application,
        lambda: services.item_remove(item=item, actor=request.user),
        _("The item is removed."),
    )


@login_required
@require_POST
@page_errors
def item_move(request, pk: int, item_pk: int):
    """The applicant: move a requested item earlier or later in the order."""
    item = _item(request, pk, item_pk, "binds.change_supportapplication")
    up = request.POST.get("direction") == "up"
    return act(
        request,
        item.application,
        lambda: services.item_move(item=item, up=up, actor=request.user),
        _("The order is changed."),
    )


@login_required
@require_POST
@page_errors
def application_submit(request, pk: int):
    """The applicant: submit the draft, or resubmit after a return."""
    application = _application(request, pk, "binds.submit_supportapplication")
    return act(
        request,
        application,
        lambda: services.application_submit(application=application, actor=request.user),
        _("The application is submitted; headquarters routes its items to the units."),
    )


@login_required
@require_POST
@page_errors
def application_withdraw(request, pk: int):
    """The applicant: withdraw an application not yet decided."""
    application = _application(request, pk, "binds.withdraw_supportapplication")
    return act(
        request,
        application,
        lambda: services.application_withdraw(
            application=application, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("The application is withdrawn."),
    )


@login_required
@require_POST
@page_errors
def application_return(request, pk: int):
    """Headquarters (PS/PO): return the application for changes, saying what must change."""
    application = _application(request, pk, "binds.return_supportapplication")
    return act(
        request,
        application,
        lambda: services.application_return(
            application=application, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("The application is returned to the applicant for changes."),
    )


@login_required
@require_POST
@page_errors
def item_route(request, pk: int, item_pk: int):
    """Headquarters (PS/PO): route a requested item to a unit."""
    item = _item(request, pk, item_pk, "binds.route_requesteditem")
    form = RouteForm(request.POST)
    return act(
        request,
        item.application,
        lambda: services.item_route(item=item, unit=form.cleaned_data["unit"], actor=request.user),
        _("The item is routed."),
        form=form,
    )


@login_required
@require_POST
@page_errors
def item_screen(request, pk: int, item_pk: int):
    """The lead of the unit the item is routed to: accept, accept with changes, or decline, with a reason."""
    item = _item(request, pk, item_pk, "binds.screen_requesteditem")
    form = ScreenForm(request.POST)
    return act(
        request,
        item.application,
        lambda: services.item_screen(item=item, actor=request.user, **form.cleaned_data),
        _("The decision on the item is recorded."),
        form=form,
    )


@login_required
@require_POST
@page_errors
def facility_project_open(request, pk: int, item_pk: int):
    """The applicant: take an accepted cryo-EM item to the network as a draft facility project at the site
    chosen, then add its samples and submit it there."""
    item = _item(request, pk, item_pk, "binds.open_facility_project")
    form = FacilityProjectForm(request.POST, item=item)
    return act(
        request,
        item.application,
        lambda: services.facility_project_open(item=item, actor=request.user, **form.cleaned_data),
        _("The draft facility project is opened; add its samples and submit it."),
        form=form,
        to_result=True,
    )


def _task(request, pk: int, item_pk: int) -> SupportTask:
    item = _item(request, pk, item_pk, "binds.view_supportapplication")
    task = SupportTask.objects.filter(item=item).select_related("item__application", "item__unit").first()
    if task is None:
        raise PageError(404, _("The item has no support task: it is not accepted."))
    require(request.user, "binds.change_supporttask", task)
    return task


@login_required
@require_POST
@page_errors
def task_plan(request, pk: int, item_pk: int):
    """Staff of the task's unit: name the responsible person and the planned dates."""
    task = _task(request, pk, item_pk)
    form = TaskPlanForm(request.POST, unit=task.item.unit)
    return act(
        request,
        task.item.application,
        lambda: services.task_plan(task=task, actor=request.user, **form.cleaned_data),
        _("The task is planned."),
        form=form,
    )


@login_required
@require_POST
@page_errors
def task_start(request, pk: int, item_pk: int):
    """Staff of the task's unit: start the support once the input is ready."""
    task = _task(request, pk, item_pk)
    return act(
        request,
        task.item.application,
        lambda: services.task_start(task=task, actor=request.user),
        _("The support has started."),
    )


@login_required
@require_POST
@page_errors
def task_finish(request, pk: int, item_pk: int):
    """Staff of the task's unit: finish and hand on to the next unit in the order."""
    task = _task(request, pk, item_pk)
    form = TaskFinishForm(request.POST)
    return act(
        request,
        task.item.application,
        lambda: services.task_finish(task=task, actor=request.user, **form.cleaned_data),
        _("The task is finished and handed on."),
        form=form,
    )


@login_required
@require_POST
@page_errors
def message_post(request, pk: int):
    """The applicant, the units involved and headquarters: a message in the thread."""
    application = _application(request, pk, "binds.add_message")
    form = MessageForm(request.POST)
    return act(
        request,
        application,
        lambda: services.message_post(
            application=application, actor=request.user, body=form.cleaned_data["body"]
        ),
        _("The message is sent."),
        form=form,
    )


@login_required
@require_POST
@page_errors
def report_add(request, pk: int):
    """The applicant: a progress report."""
    application = _application(request, pk, "binds.add_progressreport")
    form = ReportForm(request.POST)
    return act(
        request,
        application,
        lambda: services.report_submit(application=application, actor=request.user, **form.cleaned_data),
        _("The progress report is recorded."),
        form=form,
    )


@login_required
@require_POST
@page_errors
def outcome_add(request, pk: int):
    """The applicant and the units involved: a paper, patent or accession ID that came of the support."""
    application = _application(request, pk, "binds.add_outcome")
    units = SupportUnit.objects.filter(pk__in=selectors.involved_unit_ids(application=application))
    form = OutcomeForm(request.POST, units=units)
    return act(
        request,
        application,
        lambda: services.outcome_add(application=application, actor=request.user, **form.cleaned_data),
        _("The outcome is recorded."),
        form=form,
    )


# --- dashboards
def _fiscal_year(request) -> int | None:
    raw = request.GET.get("fy", "").strip()
    if not raw:
        return None
    try:
        return FiscalYear.parse(raw).year
    except FiscalYearError as error:
        raise PageError(400, error.messages[0]) from None


def _dashboard(request):
    require(request.user, "binds.view_dashboard")
    fiscal_year = _fiscal_year(request)
    scope = selectors.dashboard_scope(user=request.user)
    return fiscal_year, scope, selectors.dashboard(unit_ids=scope, fiscal_year=fiscal_year)


@login_required
@page_errors
def dashboard(request):
    """Headquarters, the ministry and the agency (all units), unit staff (their units): applications and items
    per unit and fiscal year, cross-unit share, times to acceptance and first support, outcomes."""
    fiscal_year, scope, board = _dashboard(request)
    chart = bar_chart(
        chart_id="items-per-unit",
        title=_("Requested items per unit"),
        bars=[Bar(f"{row.unit} FY{row.fiscal_year}", row.items, str(row.items)) for row in board.rows],
    )
    outcomes_chart = bar_chart(
        chart_id="outcomes-per-unit",
        title=_("Outcomes per unit"),
        bars=[Bar(f"{row.unit} FY{row.fiscal_year}", row.outcomes, str(row.outcomes)) for row in board.rows],
    )
    return render(
        request,
        "binds/dashboard.html",
        {
            "board": board,
            "chart": chart,
            "outcomes_chart": outcomes_chart,
            "fiscal_year": fiscal_year,
            "scoped": scope is not None,
            "units": SupportUnit.objects.filter(pk__in=scope) if scope is not None else None,
        },
    )


@login_required
@page_errors
def dashboard_export(request, file_format: str):
    """As the dashboard: its table per unit and fiscal year as CSV or Excel."""
    _fiscal_year_value, _scope, board = _dashboard(request)
    columns = [
        Column(_("Fiscal year"), ColumnKind.INTEGER),
        Column(_("Unit")),
        Column(_("Applications"), ColumnKind.INTEGER),
        Column(_("Items"), ColumnKind.INTEGER),
        Column(_("Accepted"), ColumnKind.INTEGER),
        Column(_("Declined"), ColumnKind.INTEGER),
        Column(_("Outcomes"), ColumnKind.INTEGER),
    ]
    rows = [
        [r.fiscal_year, str(r.unit), r.applications, r.items, r.accepted, r.declined, r.outcomes]
        for r in board.rows
    ]
    return export_response(
        columns=columns, rows=rows, filename=f"binds-dashboard.{file_format}", fmt=file_format, title="BINDS"
    )
