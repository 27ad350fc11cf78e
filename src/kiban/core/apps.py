"""App configuration for the core."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kiban.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.urls import register_converter

        from .inputs import IdConverter
        from .registry import register_demo_loader, register_navigation
        from .rules import is_signed_in

        register_converter(IdConverter, "id")

        register_navigation("home", _("Home"), predicate=is_signed_in, order=0)
        register_navigation(
            "core:organisation-list", _("Organisations"), permission="core.view_organisation", order=80
        )
        register_navigation("core:audit-list", _("Audit trail"), permission="core.view_audit", order=100)
        register_navigation("api:openapi-view", _("API"), predicate=is_signed_in, order=110)
        register_demo_loader("core", "Organisations and demo users", "kiban.core.demo.load_core")
