"""CSV and Excel exports of a fiscal year's programme budgets with the stated totals."""

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Font

from kiban.core.fiscal import FiscalYear

from .choices import SUPPLEMENTARY_KINDS, BudgetKind
from .selectors import ProgrammeRow, Reconciliation


def _programme_header(fiscal_year: FiscalYear) -> list[str]:
    previous = fiscal_year.previous.year
    return [
        _("code"),
        _("programme (Japanese)"),
        _("programme (English)"),
        _("FY%(year)s budget (yen)") % {"year": fiscal_year.year},
        _("FY%(year)s budget (yen)") % {"year": previous},
        _("change (yen)"),
        _("change (%)"),
        *[
            _("FY%(year)s %(kind)s (yen)") % {"year": previous, "kind": BudgetKind(k).label}
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


_TOTAL_HEADER = [
    gettext_noop("fiscal year"),
    gettext_noop("budget"),
    gettext_noop("stated total (yen)"),
    gettext_noop("as stated"),
    gettext_noop("sum of programmes (yen)"),
    gettext_noop("difference (yen)"),
    gettext_noop("programmes"),
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


def programmes_csv(fiscal_year: FiscalYear, rows: list[ProgrammeRow], totals: list[Reconciliation]) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel in Japan opens it with the right characters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_programme_header(fiscal_year))
    for row in rows:
        writer.writerow(["" if v is None else v for v in _programme_values(row)])
    writer.writerow([])
    writer.writerow([_(h) for h in _TOTAL_HEADER])
    for total in totals:
        writer.writerow(["" if v is None else v for v in _total_values(total)])
    return buffer.getvalue().encode("utf-8-sig")


def programmes_xlsx(fiscal_year: FiscalYear, rows: list[ProgrammeRow], totals: list[Reconciliation]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Programmes")
    sheet.append(_programme_header(fiscal_year))
    for row in rows:
        sheet.append(_programme_values(row))
    totals_sheet = workbook.create_sheet(_("Totals"))
    totals_sheet.append([_(h) for h in _TOTAL_HEADER])
    for total in totals:
        totals_sheet.append(_total_values(total))
    for worksheet in (sheet, totals_sheet):
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row_cells in worksheet.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
