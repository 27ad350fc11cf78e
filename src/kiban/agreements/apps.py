"""App configuration for agreements between organisations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "kiban.agreements"
    label = "agreements"
    verbose_name = _("Agreements")
