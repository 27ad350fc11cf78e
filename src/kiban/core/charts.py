"""Charts drawn on the server as SVG: bar, stacked bar, histogram and line, as geometry for core/chart.html.

The functions compute every coordinate; the one template only writes them out, so a chart is tested by its
numbers and needs no JavaScript. Each chart has a title and a description for screen readers, and every
bar, segment and point names its value in a tooltip.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

ROW_HEIGHT = 28  # one horizontal bar with its label
BAR_AREA = 420
SERIES_COLOURS = 6  # .series-0 … .series-5 in kiban.css; more series reuse them in turn
LEGEND_HEIGHT = 20


@dataclass(frozen=True)
class Text:
    x: int
    y: int
    text: str
    anchor: str = "start"  # start, middle or end


@dataclass(frozen=True)
class Rect:
    """A bar, a segment or a legend swatch, with the tooltip that names its value."""

    x: int
    y: int
    width: int
    height: int
    tooltip: str
    css: str = "bar"


@dataclass(frozen=True)
class Group:
    """What is drawn for one bar, column or legend entry; all of it is one link when it has a url."""

    rects: tuple[Rect, ...]
    texts: tuple[Text, ...] = ()
    url: str = ""


@dataclass(frozen=True)
class Rule:
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass(frozen=True)
class Dot:
    x: int
    y: int
    tooltip: str


@dataclass(frozen=True)
class Polyline:
    css: str
    dots: tuple[Dot, ...]

    @property
    def points(self) -> str:
        return " ".join(f"{dot.x},{dot.y}" for dot in self.dots)


@dataclass(frozen=True)
class Chart:
    """What core/chart.html draws, in user units; width and height are also the SVG's drawn size."""

    chart_id: str
    title: str
    description: str
    width: int
    height: int
    groups: tuple[Group, ...] = ()
    rules: tuple[Rule, ...] = ()
    texts: tuple[Text, ...] = ()
    lines: tuple[Polyline, ...] = ()
    legend: tuple[Group, ...] = ()


@dataclass(frozen=True)
class Bar:
    """One bar to draw: its label, its value, the value as the page writes it, and where it links to."""

    label: str
    value: int | float
    value_text: str
    url: str = ""


@dataclass(frozen=True)
class StackedBar:
    """One stacked bar: a value per series (in the chart's series order), its total as written, a link."""

    label: str
    values: Sequence[int]
    value_text: str
    url: str = ""


@dataclass(frozen=True)
class Bin:
    """One column of a histogram: its count, its tooltip, and the label under its left edge ("" for none)."""

    count: int
    tooltip: str
    edge_label: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int | float | None]  # one per x label; None leaves a gap in the drawing of the line


def scaled(value: int | float, largest: int | float, length: int) -> int:
    """A value's length on a scale where `largest` is `length`; anything above zero stays visible."""
    if not value or not largest:
        return 0
    return max(1, round(length * value / largest))


def _truncated(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _series_css(index: int) -> str:
    return f"series-{index % SERIES_COLOURS}"


def _legend(names: Sequence[str], *, left: int) -> tuple[Group, ...]:
    """A swatch and a name per series along the top, 130 units each."""
    return tuple(
        Group(
            rects=(Rect(left + index * 130, 4, 12, 12, name, _series_css(index)),),
            texts=(Text(left + index * 130 + 16, 14, _truncated(name, 16)),),
        )
        for index, name in enumerate(names)
    )


@dataclass(frozen=True)
class _Row:
    label: str
    value_text: str
    url: str
    segments: Sequence[tuple[int | float, str, str]]  # value, tooltip, css class


def _bar_rows(rows: Sequence[_Row], *, top: int, label_width: int, label_chars: int) -> tuple[Group, ...]:
    """Each row's label, its segments end to end on one scale (the largest row total), and its value.

    Segment edges are rounded from the running total, so a row's segments always add up to its length.
    """
    largest = max((sum(value for value, _tooltip, _css in row.segments) for row in rows), default=0) or 1
    groups = []
    for index, row in enumerate(rows):
        y = top + index * ROW_HEIGHT
        rects, running, start = [], 0, label_width
        for value, tooltip, css in row.segments:
            running += value
            end = label_width + scaled(running, largest, BAR_AREA)
            if value or len(row.segments) == 1:
                rects.append(Rect(start, y + 5, end - start, 18, tooltip, css))
                start = end
        texts = (
            Text(label_width - 8, y + 18, _truncated(row.label, label_chars), "end"),
            Text(start + 6, y + 18, row.value_text),
        )
        groups.append(Group(rects=tuple(rects), texts=texts, url=row.url))
    return tuple(groups)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: Sequence[Bar],
    description: str = "",
    label_width: int = 200,
    value_width: int = 80,
    label_chars: int = 24,
) -> Chart:
    """Horizontal bars, one row each: the label on the left, the bar on one scale, the value after it."""
    rows = [
        _Row(bar.label, bar.value_text, bar.url, [(bar.value, f"{bar.label}: {bar.value_text}", "bar")])
        for bar in bars
    ]
    return Chart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=label_width + BAR_AREA + value_width,
        height=max(1, len(bars)) * ROW_HEIGHT,
        groups=_bar_rows(rows, top=0, label_width=label_width, label_chars=label_chars),
    )


