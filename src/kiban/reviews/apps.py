"""App configuration for review engine."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "kiban.reviews"
    label = "reviews"
    verbose_name = _("Review engine")

    def ready(self) -> None:
        from kiban.core.registry import register_navigation

        register_navigation("reviews:mine", _("My reviews"), permission="reviews.list_assignments", order=90)
