"""CSV and Excel exports of the seed list (public columns) and of a hub's or the nationwide dashboard."""

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from kiban.core.fiscal import FiscalYear

from .choices import GateOutcome, Modality, OutcomeKind, Stage
from .models import Seed
from .selectors import Dashboard

Sheet = tuple[str, list[list]]  # a title and its rows, the first row the header


def seed_sheet(seeds: Iterable[Seed]) -> Sheet:
    header = [
        _("id"),
        _("seed title"),
        _("hub"),
        _("institution"),
        _("origin"),
        _("principal investigator"),
        _("modality"),
        _("ICD-10"),
        _("target disease"),
        _("stage"),
        _("in this stage since"),
        _("programme slot"),
        _("committed company"),
        _("supported from"),
        _("supported to"),
        _("registered"),
    ]
    rows = [
        [
            seed.pk,
            seed.title,
            seed.hub.name,
            seed.institution.name,
            str(seed.get_origin_display()),
            str(seed.pi),
            str(seed.get_modality_display()),
            seed.icd10_code,
            seed.disease,
            str(seed.get_stage_display()),
            seed.stage_entered_on.isoformat(),
            str(seed.get_programme_slot_display()),
            seed.committed_company.name if seed.committed_company else "",
            seed.support_from_fy,
            seed.support_to_fy,
            seed.registered_on.isoformat(),
        ]
        for seed in seeds
    ]
    return _("Seeds"), [header, *rows]


def dashboard_sheets(board: Dashboard) -> list[Sheet]:
    stage_modality = [
        [_("stage"), *[str(m.label) for m in Modality], _("total")],
        *[
            [
                str(stage.label),
                *[board.by_stage_modality[stage][m] for m in Modality.values],
                board.stage_totals[stage],
            ]
            for stage in Stage
        ],
        [_("total"), *[board.modality_totals[m] for m in Modality.values], board.total],
    ]
    transitions = [
        [_("fiscal year"), *[str(o.label) for o in GateOutcome]],
        *[
            [year, *[counts[o] for o in GateOutcome.values]]
            for year, counts in board.transitions_by_year.items()
        ],
    ]
    times = [
        [
            _("stage"),
            _("median days in stage"),
            _("seeds that left the stage"),
            _("moved up"),
            _("moved up (%)"),
        ],
        *[[str(t.label), t.median_days, t.left, t.moved_up, t.conversion_percent] for t in board.stage_times],
    ]
    outcomes = [
        [_("fiscal year"), *[str(k.label) for k in OutcomeKind], _("research funds (yen)")],
        *[
            [
                year,
                *[board.outcomes_by_year.get(year, {}).get(k, 0) for k in OutcomeKind.values],
                board.funding_by_year.get(year, 0),
            ]
            for year in board.fiscal_years
        ],
    ]
    license_outs = [
        [_("date"), _("fiscal year"), _("seed"), _("hub"), _("company"), _("scope")],
        *[
            [
                o.occurred_on.isoformat(),
                FiscalYear(o.fiscal_year).label,
                o.seed.title,
                o.seed.hub.name,
                o.company.name if o.company else "",
                o.scope,
            ]
            for o in board.recent_license_outs
        ],
    ]
    sheets = [
        (_("By stage and modality"), stage_modality),
        (_("Decisions per fiscal year"), transitions),
        (_("Time in stage"), times),
        (_("Outcomes per fiscal year"), outcomes),
        (_("Latest license-outs"), license_outs),
    ]
    if board.hub is None:
        by_hub = [
            [_("hub"), *[str(s.label) for s in Stage], _("total")],
            *[[row.hub.name, *[row.by_stage[s] for s in Stage.values], row.total] for row in board.hub_rows],
        ]
        sheets.insert(1, (_("By hub"), by_hub))
    return sheets


def as_csv(sheets: list[Sheet]) -> bytes:
    """UTF-8 with a byte-order mark (Excel in Japan reads it right); sheets follow each other, titled."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, (title, rows) in enumerate(sheets):
        if len(sheets) > 1:
            if index:
                writer.writerow([])
            writer.writerow([f"# {title}"])
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(sheets: list[Sheet]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        for row in rows:
            sheet.append(row)
        money_columns = set()
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            if isinstance(cell.value, str) and ("yen" in cell.value or "円" in cell.value):
                money_columns.add(cell.column)
        for row_cells in sheet.iter_rows(min_row=2):
            for cell in row_cells:
                if cell.column in money_columns and isinstance(cell.value, int):
                    cell.number_format = "#,##0"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
