"""Who may do what in the core: django-rules predicates and the permissions built from them."""

from collections.abc import Callable
from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .permissions import register_refusals
from .selectors import hub_scope_ids


def has_role(*roles: str) -> rules.Predicate:
    """A predicate true for users holding any of the roles at any organisation."""
    names = "_".join(roles)

    @rules.predicate(name=f"has_role_{names}")
    def _has_role(user) -> bool:
        # Anonymous visitors hold no role (and AnonymousUser has no has_role).
        return user.is_authenticated and user.has_role(*roles)

    return _has_role


is_signed_in = rules.is_authenticated & rules.is_active
is_auditor = has_role(Role.AUDITOR) | rules.is_superuser
is_ministry_official = has_role(Role.MINISTRY_OFFICIAL)
is_agency_officer = has_role(Role.AGENCY_OFFICER)
is_hub_staff = has_role(Role.HUB_STAFF)


def works_for_hub_of(organisation_of: Callable[[Any], int | None], *, name: str) -> rules.Predicate:
    """A predicate true for hub staff whose hub scope holds the organisation the object belongs to.

    The scope (`selectors.hub_scope_ids`) is the hub group: a lead hub with its sharing institutions.
    """

    @rules.predicate(name=name)
    def _works_for_hub_of(user, obj) -> bool:
        if obj is None:
            return False
        organisation_id = organisation_of(obj)
        return organisation_id is not None and organisation_id in hub_scope_ids(user=user)

    return _works_for_hub_of


@rules.predicate
def is_own(user, obj) -> bool:
    return obj is not None and getattr(obj, "user_id", getattr(obj, "recipient_id", None)) == user.pk


@rules.predicate
def may_view_attached_record(user, attachment) -> bool:
    """Whoever may view the record a file is attached to, by that record's own view permission."""
    if attachment is None:
        return False
    content_type = attachment.content_type
    return user.has_perm(f"{content_type.app_label}.view_{content_type.model}", attachment.target)


# Directory of organisations and their people: every signed-in user.
rules.add_perm("core.view_organisation", is_signed_in)
# The audit trail: auditors (and platform superusers) only.
rules.add_perm("core.view_audit", is_auditor)
# Notifications and API tokens: their owner only.
rules.add_perm("core.view_notification", is_signed_in & is_own)
rules.add_perm("core.change_notification", is_signed_in & is_own)
rules.add_perm("core.add_apitoken", is_signed_in)
rules.add_perm("core.delete_apitoken", is_signed_in & is_own)
# A file attached to a record: whoever may view the record.
rules.add_perm("core.view_attachment", is_signed_in & may_view_attached_record)

# What a refused user reads, on the 403 page and in the API's 403 answer alike.
register_refusals(
    {
        "core.view_organisation": _("You may not see the organisation directory."),
        "core.view_audit": _("Only auditors may browse the audit trail."),
        "core.view_notification": _("You may read only your own notifications."),
        "core.change_notification": _("You may mark only your own notifications read."),
        "core.add_apitoken": _("Sign in to create a personal API token."),
        "core.delete_apitoken": _("You may revoke only your own tokens."),
        "core.view_attachment": _("You may not open files attached to this record."),
    }
)
