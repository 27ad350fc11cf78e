"""Enumerations of the cryo-EM network."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NetworkTier(models.TextChoices):
    """E2 and E1 are BINDS instruments (E1 screens for E2); F1 are instruments outside BINDS."""

    E2 = "E2", _("E2 (BINDS, high resolution)")
    E1 = "E1", _("E1 (BINDS, screening)")
    F1 = "F1", _("F1 (outside BINDS)")


class VoltageClass(models.TextChoices):
    KV300 = "300", _("300 keV")
    KV200_OR_LESS = "200", _("200 keV or less")
