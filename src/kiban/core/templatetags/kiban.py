"""Template filters for money and fiscal years, so every page formats them one way."""

from django import template

from kiban.core.fiscal import FiscalYear
from kiban.core.money import format_million, format_oku, format_signed_million, format_yen

register = template.Library()

register.filter("million", format_million)
register.filter("oku", format_oku)
register.filter("signed_million", format_signed_million)
register.filter("yen", format_yen)


@register.filter
def fiscal_year(year: int) -> str:
    return FiscalYear(year).label
