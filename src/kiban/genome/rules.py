"""Who may see the genome reference panel."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.choices import Role
from kiban.core.permissions import register_refusals
from kiban.core.rules import has_role, is_signed_in

# Aggregate allele frequencies of every dataset: every signed-in user. No page or endpoint under this rule
# shows carriers or sample ids.
rules.add_perm("genome.view_dataset", is_signed_in)

# GA4GH Beacon v2 (/api/beacon/): how much detail a caller may get about variants of a registered dataset
# (the default access level); a dataset's own level sets it otherwise (selectors.GRANULARITY_BY_ACCESS_LEVEL).
# Anyone, signed in or not: yes/no answers ("boolean" granularity), and the informational endpoints.
rules.add_perm("genome.beacon_boolean", rules.always_allow)
# Any signed-in user (browser session or personal API token): the number of matching variants ("count").
rules.add_perm("genome.beacon_count", is_signed_in)
# The variants themselves with their allele frequencies per population ("record"): the same aggregate figures
# the panel's pages show, so the same people as genome.view_dataset: every signed-in user.
rules.add_perm("genome.beacon_record", is_signed_in)
# Exact counts of small cells (fewer carriers than the minimum cell size, in the whole panel or in any sex,
# cohort or region): the biobank curators who hold the samples and their consent. Everyone else gets the
# counts through disclosure control (kiban/genome/selectors.py: disclosed_variant). Approved controlled
# access (S5) will be the second way to be entitled.
rules.add_perm("genome.view_exact_counts", is_signed_in & has_role(Role.BIOBANK_CURATOR))

# What a refused user reads, on the 403 page and in the API's 403 answer alike.
register_refusals(
    {
        "genome.view_dataset": _("You may not see the genome reference panel."),
        "genome.view_exact_counts": _(
            "Only biobank curators see counts below the minimum cell size; others see them masked."
        ),
    }
)
