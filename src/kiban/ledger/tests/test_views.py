"""Ledger pages: who may see an account and an invoice, the printable Japanese invoice, CSV and Excel."""

import csv
import io
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from openpyxl import load_workbook

from kiban.core.choices import Role
from kiban.core.testing import (
    ALL_ROLES,
    ANONYMOUS,
    Access,
    assert_constant_queries,
    assert_permission_matrix,
    client_for,
)
from kiban.ledger import services

from .conftest import FY2026_DAY, invoice_with_lines

OVERSEERS = (Role.AGENCY_OFFICER, Role.MINISTRY_OFFICIAL, Role.AUDITOR)
LINES = [("クライオ電顕 利用料（時間）", 3, 1_234), ("試料調製", 1, 999)]


@pytest.fixture
def invoice(deposit, facility, operator):
    services.posting_create(account=deposit, amount_yen=100_000, description="前受金の入金", actor=operator)
    return invoice_with_lines(
        issuer=facility, account=deposit, actor=operator, lines=LINES, issue_on=FY2026_DAY
    )


def test_an_account_and_an_invoice_are_seen_by_their_organisations_the_agency_the_ministry_and_auditors(
    invoice, deposit, member
):
    invoice_readers = (Role.RESEARCHER, Role.FACILITY_OPERATOR, *OVERSEERS)
    assert_permission_matrix(
        [
            Access("GET", "/ledger/", allowed=[r for r in ALL_ROLES if r != ANONYMOUS]),
            Access("GET", f"/ledger/accounts/{deposit.pk}/", allowed=(Role.RESEARCHER, *OVERSEERS)),
            Access("GET", f"/ledger/invoices/{invoice.pk}/", allowed=invoice_readers),
            Access("GET", f"/ledger/invoices/{invoice.pk}/export.csv", allowed=invoice_readers),
            Access("GET", f"/ledger/invoices/{invoice.pk}/export.xlsx", allowed=invoice_readers),
        ]
    )


def test_a_refusal_says_what_was_refused(invoice, deposit):
    outsider = client_for(Role.HUB_STAFF)

    assert "You may not see this account." in outsider.get(f"/ledger/accounts/{deposit.pk}/").content.decode()
    assert "You may not see this invoice." in outsider.get(f"/ledger/invoices/{invoice.pk}/").content.decode()
    assert outsider.get("/ledger/invoices/999999/").status_code == 404


def test_the_list_shows_only_what_the_user_may_see(invoice, deposit):
    member_page = client_for(Role.RESEARCHER).get("/ledger/").content.decode()
    outsider_page = client_for(Role.HUB_STAFF).get("/ledger/").content.decode()
    auditor_page = client_for(Role.AUDITOR).get("/ledger/").content.decode()

    assert "前受金" in member_page and "2026-0001" in member_page
    assert "前受金" not in outsider_page and "2026-0001" not in outsider_page
    assert "You have no accounts to see." in outsider_page
    assert "前受金" in auditor_page and "2026-0001" in auditor_page


def test_the_statement_shows_each_posting_with_the_balance_it_left(invoice, deposit):
    page = client_for(Role.RESEARCHER).get(f"/ledger/accounts/{deposit.pk}/").content.decode()

    assert "¥100,000" in page  # the deposit, and the balance it left
    assert "-¥5,171" in page  # the invoice's charge
    assert "¥94,829" in page  # the balance now
    assert "Invoice 2026-0001" in page


