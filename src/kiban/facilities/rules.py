"""Who may see the shared-facility registry."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.permissions import register_refusals
from kiban.core.rules import is_signed_in

# The instrument registry is public information for every signed-in user.
rules.add_perm("facilities.view_instrumentholding", is_signed_in)

# What a refused user reads, on the 403 page and in the API's 403 answer alike.
register_refusals(
    {
        "facilities.view_instrumentholding": _("You may not see the instrument registry."),
    }
)
