"""The cryo-EM network's instruments as of March 2021, exactly as the seed document itemises them."""

import datetime

from django.db import transaction
from django.utils import timezone

from kiban.core.audit import audited_save
from kiban.core.choices import Role
from kiban.core.demo import DEMO_REASON, demo_user, save_demo_record
from kiban.core.models import Organisation, User
from kiban.ledger import services as ledger
from kiban.ledger.models import Account
from kiban.submissions import services as lifecycle

from . import services
from .choices import Decision, IceQuality, NetworkTier, ParticleDistribution, Results, SessionMode, UserClass
from .models import (
    FacilityProject,
    Instrument,
    InstrumentHolding,
    Qualification,
    StatedInstrumentCount,
    Tariff,
)

AS_OF = datetime.date(2021, 3, 31)
# *1: 九大は R3 措置予定 (Kyushu's BINDS instruments are planned for FY2021).
NETWORK = {
    ("E2", "300"): (
        12,
        [
            ("東京大学", 3),
            ("大阪大学", 4),
            ("筑波大学", 1),
            ("九州大学", 1, 2021),
            ("沖縄科学技術大学院大学", 1),
            ("北海道大学", 1),
            ("東北大学", 1),
        ],
    ),
    ("E1", "200"): (
        13,
        [
            ("東京大学", 3),
            ("名古屋大学", 1),
            ("大阪大学", 3),
            ("沖縄科学技術大学院大学", 2),
            ("理化学研究所", 1),
            ("高エネルギー加速器研究機構", 1),
            ("筑波大学", 1),
            ("九州大学", 1, 2021),
        ],
    ),
    ("F1", "300"): (
        6,
        [("名古屋大学", 1), ("大阪大学", 1), ("兵庫県立大学", 1), ("九州大学", 1), ("理化学研究所", 2)],
    ),
    # Stated as 17; the itemised list names 19. Both are kept.
    ("F1", "200"): (
        17,
        [
            ("北海道大学", 1),
            ("山梨大学", 1),
            ("生理学研究所", 3),
            ("京都大学", 2),
            ("大阪市立大学", 1),
            ("兵庫県立大学", 3),
            ("理化学研究所", 2),
            ("神戸大学", 1),
            ("九州大学", 2),
            ("九州工業大学", 3),
        ],
    ),
}


@transaction.atomic
def load_facilities() -> None:
    """The registry and one instrument per microscope it counts."""
    load_registry()
    load_instruments()


def load_registry() -> None:
    """Creates the holdings and stated counts; running it again changes nothing."""
    for (tier, voltage), (stated, holdings) in NETWORK.items():
        if not StatedInstrumentCount.objects.filter(tier=tier, voltage=voltage).exists():
            save_demo_record(
                StatedInstrumentCount(tier=tier, voltage=voltage), stated_count=stated, as_of=AS_OF
            )
        for site_name, count, *from_fy in holdings:
            site = Organisation.objects.get(name=site_name)
            if not InstrumentHolding.objects.filter(site=site, tier=tier, voltage=voltage).exists():
                save_demo_record(
                    InstrumentHolding(site=site, tier=tier, voltage=voltage),
                    count=count,
                    in_service_from_fy=from_fy[0] if from_fy else None,
                )


def load_instruments() -> None:
    """One Instrument per counted microscope, named by site, tier and number; models, detectors and
    autoloaders stay blank (the source names none)."""
    for holding in InstrumentHolding.objects.select_related("site"):
        site_label = holding.site.short_name or holding.site.name
        for number in range(1, holding.count + 1):
            name = f"{site_label} {holding.tier}-{number}" + (
                "" if holding.voltage == "300" else " (≤200 keV)"
            )
            if holding.tier != NetworkTier.F1:
                name = f"{site_label} {holding.tier}-{number}"
            if Instrument.objects.filter(site=holding.site, name=name).exists():
                continue
            save_demo_record(
                Instrument(holding=holding, site=holding.site, name=name),
                tier=holding.tier,
                voltage=holding.voltage,
                in_service_from_fy=holding.in_service_from_fy,
                # Remote operation: the demo marks 東京大学's (an example; the source names none).
                remote_capable=holding.site.name == "東京大学" and holding.tier != NetworkTier.F1,
            )


