"""The demo data states every programme's budget exactly as the seed document does, and loads idempotently."""

from kiban.core.models import Organisation
from kiban.facilities.demo import load_facilities
from kiban.facilities.models import InstrumentHolding, StatedInstrumentCount
from kiban.programmes.demo import load_programmes
from kiban.programmes.models import Programme, ProgrammeBudget, StatedTotal, SubAllocation

from .source import INITIAL_MILLION, MILLION, OKU, STATED_OKU, SUPPLEMENTARY_MILLION


def _initial(code: str, year: int) -> int:
    return ProgrammeBudget.objects.get(programme__code=code, fiscal_year=year, kind="initial").amount_yen


def test_every_programme_has_the_source_amounts_in_yen(demo_data):
    # given the demo data
    # when the initial budgets are read per programme
    recorded = {
        code: (_initial(code, 2021), _initial(code, 2020))
        for code in Programme.objects.values_list("code", flat=True)
    }

    # then each is the source's 百万円 figure in whole yen, and there are exactly the source's programmes
    assert recorded == {
        code: (fy21 * MILLION, fy20 * MILLION) for code, (fy21, fy20) in INITIAL_MILLION.items()
    }


def test_translational_and_riken_amounts_spelled_out(demo_data):
    # given the demo data
    # when / then "5,223百万円（4,982百万円）" and "15,417百万円（15,210百万円）" are these yen
    assert _initial("translational", 2021) == 5_223_000_000
    assert _initial("translational", 2020) == 4_982_000_000
    assert _initial("riken", 2021) == 15_417_000_000
    assert _initial("riken", 2020) == 15_210_000_000


def test_only_fy2020_has_the_supplementary_budgets_the_source_states(demo_data):
    # given the demo data
    # when the supplementary budgets are read
    supplementary = {
        (b.programme.code, b.kind): b.amount_yen
        for b in ProgrammeBudget.objects.exclude(kind="initial").select_related("programme")
    }
    years = set(ProgrammeBudget.objects.exclude(kind="initial").values_list("fiscal_year", flat=True))

    # then they are the six the source lists, all in FY2020
    assert supplementary == {key: amount * MILLION for key, amount in SUPPLEMENTARY_MILLION.items()}
    assert supplementary[("bcure", "supplementary_3")] == 4_000_000_000
    assert years == {2020}


def test_bcure_is_counted_once_although_the_source_lists_it_twice(demo_data):
    # given the demo data (the source repeats B-cure under 【ゲノム医療】 as 【再掲】)
    # when programmes called B-cure are looked up
    bcure = Programme.objects.filter(short_name="B-cure")

    # then there is one, with one FY2021 and one FY2020 initial budget
    assert bcure.count() == 1
    assert ProgrammeBudget.objects.filter(programme__in=bcure, kind="initial").count() == 2


def test_the_aging_fy2021_amount_is_marked_as_a_request(demo_data):
    # given the demo data; the source states 令和3年度予算額（案） 1,194百万円
    budget = ProgrammeBudget.objects.get(programme__code="aging", fiscal_year=2021, kind="initial")

    # then it is kept as a request, and the year before is not
    assert budget.is_request is True
    assert (
        ProgrammeBudget.objects.get(programme__code="aging", fiscal_year=2020, kind="initial").is_request
        is False
    )


def test_translational_sub_allocations(demo_data):
    # given the demo data
    # when the translational programme's FY2021 sub-allocations are read in order
    items = SubAllocation.objects.filter(programme__code="translational", fiscal_year=2021).order_by(
        "sort_order"
    )

    # then they are 拠点体制の構築 100, ネットワークの強化 210 and シーズの育成 4,707 百万円
    assert [(i.name, i.amount_yen) for i in items] == [
        ("拠点体制の構築", 100_000_000),
        ("ネットワークの強化", 210_000_000),
        ("シーズの育成", 4_707_000_000),
    ]


def test_aging_sub_allocations_name_their_recipients(demo_data):
    # given the demo data
    # when the aging project's FY2021 sub-allocations are read
    items = SubAllocation.objects.filter(programme__code="aging", fiscal_year=2021).order_by("sort_order")

    # then 502, 480 and 163 百万円 go to 大阪大学, 東北大学 and 神戸医療産業都市推進機構
    assert [(i.recipient.name, i.amount_yen) for i in items] == [
        ("大阪大学", 502_000_000),
        ("東北大学", 480_000_000),
        ("神戸医療産業都市推進機構", 163_000_000),
    ]


def test_nbrp_sub_allocations_in_oku_yen(demo_data):
    # given the demo data; the source states
    # ９．８億円（９．８億円）, ２．０億円（２．１億円）, ０．１億円（０．５億円）
    def amounts(year):
        return {
            i.name: i.amount_yen
            for i in SubAllocation.objects.filter(programme__code="nbrp", fiscal_year=year)
        }

    # then the amounts are exact yen, not rounded 百万円 or floats
    assert amounts(2021) == {
        "中核的拠点整備プログラム": 980_000_000,
        "情報センター整備プログラム": 200_000_000,
        "基盤技術整備プログラム": 10_000_000,
    }
    assert amounts(2020) == {
        "中核的拠点整備プログラム": 980_000_000,
        "情報センター整備プログラム": 210_000_000,
        "基盤技術整備プログラム": 50_000_000,
    }


def test_stated_totals_are_kept_as_stated(demo_data):
    # given the demo data
    # when the stated totals are read
    stated = {(t.fiscal_year, t.kind): t.amount_yen for t in StatedTotal.objects.all()}

    # then they are 876億, 860億 and the three FY2020 supplementary totals, in yen
    assert stated == {key: oku * OKU for key, oku in STATED_OKU.items()}
    assert stated[(2021, "initial")] == 87_600_000_000


def _counts() -> dict[str, int]:
    models = [
        Programme,
        ProgrammeBudget,
        SubAllocation,
        StatedTotal,
        InstrumentHolding,
        StatedInstrumentCount,
    ]
    counts = {m.__name__: m.objects.count() for m in models}
    counts |= {f"{m.__name__} history": m.history.count() for m in models}
    counts["Organisation"] = Organisation.objects.count()
    return counts


def test_loading_the_demo_again_changes_nothing(demo_data):
    # given the demo data, loaded once
    before = _counts()
    budget_versions = dict(ProgrammeBudget.objects.values_list("pk", "version"))

    # when the programmes and facilities are loaded again
    load_programmes()
    load_facilities()

    # then no row and no history record is added, and no budget changes version
    assert _counts() == before
    assert dict(ProgrammeBudget.objects.values_list("pk", "version")) == budget_versions


def test_loading_again_keeps_a_corrected_amount(demo_data):
    # given a ministry official's correction of a demo amount
    budget = ProgrammeBudget.objects.get(programme__code="cancer", fiscal_year=2021, kind="initial")
    budget.amount_yen = 3_600_000_000
    budget.save()

    # when the demo is loaded again
    load_programmes()

    # then the correction stays
    budget.refresh_from_db()
    assert budget.amount_yen == 3_600_000_000
