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


@pytest.mark.parametrize("language", ["ja", "en"])
def test_curator_uploads_clinical_updates_and_counts_change_only_after_them(page, cross_search, language):
    """BBJ-style clinical updates: TMM's curator uploads thirteen COVID-19 infections, one refused in the
    preview; fixed, the file is applied; the count of severe COVID-19 is 13 on today's records and 0 as
    recorded yesterday, while the asthma count as recorded yesterday is still the 31 the records held."""
    import datetime

    from django.utils import timezone

    from kiban.biobank.models import Diagnosis, Participant

    then = timezone.now() - datetime.timedelta(days=30)
    Participant.objects.update(recorded_at=then)
    Diagnosis.objects.update(recorded_at=then)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    lines = "".join(f"P{n:03d},covid19,,5,,2022-02-{n:02d},,hospital,,\n" for n in range(1, 13))
    lines += "P013,covid19,,12,,2022-02-13,,hospital,,\n"  # beyond the scale: rejected with the reason
    header = "participant,kind,item,value,unit,date,until,source,action,reason\n"

    log_in_reading(page, cross_search, "biobank_curator", language)
    with translation.override(language):
        main_nav(page, language).get_by_role("link", name=tr("Clinical updates", language)).click()
        upload = page.locator("#upload-form")
        upload.locator("#id_file").set_input_files(
            files=[{"name": "covid.csv", "mimeType": "text/csv", "buffer": (header + lines).encode()}]
        )
        upload.get_by_role("button", name=tr("Check and preview", language)).click()
        expect(page.locator("#count-new")).to_have_text("12")
        expect(page.locator("#count-rejected")).to_have_text("1")
        expect(page.locator("#lines tr.line-rejected")).to_contain_text("P013")
        expect(page.locator("#apply")).to_have_count(0)  # a file with a rejected line cannot be applied

        lines = lines.replace(",12,", ",4,")
        page.get_by_role("link", name=tr("Clinical updates", language)).first.click()
        page.locator("#id_file").set_input_files(
            files=[{"name": "covid-fixed.csv", "mimeType": "text/csv", "buffer": (header + lines).encode()}]
        )
        page.get_by_role("button", name=tr("Check and preview", language)).click()
        expect(page.locator("#count-new")).to_have_text("13")
        page.locator("#apply").click()
        expect(page.locator("#update-state")).to_contain_text(tr("Applied", language))

        def count(tree: str, recorded_on: str = "") -> None:
            main_nav(page, language).get_by_role("link", name=tr("Biobank cross-search", language)).click()
            form = page.locator("#search-form")
            form.locator("#id_collection").select_option("TMM")
            form.locator("#id_tree").fill(tree)
            if recorded_on:
                form.locator("#id_recorded_on").fill(recorded_on)
            form.get_by_role("button", name=tr("Search", language), exact=True).click()
            expect(page.locator("#as-of")).to_be_visible()
            return _row(page, "counts", "TMM").first.locator("td.num")

        expect(count('{"covid19": {"min_scale": 4}}')).to_have_text("13")
        expect(page.locator("#as-of")).to_have_text(tr("As recorded today.", language))
        expect(count('{"covid19": {"min_scale": 4}}', yesterday)).to_have_text("0")
        expect(page.locator("#as-of")).to_contain_text(yesterday)
        expect(count('{"disease": "J45"}', yesterday)).to_have_text("31")

        # The participant's timeline shows the version, its source and who entered it; opening it is recorded.
        page.goto(cross_search + "/biobank/participants/TMM/P001/")
        expect(page.locator("#timeline")).to_contain_text(tr("WHO scale %(scale)s", language) % {"scale": 5})
        expect(page.locator("#viewers li")).to_have_count(1)
