"""The cryo-EM network page: instruments per tier and voltage as itemised, beside the stated counts."""

import itertools
import re

from kiban.core.choices import Role
from kiban.core.models import Organisation
from kiban.core.testing import (
    SIGNED_IN,
    Access,
    assert_constant_queries,
    assert_permission_matrix,
    client_for,
    text_of,
)
from kiban.facilities.demo import load_facilities
from kiban.facilities.models import InstrumentHolding, StatedInstrumentCount

# As the source itemises them (lines 700-716): sites with their count, and the stated total per tier.
E2_300 = {
    "東京大学": 3,
    "大阪大学": 4,
    "筑波大学": 1,
    "九州大学": 1,
    "沖縄科学技術大学院大学": 1,
    "北海道大学": 1,
    "東北大学": 1,
}
E1_200 = {
    "東京大学": 3,
    "名古屋大学": 1,
    "大阪大学": 3,
    "沖縄科学技術大学院大学": 2,
    "理化学研究所": 1,
    "高エネルギー加速器研究機構": 1,
    "筑波大学": 1,
    "九州大学": 1,
}
F1_300 = {"名古屋大学": 1, "大阪大学": 1, "兵庫県立大学": 1, "九州大学": 1, "理化学研究所": 2}
F1_200 = {
    "北海道大学": 1,
    "山梨大学": 1,
    "生理学研究所": 3,
    "京都大学": 2,
    "大阪市立大学": 1,
    "兵庫県立大学": 3,
    "理化学研究所": 2,
    "神戸大学": 1,
    "九州大学": 2,
    "九州工業大学": 3,
}


def _sections(response) -> dict[str, tuple[str, list[list[str]]]]:
    """Each tier's heading: its summary line and its rows of (site, instruments, note)."""
    content = response.content.decode()
    sections = {}
    for heading, summary, body in re.findall(
        r"<h2>(.*?)</h2>\s*<p>(.*?)</p>.*?<tbody>(.*?)</tbody>", content, re.S
    ):
        rows = [
            [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
        ]
        sections[text_of(heading)] = (text_of(summary), rows)
    return sections


def test_demo_holdings_are_the_sources_itemised_sites(demo_data):
    # given the demo data
    # when the holdings are read per tier and voltage
    def holdings(tier, voltage):
        return dict(
            InstrumentHolding.objects.filter(tier=tier, voltage=voltage).values_list("site__name", "count")
        )

    # then each tier lists exactly the sites and counts of the source
    assert holdings("E2", "300") == E2_300
    assert holdings("E1", "200") == E1_200
    assert holdings("F1", "300") == F1_300
    assert holdings("F1", "200") == F1_200
    assert InstrumentHolding.objects.count() == len(E2_300) + len(E1_200) + len(F1_300) + len(F1_200)
    stated = {(s.tier, s.voltage): s.stated_count for s in StatedInstrumentCount.objects.all()}
    assert stated == {("E2", "300"): 12, ("E1", "200"): 13, ("F1", "300"): 6, ("F1", "200"): 17}


def test_only_kyushus_binds_instruments_are_planned_for_fy2021(demo_data):
    # given the demo data; the source marks 九大 with *1 (R3 措置予定) in E2 and E1
    # when the holdings with a start year are read
    planned = set(
        InstrumentHolding.objects.filter(in_service_from_fy__isnull=False).values_list(
            "site__name", "tier", "in_service_from_fy"
        )
    )

    # then they are Kyushu's E2 and E1 instruments, from FY2021, and no other
    assert planned == {("九州大学", "E2", 2021), ("九州大学", "E1", 2021)}


def test_page_shows_each_tier_stated_and_itemised(researcher_client):
    # given the demo data
    # when the network page opens
    response = researcher_client.get("/facilities/cryo-em/")

    # then each tier shows its stated and itemised count; only F1 ≤200 keV differs, by +2
    assert response.status_code == 200
    sections = _sections(response)
    assert {heading: summary for heading, (summary, _) in sections.items()} == {
        "E2 (BINDS, high resolution), 300 keV": "Stated: 12 · Itemised: 12",
        "E1 (BINDS, screening), 200 keV or less": "Stated: 13 · Itemised: 13",
        "F1 (outside BINDS), 300 keV": "Stated: 6 · Itemised: 6",
        "F1 (outside BINDS), 200 keV or less": "Stated: 17 · Itemised: 19 · Difference: +2",
    }
    assert list(sections) == [
        "E2 (BINDS, high resolution), 300 keV",
        "E1 (BINDS, screening), 200 keV or less",
        "F1 (outside BINDS), 300 keV",
        "F1 (outside BINDS), 200 keV or less",
    ]


def test_page_lists_the_sites_with_their_instruments(researcher_client):
    # given the demo data
    # when the network page opens in Japanese
    sections = _sections(researcher_client.get("/facilities/cryo-em/", HTTP_ACCEPT_LANGUAGE="ja"))

    # then each tier's table has the source's sites and counts
    tables = [rows for _summary, rows in sections.values()]
    assert [{site: int(count) for site, count, _note in rows} for rows in tables] == [
        E2_300,
        E1_200,
        F1_300,
        F1_200,
    ]


def test_page_marks_kyushus_e2_instrument_in_service_from_fy2021(researcher_client):
    # given the demo data
    # when the network page opens
    sections = _sections(researcher_client.get("/facilities/cryo-em/"))

    # then Kyushu's E2 row says it is in service from FY2021, and its F1 rows say nothing
    _summary, e2 = sections["E2 (BINDS, high resolution), 300 keV"]
    assert ["Kyushu University", "1", "In service from FY2021 (Reiwa 3)"] in e2
    assert [row for row in e2 if row[2]] == [["Kyushu University", "1", "In service from FY2021 (Reiwa 3)"]]
    _summary, f1 = sections["F1 (outside BINDS), 300 keV"]
    assert ["Kyushu University", "1", ""] in f1


def test_loading_the_facilities_again_changes_nothing(demo_data):
    # given the demo data
    before = (
        InstrumentHolding.objects.count(),
        InstrumentHolding.history.count(),
        StatedInstrumentCount.history.count(),
    )

    # when the facilities are loaded again
    load_facilities()

    # then no holding, stated count or history record is added
    after = (
        InstrumentHolding.objects.count(),
        InstrumentHolding.history.count(),
        StatedInstrumentCount.history.count(),
    )
    assert after == before


def test_every_signed_in_user_may_see_the_network(demo_data):
    # given the demo data
    # when every role opens the network page
    # then anyone signed in may, and anonymous visitors are sent to sign in
    assert_permission_matrix([Access("GET", "/facilities/cryo-em/", SIGNED_IN)])


def test_network_page_queries_do_not_grow_with_holdings(demo_data):
    # given the demo data, then 5 and 10 more sites each holding instruments
    numbers = itertools.count(1)

    def add_holdings(count: int) -> None:
        for _ in range(count):
            n = next(numbers)
            site = Organisation.objects.create(name=f"試験施設{n}", kind="facility_site")
            InstrumentHolding.objects.create(
                site=site, tier=["E2", "E1", "F1"][n % 3], voltage=["300", "200"][n % 2], count=n
            )

    # when the page is opened each time
    # then it runs the same number of queries
    assert_constant_queries(client_for(Role.RESEARCHER), "/facilities/cryo-em/", add_holdings)
