"""The one check every page, model and formatter uses to choose between Japanese and English text."""

from django.utils.translation import get_language


def is_japanese() -> bool:
    """Whether the active language is Japanese (the platform's default when none is active)."""
    return (get_language() or "ja").startswith("ja")
