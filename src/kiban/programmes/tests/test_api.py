"""The programmes API: a fiscal year's budgets with the totals, one programme in full, readable errors."""

import pytest

from kiban.programmes.models import Programme

from .source import INITIAL_MILLION, MILLION, OKU, STATED_OKU, SUPPLEMENTARY_MILLION


def _by_code(body: dict) -> dict[str, dict]:
    return {p["code"]: p for p in body["programmes"]}


def _totals(body: dict) -> dict[tuple[int, str], dict]:
    return {(t["fiscal_year"], t["kind"]): t for t in body["totals"]}


def test_list_defaults_to_the_newest_year_with_every_amount_in_integer_yen(researcher_client):
    # given the demo data
    # when the list is asked for without a fiscal year
    response = researcher_client.get("/api/programmes")

    # then it is FY2021, with each programme's amount and the year before's as JSON integers
    assert response.status_code == 200
    body = response.json()
    assert body["fiscal_year"] == 2021
    assert body["fiscal_year_label"] == "FY2021 (Reiwa 3)"
    programmes = _by_code(body)
    assert {code: (p["amount_yen"], p["previous_amount_yen"]) for code, p in programmes.items()} == {
        code: (fy21 * MILLION, fy20 * MILLION) for code, (fy21, fy20) in INITIAL_MILLION.items()
    }
    assert all(type(p["amount_yen"]) is int for p in body["programmes"])
    translational = programmes["translational"]
    assert translational["amount_yen"] == 5_223_000_000
    assert translational["change_yen"] == 241_000_000
    assert translational["change_percent"] == pytest.approx(4.8)
    assert programmes["aging"]["is_request"] is True


def test_list_carries_the_previous_years_supplementary_budgets(researcher_client):
    # given the demo data
    # when FY2021 is asked for
    body = researcher_client.get("/api/programmes").json()

    # then each programme carries its FY2020 supplementary budgets in yen
    supplementary = {
        (code, s["kind"]): s["amount_yen"]
        for code, p in _by_code(body).items()
        for s in p["previous_supplementary"]
        if s["fiscal_year"] == 2020
    }
    assert supplementary == {key: amount * MILLION for key, amount in SUPPLEMENTARY_MILLION.items()}


def test_fy2021_total_is_stated_beside_the_listed_sum_and_the_difference(researcher_client):
    # given the source: 令和3年度予算額 876億円, and twelve programmes listed
    listed = sum(fy21 for fy21, _ in INITIAL_MILLION.values()) * MILLION

    # when FY2021 is asked for
    total = _totals(researcher_client.get("/api/programmes").json())[(2021, "initial")]

    # then both are given in yen, with stated minus listed, nothing adjusted
    assert total == {
        "fiscal_year": 2021,
        "kind": "initial",
        "stated_yen": 87_600_000_000,
        "source": "令和3年度予算額 876億円",
        "listed_yen": listed,
        "difference_yen": 87_600_000_000 - listed,
        "programme_count": 12,
    }


def test_fy2020_supplementary_totals_are_reconciled_not_adjusted(researcher_client):
    # given the source: 第1次 29億円, 第2次 9億円, 第3次 75億円 for FY2020
    listed = {}
    for (_code, kind), amount in SUPPLEMENTARY_MILLION.items():
        listed[kind] = listed.get(kind, 0) + amount * MILLION

    # when FY2021 is asked for (its year before is FY2020)
    totals = _totals(researcher_client.get("/api/programmes").json())

    # then each supplementary total is stated, listed (2,856 / 935 / 7,529 百万円),
    # and differs by stated minus listed
    for kind in ("supplementary_1", "supplementary_2", "supplementary_3"):
        stated = STATED_OKU[(2020, kind)] * OKU
        assert totals[(2020, kind)]["stated_yen"] == stated
        assert totals[(2020, kind)]["listed_yen"] == listed[kind]
        assert totals[(2020, kind)]["difference_yen"] == stated - listed[kind]
    assert [
        totals[(2020, k)]["listed_yen"] for k in ("supplementary_1", "supplementary_2", "supplementary_3")
    ] == [
        2_856_000_000,
        935_000_000,
        7_529_000_000,
    ]
    assert [
        totals[(2020, k)]["difference_yen"] for k in ("supplementary_1", "supplementary_2", "supplementary_3")
    ] == [
        44_000_000,
        -35_000_000,
        -29_000_000,
    ]


