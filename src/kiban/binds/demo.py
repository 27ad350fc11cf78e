"""BINDS demo data: the units and their menu as the source's figure names them (創薬等ライフサイエンス研究支援
基盤事業), unit staff and headquarters (PS/PO) who can sign in, and applications in every state, among them a
cross-unit one carried out to its outcomes. Turnarounds, the delivering institutions (except the cryo-EM
network's E2 sites, which the source names) and the applications are examples."""

import datetime

from django.db import transaction
from django.utils import timezone

from kiban.core.choices import Role
from kiban.core.demo import demo_user, load_core, save_demo_record
from kiban.core.models import Organisation, User

from . import services
from .choices import Funding, OutcomeKind, UnitRole
from .models import MenuItem, RequestedItem, SupportApplication, SupportTask, SupportUnit, UnitMember

# code, name, name_en, description, description_en, headquarters
UNITS = [
    (
        "structure",
        "構造解析ユニット",
        "Structure analysis unit",
        "タンパク質構造解析手法による創薬標的候補分子の機能解析や高度な構造生命科学研究の支援等",
        "Functional analysis of drug-target candidates by protein structure analysis; advanced "
        "structural life science.",
        False,
    ),
    (
        "chemical",
        "ケミカルシーズ・リード探索ユニット",
        "Chemical seeds and lead discovery unit",
        "化合物ライブラリー提供、ハイスループットスクリーニング、有機合成までの一貫した創薬シーズ探索支援等",
        "Drug-seed discovery from the compound library through high-throughput screening "
        "to organic synthesis.",
        False,
    ),
    (
        "biological",
        "バイオロジカルシーズ探索ユニット",
        "Biological seeds discovery unit",
        "構造解析等で見出された創薬標的候補の臨床予見性評価やHTSヒット化合物の活性評価の支援等",
        "Clinical predictivity of drug-target candidates found by structure analysis "
        "and activity of HTS hits.",
        False,
    ),
    (
        "insilico",
        "インシリコユニット",
        "In silico unit",
        "生物試料分析（Wet）とインフォマティクス（Dry）の融合研究による創薬標的候補の機能推定や化合物ドッキングシミュレーションの支援等",
        "Function estimation of drug-target candidates by wet/dry integration "
        "and compound docking simulation.",
        False,
    ),
    (
        "platform",
        "プラットフォーム機能最適化ユニット",
        "Platform function optimisation unit",
        "情報の統合・分析等による創薬等研究戦略の支援等",
        "Research strategy support through information integration and analysis.",
        False,
    ),
    (
        "genomics-admet",
        "ゲノミクス解析／非臨床評価(探索的ADMET)",
        "Genomics / non-clinical evaluation (exploratory ADMET)",
        "疾患モデル動物やヒト疾患組織等に対するオミクス解析などの支援",
        "Omics analysis of disease-model animals and human disease tissue.",
        False,
    ),
    (
        "hq",
        "ヘッドクォーター",
        "Headquarters",
        "〔ＰＳ/ＰＯ〕ユニット間連携や先端的バイオ創薬等基盤技術開発事業等との連携を促進",
        "PS/PO: promotes collaboration between units and with the advanced "
        "biopharmaceutical technology programme.",
        True,
    ),
]

