"""Money: integer yen in one field type, shown as 百万円 or 億円 the way the source document shows it."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .language import is_japanese

MILLION = 1_000_000
OKU = 100_000_000  # 億


def million_yen(amount: int | str | Decimal) -> int:
    """Yen from an amount in 百万円 (million yen), as the budget documents state it."""
    return int(Decimal(str(amount).replace(",", "")) * MILLION)


def oku_yen(amount: int | str | Decimal) -> int:
    """Yen from an amount in 億円 (hundred million yen); '9.8' is 980,000,000 yen."""
    return int(Decimal(str(amount).replace(",", "")) * OKU)


def _grouped(value: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


def _places_for(value: Decimal) -> int:
    # The source writes whole units where they are whole (876億円) and one decimal otherwise (9.8億円).
    return 0 if value == value.to_integral_value() else 1


def format_million(yen: int | None) -> str:
    """'5,223百万円' in Japanese, '¥5,223 million' in English."""
    if yen is None:
        return "—"
    value = Decimal(yen) / MILLION
    text = _grouped(value, _places_for(value))
    return f"{text}百万円" if is_japanese() else f"¥{text} million"


def format_oku(yen: int | None) -> str:
    """'876億円' in Japanese, '¥87.6 billion' in English."""
    if yen is None:
        return "—"
    if is_japanese():
        value = Decimal(yen) / OKU
        return f"{_grouped(value, _places_for(value))}億円"
    # One decimal of 億 is two decimals of a billion: 9.8億円 is ¥0.98 billion, 876億円 is ¥87.6 billion.
    value = Decimal(yen) / (1000 * MILLION)
    return f"¥{_grouped(value, 1 + _places_for(value * 10))} billion"


def format_yen(yen: int | None) -> str:
    """Whole yen as on an invoice: '12,345円' in Japanese, '¥12,345' in English (minus sign first)."""
    if yen is None:
        return "—"
    sign = "-" if yen < 0 else ""
    return f"{sign}{abs(yen):,}円" if is_japanese() else f"{sign}¥{abs(yen):,}"


def format_signed_million(yen: int) -> str:
    """A change in 百万円 with its sign: '+241百万円', '-85百万円', '±0百万円'."""
    if yen == 0:
        return "±" + format_million(0)
    return ("+" if yen > 0 else "-") + format_million(abs(yen))


class YenField(models.BigIntegerField):
    """An amount of money in whole yen (never floats, never 百万円 units)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("verbose_name", _("amount (yen)"))
        super().__init__(*args, **kwargs)
