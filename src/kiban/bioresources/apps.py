"""App configuration for the national bioresource catalogue (S7, NBRP)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BioresourcesConfig(AppConfig):
    name = "kiban.bioresources"
    label = "bioresources"
    verbose_name = _("National BioResource Project")

    def ready(self) -> None:
        from kiban.agreements.registry import register
        from kiban.core.registry import register_demo_loader, register_navigation

        from . import rules  # noqa: F401  registers the permissions and their refusals
        from .models import OrderLine
        from .rules import is_centre_staff, is_depositor
        from .services import OrderLineAgreements

        register(OrderLine, OrderLineAgreements())
        register_navigation(
            "bioresources:catalogue", _("Bioresources"), permission="bioresources.view_catalogue", order=60
        )
        register_navigation(
            "bioresources:orders",
            _("My resource orders"),
            permission="bioresources.add_resourceorder",
            order=61,
        )
        register_navigation("bioresources:centre", _("Centre desk"), predicate=is_centre_staff, order=62)
        register_navigation(
            "bioresources:depositor", _("Requests for my resources"), predicate=is_depositor, order=63
        )
        register_navigation(
            "bioresources:statistics",
            _("Bioresource statistics"),
            permission="bioresources.view_statistics",
            order=64,
        )
        register_demo_loader(
            "bioresources",
            "National BioResource Project: catalogue, lots, orders, shipments, a deposit",
            "kiban.bioresources.demo.load_bioresources",
            after=("core", "programmes", "ledger"),
        )
