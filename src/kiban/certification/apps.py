"""App configuration for certification of support institutions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    name = "kiban.certification"
    label = "certification"
    verbose_name = _("Certification of support institutions")

    def ready(self) -> None:
        from kiban.reviews.registry import register

        from . import eligibility  # noqa: F401  registers "certified institutions only" for calls
        from .models import CertificationApplication
        from .review import CertificationApplicationAdapter

        register(CertificationApplication, CertificationApplicationAdapter())
