"""App configuration for review engine."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "kiban.reviews"
    label = "reviews"
    verbose_name = _("Review engine")
