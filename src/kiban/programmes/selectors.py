"""Reads of programmes and budgets: fiscal-year comparisons, reconciliations against stated totals."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch, QuerySet

from kiban.core.fiscal import FiscalYear

from .choices import SUPPLEMENTARY_KINDS, BudgetKind
from .models import Programme, ProgrammeBudget, StatedTotal, SubAllocation


class UnknownFiscalYear(LookupError):
    """No budget is recorded for the fiscal year asked for."""

    def __init__(self, fiscal_year: int, recorded: list[int]):
        self.fiscal_year = fiscal_year
        self.recorded = recorded
        years = ", ".join(str(y) for y in recorded) or "none"
        super().__init__(f"No budget is recorded for fiscal year {fiscal_year}; recorded years: {years}.")


def recorded_fiscal_years() -> list[int]:
    """Fiscal years with an initial budget, newest first."""
    years = ProgrammeBudget.objects.filter(kind=BudgetKind.INITIAL).values_list("fiscal_year", flat=True)
    return sorted(set(years), reverse=True)


def resolve_fiscal_year(requested: int | None) -> FiscalYear:
    """The requested year if budgets exist for it, else the newest; raises UnknownFiscalYear."""
    recorded = recorded_fiscal_years()
    if requested is None:
        if not recorded:
            raise UnknownFiscalYear(FiscalYear.of(datetime.date.today()).year, recorded)
        return FiscalYear(recorded[0])
    if requested not in recorded:
        raise UnknownFiscalYear(requested, recorded)
    return FiscalYear(requested)


def percent_change(current: int | None, previous: int | None) -> Decimal | None:
    if current is None or not previous:
        return None
    return (Decimal(current - previous) * 100 / Decimal(previous)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class ProgrammeRow:
    """One programme in one fiscal year beside the year before."""

    programme: Programme
    fiscal_year: int
    amount_yen: int | None
    previous_amount_yen: int | None
    is_request: bool = False
    previous_supplementary: dict[str, int] = field(default_factory=dict)

    @property
    def change_yen(self) -> int | None:
        if self.amount_yen is None or self.previous_amount_yen is None:
            return None
        return self.amount_yen - self.previous_amount_yen

    @property
    def change_percent(self) -> Decimal | None:
        return percent_change(self.amount_yen, self.previous_amount_yen)

    @property
    def previous_supplementary_total(self) -> int:
        return sum(self.previous_supplementary.values())


def programme_rows(*, fiscal_year: FiscalYear) -> list[ProgrammeRow]:
    """Every programme with a budget in the year or the year before: two queries whatever the count."""
    years = (fiscal_year.year, fiscal_year.previous.year)
    budgets = ProgrammeBudget.objects.filter(fiscal_year__in=years)
    by_programme: dict[int, dict[tuple[int, str], ProgrammeBudget]] = defaultdict(dict)
    for budget in budgets:
        by_programme[budget.programme_id][(budget.fiscal_year, budget.kind)] = budget
    rows = []
    for programme in Programme.objects.filter(pk__in=by_programme):
        amounts = by_programme[programme.pk]
        current = amounts.get((fiscal_year.year, BudgetKind.INITIAL))
        previous = amounts.get((fiscal_year.previous.year, BudgetKind.INITIAL))
        rows.append(
            ProgrammeRow(
                programme=programme,
                fiscal_year=fiscal_year.year,
                amount_yen=current.amount_yen if current else None,
                previous_amount_yen=previous.amount_yen if previous else None,
                is_request=bool(current and current.is_request),
                previous_supplementary={
                    kind: amounts[(fiscal_year.previous.year, kind)].amount_yen
                    for kind in SUPPLEMENTARY_KINDS
                    if (fiscal_year.previous.year, kind) in amounts
                },
            )
        )
    return rows


@dataclass(frozen=True)
class Reconciliation:
    """A total as the source states it beside the sum of the programmes recorded, and the difference."""

    fiscal_year: int
    kind: str
    stated_yen: int | None
    source: str
    listed_yen: int
    programme_count: int

    @property
    def difference_yen(self) -> int | None:
        return None if self.stated_yen is None else self.stated_yen - self.listed_yen

    @property
    def kind_label(self) -> str:
        return BudgetKind(self.kind).label

    @property
    def fiscal_year_label(self) -> str:
        return FiscalYear(self.fiscal_year).label


def reconciliations(*, fiscal_year: FiscalYear) -> list[Reconciliation]:
    """The year's and the previous year's totals, initial and supplementary, never adjusted to agree."""
    years = (fiscal_year.year, fiscal_year.previous.year)
    stated = {(t.fiscal_year, t.kind): t for t in StatedTotal.objects.filter(fiscal_year__in=years)}
    sums: dict[tuple[int, str], list[int]] = defaultdict(list)
    for budget in ProgrammeBudget.objects.filter(fiscal_year__in=years).only(
        "fiscal_year", "kind", "amount_yen"
    ):
        sums[(budget.fiscal_year, budget.kind)].append(budget.amount_yen)
    keys = sorted(set(stated) | set(sums), key=lambda k: (-k[0], list(BudgetKind.values).index(k[1])))
    return [
        Reconciliation(
            fiscal_year=year,
            kind=kind,
            stated_yen=stated[(year, kind)].amount_yen if (year, kind) in stated else None,
            source=stated[(year, kind)].source if (year, kind) in stated else "",
            listed_yen=sum(sums.get((year, kind), [])),
            programme_count=len(sums.get((year, kind), [])),
        )
        for year, kind in keys
    ]


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.all()


def programme_with_budgets(*, pk: int) -> Programme:
    """One programme with its budgets and sub-allocations loaded (raises Programme.DoesNotExist)."""
    return Programme.objects.prefetch_related(
        Prefetch("budgets", queryset=ProgrammeBudget.objects.order_by("-fiscal_year", "kind")),
        Prefetch(
            "sub_allocations",
            queryset=SubAllocation.objects.select_related("recipient").order_by("-fiscal_year", "sort_order"),
        ),
    ).get(pk=pk)


@dataclass
class SubAllocationGroup:
    """A fiscal year's sub-allocations of one programme, their sum, and what the programme budget leaves."""

    fiscal_year: int
    items: list[SubAllocation]
    programme_budget_yen: int | None

    @property
    def sum_yen(self) -> int:
        return sum(item.amount_yen for item in self.items)

    @property
    def unallocated_yen(self) -> int | None:
        return None if self.programme_budget_yen is None else self.programme_budget_yen - self.sum_yen

    @property
    def fiscal_year_label(self) -> str:
        return FiscalYear(self.fiscal_year).label


def sub_allocation_groups(*, programme: Programme) -> list[SubAllocationGroup]:
    initial = {b.fiscal_year: b.amount_yen for b in programme.budgets.all() if b.kind == BudgetKind.INITIAL}
    grouped: dict[int, list[SubAllocation]] = defaultdict(list)
    for item in programme.sub_allocations.all():
        grouped[item.fiscal_year].append(item)
    return [
        SubAllocationGroup(fiscal_year=year, items=items, programme_budget_yen=initial.get(year))
        for year, items in sorted(grouped.items(), reverse=True)
    ]
