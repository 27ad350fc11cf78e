"""The programme pages: a fiscal year's budgets with totals and chart, error pages, one programme in full."""

import re

from kiban.core.testing import page_text, table_rows
from kiban.programmes.models import Programme

from .source import INITIAL_MILLION


def _chart(response) -> str:
    match = re.search(r'<svg id="budget-chart".*?</svg>', response.content.decode(), flags=re.S)
    assert match, "the page has no budget chart"
    return match.group(0)


def test_list_in_japanese_shows_the_stated_total_and_a_bar_per_funded_programme(researcher_client):
    # given the demo data and a researcher reading in Japanese
    # when the programme list opens without a fiscal year
    response = researcher_client.get("/programmes/", HTTP_ACCEPT_LANGUAGE="ja")

    # then it shows FY2021 with the stated 876億円 and one bar per programme, each with its amount
    assert response.status_code == 200
    text = page_text(response)
    assert "2021年度（令和3年度）" in text
    assert "876億円" in text
    chart = _chart(response)
    titles = re.findall(r'<rect class="bar"[^>]*><title>(.*?)</title>', chart)
    names = dict(Programme.objects.values_list("code", "name"))
    assert sorted(titles) == sorted(
        f"{names[code]}: {fy21:,}百万円" for code, (fy21, _) in INITIAL_MILLION.items()
    )


def test_the_largest_programme_has_the_longest_bar(researcher_client):
    # given the demo data; RIKEN has the largest FY2021 budget (15,417百万円)
    # when the list opens
    chart = _chart(researcher_client.get("/programmes/", HTTP_ACCEPT_LANGUAGE="ja"))

    # then RIKEN's bar comes first and is the widest
    widths = [int(w) for w in re.findall(r'<rect class="bar"[^>]*width="(\d+)"', chart)]
    first_title = re.search(r'<rect class="bar"[^>]*><title>(.*?)</title>', chart).group(1)
    assert first_title.startswith("理化学研究所における感染症研究等に貢献する研究開発: 15,417百万円")
    assert widths[0] == max(widths) and widths.count(widths[0]) == 1


def test_list_shows_each_programme_beside_the_year_before(researcher_client):
    # given the demo data
    # when the FY2021 list opens in English
    rows = table_rows(researcher_client.get("/programmes/"), "programme-table")

    # then the translational programme reads 5,223 against 4,982 million, +241 million, +4.8%
    header, *body = rows
    assert header[:3] == ["Programme", "FY2021 (Reiwa 3)", "FY2020 (Reiwa 2)"]
    assert len(body) == len(INITIAL_MILLION)
    translational = next(r for r in body if r[0].startswith("Translational Research Program"))
    assert translational[1:] == ["¥5,223 million", "¥4,982 million", "+¥241 million", "+4.8%", "—"]
    aging = next(r for r in body if r[0].startswith("Project for elucidating"))
    assert aging[1] == "¥1,194 million （案）"


def test_list_shows_the_stated_and_listed_totals_and_their_difference(researcher_client):
    # given the demo data; the source states 876億円 and lists twelve programmes
    listed_million = sum(fy21 for fy21, _ in INITIAL_MILLION.values())

    # when the FY2021 list opens in Japanese
    rows = table_rows(researcher_client.get("/programmes/", HTTP_ACCEPT_LANGUAGE="ja"), "totals")

    # then the FY2021 row keeps 876億円, the listed sum and the difference, without adjusting either
    fy2021 = rows[1]
    assert fy2021[0] == "2021年度（令和3年度）"
    assert fy2021[2:] == [
        "876億円",
        f"{listed_million:,}百万円",
        f"+{87_600 - listed_million:,}百万円",
        "12",
    ]


