"""The one reading of numbers and text from outside: ASCII digits within bounds, text without NUL or lone
surrogates; used by the API's schemas, forms, URL paths, the Beacon and the request middleware."""

import re
from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import Field

# Ids: the database's bigint (every model's key is a BigAutoField); a larger number reaches no row and
# overflows the driver instead.
MAX_ID = 2**63 - 1
# Rows skipped by an API list, and a page of a list page: far past any real list, small for every engine.
MAX_OFFSET = 1_000_000_000
MAX_PAGE = 10_000_000
# Counts of things (trainees, a score): the database's integer column.
MAX_COUNT = 2**31 - 1
# A year as a number: a date's range; the fiscal years the platform reads are narrower (core.fiscal).
MAX_YEAR = 9999
# Amounts of money in yen: a thousand trillion (10^15) is past any budget the platform records
# (the national budget is about ¥1.1 × 10^14) and leaves sums of many amounts inside bigint.
MAX_YEN = 10**15

_ASCII_DIGITS = re.compile(r"[0-9]+")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


class InputError(ValueError):
    """A value from a request that cannot be read: its message says what is wrong, its code what kind."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def whole_number(value: Any, *, name: str, minimum: int = 0, maximum: int) -> int:
    """An int, or a string of the digits 0-9 only (not "³", "①", "١٢", "1_000", "+1" or " 1", which
    str.isdigit() or int() accept), between minimum and maximum; else an InputError saying so."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _ASCII_DIGITS.fullmatch(value):
        # A string longer than the bound is out of range: no need to convert 5,000 digits to say so.
        number = int(value) if len(value) <= len(str(maximum)) else maximum + 1
    else:
        raise InputError(
            _("%(name)s must be a whole number written with the digits 0-9.") % {"name": name}, "not_a_number"
        )
    if not minimum <= number <= maximum:
        raise InputError(
            _("%(name)s runs from %(min)s to %(max)s.")
            % {"name": name, "min": f"{minimum:,}", "max": f"{maximum:,}"},
            "out_of_range",
        )
    return number


def text_problem(text: str) -> str | None:
    """Why the text cannot be stored (a NUL, which PostgreSQL refuses; a lone surrogate, which is no
    character and cannot be encoded as UTF-8), or None."""
    if "\x00" in text:
        return _("The text contains a NUL character (U+0000), which cannot be stored.")
    if _LONE_SURROGATE.search(text):
        return _("The text contains a lone surrogate (U+D800–U+DFFF), which is not a character.")
    return None


def check_text(text: str) -> str:
    """The text as it is, or an InputError saying why it cannot be stored."""
    problem = text_problem(text)
    if problem:
        raise InputError(problem, "invalid_text")
    return text


def check_data(data: Any, *, where: str = "") -> None:
    """Every string (keys included) in decoded JSON or form data checked with check_text; the InputError
    names where the bad one is, as a dotted path (ids.0, title)."""
    if isinstance(data, str):
        problem = text_problem(data)
        if problem:
            raise InputError(f"{where}: {problem}" if where else problem, "invalid_text")
    elif isinstance(data, dict):
        for key, value in data.items():
            place = f"{where}.{key}" if where else str(key)
            check_data(str(key), where=where or str(key))
            check_data(value, where=place)
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            check_data(value, where=f"{where}.{index}" if where else str(index))


# --- the same bounds as pydantic types, for every API schema and parameter
# 0 is kept readable (it names no record: the lookup's 404, or the permission's 403 first).
Id = Annotated[int, Field(ge=0, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Year = Annotated[int, Field(ge=1, le=MAX_YEAR)]
# Either sign: whether an amount may be negative (a refund, a correction) is the service's rule.
Yen = Annotated[int, Field(ge=-MAX_YEN, le=MAX_YEN)]


class IdConverter:
    """`<id:pk>` in a URL pattern: ASCII digits naming a key the database can hold; a longer number matches
    no pattern (404) instead of overflowing the lookup. Django's `<int:…>` takes any length."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        if len(value) > len(str(MAX_ID)) or int(value) > MAX_ID:
            raise ValueError(value)  # Django's resolver reads a ValueError as "no match"
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
