"""The budget page: stated totals, the SVG chart, the fiscal-year select (htmx), and a phone-width layout."""

import re

import pytest
from django.utils import translation

from kiban.core.fiscal import FiscalYear
from kiban.programmes.choices import BudgetKind
from kiban.programmes.models import ProgrammeBudget

from .ui import expect, log_in, main_nav, tr

pytestmark = pytest.mark.browser

RIKEN_PROGRAMME = "理化学研究所における感染症研究等に貢献する研究開発"


def funded_programmes(year: int) -> int:
    return (
        ProgrammeBudget.objects.filter(fiscal_year=year, kind=BudgetKind.INITIAL)
        .exclude(amount_yen=0)
        .count()
    )


def fiscal_year_label(year: int) -> str:
    with translation.override("ja"):
        return FiscalYear(year).label


def open_budget_page(page, site: str, username: str = "ministry_official") -> None:
    log_in(page, site, username)
    main_nav(page).get_by_role("link", name=tr("Programmes and budgets"), exact=True).click()
    expect(page).to_have_url(site + "/programmes/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")


def test_budget_page_shows_the_stated_total_and_draws_the_chart(page, site, screenshot_dir):
    open_budget_page(page, site)

    expect(page.get_by_role("heading", level=1)).to_contain_text(fiscal_year_label(2021))
    expect(page.locator("#totals-cards").get_by_text("876億円", exact=True)).to_be_visible()

    chart = page.locator("svg#budget-chart")
    expect(chart).to_be_visible()
    bars = chart.locator("rect.bar")
    expect(bars).to_have_count(funded_programmes(2021))
    chart_box = chart.bounding_box()
    widths = {}
    for bar in bars.all():
        box = bar.bounding_box()
        title = bar.locator("title").text_content()
        assert box is not None, f"bar {title!r} is not rendered"
        assert box["width"] > 0 and box["height"] > 0, f"bar {title!r} is drawn empty: {box}"
        assert box["x"] + box["width"] <= chart_box["x"] + chart_box["width"] + 1, f"{title!r} is cut off"
        widths[title] = box["width"]
    # Every label and figure is drawn inside the chart, none cut off at its edges.
    for text in chart.locator("text").all():
        box = text.bounding_box()
        assert box["x"] >= chart_box["x"] - 1, f"{text.text_content()!r} is cut off on the left"
        assert box["x"] + box["width"] <= chart_box["x"] + chart_box["width"] + 1, (
            f"{text.text_content()!r} is cut off on the right"
        )
    largest = max(widths, key=widths.get)
    assert largest.startswith(RIKEN_PROGRAMME), f"the largest bar is {largest!r}"
    assert sorted(widths.values(), reverse=True)[1] < widths[largest]

    page.screenshot(path=screenshot_dir / "budget-desktop.png", full_page=True)


def test_fiscal_year_select_reloads_the_page_for_2020(page, site):
    open_budget_page(page, site)
    expect(page.locator("#stated-total")).to_have_text("876億円")
    page.evaluate("window.kibanMarker = 'same document'")

    page.get_by_label(tr("Fiscal year"), exact=True).select_option("2020")

    expect(page.locator("#stated-total")).to_have_text("860億円")
    expect(page.locator("#totals-cards").get_by_text("860億円", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(fiscal_year_label(2020))
    expect(page).to_have_url(re.compile(r"/programmes/\?fy=2020$"))
    expect(page.locator("svg#budget-chart rect.bar")).to_have_count(funded_programmes(2020))
    expect(page.get_by_label(tr("Fiscal year"), exact=True)).to_have_value("2020")
    # htmx swapped the page in place rather than the browser loading a new document...
    assert page.evaluate("window.kibanMarker") == "same document"
    # ...and the address it pushed shows the same year when loaded afresh.
    page.reload()
    expect(page.locator("#stated-total")).to_have_text("860億円")


def test_budget_page_fits_a_phone(phone_page, site, screenshot_dir):
    page = phone_page
    open_budget_page(page, site)
    expect(page.locator("svg#budget-chart")).to_be_visible()

    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width + 1, f"the page is {scroll_width}px wide in a {inner_width}px window"

    wraps = page.locator(".table-wrap")
    assert wraps.count() >= 2
    scrolled = []
    for wrap in wraps.all():
        box = wrap.bounding_box()
        assert box["x"] >= -1 and box["x"] + box["width"] <= inner_width + 1, (
            f"a table wrapper sticks out: {box}"
        )
        state = wrap.evaluate(
            """wrap => {
                const table = wrap.querySelector('table');
                const wider = table.scrollWidth > wrap.clientWidth;
                wrap.scrollLeft = 40;
                return {id: table.id, wider, scrolls: wrap.scrollLeft > 0,
                        overflow: getComputedStyle(wrap).overflowX};
            }"""
        )
        if state["wider"]:
            assert state["overflow"] in {"auto", "scroll"} and state["scrolls"], state
            scrolled.append(state["id"])
    # The programme table (seven columns of 百万円 figures) cannot fit 390px: it scrolls in its wrapper.
    assert "programme-table" in scrolled, scrolled

    # The chart is drawn at a readable size and scrolls inside its own frame rather than shrinking.
    label_px = page.locator("svg#budget-chart text").first.evaluate(
        "t => t.ownerSVGElement.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize)"
    )
    assert label_px >= 10, f"the chart's labels are drawn {label_px:.1f}px high on a phone"
    frame = page.locator("figure.chart")
    frame_box = frame.bounding_box()
    assert frame_box["x"] + frame_box["width"] <= inner_width + 1, f"the chart frame sticks out: {frame_box}"

    page.evaluate("() => document.querySelectorAll('.table-wrap').forEach(w => { w.scrollLeft = 0; })")
    page.screenshot(path=screenshot_dir / "budget-phone.png", full_page=True)
