"""What a refused user reads: one message per permission, raised the same by pages and by the API."""

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEFAULT_REFUSAL = _("You do not have permission to do this.")

_refusals: dict[str, Promise] = {}


def register_refusals(messages: dict[str, Promise]) -> None:
    """Each app's rules.py names, beside its rules, the sentence a user refused a permission reads."""
    _refusals.update(messages)


def refusal(perm: str) -> Promise:
    return _refusals.get(perm, DEFAULT_REFUSAL)


def registered_refusals() -> dict[str, Promise]:
    return dict(_refusals)


def require(user, perm: str, obj=None) -> None:
    """Raises PermissionDenied with the permission's refusal unless the user has it (on obj, if given): the
    page answers it with the 403 page, the API with 403 and code "forbidden"."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(refusal(perm))
