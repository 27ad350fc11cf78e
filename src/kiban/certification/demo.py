"""A synthetic certification round for the ten hubs. The source describes the scheme and its table but
names no certified institution, number or date: every statement, person, figure and date here is made up
and says so (（デモ）/ "demo"). Load it after the seeds' demo, whose hub staff and reviewers it uses and whose
records give the S1 outcome counts the institutions' own figures are shown beside."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from kiban.core.choices import Role
from kiban.core.demo import demo_user, save_demo_record
from kiban.core.models import Organisation, User
from kiban.core.selectors import hub_group_ids
from kiban.programmes.models import Programme
from kiban.submissions.models import Call

from . import selectors, services
from .choices import DecisionOutcome, FunctionCategory, FunctionClass, OutcomeKind, Provision
from .eligibility import CERTIFIED_INSTITUTIONS_ONLY
from .models import CallEntry, Certificate, CertificationApplication, CertificationRound, FunctionItem

# The hubs, with the user names of their demo hub staff (as the seeds' demo names them).
HUBS = [
    ("北海道大学", "hub_staff_hokkaido"),
    ("東北大学", "hub_staff_tohoku"),
    ("筑波大学", "hub_staff_tsukuba"),
    ("東京大学", "hub_staff_tokyo"),
    ("慶応義塾大学", "hub_staff_keio"),
    ("名古屋大学", "hub_staff_nagoya"),
    ("京都大学", "hub_staff_kyoto"),
    ("大阪大学", "hub_staff"),
    ("岡山大学", "hub_staff_okayama"),
    ("九州大学", "hub_staff_kyushu"),
]
PENDING = "九州大学"  # submitted; its review round is open with the demo reviewers assigned
SHORT_VALIDITY = "筑波大学"  # certified for two years only (the decision said so): expired, renewal drafted
RETURNED_ONCE = "岡山大学"  # returned for changes once (差戻し), resubmitted, then certified
# New applicants in the FY2026 round, outside every hub group: one submitted and waiting for screening,
# one returned for changes.
NEW_APPLICANTS = [
    ("理化学研究所", "hub_staff_riken", "submitted"),
    ("沖縄科学技術大学院大学", "hub_staff_oist", "returned"),
]
RETURN_REASON = "（デモ）人員表の生物統計家の所属と、直近５年間の治験届の件数を確認し、修正してください。"
CERTIFIED_ON = datetime.date(2024, 9, 1)

ROUNDS = [
    (
        "fy2024",
        "2024年度 橋渡し研究支援機関 認定（デモ）",
        "FY2024 certification of translational research support institutions (demo)",
        2024,
        datetime.date(2024, 4, 1),
        datetime.date(2024, 6, 30),
    ),
    (
        "fy2026",
        "2026年度 橋渡し研究支援機関 認定・更新（デモ）",
        "FY2026 certification and renewal (demo)",
        2026,
        datetime.date(2026, 4, 1),
        datetime.date(2027, 3, 31),
    ),
]

# Class ② functions every demo hub has through partners (organisations of the core demo), and where the
# people in the matching roles work.
PARTNERED = {
    "2-org-manufacturing": "神戸医療産業都市推進機構",
    "2-org-nonclinical": "デモ創薬株式会社（デモ）",
    "product_qa": "神戸医療産業都市推進機構",
    "nonclinical_qa": "デモ創薬株式会社（デモ）",
}
# Class ③ features of some hubs: (item code, what is distinctive).
DISTINCTIVE = {
    "京都大学": [("3-org-cpc", "（デモ）学内の細胞培養加工施設で再生医療等製品の治験製品を製造する。")],
    "大阪大学": [
        ("3-org-cpc", "（デモ）細胞培養加工施設を運用し、他拠点のシーズも受け入れる。"),
        ("cmc", "（デモ）CMC試験担当者を専任で配置している。"),
    ],
    "東京大学": [("3-org-international", "（デモ）国際共同治験で海外規制当局との相談を支援する。")],
}
SURNAMES = (
    "青木 石田 上野 遠藤 大野 川口 木村 小林 斎藤 坂本 清水 杉山 高木 "
    "千葉 土屋 中島 西村 野口 橋本 平野 福田 松本 宮崎 森 山口"
).split()
GIVEN = "一郎 花子 健 美咲 誠 由美 大輔 明 裕子 翔".split()
FTE_BY_ROLE = {"hub_director": Decimal("0.2"), "hub_manager": Decimal("1"), "project_manager": Decimal("1")}


def _hub_staff(organisation: Organisation, username: str) -> User:
    """The hub's demo staff user (the seeds' demo creates them; made here if it has not run)."""
    return demo_user(username, f"拠点スタッフ（デモ）{organisation.name}", organisation, Role.HUB_STAFF, "PM")


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _fill(application: CertificationApplication, staff: User, index: int, organisations) -> None:
    """Statements, the function table, the roster, the institution's own outcome figures and training."""
    hub = application.organisation
    services.application_update_statements(
        application=application,
        hub_statement=f"（デモ）{hub.name}は学内に橋渡し研究支援拠点を設置し、拠点長の下で支援を行っている。",
        organisation_statement="（デモ）開発企画・プロジェクト管理・薬事・生物統計・データ管理の各部門を置き、"
        "専門人材を配置している。",
        track_record_statement="（デモ）直近５年間に学内外のシーズを支援し、治験届・企業導出の実績がある。",
        training_statement="（デモ）プロジェクトマネージャー及び生物統計家の育成プログラムを実施している。",
        actor=staff,
    )
    items = list(FunctionItem.objects.exclude(category=FunctionCategory.OUTCOME))
    features = dict(DISTINCTIVE.get(hub.name, []))
    answers = {}
    for item in items:
        if item.code in PARTNERED and item.function_class == FunctionClass.THROUGH_PARTNERS:
            answers[item.pk] = {
                "provision": Provision.THROUGH_PARTNERS,
                "partners": [organisations[PARTNERED[item.code]]],
                "description": "（デモ）連携先と契約を結び実施する。",
            }
        elif item.function_class != FunctionClass.DISTINCTIVE:
            answers[item.pk] = {"provision": Provision.IN_HUB}
        elif item.code in features:
            answers[item.pk] = {"provision": Provision.IN_HUB, "description": features[item.code]}
    services.function_responses_save(application=application, answers=answers, actor=staff)
    roles = [i for i in items if i.category == FunctionCategory.STAFF and i.pk in answers]
    for number, role in enumerate(roles):
        name = (
            f"{SURNAMES[(number + index) % len(SURNAMES)]} {GIVEN[(number * 3 + index) % len(GIVEN)]}（デモ）"
        )
        services.staff_member_add(
            application=application,
            role=role,
            person_name=name,
            title="（デモ）特任准教授" if number % 3 else "（デモ）特任教授",
            organisation=organisations[PARTNERED[role.code]] if role.code in PARTNERED else hub,
            fte=FTE_BY_ROLE.get(role.code, Decimal("0.5") if number % 2 else Decimal("1")),
            actor=staff,
        )
    _state_outcomes(application, staff, index)
    services.training_record_add(
        application=application,
        item=FunctionItem.objects.get(code="1-train-pm"),
        title="（デモ）プロジェクトマネージャー育成コース",
        fiscal_year=application.round.fiscal_year - 1,
        trainees=4 + index % 5,
        actor=staff,
    )
    services.training_record_add(
        application=application,
        item=FunctionItem.objects.get(code="2-train-biostatistics"),
        title="（デモ）生物統計家育成プログラム",
        fiscal_year=application.round.fiscal_year - 1,
        trainees=2 + index % 3,
        actor=staff,
    )
    services.application_attach(
        application=application,
        upload=SimpleUploadedFile(
            "体制図（デモ）.txt", f"（デモ）{hub.name} 橋渡し研究支援拠点 体制図\n".encode(), "text/plain"
        ),
        description="（デモ）組織体制の概要",
        actor=staff,
    )


