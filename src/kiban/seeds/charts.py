"""The seed dashboards' charts: seeds per stage, by modality within each stage, and stage-ups per year."""

from django.utils.translation import gettext as _

from kiban.core.charts import Bar, Chart, StackedBar, bar_chart, stacked_bar_chart
from kiban.core.fiscal import FiscalYear

from .choices import GateOutcome, Modality, Stage
from .selectors import Dashboard


def _stage_url(board: Dashboard, list_url: str, stage: Stage) -> str:
    hub = f"&hub={board.hub.pk}" if board.hub else ""
    return f"{list_url}?stage={stage.value}{hub}"


def pipeline_chart(board: Dashboard, list_url: str) -> Chart:
    """Seeds per stage; each bar links to the seed list filtered by that stage."""
    totals = board.stage_totals
    return bar_chart(
        chart_id="pipeline-chart",
        title=_("Seeds by stage"),
        description=_("The number of seeds in each stage; each bar opens the list of those seeds."),
        bars=[
            Bar(str(s.label), totals[s.value], f"{totals[s.value]:,}", _stage_url(board, list_url, s))
            for s in Stage
        ],
    )


def stage_modality_chart(board: Dashboard, list_url: str) -> Chart:
    """Seeds per stage split by modality, drawn from the same counts as the table beside it."""
    return stacked_bar_chart(
        chart_id="stage-modality-chart",
        title=_("Seeds by stage and modality"),
        description=_("One bar per stage, one coloured part per modality; the table below gives each count."),
        series=[str(m.label) for m in Modality],
        bars=[
            StackedBar(
                str(s.label),
                [board.by_stage_modality[s][m] for m in Modality.values],
                f"{board.stage_totals[s]:,}",
                _stage_url(board, list_url, s),
            )
            for s in Stage
        ],
    )


def stage_up_chart(board: Dashboard) -> Chart:
    """Stage-ups decided in each fiscal year."""
    return bar_chart(
        chart_id="stage-up-chart",
        title=_("Stage-ups per fiscal year"),
        description=_("The number of stage-gate decisions that moved a seed up, in each fiscal year."),
        bars=[
            Bar(FiscalYear(year).label, counts[GateOutcome.STAGE_UP], f"{counts[GateOutcome.STAGE_UP]:,}")
            for year, counts in board.transitions_by_year.items()
        ],
    )
