"""Who may see and manage agreements: the parties' members, the funding agency and auditors read them; the
record's app says who manages them (`registry.AgreementAdapter.can_manage`)."""

import rules

from kiban.core.rules import is_agency_officer, is_auditor, is_signed_in

from .registry import adapter_for


def party_member_ids(agreement) -> set[int]:
    """The organisations whose members read the agreement: its parties (from prefetched rows if loaded)."""
    if "parties" in getattr(agreement, "_prefetched_objects_cache", {}):
        return {party.organisation_id for party in agreement.parties.all()}
    return set(agreement.parties.values_list("organisation_id", flat=True))


@rules.predicate
def is_party_member(user, agreement) -> bool:
    """A member (in any role) of an organisation that is party to the agreement."""
    if agreement is None:
        return False
    return user.memberships.filter(organisation_id__in=party_member_ids(agreement)).exists()


@rules.predicate
def manages_subject(user, agreement) -> bool:
    if agreement is None:
        return False
    adapter = adapter_for(agreement.subject)  # None once the record is gone: nobody manages it
    return adapter is not None and adapter.can_manage(user, agreement.subject)


# Agreements are confidential between their parties; the agency that funds the work and auditors read all.
rules.add_perm("agreements.view_agreement", is_signed_in & (is_party_member | is_agency_officer | is_auditor))
rules.add_perm("agreements.change_agreement", is_signed_in & manages_subject)
