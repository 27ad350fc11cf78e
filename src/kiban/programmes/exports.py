"""The columns of a fiscal year's programme budgets and of the stated totals, for CSV and Excel exports."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kiban.core.exports import Column, ColumnKind, Sheet
from kiban.core.fiscal import FiscalYear

from .choices import SUPPLEMENTARY_KINDS, BudgetKind
from .selectors import ProgrammeRow, Reconciliation

TEXT, INTEGER, YEN, DECIMAL = ColumnKind.TEXT, ColumnKind.INTEGER, ColumnKind.YEN, ColumnKind.DECIMAL


def _programme_columns(fiscal_year: FiscalYear) -> list[Column]:
    previous = fiscal_year.previous.year
    return [
        Column(_("code"), TEXT),
        Column(_("programme (Japanese)"), TEXT),
        Column(_("programme (English)"), TEXT),
        Column(_("FY%(year)s budget (yen)") % {"year": fiscal_year.year}, YEN),
        Column(_("FY%(year)s budget (yen)") % {"year": previous}, YEN),
        Column(_("change (yen)"), YEN),
        Column(_("change (%)"), DECIMAL),
        *[
            Column(_("FY%(year)s %(kind)s (yen)") % {"year": previous, "kind": BudgetKind(k).label}, YEN)
            for k in SUPPLEMENTARY_KINDS
        ],
    ]


def _programme_values(row: ProgrammeRow) -> list:
    return [
        row.programme.code,
        row.programme.name,
        row.programme.name_en,
        row.amount_yen,
        row.previous_amount_yen,
        row.change_yen,
        float(row.change_percent) if row.change_percent is not None else None,
        *[row.previous_supplementary.get(kind) for kind in SUPPLEMENTARY_KINDS],
    ]


_TOTAL_COLUMNS = [
    (gettext_noop("fiscal year"), INTEGER),
    (gettext_noop("budget"), TEXT),
    (gettext_noop("stated total (yen)"), YEN),
    (gettext_noop("as stated"), TEXT),
    (gettext_noop("sum of programmes (yen)"), YEN),
    (gettext_noop("difference (yen)"), YEN),
    (gettext_noop("programmes"), INTEGER),
]


def _total_values(total: Reconciliation) -> list:
    return [
        total.fiscal_year,
        str(total.kind_label),
        total.stated_yen,
        total.source,
        total.listed_yen,
        total.difference_yen,
        total.programme_count,
    ]


def programme_sheets(
    fiscal_year: FiscalYear, rows: list[ProgrammeRow], totals: list[Reconciliation]
) -> list[Sheet]:
    """The programmes, then the totals (a blank line apart in CSV, two sheets in Excel)."""
    return [
        Sheet(_("Programmes"), _programme_columns(fiscal_year), [_programme_values(row) for row in rows]),
        Sheet(
            _("Totals"),
            [Column(_(header), kind) for header, kind in _TOTAL_COLUMNS],
            [_total_values(total) for total in totals],
        ),
    ]
