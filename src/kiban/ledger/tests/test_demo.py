"""The demo ledger loads on the demo organisations, once, and its pages show it to the company's people."""

from django.test import Client

from kiban.core.demo import load_core
from kiban.core.models import User
from kiban.ledger.demo import load_ledger
from kiban.ledger.models import Account, Invoice, Posting


def test_the_demo_ledger_loads_once_and_the_company_sees_its_invoice(db):
    load_core()
    load_ledger()
    load_ledger()

    (deposit,) = Account.objects.all()
    (invoice,) = Invoice.objects.all()
    # 2 × 180,000 + 45,500 = 405,500; 消費税 40,550; 446,050 drawn from the 1,000,000 paid in.
    assert (invoice.number, invoice.totals.total_yen) == ("2026-0001", 446_050)
    assert deposit.balance_yen == 1_000_000 - 446_050 == sum(p.amount_yen for p in Posting.objects.all())
    client = Client()
    client.force_login(User.objects.get(username="company"))
    page = client.get(f"/ledger/invoices/{invoice.pk}/").content.decode()
    assert "武田薬品工業 御中" in page and "446,050円" in page
