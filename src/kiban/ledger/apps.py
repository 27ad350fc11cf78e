"""App configuration for the yen ledger: accounts, postings and invoices."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "kiban.ledger"
    label = "ledger"
    verbose_name = _("Ledger and invoices")
