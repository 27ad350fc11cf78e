"""Enumerations of the genome reference panel."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLevel(models.TextChoices):
    """How open a dataset is: Beacon v2's security levels (PUBLIC, REGISTERED, CONTROLLED), lower-case."""

    PUBLIC = "public", _("Public")
    REGISTERED = "registered", _("Registered users")
    CONTROLLED = "controlled", _("Controlled access")
