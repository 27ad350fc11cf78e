"""App configuration for the biobank cross-search (S5)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiobankConfig(AppConfig):
    name = "kiban.biobank"
    label = "biobank"
    verbose_name = _("Biobank cross-search")

    def ready(self) -> None:
        from kiban.core.registry import register_demo_loader, register_navigation

        from . import beacon  # noqa: F401  adds /individuals, /biosamples and /cohorts to the Beacon router

        register_navigation(
            "biobank:search", _("Biobank cross-search"), permission="biobank.search", order=55
        )
        register_navigation(
            "biobank:updates", _("Clinical updates"), permission="biobank.view_clinicalupdate", order=56
        )
        # After the genome panel: a share of the demo participants are the simulated panel's samples.
        register_demo_loader(
            "biobank",
            "Biobank cross-search (synthetic participants of BBJ, TMM and NCBN)",
            "kiban.biobank.demo.load_biobank",
            after=("core", "genome"),
        )
