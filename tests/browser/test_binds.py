"""One BINDS support application across three units, as people click through it (in Japanese): a researcher
requests protein production, docking and HTS; headquarters routes them; the structure and in-silico units
accept and the chemical unit declines; the two tasks are carried out with a hand-off; the researcher reports a
paper (DOI) and a PDB entry; the dashboard counts it. The key pages are then read in English."""

import re

import pytest
from django.utils import translation

from .ui import DESKTOP, expect, field, log_in, main_nav, tr

pytestmark = pytest.mark.browser

TITLE = "膜輸送体の構造に基づく阻害剤探索（ブラウザテスト）"
DOI = "10.1038/s41586-020-2012-7"
PDB = "8ABC"


@pytest.fixture
def binds_site(site) -> dict:
    from kiban.binds.models import MenuItem, SupportUnit
    from kiban.core.registry import load_demo

    load_demo("binds")
    with translation.override("ja"):
        menu = {
            code: MenuItem.objects.select_related("unit").get(code=code)
            for code in ("membrane-protein", "docking", "hts")
        }
        return {
            "url": site,
            "options": {code: f"{item.unit} — {item}" for code, item in menu.items()},
            "names": {code: str(item) for code, item in menu.items()},
            "structure": str(SupportUnit.objects.get(code="structure")),
        }


