"""Template filters of the reference panel: counts, allele frequencies and manifest times, written one way."""

from datetime import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

from kiban.core.disclosure import min_cell

register = template.Library()


@register.filter
def cell(value: int | None) -> str:
    """A count with thousands separators, or "<10" where disclosure control masked it."""
    if value is None:
        return f"<{min_cell()}"
    return intcomma(value)


@register.filter
def allele_frequency(value: float | None) -> str:
    """Four significant digits (0.5, 0.3333, 1.234e-05); a dash when no allele was called (AN = 0) or when
    disclosure control masked the counts it is made of."""
    if value is None:
        return "—"
    return f"{value:.4g}"


@register.filter
def timestamp(value: str) -> datetime | str:
    """An ISO 8601 time from a manifest as a datetime, for the date filter; the text itself if unreadable."""
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
