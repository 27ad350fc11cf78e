"""App configuration for sequencing progress."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SequencingConfig(AppConfig):
    name = "kiban.sequencing"
    label = "sequencing"
    verbose_name = _("Sequencing progress")

    def ready(self) -> None:
        from kiban.core.registry import register_demo_loader, register_navigation

        register_navigation(
            "sequencing:progress",
            _("Sequencing progress"),
            permission="sequencing.view_sequencingfigure",
            order=60,
        )
        register_demo_loader("sequencing", "Sequencing progress", "kiban.sequencing.demo.load_sequencing")
