"""The one table writer: typed cells in CSV, TSV and Excel, formulas neutralised, one download header."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest

from kiban.core.exports import (
    Column,
    ColumnKind,
    Sheet,
    content_disposition,
    export_response,
    export_sheets_response,
)

COLUMNS = [
    Column("name", ColumnKind.TEXT),
    Column("count", ColumnKind.INTEGER),
    Column("amount", ColumnKind.YEN),
    Column("share", ColumnKind.DECIMAL),
    Column("on", ColumnKind.DATE),
    Column("at", ColumnKind.DATETIME),
]
AT = datetime.datetime(2021, 4, 1, 0, 30, tzinfo=datetime.UTC)  # 09:30 in Tokyo
ROWS = [
    ["大阪大学", 3, 42_000_000, Decimal("66.7"), datetime.date(2021, 4, 1), AT],
    ["none", None, None, None, None, None],
]
ATTACKS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def _workbook(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_csv_has_a_byte_order_mark_and_typed_values_as_text():
    # given a table of every kind of column
    # when it is exported as CSV
    response = export_response(columns=COLUMNS, rows=ROWS, filename="table", fmt="csv")

    # then it is UTF-8 with a BOM, dates are ISO, times are Tokyo's, and missing values are empty
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="table.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["name", "count", "amount", "share", "on", "at"],
        ["大阪大学", "3", "42000000", "66.7", "2021-04-01", "2021-04-01 09:30:00+09:00"],
        ["none", "", "", "", "", ""],
    ]


def test_tsv_has_no_byte_order_mark_and_no_tab_or_line_break_inside_a_cell():
    response = export_response(
        columns=[Column("a"), Column("b")], rows=[["one\ttwo", "three\nfour"]], filename="t", fmt="tsv"
    )
    assert response["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    assert response.content == b"a\tb\none two\tthree four\n"


def test_excel_writes_yen_as_integers_in_yen_dates_as_dates_and_text_as_text():
    # given a table of every kind of column
    # when it is exported as Excel
    response = export_response(columns=COLUMNS, rows=ROWS, filename="table", fmt="xlsx", title="Table")

    # then yen are integers shown with 円, dates are dates, times are Tokyo's wall clock, text is text
    assert response["Content-Disposition"] == 'attachment; filename="table.xlsx"'
    sheet = _workbook(response)["Table"]
    header, first, second = sheet.iter_rows(min_row=1, max_row=3)
    assert [c.value for c in header] == ["name", "count", "amount", "share", "on", "at"]
    assert header[0].font.bold
    assert type(first[2].value) is int and first[2].value == 42_000_000
    assert first[2].number_format == '#,##0"円"'
    assert first[1].value == 3 and first[1].number_format == "General"
    assert first[3].value == pytest.approx(66.7)
    assert first[4].value == datetime.datetime(2021, 4, 1) and first[4].is_date
    assert first[5].value == datetime.datetime(2021, 4, 1, 9, 30)
    assert (first[0].data_type, first[0].number_format) == ("s", "@")
    assert [c.value for c in second] == ["none", None, None, None, None, None]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_text_that_starts_like_a_formula_gets_an_apostrophe_in_csv_and_tsv(fmt):
    # given text cells starting with =, +, -, @, a tab or a carriage return, and a negative yen amount
    rows = [[attack, -5] for attack in ATTACKS]

    # when they are exported
    response = export_response(
        columns=[Column("text"), Column("yen", ColumnKind.YEN)], rows=rows, filename="t", fmt=fmt
    )

    # then every text cell starts with an apostrophe, so no spreadsheet reads it as a formula; numbers stay
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))[1:]
    assert all(line[0].startswith("'") for line in lines)
    assert lines[0] == ['\'=HYPERLINK("http://evil.example","x")', "-5"]
    assert "\n=" not in text and not any(line[0][0] in "=+-@" for line in lines)


def test_text_that_starts_like_a_formula_is_never_a_formula_in_excel():
    # given the same text cells
    rows = [[attack] for attack in ATTACKS]

    # when they are exported as Excel
    sheet = _workbook(export_response(columns=[Column("text")], rows=rows, filename="t", fmt="xlsx")).active

    # then each is a text cell with a leading apostrophe; none is a formula
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s"] * len(ATTACKS)
    # (XML reads a carriage return back as a line feed)
    assert [c.value for c in cells] == ["'" + attack.replace("\r", "\n") for attack in ATTACKS]


def test_ordinary_text_is_left_alone():
    response = export_response(
        columns=[Column("t")],
        rows=[["令和3年度予算額 876億円"], ["a=b"], ["'quoted"]],
        filename="t",
        fmt="csv",
    )
    assert response.content.decode("utf-8-sig").splitlines()[1:] == [
        "令和3年度予算額 876億円",
        "a=b",
        "'quoted",
    ]


def test_sheets_follow_each_other_in_csv_titled_or_not_and_are_sheets_in_excel():
    sheets = [
        Sheet("First", [Column("a", ColumnKind.INTEGER)], [[1]]),
        Sheet("Second: [x]", [Column("b")], [["y"]]),
    ]
    titled = export_sheets_response(sheets=sheets, filename="s", fmt="csv").content.decode("utf-8-sig")
    untitled = export_sheets_response(sheets=sheets, filename="s", fmt="csv", csv_titles=False).content
    workbook = _workbook(export_sheets_response(sheets=sheets, filename="s", fmt="xlsx"))
    assert titled.splitlines() == ["# First", "a", "1", "", "# Second: [x]", "b", "y"]
    assert untitled.decode("utf-8-sig").splitlines() == ["a", "1", "", "b", "y"]
    assert workbook.sheetnames == ["First", "Second   x "]


def test_a_streamed_csv_holds_the_same_bytes_as_a_whole_one():
    whole = export_response(columns=COLUMNS, rows=ROWS, filename="t", fmt="csv")
    streamed = export_response(columns=COLUMNS, rows=iter(ROWS), filename="t", fmt="csv", stream=True)
    assert streamed.streaming
    assert b"".join(streamed.streaming_content) == whole.content


def test_an_unknown_format_and_a_streamed_workbook_are_programming_errors():
    with pytest.raises(ValueError):
        export_response(columns=COLUMNS, rows=[], filename="t", fmt="ods")
    with pytest.raises(ValueError):
        export_response(columns=COLUMNS, rows=[], filename="t", fmt="xlsx", stream=True)


def test_a_row_of_the_wrong_length_is_refused_not_cut():
    with pytest.raises(ValueError):
        export_response(columns=COLUMNS, rows=[["only one"]], filename="t", fmt="csv")


def test_a_japanese_filename_goes_as_utf8_with_an_ascii_fallback():
    assert content_disposition("kiban-seeds.csv") == 'attachment; filename="kiban-seeds.csv"'
    assert content_disposition("請求書-2021.xlsx") == (
        "attachment; filename=\"___-2021.xlsx\"; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8-2021.xlsx"
    )
    assert content_disposition('a"b/c\r\n.csv') == 'attachment; filename="a_b_c__.csv"'