def _state_outcomes(application: CertificationApplication, staff: User, index: int) -> None:
    """The institution's own figures: what S1 records, except that every third hub states one trial
    notification more in the first year (so the page has differences to flag)."""
    years = application.round.outcome_fiscal_years
    organisation_ids = set(hub_group_ids([application.organisation.pk]))
    recorded = selectors.s1_outcome_counts(organisation_ids=organisation_ids, fiscal_years=years)
    counts = {(year, kind): recorded[year].get(kind, 0) for year in years for kind in OutcomeKind.values}
    if index % 3 == 0:
        counts[(years[0], OutcomeKind.TRIAL_NOTIFICATION)] += 1
    services.reported_outcomes_save(application=application, counts=counts, actor=staff)


def _submit(application: CertificationApplication, staff: User, index: int) -> None:
    services.application_submit(application=application, actor=staff, on=application.round.closes_on)
    save_demo_record(
        application, submitted_at=_aware(application.round.closes_on - datetime.timedelta(days=index))
    )


def _certification_rubric(actor: User):
    from kiban.reviews.models import Rubric
    from kiban.reviews.services import rubric_create

    return Rubric.objects.filter(name="橋渡し研究支援機関 認定審査").first() or rubric_create(
        name="橋渡し研究支援機関 認定審査",
        name_en="Certification of translational research support institutions",
        scale_min=1,
        scale_max=5,
        aggregation="weighted_mean",
        higher_is_better=True,
        criteria=[
            {"name": "A) 拠点の設置", "name_en": "A) A hub for translational research support", "weight": 1},
            {"name": "B) 組織体制と人員", "name_en": "B) Organisation and staff", "weight": 2},
            {"name": "C) 支援の実績", "name_en": "C) Track record", "weight": 2},
            {"name": "D) 人材育成", "name_en": "D) Training of specialists", "weight": 1},
        ],
        actor=actor,
    )


