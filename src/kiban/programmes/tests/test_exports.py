"""CSV and Excel exports of a fiscal year: the same yen as the API, and the totals beside them."""

import csv
import io

import openpyxl

from .source import INITIAL_MILLION, MILLION


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_starts_with_a_byte_order_mark_and_is_named_by_year(researcher_client):
    # given the demo data
    # when the FY2021 CSV is downloaded
    response = researcher_client.get("/programmes/export.csv?fy=2021")

    # then it is UTF-8 with a BOM (so Excel in Japan reads it) and named after the year
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kiban-programmes-FY2021.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "橋渡し研究プログラム（橋渡し研究戦略的推進プログラム含む）".encode() in response.content


def test_csv_rows_have_the_apis_amounts_in_yen(researcher_client):
    # given the API's FY2021 amounts
    api = {p["code"]: p for p in researcher_client.get("/api/programmes").json()["programmes"]}

    # when the CSV is downloaded
    header, *rest = _csv(researcher_client.get("/programmes/export.csv"))
    programme_rows = rest[: rest.index([])]

    # then each programme's row has the same whole-yen amounts, including the supplementary budgets
    assert header[:6] == [
        "code",
        "programme (Japanese)",
        "programme (English)",
        "FY2021 budget (yen)",
        "FY2020 budget (yen)",
        "change (yen)",
    ]
    assert len(programme_rows) == len(INITIAL_MILLION)
    for row in programme_rows:
        expected = api[row[0]]
        assert row[1] == expected["name"]
        assert int(row[3]) == expected["amount_yen"]
        assert int(row[4]) == expected["previous_amount_yen"]
        assert int(row[5]) == expected["change_yen"]
        supplementary = {s["kind"]: s["amount_yen"] for s in expected["previous_supplementary"]}
        assert row[7:10] == [
            str(supplementary[kind]) if kind in supplementary else ""
            for kind in ("supplementary_1", "supplementary_2", "supplementary_3")
        ]
    translational = next(r for r in programme_rows if r[0] == "translational")
    assert translational[3:6] == ["5223000000", "4982000000", "241000000"]


def test_csv_ends_with_the_totals_block(researcher_client):
    # given the demo data
    listed = sum(fy21 for fy21, _ in INITIAL_MILLION.values()) * MILLION

    # when the CSV is downloaded
    rows = _csv(researcher_client.get("/programmes/export.csv"))
    totals = rows[rows.index([]) + 1 :]

    # then after a blank line come the stated totals, the listed sums and their differences in yen
    assert totals[0] == [
        "fiscal year",
        "budget",
        "stated total (yen)",
        "as stated",
        "sum of programmes (yen)",
        "difference (yen)",
        "programmes",
    ]
    by_key = {(r[0], r[3]): r for r in totals[1:]}
    assert by_key[("2021", "令和3年度予算額 876億円")][2:] == [
        "87600000000",
        "令和3年度予算額 876億円",
        str(listed),
        str(87_600_000_000 - listed),
        "12",
    ]
    assert [(r[2], r[4], r[5]) for r in totals[1:] if r[0] == "2020" and "補正" in r[3]] == [
        ("2900000000", "2856000000", "44000000"),
        ("900000000", "935000000", "-35000000"),
        ("7500000000", "7529000000", "-29000000"),
    ]


def test_csv_for_fy2020(researcher_client):
    # given the demo data
    # when the FY2020 CSV is downloaded
    response = researcher_client.get("/programmes/export.csv?fy=2020")

    # then it holds FY2020's amounts, with no year before recorded
    header, *rest = _csv(response)
    assert header[3:5] == ["FY2020 budget (yen)", "FY2019 budget (yen)"]
    translational = next(r for r in rest if r and r[0] == "translational")
    assert translational[3:5] == ["4982000000", ""]


def test_export_of_an_unreadable_year_is_400(researcher_client):
    # given the demo data
    # when the export is asked for ?fy=abc
    response = researcher_client.get("/programmes/export.csv?fy=abc")

    # then the error page comes back, not a file
    assert response.status_code == 400
    assert "Content-Disposition" not in response


def test_xlsx_has_programme_and_totals_sheets_in_integer_yen(researcher_client):
    # given the API's FY2021 amounts
    api = {p["code"]: p for p in researcher_client.get("/api/programmes").json()["programmes"]}

    # when the Excel file is downloaded and opened
    response = researcher_client.get("/programmes/export.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))

    # then it has a programmes sheet and a totals sheet, with whole yen as integers
    assert response["Content-Disposition"] == 'attachment; filename="kiban-programmes-FY2021.xlsx"'
    assert workbook.sheetnames == ["Programmes", "Totals"]
    programmes = list(workbook["Programmes"].iter_rows(values_only=True))
    assert programmes[0][:4] == ("code", "programme (Japanese)", "programme (English)", "FY2021 budget (yen)")
    assert len(programmes) == 1 + len(INITIAL_MILLION)
    for row in programmes[1:]:
        assert type(row[3]) is int
        assert (row[3], row[4]) == (api[row[0]]["amount_yen"], api[row[0]]["previous_amount_yen"])
    riken = next(r for r in programmes if r[0] == "riken")
    assert riken[3:6] == (15_417_000_000, 15_210_000_000, 207_000_000)

    totals = list(workbook["Totals"].iter_rows(values_only=True))
    fy2021 = next(r for r in totals[1:] if r[0] == 2021)
    listed = sum(fy21 for fy21, _ in INITIAL_MILLION.values()) * MILLION
    assert (fy2021[2], fy2021[4], fy2021[5]) == (87_600_000_000, listed, 87_600_000_000 - listed)
    assert all(type(value) is int for value in (fy2021[2], fy2021[4], fy2021[5]))
    assert len(totals) == 1 + 5
