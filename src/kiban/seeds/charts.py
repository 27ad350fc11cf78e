"""Bar charts of the seed dashboards, drawn as SVG on the server with the programmes' chart shapes."""

from kiban.core.fiscal import FiscalYear
from kiban.programmes.charts import Bar, BarChart

from .choices import GateOutcome, Stage
from .selectors import Dashboard

ROW_HEIGHT = 28
LABEL_WIDTH = 200
BAR_AREA = 420
VALUE_WIDTH = 80


def _chart(items: list[tuple[str, int, str]]) -> BarChart:
    largest = max((value for _label, value, _url in items), default=0) or 1
    bars = [
        Bar(
            label=label,
            value_text=f"{value:,}",
            y=index * ROW_HEIGHT,
            width=max(1, round(BAR_AREA * value / largest)) if value else 0,
            url=url,
        )
        for index, (label, value, url) in enumerate(items)
    ]
    return BarChart(
        bars=bars,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=max(1, len(bars)) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
        bar_area=BAR_AREA,
    )


def pipeline_chart(board: Dashboard, list_url: str) -> BarChart:
    """Seeds per stage; each bar links to the seed list filtered by that stage."""
    hub = f"&hub={board.hub.pk}" if board.hub else ""
    totals = board.stage_totals
    return _chart([(str(s.label), totals[s.value], f"{list_url}?stage={s.value}{hub}") for s in Stage])


def stage_up_chart(board: Dashboard) -> BarChart:
    """Stage-ups decided in each fiscal year."""
    return _chart(
        [
            (FiscalYear(year).label, counts[GateOutcome.STAGE_UP], "")
            for year, counts in board.transitions_by_year.items()
        ]
    )
