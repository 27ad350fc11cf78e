"""Writes of the biobank cross-search: saved searches (imports are in importing.py)."""

from typing import Any

from django.utils.translation import gettext as _

from kiban.core.audit import audited_delete, audited_save
from kiban.core.errors import unique_or_conflict
from kiban.core.models import User

from .models import SavedSearch
from .search import read_criteria


def saved_search_create(*, user: User, name: str, tree: Any) -> SavedSearch:
    """Saves the criteria, read and normalised as a search would read them (CriteriaError if they cannot be),
    under a name the user has not used yet (StateConflict, 409, if they have)."""
    criteria = read_criteria(tree, user=user)
    name = name.strip()
    taken = _("You already have a saved search named “%(name)s”: choose another name.") % {"name": name}
    with unique_or_conflict(taken):
        return audited_save(
            SavedSearch(user=user, name=name, criteria=criteria), actor=user, reason=_("Search saved")
        )


def saved_search_delete(*, saved: SavedSearch, actor: User) -> None:
    audited_delete(saved, actor=actor, reason=_("Saved search deleted"))
