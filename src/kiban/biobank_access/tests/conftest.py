"""Fixtures of the access-request tests: the biobank tests' small world (TMM and BBJ with known participants)
plus NCBN, a curator at each, the researcher with a saved search, an outsider researcher, and helpers that
bring a request to a given point through the services."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kiban.biobank.models import Biobank, Collection
from kiban.biobank.services import saved_search_create
from kiban.biobank.tests.small_world import build_world
from kiban.biobank_access import services
from kiban.biobank_access.choices import CommitteeDecision
from kiban.biobank_access.demo import committee_decide
from kiban.core.choices import OrganisationKind, Role
from kiban.core.models import Organisation, User
from kiban.core.testing import user_with_role

PDF = b"%PDF-1.4\n% ethics approval\n%%EOF\n"
ASTHMA = {"and": [{"disease": "J45"}, {"sex": "female"}, {"age": {"min": 40, "max": 60}}]}


@dataclass
class World:
    researcher: User
    other_researcher: User
    tmm_curator: User
    bbj_curator: User
    ncbn_curator: User
    tmm: Biobank
    bbj: Biobank
    ncbn: Biobank
    search: object


def pdf(name: str = "irb.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def world(db, settings) -> World:
    settings.KIBAN_DISCLOSURE_NOISE_SCALE = 0
    tmm_curator = user_with_role(
        Role.BIOBANK_CURATOR,
        organisation=Organisation.objects.create(
            name="東北メディカル・メガバンク", kind=OrganisationKind.BIOBANK
        ),
        username="tmm_curator",
    )
    small = build_world(tmm_curator)
    ncbn_org = Organisation.objects.create(
        name="ナショナルセンターバイオバンクネットワーク", name_en="NCBN", kind=OrganisationKind.BIOBANK
    )
    ncbn = Biobank.objects.create(code="NCBN", organisation=ncbn_org)
    Collection.objects.create(
        biobank=ncbn, code="centres", name="NC", name_en="Centres", kind="disease", access_conditions="審査"
    )
    kyoto = Organisation.objects.create(name="京都大学", name_en="Kyoto University", kind="university")
    researcher = user_with_role(Role.RESEARCHER, organisation=kyoto, username="researcher")
    other = user_with_role(
        Role.RESEARCHER,
        organisation=Organisation.objects.create(name="大阪大学", kind="university"),
        username="other_researcher",
    )
    search = saved_search_create(user=researcher, name="喘息の女性", tree=ASTHMA)
    return World(
        researcher=researcher,
        other_researcher=other,
        tmm_curator=tmm_curator,
        bbj_curator=user_with_role(
            Role.BIOBANK_CURATOR, organisation=small["bbj"].organisation, username="bbj_curator"
        ),
        ncbn_curator=user_with_role(Role.BIOBANK_CURATOR, organisation=ncbn_org, username="ncbn_curator"),
        tmm=small["tmm"],
        bbj=small["bbj"],
        ncbn=ncbn,
        search=search,
    )


COMPLETE = {
    "project_summary": "喘息の遺伝的背景",
    "irb_committee": "京都大学 医の倫理委員会",
    "irb_number": "R1234",
    "irb_approved_on": __import__("datetime").date(2026, 4, 1),
    "wants_data": True,
    "amount_detail": "SNP array data",
    "data_use_terms": "This project only",
    "terms_accepted": True,
}


def draft(world: World, biobanks=None, **changes):
    fields = {**COMPLETE, **changes}
    return services.request_create(
        actor=world.researcher,
        saved_search=world.search,
        biobanks=[world.bbj, world.tmm] if biobanks is None else biobanks,
        title="喘息研究",
        **fields,
    )


def submitted(world: World, biobanks=None, **changes):
    access = draft(world, biobanks, **changes)
    services.request_irb_attach(request=access, upload=pdf(), actor=world.researcher)
    return services.request_submit(request=access, actor=world.researcher)


def part_of(access, biobank):
    return access.parts.get(biobank=biobank)


def to_conditions_met(part, curator):
    services.part_check_start(part=part, actor=curator)
    services.part_mark_available(part=part, actor=curator)
    return services.part_conditions_met(part=part, actor=curator)


def to_decided(part, curator, *, approve: bool):
    part = to_conditions_met(part, curator)
    committee_decide(
        part=part,
        outcome=CommitteeDecision.APPROVE if approve else CommitteeDecision.DECLINE,
        rationale="審査の結果" if approve else "同意の範囲外",
        actor=curator,
    )
    part.refresh_from_db()
    return part
