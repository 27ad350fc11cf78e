"""The columns of the seed list (public columns) and of a hub's or the nationwide dashboard, for exports."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from kiban.core.exports import Column, ColumnKind, Sheet
from kiban.core.fiscal import FiscalYear

from .choices import GateOutcome, Modality, OutcomeKind, Stage
from .models import Seed
from .selectors import Dashboard

TEXT, INTEGER, YEN, DECIMAL, DATE = (
    ColumnKind.TEXT,
    ColumnKind.INTEGER,
    ColumnKind.YEN,
    ColumnKind.DECIMAL,
    ColumnKind.DATE,
)


def seed_sheet(seeds: Iterable[Seed]) -> Sheet:
    columns = [
        Column(_("id"), INTEGER),
        Column(_("seed title"), TEXT),
        Column(_("hub"), TEXT),
        Column(_("institution"), TEXT),
        Column(_("origin"), TEXT),
        Column(_("principal investigator"), TEXT),
        Column(_("modality"), TEXT),
        Column(_("ICD-10"), TEXT),
        Column(_("target disease"), TEXT),
        Column(_("stage"), TEXT),
        Column(_("in this stage since"), DATE),
        Column(_("programme slot"), TEXT),
        Column(_("committed company"), TEXT),
        Column(_("supported from"), INTEGER),
        Column(_("supported to"), INTEGER),
        Column(_("registered"), DATE),
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
            seed.stage_entered_on,
            str(seed.get_programme_slot_display()),
            seed.committed_company.name if seed.committed_company else "",
            seed.support_from_fy,
            seed.support_to_fy,
            seed.registered_on,
        ]
        for seed in seeds
    ]
    return Sheet(_("Seeds"), columns, rows)


def _counts(first: Column, labels: Iterable[str], *, total: bool = False) -> list[Column]:
    """A label column, then one count column per label (and a total)."""
    return [
        first,
        *(Column(label, INTEGER) for label in labels),
        *([Column(_("total"), INTEGER)] if total else []),
    ]


def dashboard_sheets(board: Dashboard) -> list[Sheet]:
    stage_modality = Sheet(
        _("By stage and modality"),
        _counts(Column(_("stage")), [str(m.label) for m in Modality], total=True),
        [
            *[
                [
                    str(stage.label),
                    *[board.by_stage_modality[stage][m] for m in Modality.values],
                    board.stage_totals[stage],
                ]
                for stage in Stage
            ],
            [_("total"), *[board.modality_totals[m] for m in Modality.values], board.total],
        ],
    )
    transitions = Sheet(
        _("Decisions per fiscal year"),
        _counts(Column(_("fiscal year"), INTEGER), [str(o.label) for o in GateOutcome]),
        [
            [year, *[counts[o] for o in GateOutcome.values]]
            for year, counts in board.transitions_by_year.items()
        ],
    )
    times = Sheet(
        _("Time in stage"),
        [
            Column(_("stage")),
            Column(_("median days in stage"), DECIMAL),
            Column(_("seeds that left the stage"), INTEGER),
            Column(_("moved up"), INTEGER),
            Column(_("moved up (%)"), DECIMAL),
        ],
        [[str(t.label), t.median_days, t.left, t.moved_up, t.conversion_percent] for t in board.stage_times],
    )
    outcomes = Sheet(
        _("Outcomes per fiscal year"),
        [
            *_counts(Column(_("fiscal year"), INTEGER), [str(k.label) for k in OutcomeKind]),
            Column(_("research funds (yen)"), YEN),
        ],
        [
            [
                year,
                *[board.outcomes_by_year.get(year, {}).get(k, 0) for k in OutcomeKind.values],
                board.funding_by_year.get(year, 0),
            ]
            for year in board.fiscal_years
        ],
    )
    license_outs = Sheet(
        _("Latest license-outs"),
        [
            Column(_("date"), DATE),
            Column(_("fiscal year")),
            Column(_("seed")),
            Column(_("hub")),
            Column(_("company")),
            Column(_("scope")),
        ],
        [
            [
                o.occurred_on,
                FiscalYear(o.fiscal_year).label,
                o.seed.title,
                o.seed.hub.name,
                o.company.name if o.company else "",
                o.scope,
            ]
            for o in board.recent_license_outs
        ],
    )
    sheets = [stage_modality, transitions, times, outcomes, license_outs]
    if board.hub is None:
        by_hub = Sheet(
            _("By hub"),
            _counts(Column(_("hub")), [str(s.label) for s in Stage], total=True),
            [[row.hub.name, *[row.by_stage[s] for s in Stage.values], row.total] for row in board.hub_rows],
        )
        sheets.insert(1, by_hub)
    return sheets
