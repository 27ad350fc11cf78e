"""App configuration for the request lifecycle shared by every system that takes requests."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "kiban.submissions"
    label = "submissions"
    verbose_name = _("Requests and calls")