# Example tariffs (yen per day, before 消費税): the source proposes a deposit, charges per use and a higher
# price for proprietary results, but gives no prices. Every page that shows them says they are examples.
EXAMPLE_TARIFFS = {
    (NetworkTier.E1, UserClass.ACADEMIC, Results.OPEN): 30_000,
    (NetworkTier.E1, UserClass.ACADEMIC, Results.PROPRIETARY): 90_000,
    (NetworkTier.E1, UserClass.COMPANY, Results.OPEN): 120_000,
    (NetworkTier.E1, UserClass.COMPANY, Results.PROPRIETARY): 240_000,
    (NetworkTier.E2, UserClass.ACADEMIC, Results.OPEN): 60_000,
    (NetworkTier.E2, UserClass.ACADEMIC, Results.PROPRIETARY): 180_000,
    (NetworkTier.E2, UserClass.COMPANY, Results.OPEN): 250_000,
    (NetworkTier.E2, UserClass.COMPANY, Results.PROPRIETARY): 500_000,
}
ACADEMIC_TITLE = "膜輸送体の構造解析（デモ）"
COMPANY_TITLE = "低分子結合様式の構造決定（デモ・成果占有）"
COMPANY2_TITLE = "抗体複合体のスクリーニング（デモ）"
PENDING_TITLE = "受容体複合体の高分解能解析（デモ・審査待ち）"
LEDGER_DEMO_DEPOSIT = "クライオ電顕 利用前受金（デモ）"


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def _people() -> dict[str, User]:
    tokyo = Organisation.objects.get(name="東京大学")
    osaka = Organisation.objects.get(name="大阪大学")
    return {
        "operator": demo_user("facility_operator", "鈴木 一郎", tokyo, Role.FACILITY_OPERATOR, "技術職員"),
        "operator2": demo_user(
            "facility_operator2", "小林 健（デモ）", tokyo, Role.FACILITY_OPERATOR, "技術専門職員"
        ),
        "osaka": demo_user(
            "facility_operator_osaka", "松本 彩（デモ）", osaka, Role.FACILITY_OPERATOR, "技術職員"
        ),
        "researcher": User.objects.get(username="researcher"),
        "company": User.objects.get(username="company"),
        "company2": demo_user(
            "company2",
            "企業担当（デモ）",
            Organisation.objects.get(name="デモ創薬株式会社（デモ）"),
            Role.COMPANY,
            "事業開発",
        ),
    }


def _project(
    title, *, actor, organisation, user_class, results, e1, e2, decide, billing_account=None, asked=None
):
    project = FacilityProject.objects.filter(title=title).first()
    if project:
        return project, False
    tokyo = Organisation.objects.get(name="東京大学")
    project = services.project_create(
        actor=actor,
        title=title,
        organisation=organisation,
        site=tokyo,
        user_class=user_class,
        results=results,
        e1_days=e1,
        e2_days=e2,
        billing_account=billing_account,
        reason=DEMO_REASON,
    )
    lifecycle.submission_submit(submission=project, actor=actor)
    if decide is not None:
        lifecycle.submission_decide(submission=project, accept=True, reason="デモ: 利用を承認", actor=decide)
    if asked is not None:
        # The demo's requests were made before its sessions: the dates the turnaround's queue counts from.
        project.submitted_at = _at(asked, 10)
        project.decided_at = _at(asked + datetime.timedelta(days=3), 15) if decide else None
        audited_save(project, actor=None, reason=DEMO_REASON, update_fields=["submitted_at", "decided_at"])
    return project, True


def _screen(booking, sample, trial, *, ice, particles, decision, result, actor):
    services.grid_record_add(
        booking=booking,
        sample=sample,
        actor=actor,
        grid_type="Quantifoil R1.2/1.3 Cu 300 mesh（例）",
        blotting="4 °C, 湿度 100%, blot force 0, 3 s（例）",
        vitrification="液体エタン（例）",
        trial_number=trial,
        ice_quality=ice,
        particle_distribution=particles,
        result=result,
        decision=decision,
    )


def _book_and_log(
    *,
    instrument,
    project,
    day,
    hours,
    actor,
    logger,
    sample=None,
    assisted=False,
    operator=None,
    dataset=False,
    volume=0,
    outcome="",
    mode=SessionMode.ON_SITE,
):
    starts_at = _at(day, 9)
    booking = services.booking_create(
        actor=actor,
        instrument=instrument,
        project=project,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
        mode=mode,
        sample=sample,
        assisted=assisted,
        operator=operator,
        now=starts_at - datetime.timedelta(days=3),
    )
    return booking, (
        lambda: services.session_log(
            booking=booking,
            actor=logger,
            started_at=starts_at,
            ended_at=starts_at + datetime.timedelta(hours=hours),
            operator=operator or actor,
            mode=mode,
            data_volume_gb=volume,
            dataset_collected=dataset,
            outcome=outcome or "デモ: 計画どおり終了",
        )
    )


