"""Organisations, people and accounts shared by the ledger's tests."""

import datetime

import pytest

from kiban.core.choices import Role
from kiban.core.models import Organisation
from kiban.core.testing import user_with_role
from kiban.ledger import services
from kiban.ledger.choices import AccountKind

FY2026_DAY = datetime.date(2026, 6, 1)


@pytest.fixture
def university(db) -> Organisation:
    # The organisation kiban.core.testing gives the researcher role: its researcher is a member.
    return Organisation.objects.get_or_create(
        name=f"試験機関 {Role.RESEARCHER}", defaults={"kind": "university"}
    )[0]


@pytest.fixture
def facility(db) -> Organisation:
    # The facility operator's organisation: it issues the invoices.
    return Organisation.objects.get_or_create(
        name=f"試験機関 {Role.FACILITY_OPERATOR}", defaults={"kind": "facility_site"}
    )[0]


@pytest.fixture
def member(university):
    return user_with_role(Role.RESEARCHER, organisation=university)


@pytest.fixture
def operator(facility):
    return user_with_role(Role.FACILITY_OPERATOR, organisation=facility)


@pytest.fixture
def deposit(university, operator):
    return services.account_open(
        organisation=university, kind=AccountKind.DEPOSIT, label="前受金", actor=operator, reason="利用開始"
    )


def invoice_with_lines(*, issuer, account, actor, lines, issue_on=None):
    invoice = services.invoice_create(
        issuer=issuer,
        account=account,
        period_start=datetime.date(2026, 5, 1),
        period_end=datetime.date(2026, 5, 31),
        actor=actor,
    )
    for description, quantity, price in lines:
        services.invoice_line_add(
            invoice=invoice, description=description, quantity=quantity, unit_price_yen=price, actor=actor
        )
    if issue_on:
        services.invoice_issue(invoice=invoice, actor=actor, issued_on=issue_on)
        invoice.refresh_from_db()
    return invoice
