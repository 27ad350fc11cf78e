"""Navigation shown in every page: the entries the apps registered, only those the user may open."""

from .registry import navigation_for
from .selectors import unread_count


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": [], "unread_notifications": 0}
    signed_in = user.is_authenticated
    return {
        "nav_items": navigation_for(user),
        "unread_notifications": unread_count(user=user) if signed_in else 0,
    }
