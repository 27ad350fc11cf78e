"""Who may use the biobank cross-search: counts only, for people doing research; exact counts for a biobank's
own curators."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.choices import Role
from kiban.core.permissions import register_refusals
from kiban.core.rules import has_role, is_own, is_signed_in
from kiban.core.selectors import role_organisation_ids

# The roles whose work is research on samples and data, or its support and funding.
SEARCHERS = (Role.RESEARCHER, Role.BIOBANK_CURATOR, Role.HUB_STAFF, Role.COMPANY, Role.AGENCY_OFFICER)


@rules.predicate
def curates_biobank(user, biobank) -> bool:
    """A biobank curator at the biobank's own organisation."""
    if biobank is None:
        return False
    organisation_ids = role_organisation_ids(user=user, role=Role.BIOBANK_CURATOR)
    return biobank.organisation_id in organisation_ids


may_search = is_signed_in & has_role(*SEARCHERS)

# The search page, its API and saved searches: signed-in researchers, biobank curators, hub staff, company
# members and funding agency officers. They see counts only, under disclosure control; nobody sees
# participant rows through the search.
rules.add_perm("biobank.search", may_search)
# Exact counts (no noise, no "<10") for one biobank's cells: that biobank's own curators.
rules.add_perm("biobank.view_exact_counts", is_signed_in & curates_biobank)
# A saved search: its owner, while they may search.
rules.add_perm("biobank.view_savedsearch", may_search & is_own)
rules.add_perm("biobank.delete_savedsearch", may_search & is_own)

# Clinical updates (files of versioned clinical facts) and a participant's timeline: the biobank's own
# curators only (the timeline records who looked). The updates desk: anyone curating a biobank.
rules.add_perm("biobank.update_clinical", is_signed_in & curates_biobank)
rules.add_perm("biobank.view_timeline", is_signed_in & curates_biobank)
rules.add_perm("biobank.view_clinicalupdate", is_signed_in & has_role(Role.BIOBANK_CURATOR))

# Beacon v2 /individuals and /biosamples: yes/no to anyone, counts to signed-in users, records to nobody.
rules.add_perm("biobank.beacon_boolean", rules.always_allow)
rules.add_perm("biobank.beacon_count", is_signed_in)

register_refusals(
    {
        "biobank.search": _(
            "Only researchers, biobank curators, hub staff, company members and funding agency officers "
            "may search the biobanks."
        ),
        "biobank.view_exact_counts": _("Only the biobank's own curators see its exact counts."),
        "biobank.beacon_count": _("Sign in to get counts of individuals and biosamples from the Beacon."),
        "biobank.view_savedsearch": _("You may open only your own saved searches."),
        "biobank.update_clinical": _("Only the biobank's own curators may update its clinical information."),
        "biobank.view_timeline": _("Only the biobank's own curators may open a participant's timeline."),
        "biobank.view_clinicalupdate": _("Only biobank curators may open the clinical updates."),
        "biobank.delete_savedsearch": _("You may delete only your own saved searches."),
    }
)