E2_SITES = [
    "東京大学",
    "大阪大学",
    "筑波大学",
    "九州大学",
    "沖縄科学技術大学院大学",
    "北海道大学",
    "東北大学",
]
# code, unit, name, name_en, provides, provides_en, weeks, cryo-EM, institutions (examples unless E2 sites)
MENU = [
    (
        "membrane-protein",
        "structure",
        "膜タンパク等高難度タンパク質試料の生産（発現、精製、結晶化及び性状評価など）",
        "Production of membrane and other difficult proteins "
        "(expression, purification, crystallisation, characterisation)",
        "標的タンパク質の配列情報（UniProt アクセッション）",
        "The target's sequence (UniProt accession)",
        12,
        False,
        ["東京大学", "理化学研究所"],
    ),
    (
        "synchrotron",
        "structure",
        "世界最高水準の放射光施設を活用したタンパク質構造解析",
        "Protein structure analysis at world-class synchrotron facilities",
        "結晶試料",
        "Crystals",
        6,
        False,
        ["高エネルギー加速器研究機構", "理化学研究所"],
    ),
    (
        "cryo-em-spa",
        "structure",
        "最新型クライオ電子顕微鏡による単粒子解析",
        "Cryo-EM single-particle analysis",
        "精製タンパク質試料（グリッド作製前）",
        "Purified protein (before grid preparation)",
        8,
        True,
        E2_SITES,
    ),
    (
        "compound-library",
        "chemical",
        "化合物ライブラリー提供",
        "Compound library provision",
        "アッセイ系の概要",
        "An outline of the assay",
        4,
        False,
        ["東京大学"],
    ),
    (
        "hts",
        "chemical",
        "ハイスループットスクリーニング（HTS）",
        "High-throughput screening (HTS)",
        "確立したアッセイ系と標的タンパク質",
        "An established assay and the target protein",
        10,
        False,
        ["東京大学"],
    ),
    (
        "synthesis",
        "chemical",
        "化合物の構造最適化や新規骨格を持つ化合物合成（有機合成）",
        "Structure optimisation and synthesis of compounds with new scaffolds (organic synthesis)",
        "ヒット化合物の構造と活性データ",
        "Structures and activity of the hits",
        16,
        False,
        ["大阪大学"],
    ),
    (
        "clinical-predictivity",
        "biological",
        "創薬標的候補の臨床予見性評価",
        "Clinical predictivity of drug-target candidates",
        "標的と疾患の仮説",
        "The target and disease hypothesis",
        12,
        False,
        ["京都大学"],
    ),
    (
        "hit-activity",
        "biological",
        "HTSヒット化合物の活性評価",
        "Activity evaluation of HTS hits",
        "ヒット化合物",
        "The hit compounds",
        8,
        False,
        ["京都大学"],
    ),
    (
        "docking",
        "insilico",
        "化合物ドッキングシミュレーション",
        "Compound docking simulation",
        "標的の立体構造（PDB ID または座標）",
        "The target's structure (PDB ID or coordinates)",
        4,
        False,
        ["理化学研究所"],
    ),
    (
        "structure-informatics",
        "insilico",
        "構造インフォマティクス技術によるタンパク質立体構造や生体分子や化合物との相互作用の推定",
        "Structure informatics: prediction of protein structures "
        "and their interactions with biomolecules and compounds",
        "配列または構造",
        "Sequence or structure",
        6,
        False,
        ["大阪大学"],
    ),
    (
        "database",
        "platform",
        "データベース構築・公開解析ツール活用支援",
        "Database construction and use of public analysis tools",
        "データと利用目的",
        "The data and its purpose",
        8,
        False,
        ["理化学研究所"],
    ),
    (
        "omics",
        "genomics-admet",
        "疾患モデル動物やヒト疾患組織等に対するオミクス解析",
        "Omics analysis of disease-model animals and human disease tissue",
        "組織試料と倫理審査の承認",
        "Tissue samples and the ethics approval",
        12,
        False,
        ["東北大学"],
    ),
    (
        "admet",
        "genomics-admet",
        "非臨床評価（探索的ADMET）",
        "Non-clinical evaluation (exploratory ADMET)",
        "評価する化合物",
        "The compounds to evaluate",
        8,
        False,
        ["大阪大学"],
    ),
]

# username, display name, institution, unit, role
STAFF = [
    ("binds_ps", "中村 聡（PS）", "理化学研究所", "hq", UnitRole.PS),
    ("binds_po", "小林 恵（PO）", "日本医療研究開発機構", "hq", UnitRole.PO),
    ("binds_structure", "高橋 誠", "東京大学", "structure", UnitRole.LEAD),
    ("binds_structure_staff", "田中 優", "大阪大学", "structure", UnitRole.STAFF),
    ("binds_chemical", "渡辺 剛", "東京大学", "chemical", UnitRole.LEAD),
    ("binds_biological", "山本 直子", "京都大学", "biological", UnitRole.LEAD),
    ("binds_insilico", "松本 亮", "理化学研究所", "insilico", UnitRole.LEAD),
    ("binds_platform", "井上 明", "理化学研究所", "platform", UnitRole.LEAD),
    ("binds_genomics", "木村 薫", "東北大学", "genomics-admet", UnitRole.LEAD),
]
APPLICANTS = [("researcher", None), ("binds_young", ("若手 翔", "北海道大学"))]


