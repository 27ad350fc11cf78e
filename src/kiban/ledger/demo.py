"""Demo ledger: a company's deposit at a cryo-EM site and one invoice drawn from it (amounts invented)."""

import datetime

from django.db import transaction

from kiban.core.models import Organisation, User

from . import services
from .choices import AccountKind
from .models import Account

DEPOSIT_LABEL = "クライオ電顕 利用前受金（デモ）"
LINES = [
    ("クライオ電子顕微鏡 利用料（24時間）（デモ）", 2, 180_000),
    ("試料調製 技術支援（デモ）", 1, 45_500),
]


@transaction.atomic
def load_ledger() -> None:
    """Creates the demo deposit, its payment and one invoice; running it again changes nothing."""
    company = Organisation.objects.get(name="武田薬品工業")
    if Account.objects.filter(organisation=company, label=DEPOSIT_LABEL).exists():
        return
    site = Organisation.objects.get(name="東京大学")
    operator = User.objects.get(username="facility_operator")
    deposit = services.account_open(
        organisation=company,
        kind=AccountKind.DEPOSIT,
        label=DEPOSIT_LABEL,
        actor=operator,
        reason="デモデータ",
    )
    services.posting_create(
        account=deposit,
        amount_yen=1_000_000,
        description="前受金の入金（デモ）",
        actor=operator,
        booked_on=datetime.date(2026, 4, 10),
    )
    invoice = services.invoice_create(
        issuer=site,
        account=deposit,
        period_start=datetime.date(2026, 5, 1),
        period_end=datetime.date(2026, 5, 31),
        actor=operator,
    )
    for description, quantity, price in LINES:
        services.invoice_line_add(
            invoice=invoice, description=description, quantity=quantity, unit_price_yen=price, actor=operator
        )
    services.invoice_issue(invoice=invoice, actor=operator, issued_on=datetime.date(2026, 6, 5))
