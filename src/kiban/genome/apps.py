"""App configuration for the genome reference panel."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GenomeConfig(AppConfig):
    name = "kiban.genome"
    label = "genome"
    verbose_name = _("Genome reference panel")

    def ready(self) -> None:
        from kiban.core.registry import register_demo_loader, register_error_body, register_navigation

        from .beacon import error_body

        register_navigation(
            "genome:datasets", _("Genome reference panel"), permission="genome.view_dataset", order=50
        )
        register_demo_loader(
            "genome",
            "Genome reference panel (simulated panel and the hail test VCF)",
            "kiban.genome.demo.load_genome",
            reports=True,
        )
        # The input layer's refusals and unknown paths under the Beacon answer in Beacon's format.
        register_error_body("/api/beacon/", error_body)
