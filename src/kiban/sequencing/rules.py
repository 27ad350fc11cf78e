"""Who may see and record sequencing progress."""

import rules

from kiban.core.choices import Role
from kiban.core.rules import has_role, is_signed_in

# Progress figures are public programme information for every signed-in user.
rules.add_perm("sequencing.view_sequencingfigure", is_signed_in)
# The biobank (ToMMo) curators record new figures; the agency and the ministry follow them.
rules.add_perm("sequencing.add_sequencingfigure", is_signed_in & has_role(Role.BIOBANK_CURATOR))
