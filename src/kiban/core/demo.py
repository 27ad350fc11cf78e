"""Deterministic demo organisations and one demo user per role, from the seed document's facts."""

from django.db import transaction

from .audit import audited_save
from .choices import OrganisationKind as Kind
from .choices import Role
from .models import Membership, Organisation, User

DEMO_PASSWORD = "kiban-demo"

# (name as in the source, English name, short name, kind, lead organisation for sharing institutions)
ORGANISATIONS = [
    (
        "文部科学省",
        "Ministry of Education, Culture, Sports, Science and Technology",
        "MEXT",
        Kind.MINISTRY,
        None,
    ),
    (
        "日本医療研究開発機構",
        "Japan Agency for Medical Research and Development",
        "AMED",
        Kind.FUNDING_AGENCY,
        None,
    ),
    # The ten translational research hubs (橋渡し研究支援拠点); 北海道大学 shares its work with two.
    ("北海道大学", "Hokkaido University", "北大", Kind.TRANSLATIONAL_HUB, None),
    ("旭川医科大学", "Asahikawa Medical University", "旭川医大", Kind.UNIVERSITY, "北海道大学"),
    ("札幌医科大学", "Sapporo Medical University", "札幌医大", Kind.UNIVERSITY, "北海道大学"),
    ("東北大学", "Tohoku University", "東北大", Kind.TRANSLATIONAL_HUB, None),
    ("筑波大学", "University of Tsukuba", "筑波大", Kind.TRANSLATIONAL_HUB, None),
    ("東京大学", "The University of Tokyo", "東大", Kind.TRANSLATIONAL_HUB, None),
    ("慶応義塾大学", "Keio University", "慶大", Kind.TRANSLATIONAL_HUB, None),
    ("名古屋大学", "Nagoya University", "名大", Kind.TRANSLATIONAL_HUB, None),
    ("京都大学", "Kyoto University", "京大", Kind.TRANSLATIONAL_HUB, None),
    ("大阪大学", "Osaka University", "阪大", Kind.TRANSLATIONAL_HUB, None),
    ("岡山大学", "Okayama University", "岡大", Kind.TRANSLATIONAL_HUB, None),
    ("九州大学", "Kyushu University", "九大", Kind.TRANSLATIONAL_HUB, None),
    # Cryo-EM sites that are not hubs.
    (
        "沖縄科学技術大学院大学",
        "Okinawa Institute of Science and Technology",
        "OIST",
        Kind.RESEARCH_INSTITUTE,
        None,
    ),
    ("理化学研究所", "RIKEN", "理研", Kind.RESEARCH_INSTITUTE, None),
    (
        "高エネルギー加速器研究機構",
        "High Energy Accelerator Research Organization",
        "KEK",
        Kind.FACILITY_SITE,
        None,
    ),
    ("兵庫県立大学", "University of Hyogo", "兵庫県立大", Kind.UNIVERSITY, None),
    ("山梨大学", "University of Yamanashi", "山梨大", Kind.UNIVERSITY, None),
    (
        "生理学研究所",
        "National Institute for Physiological Sciences",
        "生理学研",
        Kind.RESEARCH_INSTITUTE,
        None,
    ),
    ("大阪市立大学", "Osaka City University", "大阪市大", Kind.UNIVERSITY, None),
    ("神戸大学", "Kobe University", "神戸大", Kind.UNIVERSITY, None),
    ("九州工業大学", "Kyushu Institute of Technology", "九工大", Kind.UNIVERSITY, None),
    # Aging project's research promotion and support hub.
    (
        "神戸医療産業都市推進機構",
        "Foundation for Biomedical Research and Innovation at Kobe",
        "FBRI",
        Kind.RESEARCH_INSTITUTE,
        None,
    ),
    # The three major biobanks.
    ("バイオバンク・ジャパン", "BioBank Japan", "BBJ", Kind.BIOBANK, None),
    ("東北メディカル・メガバンク", "Tohoku Medical Megabank", "TMM", Kind.BIOBANK, None),
    (
        "ナショナルセンターバイオバンクネットワーク",
        "National Center Biobank Network",
        "NCBN",
        Kind.BIOBANK,
        None,
    ),
    # Companies: Takeda is named in the source; the others are marked as demo companies.
    ("武田薬品工業", "Takeda Pharmaceutical", "武田", Kind.COMPANY, None),
    ("デモ創薬株式会社（デモ）", "Demo Drug Discovery K.K. (demo)", "", Kind.COMPANY, None),
    ("デモ医療機器株式会社（デモ）", "Demo Medical Devices K.K. (demo)", "", Kind.COMPANY, None),
]

# (user name, display name, e-mail, organisation, role, title)
USERS = [
    ("researcher", "山田 花子", "researcher@example.jp", "京都大学", Role.RESEARCHER, "准教授"),
    ("hub_staff", "佐藤 健", "hub@example.jp", "大阪大学", Role.HUB_STAFF, "PM"),
    ("facility_operator", "鈴木 一郎", "facility@example.jp", "東京大学", Role.FACILITY_OPERATOR, "技術職員"),
    (
        "biobank_curator",
        "高橋 美咲",
        "biobank@example.jp",
        "東北メディカル・メガバンク",
        Role.BIOBANK_CURATOR,
        "",
    ),
    ("company", "田中 誠", "company@example.jp", "武田薬品工業", Role.COMPANY, "研究員"),
    ("agency_officer", "伊藤 由美", "agency@example.jp", "日本医療研究開発機構", Role.AGENCY_OFFICER, "PO"),
    ("ministry_official", "渡辺 大輔", "ministry@example.jp", "文部科学省", Role.MINISTRY_OFFICIAL, "係長"),
    ("auditor", "中村 明", "auditor@example.jp", "文部科学省", Role.AUDITOR, "監査担当"),
]

DEMO_REASON = "Demo data loaded"


def save_demo_record(record, *, actor: User | None = None, **values):
    """Saves a new record, or an existing one whose values differ; an unchanged one gets no history row."""
    changed = record._state.adding or any(getattr(record, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(record, name, value)
    if changed:
        audited_save(record, actor=actor, reason=DEMO_REASON)
    return record


def demo_user(
    username: str, display_name: str, organisation: Organisation, role: str, title: str = "", email: str = ""
) -> User:
    """A demo user (password DEMO_PASSWORD) with this membership; an existing user is left as it is."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=display_name, email=email or f"{username}@example.jp")
        user.set_password(DEMO_PASSWORD)
        audited_save(user, actor=None, reason=DEMO_REASON)
    Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role, defaults={"title": title}
    )
    return user


@transaction.atomic
def load_core() -> dict[str, Organisation]:
    """Creates or updates the demo organisations and users; running it again changes nothing."""
    organisations: dict[str, Organisation] = {}
    for name, name_en, short_name, kind, lead in ORGANISATIONS:
        organisations[name] = save_demo_record(
            Organisation.objects.filter(name=name).first() or Organisation(name=name),
            name_en=name_en,
            short_name=short_name,
            kind=kind,
            lead_organisation=organisations[lead] if lead else None,
        )
    for username, display_name, email, organisation, role, title in USERS:
        demo_user(username, display_name, organisations[organisation], role, title, email)
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.jp", DEMO_PASSWORD, display_name="管理者")
    return organisations
