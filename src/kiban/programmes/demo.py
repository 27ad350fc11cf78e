"""The programmes and budgets of the seed document's first pages, exactly as it states them."""

from django.db import transaction

from kiban.core.demo import save_demo_record
from kiban.core.models import Organisation
from kiban.core.money import million_yen, oku_yen

from .choices import BudgetKind
from .models import Programme, ProgrammeBudget, StatedTotal, SubAllocation

S1, S2, S3 = BudgetKind.SUPPLEMENTARY_1, BudgetKind.SUPPLEMENTARY_2, BudgetKind.SUPPLEMENTARY_3

# code, name, English name, short name, field heading, FY2021 and FY2020 in 百万円,
# FY2020 supplementary budgets in 百万円, note (Japanese), note (English)
PROGRAMMES = [
    (
        "translational",
        "橋渡し研究プログラム（橋渡し研究戦略的推進プログラム含む）",
        "Translational Research Program (including the Strategic Promotion Program)",
        "橋渡し",
        "【橋渡し研究】",
        5223,
        4982,
        {},
        "感染症に係るシーズを対象とした重点的な支援を実施。",
        "Focused support for seeds related to infectious diseases.",
    ),
    (
        "cancer",
        "次世代がん医療創生研究事業",
        "Project for Cancer Research and Therapeutic Evolution",
        "P-CREATE",
        "【がん】",
        3551,
        3551,
        {},
        "",
        "",
    ),
    (
        "international",
        "医療分野国際科学技術共同研究開発推進事業",
        "International collaborative research programme in medical science",
        "",
        "【国際共同研究】",
        1049,
        1049,
        {},
        "",
        "",
    ),
    (
        "advanced",
        "革新的先端研究開発支援事業",
        "Advanced Research and Development Programs for Medical Innovation",
        "",
        "【シーズ創出】",
        9799,
        8796,
        {},
        "",
        "",
    ),
    (
        "infectious",
        "新興・再興感染症研究基盤創生事業",
        "Research Program on Emerging and Re-emerging Infectious Diseases (research base)",
        "",
        "【感染症研究の基礎的・基盤的研究開発】",
        3738,
        3014,
        {S1: 750},
        "",
        "",
    ),
    (
        "binds",
        "創薬等ライフサイエンス研究支援基盤事業",
        "Basis for Supporting Innovative Drug Discovery and Life Science Research",
        "BINDS",
        "【創薬支援】",
        3820,
        3694,
        {S1: 2106, S3: 3185},
        "",
        "",
    ),
    (
        "biologics",
        "先端的バイオ創薬等基盤技術開発事業",
        "Advanced biopharmaceutical technology platform programme",
        "",
        "",
        1316,
        1261,
        {},
        "感染症を含む様々な疾患に対するワクチン開発を推進するための基盤技術開発を推進。",
        "Platform technologies for vaccine development against diseases including infections.",
    ),
    (
        "nbrp",
        "ナショナルバイオリソースプロジェクト（内局事業）",
        "National BioResource Project",
        "NBRP",
        "【バイオリソースの整備】",
        1231,
        1316,
        {S2: 935, S3: 344},
        "",
        "",
    ),
    (
        "bcure",
        "ゲノム医療実現バイオバンク利活用プログラム",
        "Biobank Construction and Utilization program for genomic medicine REalization",
        "B-cure",
        "【ゲノム医療】",
        4681,
        4257,
        {S3: 4000},
        "資料の概要では【ゲノム医療】の下に2回（うち1回は【再掲】）記載されているが、1事業として計上。",
        "The overview lists it twice under 【ゲノム医療】 (once as 【再掲】, a repeat); it is counted once.",
    ),
    (
        "regenerative",
        "再生医療実現拠点ネットワークプログラム",
        "Research Center Network for Realization of Regenerative Medicine",
        "",
        "【再生医療】",
        9066,
        9066,
        {},
        "",
        "",
    ),
    (
        "riken",
        "理化学研究所における感染症研究等に貢献する研究開発",
        "RIKEN research and development contributing to infectious-disease research",
        "理研",
        "",
        15417,
        15210,
        {},
        "※理化学研究所運営費交付金中の推計額",
        "An estimate within RIKEN's operating grant.",
    ),
    (
        "aging",
        "老化メカニズムの解明・制御プロジェクト",
        "Project for elucidating and controlling mechanisms of aging",
        "老化",
        "",
        1194,
        1219,
        {},
        "令和3年度予算額は（案）として記載。",
        "The FY2021 amount is stated as a request (案).",
    ),
]

