"""Enumerations of programmes and budgets."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BudgetKind(models.TextChoices):
    """Which budget an amount belongs to: the initial budget (当初予算) or a supplementary one (補正予算)."""

    INITIAL = "initial", _("Initial budget")
    SUPPLEMENTARY_1 = "supplementary_1", _("1st supplementary budget")
    SUPPLEMENTARY_2 = "supplementary_2", _("2nd supplementary budget")
    SUPPLEMENTARY_3 = "supplementary_3", _("3rd supplementary budget")


SUPPLEMENTARY_KINDS = (BudgetKind.SUPPLEMENTARY_1, BudgetKind.SUPPLEMENTARY_2, BudgetKind.SUPPLEMENTARY_3)
