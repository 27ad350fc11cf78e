"""Usage statistics of the catalogue, computed from the platform's own records: per fiscal year, centre and
resource type, the orders submitted, the distinct institutions that ordered, and the papers users reported."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.core.charts import Bar, Chart, StackedBar, bar_chart, stacked_bar_chart
from kiban.core.exports import Column, ColumnKind, Sheet
from kiban.core.fiscal import FiscalYear
from kiban.core.models import Organisation

from .choices import OrderState, ResourceType
from .models import OrderLine, PaperReport


@dataclass
class Cell:
    orders: set = field(default_factory=set)
    institutions: set = field(default_factory=set)
    papers: int = 0


@dataclass(frozen=True)
class Row:
    fiscal_year: int
    centre: str
    resource_type: str
    orders: int
    institutions: int
    papers: int


@dataclass(frozen=True)
class Statistics:
    rows: list[Row]
    years: list[int]
    orders_by_year: dict[int, int]
    institutions_by_year: dict[int, int]
    papers_by_year: dict[int, int]
    orders_by_centre_type: dict[str, dict[str, int]]


def statistics() -> Statistics:
    """Counts every submitted order (whatever became of it, drafts excepted) in the fiscal year it was
    submitted, and every reported paper in the fiscal year it was reported."""
    cells: dict[tuple[int, int, str], Cell] = defaultdict(Cell)
    by_year_orders: dict[int, set] = defaultdict(set)
    by_year_institutions: dict[int, set] = defaultdict(set)
    lines = (
        OrderLine.objects.exclude(order__state=OrderState.DRAFT)
        .filter(order__submitted_at__isnull=False)
        .values_list(
            "order_id",
            "order__centre_id",
            "resource__resource_type",
            "order__organisation_id",
            "order__submitted_at",
        )
    )
    for order_id, centre_id, resource_type, organisation_id, submitted_at in lines:
        year = FiscalYear.of(timezone.localtime(submitted_at).date()).year
        cell = cells[(year, centre_id, resource_type)]
        cell.orders.add(order_id)
        cell.institutions.add(organisation_id)
        by_year_orders[year].add(order_id)
        by_year_institutions[year].add(organisation_id)
    papers_by_year: dict[int, int] = defaultdict(int)
    for centre_id, resource_type, reported_on in PaperReport.objects.values_list(
        "resource__centre_id", "resource__resource_type", "reported_on"
    ):
        year = FiscalYear.of(reported_on).year
        cells[(year, centre_id, resource_type)].papers += 1
        papers_by_year[year] += 1
    names = {o.pk: o.display_name for o in Organisation.objects.filter(pk__in={k[1] for k in cells})}
    rows = sorted(
        (
            Row(
                year,
                names[centre],
                str(ResourceType(rtype).label),
                len(c.orders),
                len(c.institutions),
                c.papers,
            )
            for (year, centre, rtype), c in cells.items()
        ),
        key=lambda r: (-r.fiscal_year, r.centre, r.resource_type),
    )
    years = sorted({r.fiscal_year for r in rows})
    by_centre_type: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (_year, centre, rtype), c in cells.items():
        by_centre_type[names[centre]][rtype] += len(c.orders)
    return Statistics(
        rows=rows,
        years=years,
        orders_by_year={y: len(by_year_orders[y]) for y in years},
        institutions_by_year={y: len(by_year_institutions[y]) for y in years},
        papers_by_year={y: papers_by_year[y] for y in years},
        orders_by_centre_type={k: dict(v) for k, v in sorted(by_centre_type.items())},
    )


def orders_chart(stats: Statistics) -> Chart:
    return bar_chart(
        chart_id="orders-by-year",
        title=_("Orders per fiscal year"),
        description=_("Orders submitted to the centres in each fiscal year, as recorded on the platform."),
        bars=[Bar(FiscalYear(y).label, n, f"{n:,}") for y, n in stats.orders_by_year.items()],
    )


def papers_chart(stats: Statistics) -> Chart:
    return bar_chart(
        chart_id="papers-by-year",
        title=_("Papers reported per fiscal year"),
        description=_("Papers that users reported (by DOI) as using resources they received."),
        bars=[Bar(FiscalYear(y).label, n, f"{n:,}") for y, n in stats.papers_by_year.items()],
    )


def centre_type_chart(stats: Statistics) -> Chart:
    series = [str(t.label) for t in ResourceType]
    return stacked_bar_chart(
        chart_id="orders-by-centre-type",
        title=_("Orders per centre and resource type"),
        description=_("All fiscal years; an order with resources of two types counts for each."),
        series=series,
        bars=[
            StackedBar(centre, [counts.get(t.value, 0) for t in ResourceType], f"{sum(counts.values()):,}")
            for centre, counts in stats.orders_by_centre_type.items()
        ],
    )


def statistics_sheet(stats: Statistics) -> Sheet:
    return Sheet(
        title=_("Bioresource statistics"),
        columns=[
            Column(_("Fiscal year"), ColumnKind.INTEGER),
            Column(_("Centre")),
            Column(_("Resource type")),
            Column(_("Orders"), ColumnKind.INTEGER),
            Column(_("Institutions"), ColumnKind.INTEGER),
            Column(_("Papers reported"), ColumnKind.INTEGER),
        ],
        rows=[
            (r.fiscal_year, r.centre, r.resource_type, r.orders, r.institutions, r.papers) for r in stats.rows
        ],
    )
