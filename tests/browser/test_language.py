"""The 日本語 / English buttons in the header switch the whole page's language."""

import re

import pytest

from .ui import expect, log_in, tr

pytestmark = pytest.mark.browser

# The main navigation of a ministry official (no audit trail), in the catalogs' source language.
NAV = [
    "Home",
    "Programmes and budgets",
    "Seeds",
    "Certification",
    "BINDS support",
    "Support applications",
    "BINDS dashboard",
    "Cryo-EM network",
    "Cryo-EM turnaround",
    "Genome reference panel",
    "Analysis funding calls",
    "Bioresources",
    "Sequencing progress",
    "Bioresource statistics",
    "Accounts and invoices",
    "Organisations",
    "My reviews",
    "API",
]
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")  # kana or kanji


def test_language_buttons_switch_the_visible_text_and_html_lang(page, site):
    log_in(page, site, "ministry_official")
    expect(page).to_have_url(site + "/")
    html = page.locator("html")
    nav_links = page.locator("nav.site-nav a")
    expect(html).to_have_attribute("lang", "ja")
    japanese_nav = nav_links.all_inner_texts()

    page.get_by_role("button", name="English", exact=True).click()

    expect(html).to_have_attribute("lang", "en")
    expect(nav_links).to_have_text(NAV)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, 渡辺 大輔")
    expect(page.get_by_role("button", name="English", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(page).to_have_url(site + "/")  # the switch comes back to the page it was pressed on

    page.get_by_role("button", name="日本語", exact=True).click()

    expect(html).to_have_attribute("lang", "ja")
    expect(nav_links).to_have_text([tr(label, "ja") for label in NAV])
    expect(page.get_by_role("button", name="日本語", exact=True)).to_have_attribute("aria-pressed", "true")
    assert nav_links.all_inner_texts() == japanese_nav
    untranslated = [text for text in japanese_nav if text != "API" and not JAPANESE.search(text)]
    assert not untranslated, f"the Japanese page shows these navigation links in English: {untranslated}"
