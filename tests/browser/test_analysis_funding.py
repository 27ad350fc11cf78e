"""Merit-based allocation of analysis money, as the programme officer clicks through it, in Japanese and in
English: a closed call with three reviewed proposals; the officer computes the allocation (ranked, with the
rationale and the chart of budget use), approves and publishes it; the sequencing progress then shows the
genomes it funds, "funded by analysis calls"."""

import pytest
from django.utils import translation

from .ui import expect, log_in_reading, main_nav, tr

pytestmark = pytest.mark.browser


@pytest.fixture
def reviewed_call(site):
    from kiban.analysis_funding.tests import world as w

    world = w.build()
    world.officer.set_password("kiban-demo")
    world.officer.save()
    w.reviewed_call(world)
    return {"url": site, "world": world}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_officer_allocates_the_budget_and_the_sequencing_progress_shows_it(page, reviewed_call, language):
    world = reviewed_call["world"]
    log_in_reading(page, reviewed_call["url"], "officer", language)
    with translation.override(language):
        call_title = str(world.analysis_call.call)
        main_nav(page, language).get_by_role("link", name=tr("Analysis funding calls", language)).click()
        page.locator("#calls").get_by_role("link", name=call_title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(call_title)
        expect(page.locator("#assays tbody tr")).to_have_count(2)
        page.locator("#allocation-link").click()
        expect(page.locator("#allocation-state")).to_have_text(tr("Not computed", language))

        # The officer computes: ranked by merit, the second does not fit, the third (an array) does
        page.get_by_role("button", name=tr("Compute the allocation", language)).click()
        expect(page.locator("#allocation-state")).to_have_text(tr("Draft", language))
        rows = page.locator("#allocation tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(0).locator("td").nth(4)).to_have_text(
            "¥3,000,000" if language == "en" else "3,000,000円"
        )
        expect(rows.nth(1).locator("td").nth(4)).to_have_text("¥0" if language == "en" else "0円")
        expect(rows.nth(1)).to_contain_text(tr("Does not fit in what is left", language))
        expect(page.locator("#budget-use")).to_be_visible()

        # Approves, then publishes: the proposals are decided
        page.get_by_role("button", name=tr("Approve", language), exact=True).click()
        expect(page.locator("#allocation-state")).to_have_text(tr("Approved", language))
        expect(page.locator("#compute")).to_have_count(0)  # no computing again after the approval
        page.get_by_role("button", name=tr("Publish and decide the proposals", language)).click()
        expect(page.locator("#allocation-state")).to_have_text(tr("Published", language))

        # The sequencing progress shows the 30 WGS genomes for the companies, funded by analysis calls
        main_nav(page, language).get_by_role("link", name=tr("Sequencing progress", language)).click()
        plans = page.locator("#funded-plans tbody tr")
        expect(plans).to_have_count(1)
        expect(plans.first).to_contain_text(call_title)
        expect(plans.first.locator("td").nth(3)).to_have_text("30")
        expect(page.locator("#funded-plans-title")).to_have_text(
            tr("Planned genomes funded by analysis calls", language)
        )

        # And the call's page lists the funded proposals for everyone
        page.get_by_role("link", name=call_title).click()
        expect(page.locator("#funded tbody tr")).to_have_count(2)


def test_the_allocation_page_fits_a_phone(phone_page, reviewed_call, screenshot_dir):
    from kiban.analysis_funding import services

    world = reviewed_call["world"]
    services.allocation_compute(analysis_call=world.analysis_call, actor=world.officer)
    log_in_reading(phone_page, reviewed_call["url"], "officer", "ja")
    phone_page.goto(
        f"{reviewed_call['url']}/biobank/analysis-calls/{world.analysis_call.call_id}/allocation/"
    )
    expect(phone_page.locator("#allocation tbody tr")).to_have_count(3)
    expect(phone_page.locator("#budget-use")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone_page.screenshot(path=str(screenshot_dir / "analysis-funding-allocation-phone.png"), full_page=True)
