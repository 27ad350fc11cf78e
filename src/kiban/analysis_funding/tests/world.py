"""A small world for the analysis-funding tests: one biobank collection of participants with DNA, people of
three organisations, an open call with WGS and a SNP array at example costs."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from kiban.analysis_funding import services
from kiban.biobank.choices import CollectionKind, MaterialType, StorageTemperature
from kiban.biobank.models import Biobank, Collection, Diagnosis, Participant, Sample
from kiban.biobank.services import saved_search_create
from kiban.core.choices import OrganisationKind, Role
from kiban.core.models import Membership, Organisation, User
from kiban.reviews.services import scores_submit

WGS_COST = 100_000
SNP_COST = 8_000


def participants(collection: Collection, count: int, *, code: str, material: str, prefix: str) -> None:
    people = Participant.objects.bulk_create(
        Participant(
            biobank=collection.biobank,
            collection=collection,
            pseudonym=f"{prefix}{n:04d}",
            sex="female" if n % 2 else "male",
            birth_year=1970,
            age_at_enrolment=50,
        )
        for n in range(count)
    )
    Diagnosis.objects.bulk_create(
        Diagnosis(participant=p, code=code, category=code[:3], chapter="IV") for p in people
    )
    Sample.objects.bulk_create(
        Sample(
            participant=p,
            label=f"{p.pseudonym}-1",
            material_type=material,
            storage_temperature=StorageTemperature.DEEP_FREEZER,
            aliquots=2,
        )
        for p in people
    )


def person(username: str, organisation: Organisation, role: str = Role.RESEARCHER) -> User:
    user = User.objects.create_user(
        username, f"{username}@example.jp", "pw-for-tests-only", display_name=username
    )
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@dataclass
class World:
    officer: User
    proposer: User
    rival: User
    colleague: User  # a reviewer at the proposer's organisation: conflicted
    reviewers: list[User]
    curator_org: Organisation
    analysis_call: object
    big_set: object  # 60 participants with DNA (E11)
    small_set: object  # 5 participants with DNA (C61): masked as <10
    rival_set: object


def build(*, partial_funding: bool = False, budget_yen: int = 5_000_000, blind: bool = True) -> World:
    kyoto = Organisation.objects.create(name="京都大学（試験）", kind=OrganisationKind.UNIVERSITY)
    tohoku = Organisation.objects.create(name="東北大学（試験）", kind=OrganisationKind.UNIVERSITY)
    riken = Organisation.objects.create(name="理化学研究所（試験）", kind=OrganisationKind.RESEARCH_INSTITUTE)
    agency = Organisation.objects.create(
        name="日本医療研究開発機構（試験）", kind=OrganisationKind.FUNDING_AGENCY
    )
    tmm_org = Organisation.objects.create(
        name="東北メディカル・メガバンク（試験）", kind=OrganisationKind.BIOBANK
    )
    tmm = Biobank.objects.create(code="TMM", organisation=tmm_org)
    community = Collection.objects.create(
        biobank=tmm,
        code="community",
        name="地域住民コホート",
        name_en="Community cohort",
        kind=CollectionKind.POPULATION,
    )
    participants(community, 60, code="E11.9", material=MaterialType.DNA, prefix="D")
    participants(community, 5, code="C61", material=MaterialType.DNA, prefix="C")
    participants(community, 40, code="I10", material=MaterialType.DNA, prefix="H")
    officer = person("officer", agency, Role.AGENCY_OFFICER)
    proposer = person("proposer", kyoto)
    rival = person("rival", tohoku)
    colleague = person("colleague", kyoto)
    reviewers = [person("reviewer_a", riken), person("reviewer_b", riken), colleague]
    today = timezone.localdate()
    analysis_call = services.analysis_call_open(
        title="解析費配分公募（試験）",
        title_en="Analysis funding call (test)",
        opens_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=5),
        budget_yen=budget_yen,
        funder="company",
        partial_funding=partial_funding,
        blind_review=blind,
        example_costs=True,
        assays=[
            services.AssaySpec("wgs", MaterialType.DNA, WGS_COST),
            services.AssaySpec("snp_array", MaterialType.DNA, SNP_COST),
        ],
        actor=officer,
    )
    return World(
        officer=officer,
        proposer=proposer,
        rival=rival,
        colleague=colleague,
        reviewers=reviewers,
        curator_org=tmm_org,
        analysis_call=analysis_call,
        big_set=saved_search_create(user=proposer, name="糖尿病", tree={"disease": "E11"}),
        small_set=saved_search_create(user=proposer, name="前立腺がん", tree={"disease": "C61"}),
        rival_set=saved_search_create(user=rival, name="高血圧", tree={"disease": "I10"}),
    )


def proposal(
    world: World, *, user=None, sample_set=None, assay="wgs", samples=20, title="全ゲノム解析", submit=True
):
    user = user or world.proposer
    made = services.proposal_create(
        call=world.analysis_call.call,
        title=title,
        sample_set=sample_set or world.big_set,
        assay=assay,
        samples=samples,
        scientific_case="科学的な意義。",
        actor=user,
    )
    if submit:
        made = services.proposal_submit(proposal=made, actor=user)
    return made


def score(round_, values: list[int]) -> None:
    """Every reviewer of the round without a conflict submits the same value on every criterion, in turn."""
    criteria = list(round_.rubric.criteria.all())
    for assignment, value in zip(
        [a for a in round_.assignments.order_by("pk") if not a.is_conflicted], values, strict=False
    ):
        scores_submit(
            assignment=assignment, values={c.pk: value for c in criteria}, actor=assignment.reviewer
        )


def after_close(world: World) -> datetime.date:
    return world.analysis_call.call.closes_on + datetime.timedelta(days=1)


def close_call(world: World) -> None:
    """Moves the call's window into the past, as if its closing day had gone by."""
    from kiban.submissions.models import Call

    today = timezone.localdate()
    Call.objects.filter(pk=world.analysis_call.call_id).update(
        opens_on=today - datetime.timedelta(days=20), closes_on=today - datetime.timedelta(days=1)
    )


def reviewed_call(world: World) -> list:
    """Three submitted proposals, reviewed (5, 4 and 3), and the call closed."""
    first = proposal(world, samples=30, title="一位の全ゲノム解析")
    second = proposal(
        world, user=world.rival, sample_set=world.rival_set, samples=25, title="二位の全ゲノム解析"
    )
    third = proposal(world, assay="snp_array", samples=40, title="三位のSNPアレイ解析")
    services.call_reviews_open(
        analysis_call=world.analysis_call, reviewers=world.reviewers, per_round=2, actor=world.officer
    )
    from kiban.analysis_funding import selectors

    for made, value in ((first, 5), (second, 4), (third, 3)):
        score(selectors.review_round(made), [value, value])
    close_call(world)
    return [first, second, third]
