"""The programmes' charts: one fiscal year's budget by programme, and a programme's budget over the years."""

from django.utils.translation import gettext as _

from kiban.core.charts import Bar, Chart, Series, bar_chart, line_chart
from kiban.core.fiscal import FiscalYear
from kiban.core.money import format_million

from .choices import BudgetKind
from .models import Programme
from .selectors import ProgrammeRow


def budget_chart(rows: list[ProgrammeRow], fiscal_year: FiscalYear) -> Chart:
    """Funded programmes, the largest first; each bar links to its programme."""
    funded = sorted((r for r in rows if r.amount_yen), key=lambda r: r.amount_yen, reverse=True)
    return bar_chart(
        chart_id="budget-chart",
        title=_("%(year)s budget by programme") % {"year": fiscal_year.label},
        description=_("One bar per funded programme, the largest first, in million yen."),
        bars=[
            Bar(
                label=row.programme.display_name,
                value=row.amount_yen,
                value_text=format_million(row.amount_yen),
                url=row.programme.get_absolute_url(),
            )
            for row in funded
        ],
        label_width=330,
        value_width=130,
        label_chars=28,
    )


def budget_history_chart(programme: Programme) -> Chart | None:
    """The initial budget of each recorded fiscal year, oldest first; none for fewer than two years."""
    amounts = {b.fiscal_year: b.amount_yen for b in programme.budgets.all() if b.kind == BudgetKind.INITIAL}
    if len(amounts) < 2:
        return None
    years = sorted(amounts)
    return line_chart(
        chart_id="budget-history-chart",
        title=_("Initial budget by fiscal year"),
        description=_("The programme's initial budget in each fiscal year recorded, in million yen."),
        x_labels=[_("FY%(year)s") % {"year": year} for year in years],
        series=[Series(str(BudgetKind.INITIAL.label), [amounts[year] for year in years])],
        value_text=format_million,
        left=130,
    )
