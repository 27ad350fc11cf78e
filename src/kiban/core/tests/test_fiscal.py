"""Japanese fiscal years: April to March, named by the western year and by the era."""

import datetime

import pytest
from django.utils.translation import override

from kiban.core.fiscal import FiscalYear, FiscalYearError


def test_a_day_in_march_belongs_to_the_fiscal_year_that_started_the_april_before():
    # given the last day of March and the first day of April 2021
    march_31 = datetime.date(2021, 3, 31)
    april_1 = datetime.date(2021, 4, 1)

    # when each is placed in its fiscal year
    # then March still belongs to FY2020 and April starts FY2021
    assert FiscalYear.of(march_31) == FiscalYear(2020)
    assert FiscalYear.of(april_1) == FiscalYear(2021)
    assert FiscalYear.of(datetime.date(2021, 1, 1)) == FiscalYear(2020)
    assert FiscalYear.of(datetime.date(2021, 12, 31)) == FiscalYear(2021)


def test_a_fiscal_year_runs_from_april_1_to_march_31_of_the_next_year():
    fiscal_year = FiscalYear(2021)

    assert fiscal_year.start == datetime.date(2021, 4, 1)
    assert fiscal_year.end == datetime.date(2022, 3, 31)
    assert fiscal_year.contains(datetime.date(2022, 3, 31))
    assert not fiscal_year.contains(datetime.date(2021, 3, 31))
    assert fiscal_year.previous == FiscalYear(2020)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2021", 2021),
        (2021, 2021),
        (" 2021 ", 2021),
        ("FY2021", 2021),
        ("fy2021", 2021),
        ("令和3年度", 2021),
        ("令和元年度", 2019),
        ("平成30年度", 2018),
        ("平成元年度", 1989),
        ("昭和63年度", 1988),
    ],
)
def test_parse_reads_western_years_fy_prefixes_and_era_names(text, year):
    assert FiscalYear.parse(text) == FiscalYear(year)


@pytest.mark.parametrize("text", ["next year", "", "令和年度", "令和0年度", "FY 2021", "2021年", "²"])
def test_parse_refuses_text_that_is_not_a_fiscal_year_with_a_readable_message(text):
    with pytest.raises(FiscalYearError) as error:
        FiscalYear.parse(text)

    assert str(error.value) == f"'{text}' is not a fiscal year; write it as 2021, FY2021 or 令和3年度."


def test_parse_refuses_a_year_outside_the_supported_range():
    with pytest.raises(FiscalYearError) as error:
        FiscalYear.parse("1925")

    assert str(error.value) == "Fiscal year 1925 is outside 1926–2200."


def test_the_first_year_of_an_era_is_called_gannen():
    # FY2019 is 令和元年度 by government usage, FY2018 the last full year of 平成.
    assert FiscalYear(2019).era_name == "令和元年度"
    assert FiscalYear(2018).era_name == "平成30年度"
    assert FiscalYear(2021).era_name == "令和3年度"
    assert FiscalYear(1989).era_name == "平成元年度"


def test_the_label_follows_the_active_language():
    with override("ja"):
        assert FiscalYear(2021).label == "2021年度（令和3年度）"
        assert FiscalYear(2019).label == "2019年度（令和元年度）"
        assert str(FiscalYear(2018)) == "2018年度（平成30年度）"
    with override("en"):
        assert FiscalYear(2021).label == "FY2021 (Reiwa 3)"
        assert FiscalYear(2019).label == "FY2019 (Reiwa 1)"
        assert str(FiscalYear(2018)) == "FY2018 (Heisei 30)"


def test_fiscal_years_sort_by_year():
    assert sorted([FiscalYear(2021), FiscalYear(2019), FiscalYear(2020)]) == [
        FiscalYear(2019),
        FiscalYear(2020),
        FiscalYear(2021),
    ]


def test_the_last_fiscal_year_of_heisei_is_read_both_ways():
    # FY2019 began on 1 April 2019, a month before Heisei ended: budgeted as 平成31年度, now 令和元年度
    assert FiscalYear.parse("平成31年度") == FiscalYear.parse("令和元年度") == FiscalYear(2019)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成32年度", "平成32年度 does not exist: 平成 ended with 平成31年度 (FY2019)."),
        ("平成99年度", "平成99年度 does not exist: 平成 ended with 平成31年度 (FY2019)."),
        # Shōwa ended on 7 January 1989, inside FY1988 (昭和63年度); FY1989 was 平成元年度
        ("昭和64年度", "昭和64年度 does not exist: 昭和 ended with 昭和63年度 (FY1988)."),
        ("昭和99年度", "昭和99年度 does not exist: 昭和 ended with 昭和63年度 (FY1988)."),
    ],
)
def test_an_era_year_past_the_eras_end_is_refused(text, message):
    with pytest.raises(FiscalYearError) as refusal:
        FiscalYear.parse(text)
    assert str(refusal.value) == message


def test_a_fiscal_year_of_five_thousand_digits_is_refused_unread():
    with pytest.raises(FiscalYearError, match="is not a fiscal year"):
        FiscalYear.parse("9" * 5000)
