"""Programme pages: the fiscal-year list with totals and chart, a programme in full, corrections, exports."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.core.errors import form_errors_text, refusal_text
from kiban.core.exports import export_sheets_response
from kiban.core.fiscal import FiscalYear, FiscalYearError
from kiban.core.forms import AttachmentForm
from kiban.core.money import MILLION
from kiban.core.pages import PageError, page_errors, paginate_table
from kiban.core.permissions import require
from kiban.core.selectors import attachments_for
from kiban.core.services import attachment_create

from . import selectors, services
from .charts import budget_chart, budget_history_chart
from .exports import programme_sheets
from .forms import BudgetChangeForm
from .models import Programme, ProgrammeBudget
from .tables import ProgrammeYearTable


def _require_view(request) -> None:
    require(request.user, "programmes.view_programme")


def _fiscal_year(request) -> FiscalYear:
    """The fiscal year asked for in ?fy= (the latest recorded when absent), or a PageError (400/404)."""
    raw = request.GET.get("fy", "").strip()
    try:
        requested = FiscalYear.parse(raw).year if raw else None
    except FiscalYearError as error:
        raise PageError(400, str(error)) from error
    try:
        return selectors.resolve_fiscal_year(requested)
    except selectors.UnknownFiscalYear as error:
        raise PageError(
            404,
            _("No budget is recorded for %(year)s.") % {"year": FiscalYear(error.fiscal_year).label},
            recorded=[FiscalYear(y) for y in error.recorded],
        ) from error


programme_page = page_errors(template="programmes/fiscal_year_error.html")


@login_required
@programme_page
def programme_list(request):
    """Any signed-in user: programmes in one fiscal year beside the year before, totals and chart."""
    _require_view(request)
    fiscal_year = _fiscal_year(request)
    rows = selectors.programme_rows(fiscal_year=fiscal_year)
    table = ProgrammeYearTable(
        rows, fiscal_year_label=fiscal_year.label, previous_label=fiscal_year.previous.label
    )
    page = paginate_table(request, table)
    return render(
        request,
        "programmes/programme_list.html",
        {
            "fiscal_year": fiscal_year,
            "recorded_years": [FiscalYear(y) for y in selectors.recorded_fiscal_years()],
            "table": table,
            "page": page,
            "totals": selectors.reconciliations(fiscal_year=fiscal_year),
            "chart": budget_chart(rows, fiscal_year),
        },
    )


@login_required
@programme_page
def programme_export(request, file_format: str):
    """Any signed-in user: the fiscal year's programmes and totals as CSV or Excel."""
    _require_view(request)
    fiscal_year = _fiscal_year(request)
    rows = selectors.programme_rows(fiscal_year=fiscal_year)
    totals = selectors.reconciliations(fiscal_year=fiscal_year)
    return export_sheets_response(
        sheets=programme_sheets(fiscal_year, rows, totals),
        filename=f"kiban-programmes-FY{fiscal_year.year}",
        fmt=file_format,
        csv_titles=False,
    )


@login_required
@programme_page
def programme_detail(request, pk: int):
    """Any signed-in user: a programme's budgets by year, supplementary budgets, sub-allocations, files."""
    _require_view(request)
    try:
        programme = selectors.programme_with_budgets(pk=pk)
    except Programme.DoesNotExist as error:
        raise PageError(404, _("No such programme.")) from error
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "budgets": [(FiscalYear(b.fiscal_year), b) for b in programme.budgets.all()],
            "groups": selectors.sub_allocation_groups(programme=programme),
            "history_chart": budget_history_chart(programme),
            "attachments": attachments_for(programme),
            "attachment_form": AttachmentForm(),
            "can_change": request.user.has_perm("programmes.change_programmebudget"),
            "can_attach": request.user.has_perm("programmes.add_attachment"),
        },
    )


@login_required
def budget_change(request, pk: int):
    """Ministry officials only: correct one amount, with a reason; a stale edit is refused, never lost."""
    require(request.user, "programmes.change_programmebudget")
    budget = get_object_or_404(ProgrammeBudget.objects.select_related("programme"), pk=pk)
    if request.method == "POST":
        form = BudgetChangeForm(request.POST)
        if form.is_valid():
            try:
                services.programme_budget_update(
                    budget_id=budget.pk,
                    amount_yen=form.amount_yen(),
                    expected_version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The amount is changed and the change is recorded."))
                return redirect(budget.programme)
        status = 409 if form.has_error("__all__", "stale") else 400
        return render(
            request, "programmes/budget_change.html", {"form": form, "budget": budget}, status=status
        )
    form = BudgetChangeForm(
        initial={"amount_million": Decimal(budget.amount_yen) / MILLION, "version": budget.version}
    )
    return render(
        request,
        "programmes/budget_change.html",
        {"form": form, "budget": budget, "fiscal_year": FiscalYear(budget.fiscal_year)},
    )


@login_required
@require_POST
def programme_attach(request, pk: int):
    """Ministry officials and agency officers: attach a document to a programme."""
    require(request.user, "programmes.add_attachment")
    programme = get_object_or_404(Programme, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_create(
                target=programme,
                upload=form.cleaned_data["file"],
                uploaded_by=request.user,
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            messages.error(request, refusal_text(error))
            return redirect(programme)
        messages.success(request, _("The file is attached."))
    else:
        messages.error(request, form_errors_text(form))
    return redirect(programme)