def stacked_bar_chart(
    *,
    chart_id: str,
    title: str,
    series: Sequence[str],
    bars: Sequence[StackedBar],
    description: str = "",
    label_width: int = 200,
    value_width: int = 80,
    label_chars: int = 24,
) -> Chart:
    """Horizontal bars split into one segment per series (none for a zero), with a legend above them."""
    rows = [
        _Row(
            bar.label,
            bar.value_text,
            bar.url,
            [
                (
                    value,
                    _("%(label)s, %(series)s: %(value)s")
                    % {"label": bar.label, "series": name, "value": f"{value:,}"},
                    f"bar {_series_css(number)}",
                )
                for number, (name, value) in enumerate(zip(series, bar.values, strict=True))
            ],
        )
        for bar in bars
    ]
    return Chart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=label_width + BAR_AREA + value_width,
        height=LEGEND_HEIGHT + max(1, len(bars)) * ROW_HEIGHT,
        groups=_bar_rows(rows, top=LEGEND_HEIGHT, label_width=label_width, label_chars=label_chars),
        legend=_legend(series, left=8),
    )


PLOT_HEIGHT = 200
LEFT_MARGIN = 64
TOP_MARGIN = 16
BOTTOM_MARGIN = 40
COLUMN_WIDTH = 44
COLUMN_GAP = 4


def histogram(
    *,
    chart_id: str,
    title: str,
    bins: Sequence[Bin],
    axis_label: str,
    end_label: str = "",
    description: str = "",
) -> Chart:
    """Columns side by side over a labelled axis, heights on one scale: the fullest column is full height."""
    largest = max((b.count for b in bins), default=0)
    bottom = TOP_MARGIN + PLOT_HEIGHT
    width = LEFT_MARGIN + len(bins) * (COLUMN_WIDTH + COLUMN_GAP) + 24
    groups = []
    for index, b in enumerate(bins):
        x = LEFT_MARGIN + index * (COLUMN_WIDTH + COLUMN_GAP)
        height = scaled(b.count, largest, PLOT_HEIGHT)
        labels = (Text(x, bottom + 14, b.edge_label, "middle"),) if b.edge_label else ()
        groups.append(Group(rects=(Rect(x, bottom - height, COLUMN_WIDTH, height, b.tooltip),), texts=labels))
    texts = [
        Text(LEFT_MARGIN - 6, TOP_MARGIN + 4, f"{largest:,}", "end"),
        Text(LEFT_MARGIN - 6, bottom, "0", "end"),
        Text(LEFT_MARGIN, TOP_MARGIN + PLOT_HEIGHT + BOTTOM_MARGIN - 6, axis_label),
    ]
    if end_label:
        texts.insert(2, Text(width - 24, bottom + 14, end_label, "middle"))
    return Chart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=TOP_MARGIN + PLOT_HEIGHT + BOTTOM_MARGIN,
        groups=tuple(groups),
        rules=(Rule(LEFT_MARGIN, bottom, width, bottom), Rule(LEFT_MARGIN, TOP_MARGIN, LEFT_MARGIN, bottom)),
        texts=tuple(texts),
    )


LINE_STEP = 72  # between two x labels
LINE_PLOT_HEIGHT = 160


def line_chart(
    *,
    chart_id: str,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    value_text: Callable[[int | float], str] = "{:,}".format,
    description: str = "",
    left: int = LEFT_MARGIN,
) -> Chart:
    """One line per series over the x labels, from zero to the largest value, with a dot per value."""
    largest = max((v for s in series for v in s.values if v is not None), default=0) or 1
    top = LEGEND_HEIGHT + TOP_MARGIN
    bottom = top + LINE_PLOT_HEIGHT
    width = left + max(1, len(x_labels)) * LINE_STEP
    lines = []
    for number, line in enumerate(series):
        dots = tuple(
            Dot(
                left + LINE_STEP // 2 + index * LINE_STEP,
                bottom - round(LINE_PLOT_HEIGHT * value / largest),
                f"{line.name}, {label}: {value_text(value)}",
            )
            for index, (label, value) in enumerate(zip(x_labels, line.values, strict=True))
            if value is not None
        )
        lines.append(Polyline(_series_css(number), dots))
    texts = [
        Text(left - 6, top + 4, value_text(largest), "end"),
        Text(left - 6, bottom, "0", "end"),
        *(
            Text(left + LINE_STEP // 2 + index * LINE_STEP, bottom + 16, label, "middle")
            for index, label in enumerate(x_labels)
        ),
    ]
    return Chart(
        chart_id=chart_id,
        title=title,
        description=description,
        width=width,
        height=bottom + 28,
        rules=(Rule(left, bottom, width, bottom), Rule(left, top, left, bottom)),
        texts=tuple(texts),
        lines=tuple(lines),
        legend=_legend([s.name for s in series], left=left),
    )