def test_list_shows_the_fy2020_supplementary_totals_against_the_programmes(researcher_client):
    # given the demo data; 第1次/第2次/第3次補正 are stated as 29億, 9億 and 75億円
    # when the FY2021 list opens in English
    rows = table_rows(researcher_client.get("/programmes/"), "totals")

    # then each supplementary budget is shown as stated, as listed, and stated minus listed
    supplementary = [r[1:5] for r in rows if "supplementary" in r[1]]
    assert supplementary == [
        ["1st supplementary budget", "¥2.9 billion", "¥2,856 million", "+¥44 million"],
        ["2nd supplementary budget", "¥0.9 billion", "¥935 million", "-¥35 million"],
        ["3rd supplementary budget", "¥7.5 billion", "¥7,529 million", "-¥29 million"],
    ]


def test_list_for_fy2020(researcher_client):
    # given the demo data
    # when FY2020 is asked for
    response = researcher_client.get("/programmes/?fy=2020")

    # then the page shows FY2020's amounts and totals, with no year before it recorded
    assert response.status_code == 200
    assert "Programmes and budgets — FY2020 (Reiwa 2)" in page_text(response)
    header, *body = table_rows(response, "programme-table")
    assert header[1:3] == ["FY2020 (Reiwa 2)", "FY2019 (Reiwa 1)"]
    translational = next(r for r in body if r[0].startswith("Translational Research Program"))
    assert translational[1:3] == ["¥4,982 million", "—"]
    totals = table_rows(response, "totals")
    listed = sum(fy20 for _, fy20 in INITIAL_MILLION.values())
    assert totals[1][:5] == [
        "FY2020 (Reiwa 2)",
        "Initial budget",
        "¥86.0 billion",
        f"¥{listed:,} million",
        f"+¥{86_000 - listed:,} million",
    ]
    assert len(re.findall(r'<rect class="bar"', _chart(response))) == len(INITIAL_MILLION)


def test_list_accepts_the_era_name(researcher_client):
    # given the demo data
    # when the fiscal year is written as 令和2年度
    response = researcher_client.get("/programmes/", {"fy": "令和2年度"})

    # then it is FY2020
    assert response.status_code == 200
    assert "Programmes and budgets — FY2020 (Reiwa 2)" in page_text(response)


def test_an_unreadable_fiscal_year_is_a_400_page_saying_how_to_write_it(researcher_client):
    # given the demo data
    # when ?fy=abc is asked for
    response = researcher_client.get("/programmes/?fy=abc")

    # then the page says what went wrong and how to write a fiscal year
    assert response.status_code == 400
    assert "'abc' is not a fiscal year; write it as 2021, FY2021 or 令和3年度." in page_text(response)


def test_an_unrecorded_fiscal_year_is_a_404_listing_the_recorded_years(researcher_client):
    # given the demo data, with budgets for FY2021 and FY2020
    # when FY1999 is asked for
    response = researcher_client.get("/programmes/?fy=1999")

    # then the page says nothing is recorded and links to the years that are
    assert response.status_code == 404
    text = page_text(response)
    assert "No budget is recorded for FY1999 (Heisei 11)." in text
    assert "Fiscal years with budgets: FY2021 (Reiwa 3) , FY2020 (Reiwa 2)" in text
    content = response.content.decode()
    assert 'href="/programmes/?fy=2021"' in content
    assert 'href="/programmes/?fy=2020"' in content


def test_detail_shows_budgets_sub_allocations_their_sum_and_the_remainder(researcher_client, translational):
    # given the translational programme: 5,223百万円 of which 100 + 210 + 4,707 are itemised
    # when its page opens
    response = researcher_client.get(f"/programmes/{translational.pk}/")

    # then the budgets, the itemised sum (5,017) and the unitemised remainder (+206) are shown
    assert response.status_code == 200
    assert table_rows(response, "budgets")[1:] == [
        ["FY2021 (Reiwa 3)", "Initial budget", "¥5,223 million"],
        ["FY2020 (Reiwa 2)", "Initial budget", "¥4,982 million"],
    ]
    assert (
        "Building the hub system ¥100 million Strengthening the network ¥210 million "
        "Developing seeds ¥4,707 million Sum of sub-allocations ¥5,017 million "
        "Programme budget ¥5,223 million Not itemised in the source +¥206 million"
    ) in page_text(response)


