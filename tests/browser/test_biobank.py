"""The biobank cross-search as a researcher clicks through it, in Japanese and in English: "J45 (asthma) and
descendants, XX, age 40–60, serum available, carries variant V" counted per biobank under the protection
rules (the biobank that has no genome linked shows "<10", never 0), then the aggregate association of cases
against controls along a region, with its plot."""

import pytest
from django.utils import translation

from kiban.biobank.tests.small_world import PANEL, VARIANT, build_world, ingest_panel

from .ui import expect, log_in_reading, main_nav, tr

pytestmark = pytest.mark.browser


@pytest.fixture
def cross_search(site, settings, tmp_path):
    """The small world (46 TMM and 30 BBJ participants, the panel linked to TMM's), with the noise off so that
    the counts shown are the known ones; the cell-size rule still applies."""
    from kiban.biobank.linking import link_dataset
    from kiban.core.models import User
    from kiban.genome.datasets import genome_root

    settings.KIBAN_DISCLOSURE_NOISE_SCALE = 0
    ingest_panel(tmp_path / "input", genome_root())
    world = build_world(User.objects.get(username="biobank_curator"))
    link_dataset(dataset_id=PANEL, biobank=world["tmm"])
    return site


def _row(page, table: str, text: str):
    return page.locator(f"#{table} tbody tr").filter(has_text=text)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_researcher_counts_asthma_carriers_per_biobank_then_runs_an_association(page, cross_search, language):
    log_in_reading(page, cross_search, "researcher", language)
    with translation.override(language):
        main_nav(page, language).get_by_role("link", name=tr("Biobank cross-search", language)).click()
        form = page.locator("#search-form")
        form.locator("#id_disease").fill("J45")
        form.locator("#id_sex").select_option("female")
        form.locator("#id_age_min").fill("40")
        form.locator("#id_age_max").fill("60")
        form.locator("#id_material").select_option("serum")
        form.locator("#id_genome").select_option(PANEL)
        form.locator("#id_variant").fill(VARIANT)
        form.get_by_role("button", name=tr("Search", language), exact=True).click()

        # Twelve TMM women of 41–52 with asthma and serum carry the variant; BBJ has no genome linked, and its
        # zero is shown as "<10" like any small count.
        expect(page.locator("#criteria")).to_contain_text(VARIANT)
        expect(page.locator("#total")).to_have_text("12")
        expect(_row(page, "counts", "TMM").first.locator("td.num")).to_have_text("12")
        expect(_row(page, "counts", "BBJ").first.locator("td.num")).to_have_text("<10")
        expect(_row(page, "counts", "TMM").first).to_contain_text(tr("protected", language))
        serum = _row(page, "materials", tr("Serum", language))
        expect(serum.locator("td.num")).to_have_text("12")
        expect(page.locator("#results svg").first).to_be_visible()

        # The association: asthma cases against the linked participants without it, along the region.
        page.get_by_role("link", name=tr("Aggregate association", language)).click()
        analysis = page.locator("#association-form")
        analysis.locator("#id_dataset").select_option(PANEL)
        analysis.locator("#id_region").fill("1:1-5000")
        analysis.locator("#id_case_disease").fill("J45")
        analysis.get_by_role("button", name=tr("Analyse", language), exact=True).click()
        expect(page.locator("#cases")).to_have_text("31")
        expect(page.locator("#controls")).to_have_text("15")
        carried = _row(page, "variants", VARIANT).locator("td")
        expect(carried.nth(1)).to_have_text("12")  # cases' alternate alleles
        expect(carried.nth(3)).to_have_text("10")  # controls'
        # Nobody carries the other variant: zero is shown, as only counts of 1 to 9 are masked here.
        expect(_row(page, "variants", "1-2000-C-T").locator("td").nth(1)).to_have_text("0")
        expect(page.locator("#association svg").first).to_be_visible()