def _log_out(page) -> None:
    page.get_by_role("button", name=tr("Log out"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def _success(page, message: str) -> None:
    expect(page.locator(".messages li.success")).to_have_text(message)


def _open(page, site, username: str) -> None:
    log_in(page, site["url"], username)
    main_nav(page).get_by_role("link", name=tr("Support applications"), exact=True).click()
    page.locator("#applications").get_by_role("link", name=TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def _row(page, site, code: str):
    return page.locator("#items tbody tr").filter(has_text=site["names"][code])


def _figures(page) -> dict[str, int]:
    main_nav(page).get_by_role("link", name=tr("BINDS dashboard"), exact=True).click()
    expect(page.locator("#per-unit")).to_be_visible()  # count() does not wait for the page
    rows = page.locator("#per-unit tbody tr")
    declined = outcomes = 0
    for index in range(rows.count()):
        cells = rows.nth(index).locator("td")
        if cells.count() == 7:
            declined += int(cells.nth(5).inner_text())
            outcomes += int(cells.nth(6).inner_text())
    number = lambda selector: int(page.locator(selector).inner_text().split()[0])  # noqa: E731
    return {
        "applications": number("#applications-count"),
        "cross_unit": number("#cross-unit"),
        "declined": declined,
        "outcomes": outcomes,
    }


def _screen(page, site, username: str, code: str, decision: str) -> None:
    _open(page, site, username)
    form = _row(page, site, code).locator("form.screen")
    form.get_by_label(field(tr("Decision"))).select_option(label=tr(decision))
    form.get_by_label(field(tr("Reason"))).fill("ブラウザテストの判断")
    form.get_by_role("button", name=tr("Record the decision"), exact=True).click()
    _success(page, tr("The decision on the item is recorded."))
    expect(_row(page, site, code).locator(".item-state")).to_have_text(
        tr("Accepted" if decision == "Accept" else "Declined")
    )
    _log_out(page)


def _carry_out(page, site, username: str, code: str) -> None:
    _open(page, site, username)
    row = _row(page, site, code)
    expect(row.locator(".task-state")).to_have_text(tr("Input ready"))
    row.get_by_role("button", name=tr("Start the support"), exact=True).click()
    _success(page, tr("The support has started."))
    row = _row(page, site, code)
    row.get_by_placeholder(tr("What is handed on")).fill("精製タンパク質 2 mg")
    row.get_by_role("button", name=tr("Finish and hand on"), exact=True).click()
    _success(page, tr("The task is finished and handed on."))
    expect(_row(page, site, code).locator(".task-state")).to_have_text(tr("Done"))
    _log_out(page)


def test_one_application_across_three_units_to_its_outcomes(page, binds_site, browser):
    site = binds_site

    # 0. Headquarters notes the dashboard's figures before.
    log_in(page, site["url"], "binds_ps")
    before = _figures(page)
    _log_out(page)

    # 1. The researcher applies from the public catalogue, for three items across three units.
    log_in(page, site["url"], "researcher")
    main_nav(page).get_by_role("link", name=tr("BINDS support"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("BINDS support catalogue"))
    page.get_by_role("link", name=tr("Apply for support"), exact=True).first.click()
    form = page.locator("main form.stacked")
    form.get_by_label(field(tr("title"))).fill(TITLE)
    form.get_by_label(field(tr("research summary"))).fill(
        "膜輸送体の構造を決定し阻害剤を探索する（ブラウザテスト）。"
    )
    form.get_by_label(field(tr("target (e.g. protein name)"))).fill("SLC輸送体")
    form.get_by_label(field(tr("UniProt accession"))).fill("P69905")
    form.get_by_label(field(tr("funding of the work"))).select_option(label=tr("KAKEN (JSPS Grants-in-Aid)"))
    form.get_by_label(field(tr("young researcher"))).check()
    form.get_by_role("button", name=tr("Save"), exact=True).click()
    _success(page, tr("The draft is saved; now add the support items you request."))
    application_url = page.url
    for code, handoff in (("membrane-protein", "精製タンパク質"), ("docking", "結合様式"), ("hts", "")):
        adding = page.locator("#item-add")
        adding.get_by_label(field(tr("Support"))).select_option(label=site["options"][code])
        adding.get_by_label(field(tr("Hand-off to the next step"))).fill(handoff)
        adding.get_by_role("button", name=tr("Add the item"), exact=True).click()
        _success(page, tr("The support item is added."))
    expect(page.locator("#items tbody tr")).to_have_count(3)
    expect(page.locator("#problems")).to_have_count(0)
    page.locator("#submit").get_by_role("button").click()
    _success(page, tr("The application is submitted; headquarters routes its items to the units."))
    expect(page.locator("#application-state")).to_have_text(tr("Submitted"))
    _log_out(page)

    # 2. Headquarters (PS) routes each item to its unit.
    _open(page, site, "binds_ps")
    for _ in range(3):
        page.locator("form.route").first.get_by_role("button", name=tr("Route"), exact=True).click()
        _success(page, tr("The item is routed."))
    expect(page.locator("#items .item-state")).to_have_text([tr("Routed to a unit")] * 3)
    _log_out(page)

    # 3. Two units accept, one declines; the application is accepted on its two items.
    _screen(page, site, "binds_structure", "membrane-protein", "Accept")
    _screen(page, site, "binds_insilico", "docking", "Accept")
    _screen(page, site, "binds_chemical", "hts", "Decline")

    # 4. The structure unit carries out its task and hands on; the in-silico unit's input is then ready.
    _carry_out(page, site, "binds_structure", "membrane-protein")
    _carry_out(page, site, "binds_insilico", "docking")

    # 5. The researcher reports a paper and a PDB entry, acknowledging BINDS.
    _open(page, site, "researcher")
    expect(page.locator("#application-state")).to_have_text(tr("Completed"))
    for kind, identifier in (("Paper (DOI)", DOI), ("PDB entry", PDB)):
        outcome = page.locator("#outcome-form")
        outcome.get_by_label(field(tr("Unit whose support it used"))).select_option(label=site["structure"])
        outcome.get_by_label(field(tr("Kind"))).select_option(label=tr(kind))
        outcome.get_by_label(field(tr("Identifier"))).fill(identifier)
        outcome.get_by_label(field(tr("Acknowledges BINDS support"))).check()
        outcome.get_by_role("button", name=tr("Record the outcome"), exact=True).click()
        _success(page, tr("The outcome is recorded."))
    expect(page.locator("#outcomes")).to_contain_text(DOI)
    expect(page.locator("#outcomes")).to_contain_text(PDB)
    _log_out(page)

    # 6. The dashboard counts it: one more application, cross-unit, one item declined, two outcomes.
    log_in(page, site["url"], "binds_ps")
    after = _figures(page)
    assert after == {
        "applications": before["applications"] + 1,
        "cross_unit": before["cross_unit"] + 1,
        "declined": before["declined"] + 1,
        "outcomes": before["outcomes"] + 2,
    }

    # 7. The same pages in English.
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    english = context.new_page()
    try:
        english.goto(site["url"] + "/binds/")
        expect(english.get_by_role("heading", level=1)).to_have_text(tr("BINDS support catalogue", "en"))
        expect(english.locator("#menu-insilico")).to_contain_text("Compound docking simulation")
        log_in(english, site["url"], "binds_ps", language="en")
        english.goto(application_url)
        expect(english.locator("#application-state")).to_have_text("Completed")
        expect(english.locator("#items .item-state")).to_have_text(["Accepted", "Accepted", "Declined"])
        expect(english.locator("#outcomes")).to_contain_text("Paper (DOI)")
        main_nav(english, "en").get_by_role("link", name="BINDS dashboard", exact=True).click()
        expect(english.locator("#applications-count")).to_have_text(str(after["applications"]))
        expect(english.get_by_role("heading", level=1)).to_have_text("BINDS dashboard")
    finally:
        context.close()
