"""Writes of the genome reference panel: a dataset's access level (the engine writes the data)."""

from django.utils.translation import gettext as _

from kiban.core.audit import audited_save
from kiban.core.models import User

from .choices import AccessLevel
from .models import DatasetAccess


def dataset_access_set(*, dataset_id: str, level: str, actor: User | None, reason: str) -> DatasetAccess:
    """Sets the dataset's access level, with a history row naming who and why."""
    if level not in AccessLevel.values:
        raise ValueError(
            _("Unknown access level “%(level)s”: use public, registered or controlled.") % {"level": level}
        )
    access = DatasetAccess.objects.filter(dataset_id=dataset_id).first()
    access = access or DatasetAccess(dataset_id=dataset_id)
    access.level = level
    return audited_save(access, actor=actor, reason=reason, full_clean=True)
