"""Reads of the ledger, already filtered to what the user may see (the same test as ledger/rules.py).

An organisation's money is its own: members of a lead hub do not see a sharing institution's accounts."""

from django.db.models import Prefetch, Q, QuerySet

from kiban.core.models import User
from kiban.core.selectors import member_organisation_ids

from .models import Account, Invoice, InvoiceLine, Posting
from .rules import is_ledger_overseer


def accounts_for(*, user: User) -> QuerySet[Account]:
    accounts = Account.objects.select_related("organisation")
    if is_ledger_overseer.test(user):
        return accounts
    return accounts.filter(organisation_id__in=member_organisation_ids(user=user))


def invoices_with_lines() -> QuerySet[Invoice]:
    """Every invoice with what its page and export show; callers check ledger.view_invoice on the one read."""
    return Invoice.objects.select_related("issuer", "organisation", "account").prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("position"))
    )


def invoices_for(*, user: User) -> QuerySet[Invoice]:
    invoices = invoices_with_lines()
    if is_ledger_overseer.test(user):
        return invoices
    mine = member_organisation_ids(user=user)
    return invoices.filter(Q(organisation_id__in=mine) | Q(issuer_id__in=mine))


def postings_of(*, account: Account) -> QuerySet[Posting]:
    """The account's statement, oldest first, each posting with the balance it left."""
    return account.postings.select_related("invoice", "created_by").order_by("pk")
