"""Fixtures of the bioresource tests: a centre with its staff (the matrix's facility operator), a researcher
(the matrix's), species, a human cell line, a BSL2 virus and a plasmid under the depositor's own terms,
each with a lot that passed QC."""

import datetime

import pytest

from kiban.bioresources import services
from kiban.bioresources.choices import (
    Biosafety,
    MtaClause,
    MtaTerms,
    QcKind,
    QcResult,
    ResourceForm,
    ResourceType,
)
from kiban.bioresources.models import Lot, QcTest, Resource, Species
from kiban.core.choices import OrganisationKind, Role
from kiban.core.models import User
from kiban.core.testing import user_with_role

STR = "Amelogenin: X; D5S818: 11,12; TH01: 7,9.3; vWA: 16,18"


def _user(role: str) -> User:
    return User.objects.filter(username=f"user_{role}").first() or user_with_role(role)


@pytest.fixture
def staff(db) -> User:
    """The matrix's facility operator, made staff of a resource centre."""
    user = _user(Role.FACILITY_OPERATOR)
    centre = user.memberships.get().organisation
    centre.kind, centre.short_name = OrganisationKind.RESOURCE_CENTRE, "TC"
    centre.save()
    return user


@pytest.fixture
def centre(staff):
    return staff.memberships.get().organisation


@pytest.fixture
def researcher(db) -> User:
    return _user(Role.RESEARCHER)


@pytest.fixture
def institution(researcher):
    return researcher.memberships.get().organisation


@pytest.fixture
def depositor(db) -> User:
    from kiban.core.models import Organisation

    university = Organisation.objects.create(name="寄託者大学", kind=OrganisationKind.UNIVERSITY)
    return user_with_role(Role.RESEARCHER, organisation=university, username="depositor_user")


@pytest.fixture
def species(db) -> dict[str, Species]:
    rows = [
        ("Homo sapiens", 9606),
        ("Mus musculus", 10090),
        ("Influenza A virus", 11320),
        ("synthetic construct", 32630),
    ]
    return {name: Species.objects.create(scientific_name=name, taxonomy_id=taxid) for name, taxid in rows}


def make_resource(centre, species, number, **values) -> Resource:
    resource = Resource(
        centre=centre,
        species=species,
        number=number,
        academic_price_yen=20_000,
        company_price_yen=40_000,
        **values,
    )
    resource.full_clean()
    resource.save()
    return resource


def passing_lot(resource, number="L1", stock=5) -> Lot:
    lot = Lot.objects.create(
        resource=resource, lot_number=number, prepared_on=datetime.date(2025, 4, 1), stock=stock
    )
    for kind in (QcKind.STERILITY, QcKind.MYCOPLASMA):
        QcTest.objects.create(lot=lot, kind=kind, result=QcResult.PASSED)
    return lot


@pytest.fixture
def cell(centre, species) -> Resource:
    resource = make_resource(
        centre,
        species["Homo sapiens"],
        "TC-C1",
        name="試験細胞株",
        resource_type=ResourceType.CELL,
        form=ResourceForm.CELL_VIAL,
        str_profile=STR,
    )
    passing_lot(resource)
    return resource


@pytest.fixture
def virus(centre, species) -> Resource:
    resource = make_resource(
        centre,
        species["Influenza A virus"],
        "TC-V1",
        name="試験ウイルス",
        resource_type=ResourceType.VIRUS,
        form=ResourceForm.VIRUS_STOCK,
        bsl=Biosafety.BSL2,
        host_range="ヒト、MDCK細胞",
    )
    passing_lot(resource)
    return resource


@pytest.fixture
def plasmid(centre, species, depositor) -> Resource:
    resource = make_resource(
        centre,
        species["synthetic construct"],
        "TC-G1",
        name="試験プラスミド",
        resource_type=ResourceType.GENETIC_MATERIAL,
        form=ResourceForm.PLASMID,
        insert="PAX6 cDNA",
        vector="pcDNA3.1(+)",
        mta_terms=MtaTerms.DEPOSITOR,
        mta_clauses=[MtaClause.NON_COMMERCIAL, MtaClause.DEPOSITOR_APPROVAL],
        depositor=depositor,
    )
    passing_lot(resource)
    return resource


def draft_order(user, organisation, *resources, quantity=1):
    for resource in resources:
        services.cart_add(user=user, resource=resource, quantity=quantity)
    (order,) = services.orders_from_cart(user=user, organisation=organisation, purpose="試験")
    return order


def accept_all(order, user, signatory=("署名 太郎", "理事")):
    for line in order.lines.select_related("resource"):
        services.mta_accept(line=line, actor=user, signatory_name=signatory[0], signatory_title=signatory[1])
