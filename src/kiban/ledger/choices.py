"""Enumerations of the ledger, shared by its models, pages and admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountKind(models.TextChoices):
    DEPOSIT = (
        "deposit",
        _("Deposit"),
    )  # money an organisation has paid in ahead (前受金), drawn by its charges
    BUDGET = (
        "budget",
        pgettext_lazy("ledger", "Budget"),
    )  # money set aside for a project, drawn by what it spends


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
