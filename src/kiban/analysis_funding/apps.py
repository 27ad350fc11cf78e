"""App configuration for the merit-based allocation of analysis money (解析費配分, S5)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisFundingConfig(AppConfig):
    name = "kiban.analysis_funding"
    label = "analysis_funding"
    verbose_name = _("Analysis funding")