# programme code, fiscal year, name, English name, recipient, amount (百万円; 億円 where the source says so)
SUB_ALLOCATIONS = [
    ("translational", 2021, "拠点体制の構築", "Building the hub system", None, million_yen(100)),
    ("translational", 2021, "ネットワークの強化", "Strengthening the network", None, million_yen(210)),
    ("translational", 2021, "シーズの育成", "Developing seeds", None, million_yen(4707)),
    ("aging", 2021, "研究開発拠点（大阪大学）", "R&D hub (Osaka University)", "大阪大学", million_yen(502)),
    ("aging", 2021, "研究開発拠点（東北大学）", "R&D hub (Tohoku University)", "東北大学", million_yen(480)),
    (
        "aging",
        2021,
        "研究推進・支援拠点",
        "Research promotion and support hub",
        "神戸医療産業都市推進機構",
        million_yen(163),
    ),
    ("nbrp", 2021, "中核的拠点整備プログラム", "Core hub programme", None, oku_yen("9.8")),
    ("nbrp", 2021, "情報センター整備プログラム", "Information centre programme", None, oku_yen("2.0")),
    ("nbrp", 2021, "基盤技術整備プログラム", "Fundamental technology programme", None, oku_yen("0.1")),
    ("nbrp", 2020, "中核的拠点整備プログラム", "Core hub programme", None, oku_yen("9.8")),
    ("nbrp", 2020, "情報センター整備プログラム", "Information centre programme", None, oku_yen("2.1")),
    ("nbrp", 2020, "基盤技術整備プログラム", "Fundamental technology programme", None, oku_yen("0.5")),
]

STATED_TOTALS = [
    (2021, BudgetKind.INITIAL, oku_yen(876), "令和3年度予算額 876億円"),
    (2020, BudgetKind.INITIAL, oku_yen(860), "前年度予算額 860億円"),
    (2020, S1, oku_yen(29), "令和2年度第1次補正予算額 29億円"),
    (2020, S2, oku_yen(9), "令和2年度第2次補正予算額 9億円"),
    (2020, S3, oku_yen(75), "令和2年度第3次補正予算額 75億円"),
]


@transaction.atomic
def load_programmes() -> None:
    """Creates or updates the programmes and budgets; running it again changes nothing."""
    programmes = {}
    for order, (code, name, name_en, short, field, fy2021, fy2020, supplementary, note, note_en) in enumerate(
        PROGRAMMES, start=1
    ):
        programme = Programme.objects.filter(code=code).first() or Programme(code=code)
        programmes[code] = save_demo_record(
            programme,
            name=name,
            name_en=name_en,
            short_name=short,
            field=field,
            note=note,
            note_en=note_en,
            sort_order=order,
        )
        amounts = [(2021, BudgetKind.INITIAL, fy2021), (2020, BudgetKind.INITIAL, fy2020)]
        amounts += [(2020, kind, amount) for kind, amount in supplementary.items()]
        for year, kind, amount in amounts:
            if not ProgrammeBudget.objects.filter(programme=programme, fiscal_year=year, kind=kind).exists():
                save_demo_record(
                    ProgrammeBudget(programme=programme, fiscal_year=year, kind=kind),
                    amount_yen=million_yen(amount),
                    is_request=(code == "aging" and year == 2021),
                )
    for order, (code, year, name, name_en, recipient, amount) in enumerate(SUB_ALLOCATIONS):
        existing = SubAllocation.objects.filter(
            programme=programmes[code], fiscal_year=year, name=name
        ).first()
        if existing is None:
            save_demo_record(
                SubAllocation(programme=programmes[code], fiscal_year=year, name=name),
                name_en=name_en,
                amount_yen=amount,
                sort_order=order,
                recipient=Organisation.objects.get(name=recipient) if recipient else None,
            )
    for year, kind, amount, source in STATED_TOTALS:
        if not StatedTotal.objects.filter(fiscal_year=year, kind=kind).exists():
            save_demo_record(StatedTotal(fiscal_year=year, kind=kind), amount_yen=amount, source=source)
