"""Who may see and manage agreements: the parties' members, the funding agency and auditors read them; the
record's app says who manages them (`registry.AgreementAdapter.can_manage`)."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.permissions import register_refusals
from kiban.core.rules import is_agency_officer, is_auditor, is_signed_in
from kiban.core.selectors import hub_scope_ids, member_organisation_ids

from .registry import adapter_for


def acting_for_ids(user) -> frozenset[int]:
    """The organisations a user acts for: where they hold any role, and, as hub staff, their hub's whole
    group (a lead hub and its sharing institutions, `core.selectors.hub_group_ids`); both cached per user."""
    return member_organisation_ids(user=user) | hub_scope_ids(user=user)


def party_member_ids(agreement) -> set[int]:
    """The organisations whose members read the agreement: its parties (from prefetched rows if loaded)."""
    if "parties" in getattr(agreement, "_prefetched_objects_cache", {}):
        return {party.organisation_id for party in agreement.parties.all()}
    return set(agreement.parties.values_list("organisation_id", flat=True))


@rules.predicate
def is_party_member(user, agreement) -> bool:
    """Someone who acts for an organisation that is party to the agreement (`acting_for_ids`)."""
    return agreement is not None and bool(acting_for_ids(user) & party_member_ids(agreement))


@rules.predicate
def manages_subject(user, agreement) -> bool:
    if agreement is None:
        return False
    adapter = adapter_for(agreement.subject)  # None once the record is gone: nobody manages it
    return adapter is not None and adapter.can_manage(user, agreement.subject)


# Agreements are confidential between their parties; the agency that funds the work and auditors read all.
rules.add_perm("agreements.view_agreement", is_signed_in & (is_party_member | is_agency_officer | is_auditor))
rules.add_perm("agreements.change_agreement", is_signed_in & manages_subject)

register_refusals(
    {
        "agreements.view_agreement": _(
            "Only the parties to an agreement, the funding agency and auditors may read it."
        ),
        "agreements.change_agreement": _("You may not manage this agreement."),
    }
)