def _review_pending(application: CertificationApplication, ministry: User) -> None:
    """Kyushu's review round, open, with the seeds' demo reviewers (one has scored)."""
    from kiban.reviews.selectors import rounds_for
    from kiban.reviews.services import review_round_open, reviewer_assign, scores_submit

    if rounds_for(application).exists():
        return
    rubric = _certification_rubric(ministry)
    round_ = review_round_open(
        target=application,
        rubric=rubric,
        title=f"認定審査：{application.organisation.name}（デモ）",
        blind=False,
        due_date=None,
        actor=ministry,
    )
    reviewers = [u for u in User.objects.filter(username__in=["reviewer", "reviewer2"]).order_by("username")]
    for number, reviewer in enumerate(reviewers):
        assignment = reviewer_assign(round=round_, reviewer=reviewer, actor=ministry)
        if number == 0 and not assignment.is_conflicted:
            scores_submit(
                assignment=assignment, values={c.pk: 4 for c in rubric.criteria.all()}, actor=reviewer
            )


@transaction.atomic
def load_certification() -> None:
    """Creates the demo rounds, applications, certificates and call; running it again changes nothing."""
    organisations = {o.name: o for o in Organisation.objects.all()}
    ministry = User.objects.get(username="ministry_official")
    rounds = {}
    for code, title, title_en, fiscal_year, opens_on, closes_on in ROUNDS:
        rounds[code] = save_demo_record(
            CertificationRound.objects.filter(code=code).first() or CertificationRound(code=code),
            title=title,
            title_en=title_en,
            fiscal_year=fiscal_year,
            opens_on=opens_on,
            closes_on=closes_on,
        )
    first = rounds["fy2024"]
    for index, (name, username) in enumerate(HUBS):
        hub = organisations[name]
        staff = _hub_staff(hub, username)
        if CertificationApplication.objects.filter(round=first, organisation=hub).exists():
            continue
        application = services.application_create(
            round=first, organisation=hub, actor=staff, on=first.opens_on
        )
        save_demo_record(application, created_at=_aware(first.opens_on + datetime.timedelta(days=index)))
        _fill(application, staff, index, organisations)
        _submit(application, staff, index)
        if name == PENDING:
            _review_pending(application, ministry)
            continue
        if name == RETURNED_ONCE:
            _return_and_resubmit(application, staff)
        short = name == SHORT_VALIDITY
        services.application_decide(
            application=application,
            outcome=DecisionOutcome.CERTIFY,
            rationale="（デモ）認定要件A〜Dを満たすと認められる。"
            + ("ただし支援実績の確認のため認定期間を２年間とする。" if short else ""),
            actor=ministry,
            decided_on=CERTIFIED_ON,
            valid_until=datetime.date(2026, 8, 31) if short else None,
        )
        save_demo_record(application, decided_at=_aware(CERTIFIED_ON))
    _renewal(rounds["fy2026"], organisations)
    _new_applicants(rounds["fy2026"], organisations)
    _call(organisations)


