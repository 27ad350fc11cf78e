"""App configuration for access requests to the biobanks (分譲, S5): one request to several biobanks."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BiobankAccessConfig(AppConfig):
    name = "kiban.biobank_access"
    label = "biobank_access"
    verbose_name = _("Biobank access requests")