def _units(organisations) -> dict[str, SupportUnit]:
    units = {}
    for order, (code, name, name_en, description, description_en, hq) in enumerate(UNITS):
        units[code] = save_demo_record(
            SupportUnit.objects.filter(code=code).first() or SupportUnit(code=code),
            name=name,
            name_en=name_en,
            description=description,
            description_en=description_en,
            is_headquarters=hq,
            sort_order=order,
        )
    for order, (code, unit, name, name_en, provides, provides_en, weeks, cryo, sites) in enumerate(MENU):
        item = save_demo_record(
            MenuItem.objects.filter(code=code).first() or MenuItem(code=code),
            unit=units[unit],
            name=name,
            name_en=name_en,
            applicant_provides=provides,
            applicant_provides_en=provides_en,
            turnaround_weeks=weeks,
            turnaround_is_example=True,
            is_cryo_em=cryo,
            delivery_is_example=not cryo,
            sort_order=order,
        )
        item.institutions.set([organisations[name] for name in sites])
    return units


def _people(organisations, units) -> dict[str, User]:
    people = {}
    for username, display, institution, unit, role in STAFF:
        role_core = Role.AGENCY_OFFICER if institution == "日本医療研究開発機構" else Role.RESEARCHER
        user = demo_user(username, display, organisations[institution], role_core, "BINDS")
        if not UnitMember.objects.filter(user=user, unit=units[unit], role=role).exists():
            save_demo_record(UnitMember(user=user, unit=units[unit], role=role))
        people[username] = user
    for username, created in APPLICANTS:
        if created:
            display, institution = created
            demo_user(username, display, organisations[institution], Role.RESEARCHER, "助教")
        people[username] = User.objects.get(username=username)
    for code, member in (
        ("membrane-protein", "binds_structure_staff"),
        ("cryo-em-spa", "binds_structure"),
        ("hts", "binds_chemical"),
        ("docking", "binds_insilico"),
    ):
        MenuItem.objects.get(code=code).staff.add(people[member])
    return people


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _apply(
    people, applicant, title, items, *, funding, young=False, confidential=False, submit=True, on=None
):
    actor = people[applicant]
    application = services.application_create(
        actor=actor,
        title=title,
        research_summary=f"{title}（デモ）: 標的の構造と機能を明らかにし、リード化合物の探索につなげる。",
        target_name="デモ受容体 DR1",
        uniprot_accession="P69905",
        funding=funding,
        funding_detail="デモ課題番号" if funding != Funding.NONE else "",
        young_researcher=young,
        confidential=confidential,
    )
    for code, handoff, e2 in items:
        services.item_add(
            application=application,
            menu_item=MenuItem.objects.get(code=code),
            handoff_note=handoff,
            e2_days=e2,
            actor=actor,
        )
    if submit:
        services.application_submit(application=application, actor=actor)
        _backdate(application, submitted_at=_at(on))
    return application


def _backdate(record, **values) -> None:
    """Demo dates in the past, so that the dashboards' times show figures (a history row says so)."""
    save_demo_record(record, **values)


def _route_all(application, people) -> list[RequestedItem]:
    items = list(application.items.order_by("position"))
    for item in items:
        services.item_route(item=item, unit=item.menu_item.unit, actor=people["binds_ps"])
    return items


def _lead(item) -> User:
    return UnitMember.objects.get(unit=item.unit, role=UnitRole.LEAD).user


def _screen(items, people, decisions, on):
    for item, accept in zip(items, decisions, strict=True):
        item.refresh_from_db()
        if accept:
            services.item_accept(item=item, actor=_lead(item), reason="支援可能（デモ）")
        else:
            services.item_decline(item=item, actor=_lead(item), reason="当ユニットの対象外（デモ）")
    application = items[0].application
    application.refresh_from_db()
    _backdate(application, decided_at=_at(on))


def _carry_out(application, days: list[tuple[datetime.date, datetime.date | None]]):
    tasks = list(SupportTask.objects.filter(item__application=application).order_by("item__position"))
    for task, (start, end) in zip(tasks, days, strict=False):
        task.refresh_from_db()
        lead = _lead(task.item)
        services.task_plan(
            task=task, actor=lead, responsible=lead, planned_start=start, planned_end=end or start
        )
        services.task_start(task=task, actor=lead, on=start)
        if end:
            services.task_finish(task=task, actor=lead, on=end, result_note="次工程へ引き渡し（デモ）")


