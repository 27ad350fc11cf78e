"""Programmes API: budgets by fiscal year, one programme in full, corrections by the ministry."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from kiban.core.apikit import WRITE_REFUSALS, ApiError, responses
from kiban.core.fiscal import FiscalYear, FiscalYearError
from kiban.core.inputs import Id, Yen
from kiban.core.permissions import require

from . import selectors, services
from .models import Programme

router = Router(tags=["programmes (S0)"])


class SupplementaryOut(Schema):
    fiscal_year: int
    kind: str
    amount_yen: int


class ProgrammeYearOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    short_name: str
    fiscal_year: int
    amount_yen: int | None
    is_request: bool
    previous_amount_yen: int | None
    change_yen: int | None
    change_percent: float | None
    previous_supplementary: list[SupplementaryOut]


class TotalOut(Schema):
    fiscal_year: int
    kind: str
    stated_yen: int | None
    source: str
    listed_yen: int
    difference_yen: int | None
    programme_count: int


class ProgrammeListOut(Schema):
    fiscal_year: int
    fiscal_year_label: str
    programmes: list[ProgrammeYearOut]
    totals: list[TotalOut]


class BudgetOut(Schema):
    id: int
    fiscal_year: int
    kind: str
    amount_yen: int
    is_request: bool
    version: int


class SubAllocationOut(Schema):
    id: int
    fiscal_year: int
    name: str
    name_en: str
    recipient_id: int | None
    amount_yen: int


class ProgrammeDetailOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    short_name: str
    field: str
    note: str
    budgets: list[BudgetOut]
    sub_allocations: list[SubAllocationOut]


class BudgetChangeIn(Schema):
    amount_yen: Yen
    version: Id
    reason: str


def _fiscal_year(text: str | None) -> int | None:
    if text is None or text == "":
        return None
    try:
        return FiscalYear.parse(text).year
    except FiscalYearError as error:
        raise ApiError(400, str(error), "invalid_fiscal_year") from error


@router.get(
    "",
    response=responses(ProgrammeListOut, 400, 403, 404),
    summary="Programmes in one fiscal year beside the year before, with totals (any signed-in user)",
)
def programme_list(request, fiscal_year: str | None = None):
    """`fiscal_year` takes 2021, FY2021 or 令和3年度; without it, the newest recorded year."""
    require(request.user, "programmes.view_programme")
    try:
        year = selectors.resolve_fiscal_year(_fiscal_year(fiscal_year))
    except selectors.UnknownFiscalYear as error:
        raise ApiError(404, str(error), "unknown_fiscal_year") from error
    rows = selectors.programme_rows(fiscal_year=year)
    return {
        "fiscal_year": year.year,
        "fiscal_year_label": year.label,
        "programmes": [
            {
                "id": row.programme.pk,
                "code": row.programme.code,
                "name": row.programme.name,
                "name_en": row.programme.name_en,
                "short_name": row.programme.short_name,
                "fiscal_year": row.fiscal_year,
                "amount_yen": row.amount_yen,
                "is_request": row.is_request,
                "previous_amount_yen": row.previous_amount_yen,
                "change_yen": row.change_yen,
                "change_percent": row.change_percent,
                "previous_supplementary": [
                    {"fiscal_year": year.previous.year, "kind": kind, "amount_yen": amount}
                    for kind, amount in row.previous_supplementary.items()
                ],
            }
            for row in rows
        ],
        "totals": [
            {**total.__dict__, "difference_yen": total.difference_yen}
            for total in selectors.reconciliations(fiscal_year=year)
        ],
    }


@router.get(
    "/{programme_id}",
    response=responses(ProgrammeDetailOut, 403, 404),
    summary="One programme with every budget (any signed-in user)",
)
def programme_detail(request, programme_id: Id):
    require(request.user, "programmes.view_programme")
    try:
        return selectors.programme_with_budgets(pk=programme_id)
    except Programme.DoesNotExist as error:
        raise Http404(_("No programme has id %(id)s.") % {"id": programme_id}) from error


@router.put(
    "/budgets/{budget_id}",
    response=responses(BudgetOut, *WRITE_REFUSALS),
    summary="Correct one budget amount, with a reason (ministry officials only)",
)
def budget_change(request, budget_id: Id, payload: BudgetChangeIn):
    require(request.user, "programmes.change_programmebudget")
    try:
        return services.programme_budget_update(
            budget_id=budget_id,
            amount_yen=payload.amount_yen,
            expected_version=payload.version,
            reason=payload.reason,
            actor=request.user,
        )
    except services.ProgrammeBudget.DoesNotExist as error:
        raise Http404(_("No budget has id %(id)s.") % {"id": budget_id}) from error