def test_detail_shows_supplementary_budgets(researcher_client):
    # given BINDS with FY2020 1st and 3rd supplementary budgets
    binds = Programme.objects.get(code="binds")

    # when its page opens
    response = researcher_client.get(f"/programmes/{binds.pk}/")

    # then every budget is listed, newest year first
    assert table_rows(response, "budgets")[1:] == [
        ["FY2021 (Reiwa 3)", "Initial budget", "¥3,820 million"],
        ["FY2020 (Reiwa 2)", "Initial budget", "¥3,694 million"],
        ["FY2020 (Reiwa 2)", "1st supplementary budget", "¥2,106 million"],
        ["FY2020 (Reiwa 2)", "3rd supplementary budget", "¥3,185 million"],
    ]


def test_detail_of_nbrp_groups_sub_allocations_by_year(researcher_client):
    # given NBRP: FY2021 9.8 + 2.0 + 0.1億円 of 1,231百万円, FY2020 9.8 + 2.1 + 0.5億円 of 1,316百万円
    nbrp = Programme.objects.get(code="nbrp")

    # when its page opens
    text = page_text(researcher_client.get(f"/programmes/{nbrp.pk}/"))

    # then each year's sum and remainder are shown, FY2021 first
    fy2021 = (
        "Sum of sub-allocations ¥1,190 million Programme budget ¥1,231 million "
        "Not itemised in the source +¥41 million"
    )
    fy2020 = (
        "Sum of sub-allocations ¥1,240 million Programme budget ¥1,316 million "
        "Not itemised in the source +¥76 million"
    )
    assert fy2021 in text
    assert fy2020 in text
    assert text.index(fy2021) < text.index(fy2020)


def test_detail_of_the_aging_project_links_its_recipients(researcher_client):
    # given the aging project with hubs at 大阪大学, 東北大学 and 神戸医療産業都市推進機構
    aging = Programme.objects.get(code="aging")

    # when its page opens in Japanese
    response = researcher_client.get(f"/programmes/{aging.pk}/", HTTP_ACCEPT_LANGUAGE="ja")

    # then each recipient is named with its amount, and the remainder of 1,194百万円 is 49百万円
    text = page_text(response)
    assert "研究開発拠点（大阪大学） 大阪大学 502百万円" in text
    assert "研究開発拠点（東北大学） 東北大学 480百万円" in text
    assert "研究推進・支援拠点 神戸医療産業都市推進機構 163百万円" in text
    assert "1,145百万円" in text
    assert "+49百万円" in text


def test_an_unknown_programme_is_404(researcher_client):
    # given the demo data
    # when a programme id that does not exist is asked for
    response = researcher_client.get("/programmes/999999/")

    # then the page says so
    assert response.status_code == 404
    assert "No such programme." in page_text(response)


def test_detail_draws_the_initial_budget_over_the_years_as_a_line(researcher_client, translational):
    # given the translational programme's initial budgets, 4,982百万円 in FY2020 and 5,223百万円 in FY2021
    # when its page opens in Japanese
    response = researcher_client.get(f"/programmes/{translational.pk}/", HTTP_ACCEPT_LANGUAGE="ja")

    # then a line chart has one dot per year, oldest first, each naming its amount
    page = response.content.decode()
    svg = re.search(r'<svg id="budget-history-chart".*?</svg>', page, flags=re.S).group(0)
    dots = re.findall(r"<circle[^>]*><title>(.*?)</title>", svg)
    assert dots == ["当初予算, 2020年度: 4,982百万円", "当初予算, 2021年度: 5,223百万円"]


def test_an_unreadable_page_of_the_list_is_a_400_page(researcher_client):
    response = researcher_client.get("/programmes/", {"page": "x"})
    assert response.status_code == 400
    assert page_text(response).count("Page: Enter a whole number.") == 1
