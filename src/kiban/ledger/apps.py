"""App configuration for the yen ledger: accounts, postings and invoices."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "kiban.ledger"
    label = "ledger"
    verbose_name = _("Ledger and invoices")

    def ready(self) -> None:
        from kiban.core.registry import register_demo_loader, register_navigation

        register_navigation(
            "ledger:home", _("Accounts and invoices"), permission="ledger.view_ledger", order=70
        )
        register_demo_loader(
            "ledger", "Ledger: a deposit and an invoice", "kiban.ledger.demo.load_ledger", after=("core",)
        )
