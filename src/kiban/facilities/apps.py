"""App configuration for shared facilities."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "kiban.facilities"
    label = "facilities"
    verbose_name = _("Shared facilities")

    def ready(self) -> None:
        from kiban.core.registry import register_demo_loader, register_navigation

        register_navigation(
            "facilities:cryo-em",
            _("Cryo-EM network"),
            permission="facilities.view_instrumentholding",
            order=40,
        )
        register_demo_loader(
            "facilities", "Cryo-EM network", "kiban.facilities.demo.load_facilities", after=("core",)
        )
