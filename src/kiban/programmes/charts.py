"""A horizontal bar chart of one fiscal year's budget by programme, drawn as SVG on the server."""

from dataclasses import dataclass

from kiban.core.money import format_million

from .selectors import ProgrammeRow

ROW_HEIGHT = 28
LABEL_WIDTH = 330
BAR_AREA = 420
VALUE_WIDTH = 130


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: int
    url: str


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_area: int = BAR_AREA


def budget_chart(rows: list[ProgrammeRow]) -> BarChart:
    funded = sorted((r for r in rows if r.amount_yen), key=lambda r: r.amount_yen, reverse=True)
    largest = max((r.amount_yen for r in funded), default=1)
    bars = [
        Bar(
            label=row.programme.display_name,
            value_text=format_million(row.amount_yen),
            y=index * ROW_HEIGHT,
            width=max(1, round(BAR_AREA * row.amount_yen / largest)),
            url=row.programme.get_absolute_url(),
        )
        for index, row in enumerate(funded)
    ]
    return BarChart(
        bars=bars, width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH, height=max(1, len(bars)) * ROW_HEIGHT
    )
