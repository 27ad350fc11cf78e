"""Who may see the ledger: the organisation's own members, the funding agency, the ministry, auditors."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.permissions import register_refusals
from kiban.core.rules import is_agency_officer, is_auditor, is_ministry_official, is_signed_in
from kiban.core.selectors import member_organisation_ids

# Who oversees every account and invoice: the funding agency, the ministry, auditors (and superusers).
is_ledger_overseer = is_signed_in & (is_agency_officer | is_ministry_official | is_auditor)


@rules.predicate
def belongs_to_account_organisation(user, account) -> bool:
    return account is not None and account.organisation_id in member_organisation_ids(user=user)


@rules.predicate
def belongs_to_invoice_organisation(user, invoice) -> bool:
    # The billed organisation and the one that issued it.
    mine = member_organisation_ids(user=user)
    return invoice is not None and (invoice.organisation_id in mine or invoice.issuer_id in mine)


# The list of accounts and invoices: every signed-in user, who sees only those below they may see.
rules.add_perm("ledger.view_ledger", is_signed_in)
# One account and its postings: members of its organisation (any role), agency officers, ministry officials
# and auditors. Nobody else, not even hub staff of a partner hub.
rules.add_perm("ledger.view_account", is_signed_in & (is_ledger_overseer | belongs_to_account_organisation))
# One invoice, printed or exported: the billed and the issuing organisation's members, the agency, the
# ministry, auditors.
rules.add_perm("ledger.view_invoice", is_signed_in & (is_ledger_overseer | belongs_to_invoice_organisation))

# What a refused user reads, on the 403 page and in an API's 403 answer alike.
register_refusals(
    {
        "ledger.view_ledger": _("You may not see accounts and invoices."),
        "ledger.view_account": _("You may not see this account."),
        "ledger.view_invoice": _("You may not see this invoice."),
    }
)
