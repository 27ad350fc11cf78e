"""App configuration for shared facilities."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "kiban.facilities"
    label = "facilities"
    verbose_name = _("Shared facilities")
