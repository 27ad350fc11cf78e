"""App configuration for BINDS support applications (S3)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BindsConfig(AppConfig):
    name = "kiban.binds"
    label = "binds"
    verbose_name = _("BINDS support")

    def ready(self) -> None:
        from kiban.core.registry import register_demo_loader, register_navigation
        from kiban.reviews.registry import register

        from .models import RequestedItem
        from .review import RequestedItemAdapter

        register(RequestedItem, RequestedItemAdapter())
        register_navigation(
            "binds:catalogue", _("BINDS support"), permission="binds.view_supportunit", order=35
        )
        register_navigation(
            "binds:application-list",
            _("Support applications"),
            permission="binds.list_applications",
            order=36,
        )
        register_navigation(
            "binds:dashboard", _("BINDS dashboard"), permission="binds.view_dashboard", order=37
        )
        register_demo_loader(
            "binds", "BINDS support applications", "kiban.binds.demo.load_binds", after=("core", "programmes")
        )
