"""Who may see the shared-facility registry."""

import rules

from kiban.core.rules import is_signed_in

# The instrument registry is public information for every signed-in user.
rules.add_perm("facilities.view_instrumentholding", is_signed_in)