@pytest.mark.parametrize("written", ["2020", "FY2020", "令和2年度"])
def test_list_for_fy2020_however_it_is_written(researcher_client, written):
    # given the demo data
    # when FY2020 is asked for as 2020, FY2020 or 令和2年度
    response = researcher_client.get("/api/programmes", {"fiscal_year": written})

    # then the FY2020 amounts come back
    assert response.status_code == 200
    body = response.json()
    assert body["fiscal_year"] == 2020
    assert _by_code(body)["translational"]["amount_yen"] == 4_982_000_000
    assert _by_code(body)["translational"]["previous_amount_yen"] is None


@pytest.mark.parametrize("written", ["FY2021", "令和3年度", "2021"])
def test_list_for_fy2021_however_it_is_written(researcher_client, written):
    # given the demo data
    # when FY2021 is asked for as FY2021, 令和3年度 or 2021
    body = researcher_client.get("/api/programmes", {"fiscal_year": written}).json()

    # then the FY2021 amounts come back
    assert body["fiscal_year"] == 2021
    assert _by_code(body)["riken"]["amount_yen"] == 15_417_000_000


def test_an_unreadable_fiscal_year_is_400(researcher_client):
    # given the demo data
    # when fiscal_year=abc is asked for
    response = researcher_client.get("/api/programmes", {"fiscal_year": "abc"})

    # then the answer says how to write a fiscal year
    assert response.status_code == 400
    assert response.json() == {
        "detail": "'abc' is not a fiscal year; write it as 2021, FY2021 or 令和3年度.",
        "code": "invalid_fiscal_year",
    }


def test_an_unrecorded_fiscal_year_is_404_naming_the_recorded_years(researcher_client):
    # given the demo data
    # when fiscal_year=1999 is asked for
    response = researcher_client.get("/api/programmes", {"fiscal_year": "1999"})

    # then the answer names the years that are recorded
    assert response.status_code == 404
    assert response.json() == {
        "detail": "No budget is recorded for fiscal year 1999; recorded years: 2021, 2020.",
        "code": "unknown_fiscal_year",
    }


def test_detail_has_every_budget_and_sub_allocation(researcher_client):
    # given NBRP, with two initial budgets, two supplementary ones and six sub-allocations
    nbrp = Programme.objects.get(code="nbrp")

    # when it is asked for
    response = researcher_client.get(f"/api/programmes/{nbrp.pk}")

    # then every amount is integer yen
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "nbrp"
    assert body["name"] == "ナショナルバイオリソースプロジェクト（内局事業）"
    assert sorted((b["fiscal_year"], b["kind"], b["amount_yen"]) for b in body["budgets"]) == [
        (2020, "initial", 1_316_000_000),
        (2020, "supplementary_2", 935_000_000),
        (2020, "supplementary_3", 344_000_000),
        (2021, "initial", 1_231_000_000),
    ]
    assert all(b["version"] == 1 for b in body["budgets"])
    assert sorted((s["fiscal_year"], s["name"], s["amount_yen"]) for s in body["sub_allocations"]) == [
        (2020, "中核的拠点整備プログラム", 980_000_000),
        (2020, "基盤技術整備プログラム", 50_000_000),
        (2020, "情報センター整備プログラム", 210_000_000),
        (2021, "中核的拠点整備プログラム", 980_000_000),
        (2021, "基盤技術整備プログラム", 10_000_000),
        (2021, "情報センター整備プログラム", 200_000_000),
    ]


def test_detail_names_the_recipients(researcher_client):
    # given the aging project, whose hubs are organisations
    aging = Programme.objects.get(code="aging")

    # when it is asked for
    body = researcher_client.get(f"/api/programmes/{aging.pk}").json()

    # then each sub-allocation carries its recipient's id
    recipients = {s["name"]: s["recipient_id"] for s in body["sub_allocations"]}
    assert recipients == {item.name: item.recipient_id for item in aging.sub_allocations.all()}
    assert None not in recipients.values()


def test_a_programme_id_that_is_not_a_number_is_422(researcher_client):
    # given the demo data
    # when /api/programmes/abc is asked for
    response = researcher_client.get("/api/programmes/abc")

    # then it is refused as invalid input
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert response.json()["detail"].startswith("programme_id:")


def test_an_unknown_programme_is_404(researcher_client):
    # given the demo data
    # when a programme that does not exist is asked for
    response = researcher_client.get("/api/programmes/999999")

    # then the answer says which id was not found
    assert response.status_code == 404
    assert response.json() == {"detail": "No programme has id 999999.", "code": "not_found"}


def test_without_signing_in_the_api_answers_401(client, demo_data):
    # given the demo data and nobody signed in
    # when the list is asked for
    response = client.get("/api/programmes")

    # then it is refused with a hint how to authenticate
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
