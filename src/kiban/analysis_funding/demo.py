"""Demo analysis-funding calls, marked （デモ）/ (demo): one published (its funded genomes appear in the
sequencing progress), one closed and reviewed waiting for its allocation, one open for proposals. The costs
per sample are example figures (the source gives no prices). Running it again changes nothing."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kiban.biobank.models import SavedSearch
from kiban.biobank.services import saved_search_create
from kiban.core.choices import Role
from kiban.core.demo import demo_user
from kiban.core.models import Organisation, User
from kiban.reviews.services import scores_submit
from kiban.submissions.models import Call

from . import selectors, services
from .choices import Assay
from .forms import DEFAULT_MATERIAL

# Example costs per sample (yen): illustrations only, labelled as such on the call's page.
EXAMPLE_COSTS = {
    Assay.WGS: 100_000,
    Assay.WES: 50_000,
    Assay.SNP_ARRAY: 8_000,
    Assay.METHYLATION: 30_000,
    Assay.PROTEOME: 20_000,
}

# (user name, display name, organisation) of the demo proposers besides the demo researcher (京都大学).
PROPOSERS = [
    ("af_tohoku", "小林 直樹（デモ）", "東北大学"),
    ("af_osaka", "加藤 さくら（デモ）", "大阪大学"),
    ("af_kyushu", "松本 亮（デモ）", "九州大学"),
]
# The seeds' demo reviewers (same accounts), and one at 京都大学: conflicted with the researcher's proposals.
REVIEWERS = [
    ("reviewer", "評価委員（デモ）", "理化学研究所"),
    ("reviewer2", "評価委員２（デモ）", "大阪市立大学"),
    ("af_reviewer3", "評価委員３（デモ）", "京都大学"),
]
# Each proposer's saved searches (the sample sets): name, criteria.
SAMPLE_SETS = {
    "researcher": [
        ("2型糖尿病（BBJ）", {"and": [{"disease": "E11"}, {"biobank": "BBJ"}]}),
        ("高血圧（全バイオバンク）", {"disease": "I10"}),
    ],
    "af_tohoku": [("地域住民コホート（TMM）", {"collection": "TMM/community"})],
    "af_osaka": [("脂質異常症", {"disease": "E78"})],
    "af_kyushu": [("三世代コホート（TMM）", {"collection": "TMM/three-generation"})],
}


@dataclass(frozen=True)
class DemoProposal:
    proposer: str
    sample_set: str
    title: str
    assay: str
    samples: int
    scores: tuple[tuple[int, int, int], tuple[int, int, int]]  # two reviewers' scores on the three criteria


PUBLISHED = "解析費配分公募 2025（デモ）"
REVIEWED = "解析費配分公募 2026（デモ）"
OPEN = "解析費配分公募 2027（デモ）"

CALLS = {
    PUBLISHED: {
        "title_en": "Analysis funding call 2025 (demo)",
        "days": (-150, -120),
        "budget_yen": 50_000_000,
        "funder": "government",
        "partial_funding": False,
        "proposals": [
            DemoProposal(
                "researcher",
                "2型糖尿病（BBJ）",
                "2型糖尿病の全ゲノム解析（デモ）",
                Assay.WGS,
                200,
                ((5, 5, 4), (5, 4, 4)),
            ),
            DemoProposal(
                "af_tohoku",
                "地域住民コホート（TMM）",
                "地域住民の全エクソーム解析（デモ）",
                Assay.WES,
                400,
                ((4, 4, 4), (4, 5, 4)),
            ),
            DemoProposal(
                "af_osaka",
                "脂質異常症",
                "脂質異常症のSNPアレイ解析（デモ）",
                Assay.SNP_ARRAY,
                2_500,
                ((3, 4, 3), (4, 3, 3)),
            ),
        ],
    },
    REVIEWED: {
        "title_en": "Analysis funding call 2026 (demo)",
        "days": (-40, -5),
        "budget_yen": 100_000_000,
        "funder": "company",
        "partial_funding": True,
        "proposals": [
            DemoProposal(
                "researcher",
                "2型糖尿病（BBJ）",
                "糖尿病合併症の全ゲノム解析（デモ）",
                Assay.WGS,
                300,
                ((5, 5, 5), (5, 4, 4)),
            ),
            DemoProposal(
                "af_tohoku",
                "地域住民コホート（TMM）",
                "地域住民の全ゲノム解析（デモ）",
                Assay.WGS,
                250,
                ((4, 4, 5), (4, 4, 5)),
            ),
            DemoProposal(
                "af_osaka",
                "脂質異常症",
                "脂質異常症の全エクソーム解析（デモ）",
                Assay.WES,
                600,
                ((4, 5, 4), (5, 4, 4)),
            ),
            DemoProposal(
                "af_kyushu",
                "三世代コホート（TMM）",
                "三世代家系の全ゲノム解析（デモ）",
                Assay.WGS,
                400,
                ((4, 4, 4), (4, 4, 4)),
            ),
            DemoProposal(
                "researcher",
                "高血圧（全バイオバンク）",
                "高血圧のメチル化解析（デモ）",
                Assay.METHYLATION,
                500,
                ((3, 3, 3), (3, 3, 3)),
            ),
        ],
    },
    OPEN: {
        "title_en": "Analysis funding call 2027 (demo)",
        "days": (-10, 50),
        "budget_yen": 80_000_000,
        "funder": "government",
        "partial_funding": False,
        "proposals": [],
    },
}

CASE = (
    "保存試料をデータ化し、疾患関連遺伝子の同定と層別化に用いる（デモ）。"
    "Turning stored samples into data to find and stratify disease genes (demo)."
)


def _people() -> dict[str, User]:
    organisations = {o.name: o for o in Organisation.objects.all()}
    people = {"researcher": User.objects.get(username="researcher")}
    for username, name, organisation in PROPOSERS:
        people[username] = demo_user(username, name, organisations[organisation], Role.RESEARCHER, "研究者")
    for username, name, organisation in REVIEWERS:
        people[username] = demo_user(username, name, organisations[organisation], Role.RESEARCHER, "評価委員")
    people["agency_officer"] = User.objects.get(username="agency_officer")
    return people


def _sample_sets(people: dict[str, User]) -> dict[tuple[str, str], SavedSearch]:
    found = {}
    for username, sets in SAMPLE_SETS.items():
        for name, criteria in sets:
            saved = SavedSearch.objects.filter(user=people[username], name=name).first()
            found[username, name] = saved or saved_search_create(
                user=people[username], name=name, tree=criteria
            )
    return found


def _call(title: str, spec: dict, officer: User, today: datetime.date):
    opens, closes = (today + datetime.timedelta(days=d) for d in spec["days"])
    return services.analysis_call_open(
        title=title,
        title_en=spec["title_en"],
        opens_on=opens,
        closes_on=closes,
        budget_yen=spec["budget_yen"],
        funder=spec["funder"],
        partial_funding=spec["partial_funding"],
        blind_review=True,
        tie_break="lower_request",
        example_costs=True,
        assays=[services.AssaySpec(a, DEFAULT_MATERIAL[a], cost) for a, cost in EXAMPLE_COSTS.items()],
        description="科学的メリットに基づき、保存試料のデータ化に解析費を配分する（デモ）。",
        actor=officer,
    )


def _proposals(analysis_call, spec: dict, people, sample_sets) -> None:
    on = analysis_call.call.opens_on + datetime.timedelta(days=3)
    for demo in spec["proposals"]:
        proposer = people[demo.proposer]
        proposal = services.proposal_create(
            call=analysis_call.call,
            title=demo.title,
            sample_set=sample_sets[demo.proposer, demo.sample_set],
            assay=demo.assay,
            samples=demo.samples,
            scientific_case=CASE,
            actor=proposer,
            on=on,
        )
        services.proposal_submit(proposal=proposal, actor=proposer, on=on)


def _reviews(analysis_call, spec: dict, people) -> None:
    officer = people["agency_officer"]
    rounds = services.call_reviews_open(
        analysis_call=analysis_call,
        reviewers=[people[username] for username, _name, _org in REVIEWERS],
        per_round=2,
        actor=officer,
    )
    by_title = {demo.title: demo for demo in spec["proposals"]}
    for round_ in rounds:
        demo = by_title[round_.target.title]
        criteria = list(round_.rubric.criteria.all())
        assignments = [a for a in round_.assignments.order_by("pk") if not a.is_conflicted]
        for assignment, values in zip(assignments, demo.scores, strict=False):
            scores_submit(
                assignment=assignment,
                values={c.pk: v for c, v in zip(criteria, values, strict=True)},
                actor=assignment.reviewer,
            )


@transaction.atomic
def load_analysis_funding() -> None:
    """Creates the three demo calls that are not there yet, with their proposals, reviews and (for the
    first) the published allocation."""
    people = _people()
    officer = people["agency_officer"]
    sample_sets = _sample_sets(people)
    today = timezone.localdate()
    for title, spec in CALLS.items():
        if Call.objects.filter(system=selectors.CALL_SYSTEM, title=title).exists():
            continue
        analysis_call = _call(title, spec, officer, today)
        if not spec["proposals"]:
            continue
        _proposals(analysis_call, spec, people, sample_sets)
        _reviews(analysis_call, spec, people)
        if title == PUBLISHED:
            allocation = services.allocation_compute(analysis_call=analysis_call, actor=officer)
            services.allocation_approve(allocation=allocation, actor=officer)
            services.allocation_publish(allocation=allocation, actor=officer)
