"""App configuration for programmes and budgets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "kiban.programmes"
    label = "programmes"
    verbose_name = _("Programmes and budgets")

    def ready(self) -> None:
        from kiban.core.registry import register_demo_loader, register_navigation

        register_navigation(
            "programmes:list", _("Programmes and budgets"), permission="programmes.view_programme", order=10
        )
        register_demo_loader(
            "programmes", "Programmes and budgets", "kiban.programmes.demo.load_programmes", after=("core",)
        )
