"""The one chart module and template: geometry of bars, stacked bars, histograms and lines, and the SVG."""

import re

from django.template.loader import render_to_string

from kiban.core.charts import (
    Bar,
    Bin,
    Series,
    StackedBar,
    bar_chart,
    histogram,
    line_chart,
    scaled,
    stacked_bar_chart,
)


def _rects(chart) -> list:
    return [rect for group in chart.groups for rect in group.rects]


def test_scaled_keeps_any_value_above_zero_visible_and_zero_empty():
    assert [scaled(v, 1000, 420) for v in (1000, 500, 1, 0)] == [420, 210, 1, 0]
    assert scaled(5, 0, 420) == 0


def test_bar_chart_puts_the_largest_at_full_length_and_cuts_long_labels():
    # given three bars, one with a label longer than the label column holds
    chart = bar_chart(
        chart_id="c",
        title="Seeds",
        bars=[Bar("a" * 30, 40, "40", "/a"), Bar("b", 10, "10"), Bar("c", 0, "0")],
    )

    # then widths share one scale, each row is 28 high, labels are cut with an ellipsis, links kept
    assert [r.width for r in _rects(chart)] == [420, 105, 0]
    assert [r.y for r in _rects(chart)] == [5, 33, 61]
    assert (chart.width, chart.height) == (700, 84)
    first = chart.groups[0]
    assert first.url == "/a" and chart.groups[1].url == ""
    assert first.texts[0].text == "a" * 23 + "…" and first.texts[0].anchor == "end"
    assert first.rects[0].tooltip == "a" * 30 + ": 40"
    assert first.texts[1].x == 200 + 420 + 6


def test_stacked_segments_add_up_to_the_bar_and_skip_empty_series():
    # given a bar of 1 + 1 + 1 and one of 3 + 0 + 0 (the largest total is 3)
    chart = stacked_bar_chart(
        chart_id="s",
        title="By modality",
        series=["drug", "device", "other"],
        bars=[StackedBar("Seed A", [1, 1, 1], "3"), StackedBar("preB", [3, 0, 0], "3")],
    )

    # then the first bar's three segments meet edge to edge and end where the second bar ends
    first, second = chart.groups
    assert [(r.x, r.width) for r in first.rects] == [(200, 140), (340, 140), (480, 140)]
    assert [(r.x, r.width, r.css) for r in second.rects] == [(200, 420, "bar series-0")]
    assert [r.css for r in first.rects] == ["bar series-0", "bar series-1", "bar series-2"]
    assert first.rects[1].tooltip == "Seed A, device: 1"
    assert [g.texts[0].text for g in chart.legend] == ["drug", "device", "other"]


def test_histogram_columns_stand_on_the_axis_the_fullest_at_full_height():
    chart = histogram(
        chart_id="h",
        title="Spectrum",
        bins=[Bin(10, "0–1: 10", "0"), Bin(5, "1–2: 5"), Bin(0, "2–3: 0", "2")],
        axis_label="value",
        end_label="3",
    )
    rects = _rects(chart)
    assert [(r.x, r.y, r.height) for r in rects] == [(64, 16, 200), (112, 116, 100), (160, 216, 0)]
    assert [t.text for g in chart.groups for t in g.texts] == ["0", "2"]
    assert [t.text for t in chart.texts] == ["10", "0", "3", "value"]
    assert chart.width == 64 + 3 * 48 + 24


def test_line_chart_has_a_dot_per_value_and_a_gap_for_a_missing_one():
    chart = line_chart(
        chart_id="l",
        title="Budget",
        x_labels=["FY2019", "FY2020", "FY2021"],
        series=[Series("initial", [50, None, 100])],
    )
    (line,) = chart.lines
    assert [(d.x, d.y) for d in line.dots] == [(100, 116), (244, 36)]
    assert line.points == "100,116 244,36"
    assert line.dots[1].tooltip == "initial, FY2021: 100"


def test_the_template_draws_an_accessible_svg_without_script():
    # given a chart with a title, a description and a linked bar
    chart = bar_chart(
        chart_id="budget", title="Budget <2021>", description="One bar each.", bars=[Bar("x", 1, "1", "/x")]
    )

    # when it is rendered
    svg = render_to_string("core/chart.html", {"chart": chart})

    # then the SVG is named by its title and description, escapes text, links the bar, and has no script
    assert 'role="img" aria-labelledby="budget-title budget-desc"' in svg
    assert '<title id="budget-title">Budget &lt;2021&gt;</title>' in svg
    assert '<desc id="budget-desc">One bar each.</desc>' in svg
    assert re.search(r'<a href="/x"><g>.*<rect class="bar" x="200" y="5" width="420" height="18">', svg, re.S)
    assert "<script" not in svg and "onclick" not in svg.lower()