@transaction.atomic
def load_operations() -> None:
    """Qualified operators, example tariffs, academic and company projects at 東京大学 with two weeks of
    bookings and sessions around today (an E1 screening that passes and one that fails), a company deposit
    with its payment and draw-downs, and one month's invoices. Made once: running it again changes nothing."""
    for (tier, user_class, results), price in EXAMPLE_TARIFFS.items():
        if not Tariff.objects.filter(tier=tier, user_class=user_class, results=results).exists():
            save_demo_record(
                Tariff(tier=tier, user_class=user_class, results=results), unit="day", price_yen=price
            )
    people = _people()
    operator, operator2 = people["operator"], people["operator2"]
    tokyo = Organisation.objects.get(name="東京大学")
    e1 = Instrument.objects.get(site=tokyo, name="東大 E1-1")
    e2 = Instrument.objects.get(site=tokyo, name="東大 E2-1")
    today = timezone.localdate()
    start = today - datetime.timedelta(days=12)
    for instrument in Instrument.objects.filter(site=tokyo).exclude(tier=NetworkTier.F1):
        for user, by in ((operator, operator2), (operator2, operator)):
            if not Qualification.objects.filter(user=user, instrument=instrument).exists():
                services.qualification_grant(
                    instrument=instrument,
                    user=user,
                    actor=by,
                    qualified_on=start - datetime.timedelta(days=365),
                    expires_on=today + datetime.timedelta(days=730),
                )
    if not Qualification.objects.filter(user=people["researcher"], instrument=e1).exists():
        for instrument in (e1, e2):
            services.qualification_grant(
                instrument=instrument,
                user=people["researcher"],
                actor=operator,
                qualified_on=start - datetime.timedelta(days=30),
                expires_on=today + datetime.timedelta(days=335),
            )
    if FacilityProject.objects.filter(title=ACADEMIC_TITLE).exists():
        return
    kyoto = Organisation.objects.get(name="京都大学")
    academic, _ = _project(
        ACADEMIC_TITLE,
        actor=people["researcher"],
        organisation=kyoto,
        user_class=UserClass.ACADEMIC,
        results=Results.OPEN,
        e1=3,
        e2=3,
        decide=operator,
        asked=start - datetime.timedelta(days=21),
    )
    ledger.posting_create(
        account=academic.billing_account,
        amount_yen=2_000_000,
        description="利用予算の配分（デモ）",
        actor=operator,
        booked_on=start - datetime.timedelta(days=1),
    )
    takeda = Organisation.objects.get(name="武田薬品工業")
    deposit = Account.objects.filter(organisation=takeda, label=LEDGER_DEMO_DEPOSIT).first()
    company, _ = _project(
        COMPANY_TITLE,
        actor=people["company"],
        organisation=takeda,
        user_class=UserClass.COMPANY,
        results=Results.PROPRIETARY,
        e1=2,
        e2=3,
        decide=operator,
        asked=start - datetime.timedelta(days=10),
        billing_account=deposit,
    )
    services.deposit_top_up(
        account=company.billing_account,
        amount_yen=3_000_000,
        actor=operator,
        booked_on=start - datetime.timedelta(days=2),
        note="預託金の入金（デモ）",
    )
    demo_co = Organisation.objects.get(name="デモ創薬株式会社（デモ）")
    company2, _ = _project(
        COMPANY2_TITLE,
        actor=people["company2"],
        organisation=demo_co,
        user_class=UserClass.COMPANY,
        results=Results.OPEN,
        e1=2,
        e2=2,
        decide=operator,
        asked=today - datetime.timedelta(days=12),
    )
    services.deposit_top_up(
        account=company2.billing_account,
        amount_yen=1_500_000,
        actor=operator,
        booked_on=start - datetime.timedelta(days=2),
        note="預託金の入金（デモ）",
    )
    _project(
        PENDING_TITLE,
        actor=people["researcher"],
        organisation=kyoto,
        user_class=UserClass.ACADEMIC,
        results=Results.OPEN,
        e1=2,
        e2=2,
        decide=None,
    )

    # The academic project: an E1 screening where one sample passes (trial 2) and one fails, then E2 time.
    transporter = services.sample_add(
        project=academic, name="膜輸送体 MT-1（デモ）", actor=people["researcher"]
    )
    receptor = services.sample_add(project=academic, name="受容体 GR-2（デモ）", actor=people["researcher"])
    screening, log = _book_and_log(
        instrument=e1,
        project=academic,
        day=start,
        hours=24,
        actor=people["researcher"],
        logger=operator,
        volume=120,
        outcome="デモ: 2 試料をスクリーニング",
    )
    _screen(
        screening,
        transporter,
        1,
        ice=IceQuality.THICK,
        particles=ParticleDistribution.AGGREGATED,
        decision=Decision.NO_GO,
        result="氷が厚く凝集（デモ）",
        actor=operator,
    )
    _screen(
        screening,
        transporter,
        2,
        ice=IceQuality.GOOD,
        particles=ParticleDistribution.MONODISPERSE,
        decision=Decision.GO,
        result="薄い氷、単分散、2D で二次構造が見える（デモ）",
        actor=operator,
    )
    _screen(
        screening,
        receptor,
        1,
        ice=IceQuality.CRYSTALLINE,
        particles=ParticleDistribution.PREFERRED,
        decision=Decision.NO_GO,
        result="結晶氷、配向の偏り: 試料調製からやり直し（デモ）",
        actor=operator,
    )
    log()
    _booking, log = _book_and_log(
        instrument=e2,
        project=academic,
        day=start + datetime.timedelta(days=2),
        hours=24,
        actor=people["researcher"],
        logger=operator,
        sample=transporter,
        dataset=True,
        volume=4_200,
        outcome="デモ: 高分解能データセット取得（約 8,000 枚）",
        mode=SessionMode.REMOTE,
    )
    log()

    # The company project: assisted sessions (its users hold no qualification), drawn from the deposit.
    ligand = services.sample_add(
        project=company, name="標的タンパク質＋化合物（デモ）", actor=people["company"]
    )
    screening, log = _book_and_log(
        instrument=e1,
        project=company,
        day=start + datetime.timedelta(days=4),
        hours=12,
        actor=people["company"],
        logger=operator,
        assisted=True,
        operator=operator2,
        volume=80,
    )
    _screen(
        screening,
        ligand,
        1,
        ice=IceQuality.GOOD,
        particles=ParticleDistribution.MONODISPERSE,
        decision=Decision.GO,
        result="良好（デモ）",
        actor=operator2,
    )
    log()
    _booking, log = _book_and_log(
        instrument=e2,
        project=company,
        day=start + datetime.timedelta(days=7),
        hours=24,
        actor=people["company"],
        logger=operator,
        sample=ligand,
        assisted=True,
        operator=operator2,
        dataset=True,
        volume=3_600,
        mode=SessionMode.REMOTE,
    )
    log()
    # Ahead: the company's next E2 day, the other company's E1 screening (each sees the other's as "booked").
    _book_and_log(
        instrument=e2,
        project=company,
        day=today + datetime.timedelta(days=3),
        hours=24,
        actor=people["company"],
        logger=operator,
        sample=ligand,
        assisted=True,
        operator=operator2,
    )
    _book_and_log(
        instrument=e1,
        project=company2,
        day=today + datetime.timedelta(days=2),
        hours=12,
        actor=people["company2"],
        logger=operator,
        assisted=True,
        operator=operator,
    )
    _book_and_log(
        instrument=e1,
        project=academic,
        day=today + datetime.timedelta(days=4),
        hours=24,
        actor=people["researcher"],
        logger=operator,
    )
    services.block_add(
        instrument=e2,
        kind="maintenance",
        starts_at=_at(today + datetime.timedelta(days=6), 9),
        ends_at=_at(today + datetime.timedelta(days=7), 17),
        note="定期保守（デモ）",
        actor=operator,
    )
    services.company_slot_add(
        instrument=e2,
        starts_at=_at(today + datetime.timedelta(days=9), 9),
        ends_at=_at(today + datetime.timedelta(days=11), 9),
        release_on=today + datetime.timedelta(days=5),
        actor=operator,
    )
    # One month's invoices: the month of the first session.
    services.invoices_issue_month(
        site=tokyo,
        year=start.year,
        month=start.month,
        actor=operator,
        issued_on=max(today, datetime.date(start.year, start.month, 28)),
    )
