"""Japanese fiscal years (April to March) with the era name (令和, 平成, 昭和) beside the western year."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .language import is_japanese

# (first fiscal year counted in the era, kanji, romanised). FY2019 is 令和元年度 by government usage.
_ERAS = (
    (2019, "令和", "Reiwa"),
    (1989, "平成", "Heisei"),
    (1926, "昭和", "Showa"),
)
# The last fiscal year written in a past era. Shōwa ended on 7 January 1989 (昭和64年), so FY1988
# (April 1988 to March 1989) was its last, 昭和63年度. Heisei ended on 30 April 2019 (平成31年): FY2019,
# which began on 1 April 2019, was budgeted as 平成31年度 and is 令和元年度 by later usage; both are read.
_LAST_ERA_YEAR = {"平成": 2019, "昭和": 1988}
FIRST_SUPPORTED_YEAR = 1926
LAST_SUPPORTED_YEAR = 2200
# Longer than any way of writing a fiscal year ('FY2021', '令和100年度'): the rest is refused unread.
_MAX_TEXT = 12


class FiscalYearError(ValueError):
    """A fiscal year that cannot be read or lies outside the supported range."""


@dataclass(frozen=True, order=True)
class FiscalYear:
    """A Japanese government fiscal year, named by the western year in which it starts."""

    year: int

    def __post_init__(self):
        if not FIRST_SUPPORTED_YEAR <= self.year <= LAST_SUPPORTED_YEAR:
            raise FiscalYearError(
                _("Fiscal year %(year)s is outside %(first)s–%(last)s.")
                % {"year": self.year, "first": FIRST_SUPPORTED_YEAR, "last": LAST_SUPPORTED_YEAR}
            )

    @classmethod
    def of(cls, day: datetime.date) -> "FiscalYear":
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def parse(cls, text: str | int) -> "FiscalYear":
        """Reads '2021', 'FY2021' or '令和3年度'; raises FiscalYearError with a readable message."""
        raw = str(text).strip()
        if len(raw) > _MAX_TEXT:
            raise FiscalYearError(
                _("'%(text)s…' is not a fiscal year; write it as 2021, FY2021 or 令和3年度.")
                % {"text": raw[:_MAX_TEXT]}
            )
        candidate = raw.upper().removeprefix("FY")
        if candidate.isdecimal():
            return cls(int(candidate))
        for first_year, kanji, _romaji in _ERAS:
            if raw.startswith(kanji) and raw.endswith("年度"):
                number = raw[len(kanji) : -len("年度")]
                era_year = 1 if number == "元" else int(number) if number.isdecimal() else 0
                if era_year >= 1:
                    return cls._in_era(first_year, kanji, era_year)
        raise FiscalYearError(
            _("'%(text)s' is not a fiscal year; write it as 2021, FY2021 or 令和3年度.") % {"text": raw}
        )

    @classmethod
    def _in_era(cls, first_year: int, kanji: str, era_year: int) -> "FiscalYear":
        year = first_year + era_year - 1
        last = _LAST_ERA_YEAR.get(kanji)
        if last is not None and year > last:
            raise FiscalYearError(
                _("%(era)s%(year)s年度 does not exist: %(era)s ended with %(era)s%(last)s年度 (FY%(fy)s).")
                % {"era": kanji, "year": era_year, "last": last - first_year + 1, "fy": last}
            )
        return cls(year)

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 4, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year + 1, 3, 31)

    @property
    def previous(self) -> "FiscalYear":
        return FiscalYear(self.year - 1)

    def _era(self) -> tuple[str, str, int]:
        for first_year, kanji, romaji in _ERAS:
            if self.year >= first_year:
                return kanji, romaji, self.year - first_year + 1
        raise FiscalYearError(f"No era is known for fiscal year {self.year}.")

    @property
    def era_name(self) -> str:
        """'令和3年度' (元 for the first year)."""
        kanji, _romaji, era_year = self._era()
        return f"{kanji}{'元' if era_year == 1 else era_year}年度"

    @property
    def label(self) -> str:
        """'2021年度（令和3年度）' in Japanese, 'FY2021 (Reiwa 3)' in English."""
        _kanji, romaji, era_year = self._era()
        if is_japanese():
            return f"{self.year}年度（{self.era_name}）"
        return f"FY{self.year} ({romaji} {era_year})"

    def __str__(self) -> str:
        return self.label

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end
