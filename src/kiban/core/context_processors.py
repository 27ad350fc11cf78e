"""Navigation shown in every page: only systems that exist, only what the user may open."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .selectors import unread_count


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_notifications": 0}
    items = [
        (reverse("home"), _("Home")),
        (reverse("programmes:list"), _("Programmes and budgets")),
        (reverse("seeds:list"), _("Seeds")),
        (reverse("certification:certified-list"), _("Certification")),
        (reverse("facilities:cryo-em"), _("Cryo-EM network")),
        (reverse("genome:datasets"), _("Genome reference panel")),
        (reverse("sequencing:progress"), _("Sequencing progress")),
        (reverse("core:organisation-list"), _("Organisations")),
    ]
    items.append((reverse("reviews:mine"), _("My reviews")))
    if user.has_perm("core.view_audit"):
        items.append((reverse("core:audit-list"), _("Audit trail")))
    items.append((reverse("api:openapi-view"), _("API")))
    return {"nav_items": items, "unread_notifications": unread_count(user=user)}
