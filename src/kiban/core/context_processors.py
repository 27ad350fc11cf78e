"""Navigation shown in every page: the entries the apps registered, only those the user may open."""

from .registry import navigation_for
from .selectors import unread_count


def navigation(request) -> dict:
    """Visitors who have not signed in get no navigation: no page is public (budgets, seeds and the genome
    panel ask them to sign in first); the public Beacon and the API's documentation are for programs and are
    reached by their addresses."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_notifications": 0}
    return {"nav_items": navigation_for(user), "unread_notifications": unread_count(user=user)}
