"""The bioresource catalogue as people click through it, in Japanese and in English: an anonymous visitor
finds a mouse by species and genotype; a researcher orders a cell line and a virus, is refused the virus
until a BSL2 facility of their institution is registered, accepts both MTAs; the centre accepts the cell
line's order, is refused a lot that failed QC, packs from the passing lot and ships, and the invoice line
shows."""

import re

import pytest

from .ui import expect, log_in_reading, tr

pytestmark = pytest.mark.browser


@pytest.fixture
def nbrp_site(site) -> str:
    from kiban.bioresources.demo import load_bioresources

    load_bioresources()
    return site


def _order_of(username: str, number: str):
    from kiban.bioresources.models import ResourceOrder

    return ResourceOrder.objects.filter(created_by__username=username, lines__resource__number=number).latest(
        "pk"
    )


def _message(page):
    return page.locator(".messages")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_find_order_refuse_register_accept_and_ship(page, nbrp_site, language):
    from kiban.bioresources.demo import KEY_ANIMAL, KEY_CELL, KEY_VIRUS
    from kiban.bioresources.models import Lot, Resource, Species

    base = nbrp_site
    # An anonymous visitor finds the Pax6 mouse by species and genotype.
    page.goto(base + "/bioresources/")
    if language == "en":
        page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.locator("#id_species").select_option(str(Species.objects.get(taxonomy_id=10090).pk))
    page.locator("#id_q").fill("Pax6<Sey")
    page.locator("#catalogue-search").get_by_role("button", name=tr("Search", language)).click()
    table = page.locator("#catalogue-table")
    expect(table).to_contain_text(KEY_ANIMAL)
    expect(table.locator("tbody tr")).to_have_count(1)
    table.get_by_role("link", name=KEY_ANIMAL).click()
    expect(page.locator("#resource-facts")).to_contain_text("Pax6<Sey-Kbn>/+")
    expect(page.locator("#resource-facts")).to_contain_text("10090")

    # The researcher (京都大学, no biosafety facility registered) orders a cell line and a virus.
    log_in_reading(page, base, "researcher", language)
    for number in (KEY_CELL, KEY_VIRUS):
        page.goto(base + Resource.objects.get(number=number).get_absolute_url())
        expect(page.locator("#price-example")).to_be_visible()
        page.get_by_role("button", name=tr("Add to cart", language)).click()
        expect(_message(page)).to_contain_text(number)
    page.locator("#id_purpose").fill("ブラウザテストの研究目的")
    page.get_by_role("button", name=tr("Make the orders", language)).click()
    # The database is read only once the page has answered: the live server shares its connection with
    # the test, and a query of the test while a request is served would run inside the request's transaction.
    expect(page).to_have_url(base + "/bioresources/orders/")
    cell_order, virus_order = _order_of("researcher", KEY_CELL), _order_of("researcher", KEY_VIRUS)
    assert cell_order.pk != virus_order.pk  # two centres, two orders

    for order, number in ((cell_order, KEY_CELL), (virus_order, KEY_VIRUS)):
        page.goto(base + order.get_absolute_url())
        page.locator("#id_agree").check()
        page.get_by_role("button", name=re.compile(re.escape(number))).click()
        expect(page.locator(".mta-accepted")).to_be_visible()
        page.get_by_role("button", name=tr("Submit the order", language)).click()
    # The virus is refused, naming what is missing.
    expect(_message(page)).to_contain_text("BSL2")
    expect(page.locator("#order-state")).to_have_text(tr("Draft", language))
    page.get_by_role("link", name=tr("Register a biosafety facility of your institution", language)).click()
    page.locator("#id_name").fill("医学研究科 P2実験室（ブラウザテスト）")
    page.locator("#id_bsl").select_option("2")
    page.locator("#id_approval_number").fill("京大 P2-2026-042")
    page.get_by_role("button", name=tr("Register", language)).click()
    page.locator("#id_facility").select_option(index=1)
    page.get_by_role("button", name=tr("Save the facility", language)).click()
    page.get_by_role("button", name=tr("Submit the order", language)).click()
    expect(page.locator("#order-state")).to_have_text(tr("Submitted to the centre", language))

    # The centre accepts the cell line's order and packs it: the lot that failed QC is refused.
    page.get_by_role("button", name=tr("Log out", language)).click()
    log_in_reading(page, base, "centre_staff", language)
    page.goto(base + cell_order.get_absolute_url())
    line = cell_order.lines.get()
    failing = Lot.objects.get(resource=line.resource, lot_number="L2024-0001")
    passing = Lot.objects.get(resource=line.resource, lot_number="L2025-0001")
    page.get_by_role("button", name=tr("Accept the order", language)).click()
    expect(page.locator("#order-state")).to_have_text(tr("Accepted by the centre", language, context="order"))
    page.locator(f"#id_lot_{line.pk}").select_option(str(failing.pk))
    page.locator("#id_cold_chain").select_option("liquid_nitrogen")
    page.get_by_role("button", name=tr("Pack", language), exact=True).click()
    expect(_message(page)).to_contain_text("L2024-0001")
    page.locator(f"#id_lot_{line.pk}").select_option(str(passing.pk))
    page.locator("#id_cold_chain").select_option("liquid_nitrogen")
    page.get_by_role("button", name=tr("Pack", language), exact=True).click()
    page.locator("#id_carrier").fill("ヤマト運輸")
    page.locator("#id_tracking_number").fill("4321-0000-1111")
    page.get_by_role("button", name=tr("Ship", language), exact=True).click()
    expect(page.locator("#invoice-lines")).to_contain_text(f"{KEY_CELL}")
    expect(page.locator("#invoice-lines")).to_contain_text("L2025-0001")
    expect(page.locator("#shipment-state")).to_have_text(tr("Shipped", language))

    # The same pages in the other language.
    other = "ja" if language == "en" else "en"
    page.get_by_role("button", name="English" if other == "en" else "日本語", exact=True).click()
    expect(page.locator("#shipment-state")).to_have_text(tr("Shipped", other))
    expect(page.locator("#invoice")).to_contain_text(tr("Invoice", other))
    page.get_by_role("link", name=tr("Packing list", other)).click()
    expect(page.locator("#packing-lines")).to_contain_text("L2025-0001")
    expect(page.locator("#packing-facts")).to_contain_text("4321-0000-1111")
    page.goto(base + "/bioresources/?resource_type=virus")
    expect(page.locator("#catalogue-table")).to_contain_text(KEY_VIRUS)
    expect(page.locator("#demo-note")).to_contain_text("demo" if other == "en" else "デモ")
