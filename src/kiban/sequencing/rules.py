"""Who may see and record sequencing progress."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.choices import Role
from kiban.core.permissions import register_refusals
from kiban.core.rules import has_role, is_signed_in

# Progress figures are public programme information for every signed-in user.
rules.add_perm("sequencing.view_sequencingfigure", is_signed_in)
# The biobank (ToMMo) curators record new figures; the agency and the ministry follow them.
rules.add_perm("sequencing.add_sequencingfigure", is_signed_in & has_role(Role.BIOBANK_CURATOR))

# What a refused user reads, on the 403 page and in the API's 403 answer alike.
register_refusals(
    {
        "sequencing.view_sequencingfigure": _("You may not see sequencing progress."),
        "sequencing.add_sequencingfigure": _("Only biobank curators may record sequencing figures."),
    }
)
