"""Who may see and change programmes and budgets."""

import rules
from django.utils.translation import gettext_lazy as _

from kiban.core.permissions import register_refusals
from kiban.core.rules import is_agency_officer, is_ministry_official, is_signed_in

# Budgets are public figures: every signed-in user may read them and export them.
rules.add_perm("programmes.view_programme", is_signed_in)
# The ministry owns the budget: only its officials correct an amount (with a reason, kept in the audit trail).
rules.add_perm("programmes.change_programmebudget", is_signed_in & is_ministry_official)
# Ministry officials and agency officers attach documents (budget sheets, notices) to a programme.
rules.add_perm("programmes.add_attachment", is_signed_in & (is_ministry_official | is_agency_officer))

# What a refused user reads, on the 403 page and in the API's 403 answer alike.
register_refusals(
    {
        "programmes.view_programme": _("You may not see programmes and budgets."),
        "programmes.change_programmebudget": _("Only ministry officials may change budget amounts."),
        "programmes.add_attachment": _(
            "Only ministry officials and agency officers may attach files to programmes."
        ),
    }
)
