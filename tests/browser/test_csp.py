"""Pages that load scripts work under the strict Content-Security-Policy (the page fixture fails on any
refusal)."""

import pytest

from .ui import expect, log_in

pytestmark = pytest.mark.browser


def test_the_api_docs_render_under_the_policy(page, site):
    page.goto(site + "/api/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()


def test_htmx_pages_and_the_favicon_under_the_policy(page, site):
    log_in(page, site, "ministry_official")
    assert page.evaluate("typeof htmx") == "object"  # htmx loaded from the site itself
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(site + icon).status == 200
    assert page.request.get(site + "/favicon.ico").status == 200
