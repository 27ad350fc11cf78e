"""App configuration for certification of support institutions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "kiban.certification"
    label = "certification"
    verbose_name = _("Certification of support institutions")

    def ready(self) -> None:
        from kiban.core.registry import register_demo_loader, register_navigation
        from kiban.reviews.registry import register

        from . import eligibility  # noqa: F401  registers "certified institutions only" for calls
        from .models import CertificationApplication
        from .review import CertificationApplicationAdapter

        register(CertificationApplication, CertificationApplicationAdapter())

        register_navigation(
            "certification:certified-list",
            _("Certification"),
            permission="certification.view_certificate",
            order=30,
        )
        # After the seeds: their demo creates the hubs' staff users the applications are prepared by.
        register_demo_loader(
            "certification",
            "Certification of support institutions",
            "kiban.certification.demo.load_certification",
            after=("core", "programmes", "seeds"),
        )
