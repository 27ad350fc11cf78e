"""Enumerations of sequencing progress."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Funder(models.TextChoices):
    """The 100,000-genome panel is funded 1:1 by government (官) and companies (民)."""

    GOVERNMENT = "government", _("Government (官)")
    COMPANY = "company", _("Companies (民)")


class FigureKind(models.TextChoices):
    ACTUAL = "actual", _("Achieved")
    TARGET = "target", _("Target")
