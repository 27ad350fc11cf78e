"""App configuration for sequencing progress."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SequencingConfig(AppConfig):
    name = "kiban.sequencing"
    label = "sequencing"
    verbose_name = _("Sequencing progress")
