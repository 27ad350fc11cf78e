"""Reads of the ledger, already filtered to what the user may see (the same test as ledger/rules.py)."""

from django.db.models import Prefetch, Q, QuerySet

from kiban.core.choices import Role
from kiban.core.models import User

from .models import Account, Invoice, InvoiceLine, Posting

# Who oversees every account and invoice: the funding agency, the ministry, auditors.
OVERSEER_ROLES = (Role.AGENCY_OFFICER, Role.MINISTRY_OFFICIAL, Role.AUDITOR)


def oversees_ledger(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.has_role(*OVERSEER_ROLES))


def organisation_ids(user: User) -> set[int]:
    """The organisations the user belongs to (any role), cached on the user object for one request."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if not hasattr(user, "_kiban_ledger_organisations"):
        user._kiban_ledger_organisations = set(user.memberships.values_list("organisation_id", flat=True))
    return user._kiban_ledger_organisations


def accounts_for(*, user: User) -> QuerySet[Account]:
    accounts = Account.objects.select_related("organisation")
    if oversees_ledger(user):
        return accounts
    return accounts.filter(organisation_id__in=organisation_ids(user))


def invoices_with_lines() -> QuerySet[Invoice]:
    """Every invoice with what its page and export show; callers check ledger.view_invoice on the one read."""
    return Invoice.objects.select_related("issuer", "organisation", "account").prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("position"))
    )


def invoices_for(*, user: User) -> QuerySet[Invoice]:
    invoices = invoices_with_lines()
    if oversees_ledger(user):
        return invoices
    mine = organisation_ids(user)
    return invoices.filter(Q(organisation_id__in=mine) | Q(issuer_id__in=mine))


def postings_of(*, account: Account) -> QuerySet[Posting]:
    """The account's statement, oldest first, each posting with the balance it left."""
    return account.postings.select_related("invoice", "created_by").order_by("pk")