def _return_and_resubmit(application: CertificationApplication, staff: User) -> None:
    """The agency returns the application for changes; the hub's staff correct it and resubmit."""
    agency = User.objects.get(username="agency_officer")
    services.application_return(application=application, reason=RETURN_REASON, actor=agency)
    services.application_update_statements(
        application=application,
        hub_statement=application.hub_statement,
        organisation_statement=application.organisation_statement + "（デモ）生物統計家の所属を修正した。",
        track_record_statement=application.track_record_statement,
        training_statement=application.training_statement,
        actor=staff,
    )
    services.application_submit(application=application, actor=staff)


def _new_applicants(round_: CertificationRound, organisations) -> None:
    """Two institutes apply in the FY2026 round: one waits for screening, one was returned for changes."""
    agency = User.objects.get(username="agency_officer")
    for index, (name, username, state) in enumerate(NEW_APPLICANTS, start=len(HUBS)):
        hub = organisations[name]
        if CertificationApplication.objects.filter(round=round_, organisation=hub).exists():
            continue
        staff = _hub_staff(hub, username)
        application = services.application_create(
            round=round_, organisation=hub, actor=staff, on=round_.opens_on
        )
        save_demo_record(application, created_at=_aware(datetime.date(2026, 6, 1)))
        _fill(application, staff, index, organisations)
        services.application_submit(application=application, actor=staff, on=datetime.date(2026, 9, 1))
        save_demo_record(application, submitted_at=_aware(datetime.date(2026, 9, 1)))
        if state == "returned":
            services.application_return(application=application, reason=RETURN_REASON, actor=agency)


def _renewal(round_: CertificationRound, organisations) -> None:
    """Tsukuba's certificate has expired; its renewal, linked to it, is a draft in the open round."""
    hub = organisations[SHORT_VALIDITY]
    if CertificationApplication.objects.filter(round=round_, organisation=hub).exists():
        return
    expired = Certificate.objects.filter(organisation=hub).order_by("-valid_until").first()
    if expired is None:
        return
    staff = _hub_staff(hub, dict(HUBS)[SHORT_VALIDITY])
    application = services.application_create(
        round=round_, organisation=hub, renews=expired, actor=staff, on=round_.opens_on
    )
    save_demo_record(application, created_at=_aware(datetime.date(2026, 10, 1)))
    services.application_update_statements(
        application=application,
        hub_statement="（デモ）引き続き学内に橋渡し研究支援拠点を設置している。",
        organisation_statement="",
        track_record_statement="",
        training_statement="",
        actor=staff,
    )


def _call(organisations) -> None:
    """The FY2026 call of the 橋渡し研究プログラム, open to certified institutions only, with two entries."""
    programme = Programme.objects.filter(code="translational").first()
    if programme is None:
        return
    title = "橋渡し研究プログラム 2026年度 公募（デモ）"
    call = save_demo_record(
        Call.objects.filter(system=selectors.CALL_SYSTEM, title=title).first() or Call(title=title),
        system=selectors.CALL_SYSTEM,
        title_en="Translational Research Program, FY2026 call (demo)",
        programme=programme,
        eligibility=[CERTIFIED_INSTITUTIONS_ONLY.code],
        opens_on=datetime.date(2026, 4, 1),
        closes_on=datetime.date(2027, 3, 31),
        description="（デモ）令和４年度以降、橋渡し研究プログラムは認定機関を対象に実施する。",
    )
    for name, username in HUBS:
        if (
            name not in ("京都大学", "大阪大学")
            or CallEntry.objects.filter(call=call).filter(organisation__name=name).exists()
        ):
            continue
        services.call_entry_create(
            call=call,
            organisation=organisations[name],
            title=f"（デモ）{name} 拠点提案",
            actor=_hub_staff(organisations[name], username),
            on=datetime.date(2026, 5, 1),
        )
