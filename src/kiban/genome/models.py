"""What the platform records about a genome dataset beside its files: who may see how much of it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import AccessLevel


class DatasetAccess(models.Model):
    """A dataset's access level, keyed by the engine's dataset id (the files and their manifest are the
    engine's; this row is the platform's decision about them). A dataset without a row is REGISTERED: the
    safe default, nothing is public until someone says so. kiban/genome/access.py turns the level into the
    granularity each kind of caller gets."""

    dataset_id = models.CharField(_("dataset id"), max_length=100, unique=True)
    level = models.CharField(
        _("access level"), max_length=20, choices=AccessLevel.choices, default=AccessLevel.REGISTERED
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["dataset_id"]
        verbose_name = _("dataset access level")
        verbose_name_plural = _("dataset access levels")

    def __str__(self) -> str:
        return f"{self.dataset_id}: {self.get_level_display()}"
