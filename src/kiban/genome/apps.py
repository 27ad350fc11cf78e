"""App configuration for the genome reference panel."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GenomeConfig(AppConfig):
    name = "kiban.genome"
    label = "genome"
    verbose_name = _("Genome reference panel")

    def ready(self) -> None:
        from kiban.core.registry import register_demo_loader, register_navigation

        register_navigation(
            "genome:datasets", _("Genome reference panel"), permission="genome.view_dataset", order=50
        )
        register_demo_loader(
            "genome",
            "Genome reference panel (simulated panel and the hail test VCF)",
            "kiban.genome.demo.load_genome",
            reports=True,
        )
