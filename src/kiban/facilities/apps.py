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
        register_navigation(
            "facilities:projects", _("Facility-use projects"), permission="facilities.list_projects", order=42
        )
        register_navigation(
            "facilities:dashboard", _("Cryo-EM turnaround"), permission="facilities.view_dashboard", order=43
        )
        register_demo_loader(
            "facilities", "Cryo-EM network", "kiban.facilities.demo.load_facilities", after=("core", "ledger")
        )
        # Projects, bookings and sessions around today: they notify their people, so the base demo most
        # tests share (the registry and instruments) leaves them out.
        register_demo_loader(
            "facility_operations",
            "Cryo-EM projects, bookings and sessions",
            "kiban.facilities.demo.load_operations",
            after=("facilities",),
        )
