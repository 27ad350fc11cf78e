"""A ministry official corrects a budget amount with a reason; the auditor finds it in the audit trail."""

import re

import pytest

from .ui import expect, field, log_in, main_nav, tr

pytestmark = pytest.mark.browser

RIKEN_PROGRAMME = "理化学研究所における感染症研究等に貢献する研究開発"
REASON = "令和3年度予算額の転記誤りを訂正（ブラウザテスト）"


def test_correction_with_reason_reaches_the_audit_trail(page, site):
    log_in(page, site, "ministry_official")
    main_nav(page).get_by_role("link", name=tr("Programmes and budgets"), exact=True).click()
    page.locator("#programme-table").get_by_role("link", name=RIKEN_PROGRAMME).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(RIKEN_PROGRAMME)

    budget_row = page.locator("#budgets tbody tr").filter(has_text="15,417百万円")
    expect(budget_row).to_have_count(1)
    budget_row.get_by_role("link", name=tr("Correct"), exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Correct a budget amount"))
    amount = page.get_by_label(field(tr("Amount (million yen, 百万円)")))
    expect(amount).to_have_value(re.compile(r"^15417(\.0*)?$"))
    amount.fill("15500")
    page.get_by_label(field(tr("Reason"))).fill(REASON)
    page.get_by_role("button", name=tr("Save"), exact=True).click()

    expect(page.locator(".messages li.success")).to_have_text(
        tr("The amount is changed and the change is recorded.")
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(RIKEN_PROGRAMME)
    budgets = page.locator("#budgets")
    expect(budgets.get_by_text("15,500百万円", exact=True)).to_be_visible()
    expect(budgets.get_by_text("15,417百万円", exact=True)).to_have_count(0)

    # The budget page shows the corrected amount too.
    page.get_by_role("main").get_by_role("link", name=tr("Programmes and budgets"), exact=True).click()
    riken_row = page.locator("#programme-table tbody tr").filter(has_text=RIKEN_PROGRAMME)
    expect(riken_row).to_contain_text("15,500百万円")

    page.get_by_role("button", name=tr("Log out"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    log_in(page, site, "auditor")
    main_nav(page).get_by_role("link", name=tr("Audit trail"), exact=True).click()
    change = page.locator("#audit tbody tr").filter(has_text=REASON)
    expect(change).to_have_count(1)
    expect(change).to_be_visible()
    expect(change).to_contain_text("渡辺 大輔")

    change.get_by_role("link").first.click()
    expect(page.locator("dl.facts")).to_contain_text(REASON)
    expect(page.locator("dl.facts")).to_contain_text("渡辺 大輔")
    changed = page.locator("main table")
    expect(changed).to_contain_text(re.compile(r"15,?417,?000,?000"))
    expect(changed).to_contain_text(re.compile(r"15,?500,?000,?000"))