def test_the_invoice_is_a_printable_page_in_japanese_whatever_the_readers_language(invoice):
    page = client_for(Role.RESEARCHER).get(f"/ledger/invoices/{invoice.pk}/").content.decode()

    assert '<article class="invoice" lang="ja">' in page
    assert "<h1>請求書</h1>" in page
    assert '<dd id="invoice-number">2026-0001</dd>' in page
    assert '<dd id="billed-to">試験機関 researcher 御中</dd>' in page
    assert '<td class="num" id="subtotal">4,701円</td>' in page
    assert "消費税（10%）" in page
    assert '<td class="num" id="consumption-tax">470円</td>' in page
    assert '<td class="num" id="total">5,171円</td>' in page
    # The print CSS: a stylesheet of its own (the Content-Security-Policy refuses inline styles).
    assert '<link rel="stylesheet" href="/static/kiban/invoice-print.css" media="print">' in page
    assert "@page { size: A4" in Path(finders.find("kiban/invoice-print.css")).read_text()
    assert "2026年5月1日〜2026年5月31日" in page


def test_the_invoice_exports_as_csv_and_excel_with_tax_as_its_own_line(invoice):
    client = client_for(Role.RESEARCHER)

    response = client.get(f"/ledger/invoices/{invoice.pk}/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"].startswith("text/csv")
    assert rows == [
        ["品目", "数量", "単価", "金額"],
        ["クライオ電顕 利用料（時間）", "3", "1234", "3702"],
        ["試料調製", "1", "999", "999"],
        ["小計", "", "", "4701"],
        ["消費税（10%）", "", "", "470"],
        ["合計（税込）", "", "", "5171"],
    ]
    workbook = load_workbook(io.BytesIO(client.get(f"/ledger/invoices/{invoice.pk}/export.xlsx").content))
    sheet = workbook.active
    assert [cell.value for cell in sheet["D"]] == ["金額", 3702, 999, 4701, 470, 5171]
    assert sheet["D6"].number_format == '#,##0"円"'


def test_the_list_runs_the_same_number_of_queries_however_many_invoices(deposit, facility, operator):
    services.posting_create(account=deposit, amount_yen=10_000_000, description="入金", actor=operator)

    def add_invoices(count: int) -> None:
        for _ in range(count):
            invoice_with_lines(
                issuer=facility, account=deposit, actor=operator, lines=LINES, issue_on=FY2026_DAY
            )

    assert_constant_queries(client_for(Role.AUDITOR), "/ledger/", add_invoices)


def test_a_draft_invoice_is_shown_as_a_draft_without_a_number(deposit, facility, operator):
    draft = invoice_with_lines(issuer=facility, account=deposit, actor=operator, lines=LINES)

    page = client_for(Role.FACILITY_OPERATOR).get(f"/ledger/invoices/{draft.pk}/").content.decode()

    assert "<h1>請求書 （下書き）</h1>" in page
    assert 'id="invoice-number"' not in page
    assert '<td class="num" id="total">5,171円</td>' in page


def test_the_admin_shows_the_ledger_read_only(invoice, deposit, django_user_model):
    from django.test import Client

    admin = django_user_model.objects.create_superuser("root", "root@example.jp", "pw-for-tests-only")
    client = Client()
    client.force_login(admin)

    for url in (
        "/admin/ledger/account/",
        "/admin/ledger/posting/",
        "/admin/ledger/invoice/",
        f"/admin/ledger/invoice/{invoice.pk}/change/",
        f"/admin/ledger/account/{deposit.pk}/history/",
        "/admin/core/disclosurebudget/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/ledger/posting/add/").status_code == 403
    assert client.get("/admin/core/disclosurebudget/add/").status_code == 403


def test_the_statement_is_paged_and_a_bad_page_is_a_clear_400(deposit, operator):
    for n in range(55):
        services.posting_create(
            account=deposit, amount_yen=n + 1, description=f"入金 {n + 1}", actor=operator
        )
    client = client_for(Role.RESEARCHER)

    first = client.get(f"/ledger/accounts/{deposit.pk}/").content.decode()
    second = client.get(f"/ledger/accounts/{deposit.pk}/?page=2").content.decode()

    assert "入金 50<" in first and "入金 51<" not in first
    assert "入金 51<" in second and "Page 2 of 2" in second
    bad = client.get(f"/ledger/accounts/{deposit.pk}/?page=x")
    assert bad.status_code == 400
    assert client.get("/ledger/?accounts=9").status_code == 404
