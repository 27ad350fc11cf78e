"""Deterministic synthetic seeds across the ten hubs: histories of stage-gates, yearly records, outcomes,
license-outs, company interest and NDAs, stage-gate reviews in the review engine, and the demo log-ins
they need (hub staff per hub, researchers, a reviewer, a second company). Every name says it is a demo."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from kiban.core.audit import audited_save
from kiban.core.choices import Role
from kiban.core.demo import DEMO_REASON, demo_user
from kiban.core.fiscal import FiscalYear
from kiban.core.models import Organisation, User
from kiban.programmes.models import Programme

from . import services
from .choices import NEXT_STAGE, PIPELINE, GateOutcome, Modality, OutcomeKind, ProgrammeSlot, Stage
from .models import (
    CompanyInterest,
    Milestone,
    Outcome,
    ProgressReport,
    Seed,
    SeedFunding,
    SeedMember,
)
from .rules import company_ndas

# The hubs in the order of the source, with a romanised key for the demo hub staff's user names.
HUBS = [
    ("北海道大学", "hokkaido"),
    ("東北大学", "tohoku"),
    ("筑波大学", "tsukuba"),
    ("東京大学", "tokyo"),
    ("慶応義塾大学", "keio"),
    ("名古屋大学", "nagoya"),
    ("京都大学", "kyoto"),
    ("大阪大学", "osaka"),
    ("岡山大学", "okayama"),
    ("九州大学", "kyushu"),
]
# Institutions outside each hub whose seeds it supports (sharing institutions count as inside).
OUTSIDE = {
    "北海道大学": "旭川医科大学",
    "東北大学": "山梨大学",
    "筑波大学": "理化学研究所",
    "東京大学": "山梨大学",
    "慶応義塾大学": "理化学研究所",
    "名古屋大学": "生理学研究所",
    "京都大学": "神戸大学",
    "大阪大学": "大阪市立大学",
    "岡山大学": "兵庫県立大学",
    "九州大学": "九州工業大学",
}
SEEDS_PER_HUB = 5

# title, modality, ICD-10, target disease, public summary
TOPICS = [
    (
        "KRAS阻害低分子化合物による非小細胞肺がん治療",
        Modality.DRUG,
        "C34.9",
        "非小細胞肺がん",
        "KRAS変異を有する非小細胞肺がんに対する経口低分子阻害薬の開発。",
    ),
    (
        "筋萎縮性側索硬化症に対するアンチセンス核酸医薬",
        Modality.DRUG,
        "G12.2",
        "筋萎縮性側索硬化症",
        "運動ニューロン変性を抑えるアンチセンス核酸の髄腔内投与製剤。",
    ),
    (
        "iPS細胞由来心筋シートによる重症心不全治療",
        Modality.REGENERATIVE,
        "I50.9",
        "重症心不全",
        "同種iPS細胞から作製した心筋シートの移植による心機能改善。",
    ),
    (
        "血中マイクロRNAによる膵がん早期診断",
        Modality.DIAGNOSTIC,
        "C25.9",
        "膵がん",
        "少量の血液から膵がんを早期に検出する診断キット。",
    ),
    (
        "小児用補助人工心臓の小型化",
        Modality.DEVICE,
        "I42.0",
        "拡張型心筋症",
        "体格の小さい小児に植込み可能な補助人工心臓。",
    ),
    (
        "経口GLP-1受容体作動薬による2型糖尿病治療",
        Modality.DRUG,
        "E11.9",
        "2型糖尿病",
        "注射を要しない経口のGLP-1受容体作動薬。",
    ),
    (
        "AI内視鏡による早期胃がん検出支援",
        Modality.DEVICE,
        "C16.9",
        "胃がん",
        "内視鏡画像から早期胃がんを指摘するプログラム医療機器。",
    ),
    (
        "角膜内皮細胞注入療法",
        Modality.REGENERATIVE,
        "H18.5",
        "角膜内皮障害",
        "培養角膜内皮細胞の前房内注入による角膜透明性の回復。",
    ),
    (
        "新型コロナウイルス感染症に対する中和抗体",
        Modality.DRUG,
        "U07.1",
        "COVID-19",
        "変異株にも結合する広域中和抗体の開発。",
    ),
    (
        "血液バイオマーカーによるアルツハイマー病診断",
        Modality.DIAGNOSTIC,
        "G30.9",
        "アルツハイマー病",
        "血漿中のタンパク質を測定して脳内病理を推定する検査。",
    ),
    (
        "自家軟骨細胞シートによる変形性膝関節症治療",
        Modality.REGENERATIVE,
        "M17.9",
        "変形性膝関節症",
        "関節鏡下に移植する自家軟骨細胞シート。",
    ),
    (
        "脳卒中後の上肢リハビリテーションロボット",
        Modality.DEVICE,
        "I63.9",
        "脳梗塞",
        "脳梗塞後の麻痺した上肢の機能回復を助ける装着型ロボット。",
    ),
    (
        "難治性てんかんに対する遺伝子治療",
        Modality.OTHER,
        "G40.9",
        "難治性てんかん",
        "AAVベクターによる抑制性神経の機能補充。",
    ),
    (
        "敗血症の迅速診断マイクロ流体デバイス",
        Modality.DIAGNOSTIC,
        "A41.9",
        "敗血症",
        "一時間以内に起因菌と薬剤耐性を判定する使い捨てチップ。",
    ),
    (
        "関節リウマチに対する二重特異性抗体",
        Modality.DRUG,
        "M06.9",
        "関節リウマチ",
        "二つの炎症性サイトカインを同時に阻害する抗体医薬。",
    ),
    (
        "生体吸収性冠動脈ステント",
        Modality.DEVICE,
        "I25.1",
        "冠動脈疾患",
        "留置後に分解吸収されるマグネシウム合金ステント。",
    ),
    (
        "iPS細胞由来網膜シートによる網膜色素変性症治療",
        Modality.REGENERATIVE,
        "H35.5",
        "網膜色素変性症",
        "視細胞を含む網膜シートの網膜下移植。",
    ),
    (
        "結核の迅速遺伝子診断",
        Modality.DIAGNOSTIC,
        "A15.0",
        "肺結核",
        "喀痰から結核菌と薬剤耐性遺伝子を同時に検出する検査。",
    ),
    (
        "光音響イメージングによる乳がん検診装置",
        Modality.DEVICE,
        "C50.9",
        "乳がん",
        "圧迫も被ばくもない乳房の光音響画像診断装置。",
    ),
    (
        "腸内細菌叢製剤による潰瘍性大腸炎治療",
        Modality.OTHER,
        "K51.9",
        "潰瘍性大腸炎",
        "健常者由来の腸内細菌叢を製剤化した経口カプセル。",
    ),
    (
        "半導体センサーによる汗中グルコース測定",
        Modality.DEVICE,
        "E10.9",
        "1型糖尿病",
        "非医療分野の半導体センサー技術を応用した非侵襲血糖モニター。",
    ),
    (
        "構造材料技術を応用した骨粗鬆症用人工骨",
        Modality.DEVICE,
        "M81.9",
        "骨粗鬆症",
        "航空機材料の設計技術を応用した多孔質人工骨。",
    ),
    (
        "肝細胞がんに対する免疫チェックポイント併用療法",
        Modality.DRUG,
        "C22.0",
        "肝細胞がん",
        "既存抗体と新規低分子の併用による奏効率の改善。",
    ),
    (
        "再生不良性貧血に対する造血幹細胞増幅技術",
        Modality.REGENERATIVE,
        "D61.9",
        "再生不良性貧血",
        "臍帯血造血幹細胞の体外増幅による移植成績の改善。",
    ),
    (
        "末期腎不全患者のための携帯型人工腎臓",
        Modality.DEVICE,
        "N18.5",
        "末期腎不全",
        "在宅で使える小型の血液浄化装置。",
    ),
]
INTERDISCIPLINARY_TOPICS = {20, 21}
COMPANIES = ["武田薬品工業", "デモ創薬株式会社（デモ）", "デモ医療機器株式会社（デモ）"]
LAST_DEMO_FY = 2023
# Research funds per year by stage, in 百万円.
FUNDS_MILLION = {
    Stage.SEED_A: 5,
    Stage.PRE_B: 10,
    Stage.SEED_B: 40,
    Stage.PRE_C: 30,
    Stage.SEED_C: 80,
}
RATIONALE = {
    GateOutcome.STAGE_UP: "目標とした{stage}のマイルストーンを達成し、次段階への移行計画も妥当と評価した。",
    GateOutcome.CONTINUE: "進捗は概ね計画どおりだが、次段階への移行には追加データが必要であり継続とする。",
    GateOutcome.SUSPEND: "主要な試験で想定外の結果が得られたため、原因の究明まで支援を一時中断する。",
    GateOutcome.TERMINATE: "有効性の根拠が得られず、実用化の見込みが低いと判断したため支援を終了する。",
}
MILESTONES = {
    Stage.SEED_A: "特許出願に向けた先行技術調査と出願",
    Stage.PRE_B: "非臨床POC取得に必要な試験パッケージの策定",
    Stage.SEED_B: "非臨床POCの取得（GLP試験の完了）",
    Stage.PRE_C: "医師主導治験の実施体制の構築とPMDA対面助言",
    Stage.SEED_C: "医師主導治験の症例登録完了",
}


def _demo_people(organisations: dict[str, Organisation]) -> dict[str, User]:
    people = {"hub_staff:大阪大学": User.objects.get(username="hub_staff")}
    for hub, key in HUBS:
        if hub != "大阪大学":
            people[f"hub_staff:{hub}"] = demo_user(
                f"hub_staff_{key}", f"拠点スタッフ（デモ）{hub}", organisations[hub], Role.HUB_STAFF, "PM"
            )
    institutions = sorted({hub for hub, _key in HUBS} | set(OUTSIDE.values()))
    for number, institution in enumerate(institutions, start=1):
        people[f"researcher:{institution}"] = demo_user(
            f"seed_researcher_{number:02d}",
            f"研究者（デモ）{number:02d}",
            organisations[institution],
            Role.RESEARCHER,
            "准教授",
        )
    people["researcher:京都大学"] = User.objects.get(username="researcher")
    people["reviewer"] = demo_user(
        "reviewer", "評価委員（デモ）", organisations["理化学研究所"], Role.RESEARCHER, "評価委員"
    )
    people["reviewer2"] = demo_user(
        "reviewer2", "評価委員２（デモ）", organisations["大阪市立大学"], Role.RESEARCHER, "評価委員"
    )
    people["company"] = User.objects.get(username="company")
    people["company2"] = demo_user(
        "company2", "企業担当（デモ）", organisations["デモ創薬株式会社（デモ）"], Role.COMPANY, "事業開発"
    )
    return people


def _save(record, actor: User):
    return audited_save(record, actor=actor, reason=DEMO_REASON)


def _decision_day(fiscal_year: int, rng: random.Random) -> datetime.date:
    return datetime.date(fiscal_year + 1, 2, rng.randint(1, 25))


def _next_outcome(stage: str, rng: random.Random) -> str:
    if stage == Stage.SUSPENDED:
        return GateOutcome.CONTINUE if rng.random() < 0.7 else GateOutcome.TERMINATE
    draw = rng.random()
    if stage != Stage.SEED_C and draw < 0.45:
        return GateOutcome.STAGE_UP
    if draw < 0.86:
        return GateOutcome.CONTINUE
    return GateOutcome.SUSPEND if draw < 0.94 else GateOutcome.TERMINATE


def _year_records(
    seed: Seed, fiscal_year: int, staff: User, programme: Programme, rng: random.Random
) -> None:
    if seed.stage in PIPELINE:
        amount = FUNDS_MILLION[seed.stage] * rng.choice((8, 10, 12)) * 100_000
        _save(SeedFunding(seed=seed, fiscal_year=fiscal_year, programme=programme, amount_yen=amount), staff)
        fy = FiscalYear(fiscal_year)
        due = datetime.date(fiscal_year, 12, rng.randint(1, 28))
        milestone = Milestone(seed=seed, fiscal_year=fiscal_year, title=MILESTONES[seed.stage], due_on=due)
        if rng.random() < 0.7:
            milestone.achieved_on = due - datetime.timedelta(days=rng.randint(0, 60))
        _save(milestone, staff)
        _save(
            ProgressReport(
                seed=seed,
                fiscal_year=fiscal_year,
                summary=f"{fy.era_name}の進捗：{MILESTONES[seed.stage]}について計画に沿って研究を進めた。",
                submitted_on=datetime.date(fiscal_year + 1, 1, rng.randint(10, 31)),
                submitted_by=seed.pi,
            ),
            seed.pi,
        )


def _outcome(seed: Seed, kind: str, day: datetime.date, title: str, actor: User, **extra) -> None:
    _save(Outcome(seed=seed, kind=kind, occurred_on=day, title=title, recorded_by=actor, **extra), actor)


def _history(
    seed: Seed, registered_fy: int, staff: User, programme: Programme, rng: random.Random, index: int
):
    """Yearly records, outcomes and a stage-gate at the end of each fiscal year up to FY2023."""
    for fiscal_year in range(registered_fy, LAST_DEMO_FY + 1):
        if seed.stage == Stage.TERMINATED:
            break
        if fiscal_year <= seed.support_to_fy:
            _year_records(seed, fiscal_year, staff, programme, rng)
        day = _decision_day(fiscal_year, rng)
        if seed.stage == Stage.SEED_A and rng.random() < 0.5:
            number = f"特願{fiscal_year + 1}-{rng.randint(10000, 99999):06d}"
            _outcome(
                seed,
                OutcomeKind.PATENT_FILING,
                day - datetime.timedelta(days=40),
                "物質特許出願",
                staff,
                reference=number,
            )
        if seed.stage == Stage.PRE_C and rng.random() < 0.6:
            _outcome(
                seed,
                OutcomeKind.TRIAL_NOTIFICATION,
                day - datetime.timedelta(days=20),
                "医師主導治験の治験届",
                staff,
                reference=f"治験計画届 {fiscal_year}-{index:04d}",
            )
        if seed.stage == Stage.SEED_C and rng.random() < 0.5:
            _outcome(
                seed,
                OutcomeKind.APPROVAL_APPLICATION,
                day - datetime.timedelta(days=10),
                "製造販売承認申請",
                staff,
            )
        if seed.stage in (Stage.SEED_B, Stage.PRE_C, Stage.SEED_C) and rng.random() < 0.2:
            company = Organisation.objects.get(name=COMPANIES[index % len(COMPANIES)])
            if not seed.outcomes.filter(kind=OutcomeKind.LICENSE_OUT).exists():
                _outcome(
                    seed,
                    OutcomeKind.LICENSE_OUT,
                    day - datetime.timedelta(days=30),
                    "国内外での開発・販売権の導出",
                    staff,
                    company=company,
                    scope="全世界における開発・製造・販売の独占的実施権",
                )
        outcome = _next_outcome(seed.stage, rng)
        services.seed_decision_apply(
            seed=seed,
            outcome=outcome,
            rationale=RATIONALE[outcome].format(
                stage=Stage(seed.stage).label if seed.stage in PIPELINE else ""
            ),
            actor=staff,
            decided_on=day,
        )


def _register(
    hub: Organisation, index: int, number: int, people, organisations, programme, rng: random.Random
) -> Seed | None:
    title, modality, code, disease, summary = TOPICS[index % len(TOPICS)]
    full_title = f"{title}（{hub.short_name}デモ{number}）"
    if Seed.objects.filter(title=full_title).exists():
        return None
    outside = number % 3 == 2
    institution = organisations[OUTSIDE[hub.name]] if outside else hub
    pi = people[f"researcher:{institution.name}"]
    staff = people[f"hub_staff:{hub.name}"]
    registered_fy = 2018 + (index % 4)
    registered_on = datetime.date(registered_fy, 5 + index % 6, 1 + index % 27)
    stage = PIPELINE[0] if rng.random() < 0.7 else rng.choice(PIPELINE[1:3])
    slot = ProgrammeSlot(stage)
    committed = None
    if index % len(TOPICS) in INTERDISCIPLINARY_TOPICS:
        slot = ProgrammeSlot.INTERDISCIPLINARY
    elif index % 9 == 4:
        slot, committed = ProgrammeSlot.COMPANY_COMMITTED, organisations[COMPANIES[index % len(COMPANIES)]]
    seed = Seed(
        hub=hub,
        origin=services._origin(hub, institution),
        title=full_title,
        summary=summary,
        details=f"（機密・デモ）{disease}を対象とした{title}の詳細：作用機序、非臨床データ、知財の状況、開発計画。",
        pi=pi,
        institution=institution,
        modality=modality,
        icd10_code=code,
        disease=disease,
        stage=stage,
        stage_entered_on=registered_on,
        programme_slot=slot,
        committed_company=committed,
        support_from_fy=registered_fy,
        support_to_fy=registered_fy + rng.choice((2, 3, 4)),
        registered_on=registered_on,
        registered_by=staff,
    )
    _save(seed, staff)
    if index % 4 == 0:
        member = people["researcher:京都大学"] if hub.name == "大阪大学" else people[f"researcher:{hub.name}"]
        if member.pk != pi.pk:
            _save(SeedMember(seed=seed, user=member, role="共同研究者"), staff)
    _history(seed, registered_fy, staff, programme, rng, index)
    return seed


def _matching(people, organisations) -> None:
    """Companies found some Osaka seeds: interest registered, and an NDA with Takeda for the first one."""
    osaka = organisations["大阪大学"]
    listed = list(
        Seed.objects.filter(hub=osaka, listed_for_matching=True)
        .exclude(stage=Stage.TERMINATED)
        .order_by("pk")[:2]
    )
    staff = people["hub_staff:大阪大学"]
    when = timezone.make_aware(datetime.datetime(2023, 10, 2, 10, 0))
    for seed, user in zip(listed, (people["company"], people["company2"]), strict=False):
        company = user.memberships.get(role=Role.COMPANY).organisation
        if not CompanyInterest.objects.filter(seed=seed, company=company).exists():
            _save(
                CompanyInterest(
                    seed=seed,
                    company=company,
                    message="（デモ）詳細な資料の開示をお願いします。",
                    registered_by=user,
                    registered_at=when,
                ),
                user,
            )
    if listed:
        takeda = organisations["武田薬品工業"]
        if not company_ndas([takeda.pk]).filter(object_id=listed[0].pk).exists():
            services.nda_record(
                seed=listed[0],
                company=takeda,
                signed_on=datetime.date(2023, 11, 1),
                note="（デモ）",
                actor=staff,
            )


def _reviews(people, organisations) -> None:
    """Stage-gate reviews of two Osaka seeds through the review engine: one decided (stage up), one open
    with the demo reviewer assigned and still to score."""
    from kiban.reviews.models import Rubric
    from kiban.reviews.selectors import rounds_for
    from kiban.reviews.services import (
        decision_record,
        review_round_close,
        review_round_open,
        reviewer_assign,
        rubric_create,
        scores_submit,
    )

    staff = people["hub_staff:大阪大学"]
    rubric = Rubric.objects.filter(name="シーズ評価（ステージゲート）").first() or rubric_create(
        name="シーズ評価（ステージゲート）",
        name_en="Seed stage-gate evaluation",
        scale_min=1,
        scale_max=5,
        aggregation="weighted_mean",
        higher_is_better=True,
        criteria=[
            {"name": "革新性", "name_en": "Innovation", "description": "", "weight": 1},
            {
                "name": "実用化の見込み",
                "name_en": "Prospect of practical use",
                "description": "",
                "weight": 2,
            },
            {"name": "計画の妥当性", "name_en": "Soundness of the plan", "description": "", "weight": 1},
        ],
        actor=staff,
    )
    active = list(
        Seed.objects.filter(hub=organisations["大阪大学"], stage__in=list(NEXT_STAGE)).order_by("pk")[:2]
    )
    if len(active) < 2 or any(rounds_for(seed).exists() for seed in active):
        return
    decided, pending = active
    reviewers = [people["reviewer"], people["reviewer2"]]
    round_ = review_round_open(
        target=decided,
        rubric=rubric,
        title=f"ステージゲート評価：{decided.title}",
        blind=False,
        due_date=None,
        actor=staff,
    )
    criteria = list(rubric.criteria.order_by("order"))
    for value, reviewer in zip((4, 5), reviewers, strict=True):
        assignment = reviewer_assign(round=round_, reviewer=reviewer, actor=staff)
        if not assignment.is_conflicted:
            scores_submit(assignment=assignment, values={c.pk: value for c in criteria}, actor=reviewer)
    review_round_close(round=round_, actor=staff)
    decision_record(
        round=round_,
        outcome=GateOutcome.STAGE_UP,
        rationale="評価委員の評価は高く、次段階への移行計画も妥当であるためステージアップとする。",
        actor=staff,
    )
    round_ = review_round_open(
        target=pending,
        rubric=rubric,
        title=f"ステージゲート評価：{pending.title}",
        blind=True,
        due_date=None,
        actor=staff,
    )
    for reviewer in reviewers:
        reviewer_assign(round=round_, reviewer=reviewer, actor=staff)


@transaction.atomic
def load_seeds() -> None:
    """Creates the demo seeds with their histories; running it again changes nothing."""
    organisations = {o.name: o for o in Organisation.objects.all()}
    programme = Programme.objects.get(code=services.TRANSLATIONAL_PROGRAMME_CODE)
    people = _demo_people(organisations)
    rng = random.Random(20210401)
    index = 0
    for hub_name, _key in HUBS:
        hub = organisations[hub_name]
        for number in range(1, SEEDS_PER_HUB + 1):
            _register(hub, index, number, people, organisations, programme, rng)
            index += 1
    _matching(people, organisations)
    _reviews(people, organisations)
