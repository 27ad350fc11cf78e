"""A researcher finds a variant (its small counts masked) and a region in the reference panel from the
navigation, in both languages."""

import re

import pytest

from kiban.genome.datasets import genome_root
from kiban.genome.tests.small_panel import DATASET, ingest_small_panel

from .ui import expect, log_in, main_nav, tr

pytestmark = pytest.mark.browser


@pytest.fixture
def panel(site, tmp_path):
    ingest_small_panel(tmp_path / "input", genome_root())
    return site


def test_researcher_searches_a_variant_then_a_region(page, panel):
    log_in(page, panel, "researcher")
    main_nav(page).get_by_role("link", name=tr("Genome reference panel")).click()
    expect(page.get_by_role("cell", name=DATASET, exact=True)).to_be_visible()

    search = page.get_by_role("searchbox", name=tr("Search %(dataset_id)s") % {"dataset_id": DATASET})
    search.fill("rs123")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/variant/1-12345-A-G/$"))
    counts = page.locator("main").inner_text()
    assert "1-12345-A-G" in counts
    # A researcher is not entitled to records: the five carriers' counts are shown as "<10" (issue 10).
    assert "<10" in counts and not re.search(r"AC\D+5\b", counts)

    page.goto(f"{panel}/genome/")
    search = page.get_by_role("searchbox", name=tr("Search %(dataset_id)s") % {"dataset_id": DATASET})
    search.fill("2:1000000-1100000")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/region/\?"))
    assert "120" in page.locator("main").inner_text()  # the total, not a silently capped page
    page.get_by_role("link", name=tr("Next")).first.click()
    expect(page).to_have_url(re.compile(r"page=2"))

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Next").first).to_be_visible()