@transaction.atomic
def load_binds() -> None:
    """Creates the units, menu, staff and demo applications; running it again changes nothing."""
    organisations = {o.name: o for o in Organisation.objects.all()} or load_core()
    units = _units(organisations)
    people = _people(organisations, units)
    if SupportApplication.objects.filter(
        created_by=people["researcher"], title__endswith="（デモ）"
    ).exists():
        return
    today = timezone.localdate()
    day = lambda ago: today - datetime.timedelta(days=ago)  # noqa: E731

    # A cross-unit application carried out to its outcomes: protein → cryo-EM → docking.
    done = _apply(
        people,
        "researcher",
        "膜輸送体の構造に基づく阻害剤探索（デモ）",
        [
            ("membrane-protein", "精製タンパク質 2 mg", 0),
            ("cryo-em-spa", "3.0 Å の密度マップと原子モデル", 3),
            ("docking", "", 0),
        ],
        funding=Funding.KAKEN,
        on=day(400),
    )
    _screen(_route_all(done, people), people, [True, True, True], day(380))
    _carry_out(done, [(day(370), day(300)), (day(295), day(250)), (day(245), day(220))])
    done.refresh_from_db()
    _backdate(done, started_at=_at(day(370)), completed_at=_at(day(220)))
    researcher = people["researcher"]
    services.report_submit(
        application=done, actor=researcher, summary="構造決定とドッキングを完了（デモ）", is_final=True
    )
    for kind, identifier, unit in (
        (OutcomeKind.PAPER, "10.1038/s41586-020-2012-7", "structure"),
        (OutcomeKind.PDB, "7K3G", "structure"),
        (OutcomeKind.EMDB, "EMD-22898", "structure"),
        (OutcomeKind.PAPER, "10.1021/acs.jmedchem.0c01234", "insilico"),
    ):
        services.outcome_add(
            application=done,
            actor=researcher,
            unit=units[unit],
            kind=kind,
            identifier=identifier,
            title="デモ成果",
            acknowledges_binds=True,
        )

    # In progress, with a progress report due: HTS → hit activity, a young researcher funded by KAKEN.
    running = _apply(
        people,
        "binds_young",
        "新規抗菌標的に対する HTS（デモ）",
        [("hts", "ヒット化合物リスト", 0), ("hit-activity", "", 0)],
        funding=Funding.KAKEN,
        young=True,
        on=day(260),
    )
    _screen(_route_all(running, people), people, [True, True], day(240))
    _carry_out(running, [(day(230), None)])
    running.refresh_from_db()
    _backdate(running, started_at=_at(day(230)))

    # One item accepted and one declined; the application is accepted on the accepted one.
    partly = _apply(
        people,
        "researcher",
        "疾患組織のオミクス解析と構造予測（デモ）",
        [("omics", "発現変動遺伝子", 0), ("structure-informatics", "", 0)],
        funding=Funding.AMED,
        on=day(120),
    )
    _screen(_route_all(partly, people), people, [True, False], day(100))

    # Declined altogether.
    rejected = _apply(
        people,
        "binds_young",
        "データベース構築の相談（デモ）",
        [("database", "", 0)],
        funding=Funding.NONE,
        young=True,
        on=day(90),
    )
    _screen(_route_all(rejected, people), people, [False], day(80))

    # Waiting for the units' screening (routed), confidential.
    waiting = _apply(
        people,
        "researcher",
        "化合物ライブラリーを用いたヒット探索（デモ）",
        [("compound-library", "", 0), ("hts", "", 0), ("synthesis", "", 0)],
        funding=Funding.OTHER,
        confidential=True,
        on=day(20),
    )
    _route_all(waiting, people)

    # Just submitted, for headquarters to route; and one returned for changes.
    _apply(
        people,
        "binds_young",
        "探索的 ADMET 評価（デモ）",
        [("admet", "", 0)],
        funding=Funding.KAKEN,
        young=True,
        on=day(3),
    )
    returned = _apply(
        people,
        "researcher",
        "放射光による結晶構造解析（デモ）",
        [("synchrotron", "", 0)],
        funding=Funding.AMED,
        on=day(10),
    )
    services.application_return(
        application=returned, actor=people["binds_po"], reason="結晶化条件の記載を補ってください（デモ）"
    )
    # A draft.
    _apply(
        people,
        "researcher",
        "クライオ電顕によるスクリーニング（デモ）",
        [("cryo-em-spa", "", 2)],
        funding=Funding.AMED,
        submit=False,
    )
