"""App configuration for translational research seeds."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeedsConfig(AppConfig):
    name = "kiban.seeds"
    label = "seeds"
    verbose_name = _("Translational research seeds")

    def ready(self) -> None:
        from kiban.agreements import registry as agreements
        from kiban.core.registry import register_demo_loader, register_navigation
        from kiban.reviews.registry import register

        from .models import Seed
        from .reviewing import SeedNdaAdapter, SeedStageGateAdapter

        register(Seed, SeedStageGateAdapter())
        agreements.register(Seed, SeedNdaAdapter())

        register_navigation("seeds:list", _("Seeds"), permission="seeds.view_seed_list", order=20)
        register_demo_loader(
            "seeds",
            "Translational seeds, stage-gate reviews and outcomes",
            "kiban.seeds.demo.load_seeds",
            after=("core", "programmes"),
        )
