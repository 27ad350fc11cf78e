"""Writes of the biobank cross-search: saved searches (imports are in importing.py)."""

from typing import Any

from django.utils.translation import gettext as _

from kiban.core.audit import audited_delete, audited_save
from kiban.core.errors import unique_or_conflict
from kiban.core.models import User

from .clinical import NOW, AsOf, as_of_check
from .models import SavedSearch
from .search import read_criteria


def saved_search_create(*, user: User, name: str, tree: Any, as_of: AsOf = NOW) -> SavedSearch:
    """Saves the criteria, read and normalised as a search would read them (CriteriaError if they cannot be),
    with the as-of days it is to be counted on, under a name the user has not used yet (StateConflict, 409,
    if they have)."""
    criteria = read_criteria(tree, user=user)
    as_of = as_of_check(as_of.recorded_on, as_of.true_on)
    name = name.strip()
    taken = _("You already have a saved search named “%(name)s”: choose another name.") % {"name": name}
    with unique_or_conflict(taken):
        saved = SavedSearch(
            user=user, name=name, criteria=criteria, recorded_on=as_of.recorded_on, true_on=as_of.true_on
        )
        return audited_save(saved, actor=user, reason=_("Search saved"))


def saved_search_delete(*, saved: SavedSearch, actor: User) -> None:
    audited_delete(saved, actor=actor, reason=_("Saved search deleted"))
