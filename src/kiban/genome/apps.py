"""App configuration for the genome reference panel."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GenomeConfig(AppConfig):
    name = "kiban.genome"
    label = "genome"
    verbose_name = _("Genome reference panel")
