"""Fixtures of the BINDS tests: headquarters and three units with their leads, a menu, and the matrix's users
placed so that each core role stands for one BINDS part (see `people`)."""

from dataclasses import dataclass

import pytest

from kiban.binds import services
from kiban.binds.choices import Funding, UnitRole
from kiban.binds.models import MenuItem, SupportApplication, SupportUnit, UnitMember
from kiban.core.choices import Role
from kiban.core.models import User
from kiban.core.testing import user_with_role


@dataclass
class People:
    applicant: User
    headquarters: User
    structure: User
    insilico: User
    chemical: User
    outsider_unit: User


def _user(role: str) -> User:
    return User.objects.filter(username=f"user_{role}").first() or user_with_role(role)


@pytest.fixture
def units(db) -> dict[str, SupportUnit]:
    made = {}
    for order, (code, name, name_en, hq) in enumerate(
        [
            ("hq", "ヘッドクォーター", "Headquarters", True),
            ("structure", "構造解析ユニット", "Structure analysis unit", False),
            ("insilico", "インシリコユニット", "In silico unit", False),
            (
                "chemical",
                "ケミカルシーズ・リード探索ユニット",
                "Chemical seeds and lead discovery unit",
                False,
            ),
            ("platform", "プラットフォーム機能最適化ユニット", "Platform function optimisation unit", False),
        ]
    ):
        made[code] = SupportUnit.objects.create(
            code=code, name=name, name_en=name_en, is_headquarters=hq, sort_order=order
        )
    return made


@pytest.fixture
def menu(units) -> dict[str, MenuItem]:
    rows = [
        ("membrane-protein", "structure", "膜タンパク質の発現・精製", "Membrane protein expression", False),
        (
            "cryo-em-spa",
            "structure",
            "クライオ電子顕微鏡による単粒子解析",
            "Cryo-EM single-particle analysis",
            True,
        ),
        ("docking", "insilico", "化合物ドッキングシミュレーション", "Compound docking simulation", False),
        ("hts", "chemical", "ハイスループットスクリーニング", "High-throughput screening", False),
    ]
    return {
        code: MenuItem.objects.create(
            code=code, unit=units[unit], name=name, name_en=name_en, is_cryo_em=cryo
        )
        for code, unit, name, name_en, cryo in rows
    }


@pytest.fixture
def people(units) -> People:
    """researcher = the applicant; hub_staff = headquarters (PS); facility_operator = structure unit lead;
    biobank_curator = in-silico unit lead; auditor = chemical unit lead; a platform-unit lead is uninvolved.
    The matrix (core.testing.client_for) signs in as these same users."""
    hq, structure, insilico, chemical = (
        _user(r) for r in ("hub_staff", "facility_operator", "biobank_curator", "auditor")
    )
    UnitMember.objects.create(user=hq, unit=units["hq"], role=UnitRole.PS)
    UnitMember.objects.create(user=structure, unit=units["structure"], role=UnitRole.LEAD)
    UnitMember.objects.create(user=insilico, unit=units["insilico"], role=UnitRole.LEAD)
    UnitMember.objects.create(user=chemical, unit=units["chemical"], role=UnitRole.LEAD)
    outsider = user_with_role(Role.RESEARCHER, username="platform_lead")
    UnitMember.objects.create(user=outsider, unit=units["platform"], role=UnitRole.LEAD)
    return People(_user(Role.RESEARCHER), hq, structure, insilico, chemical, outsider)


@pytest.fixture
def draft(people, menu) -> SupportApplication:
    """A complete draft: protein production → cryo-EM → docking, plus HTS."""
    application = services.application_create(
        actor=people.applicant,
        title="膜輸送体の構造解析",
        research_summary="Transporter structure and inhibitors.",
        target_name="SLC transporter",
        uniprot_accession="P69905",
        funding=Funding.KAKEN,
        young_researcher=True,
    )
    for code, e2 in (("membrane-protein", 0), ("cryo-em-spa", 3), ("docking", 0), ("hts", 0)):
        services.item_add(application=application, menu_item=menu[code], e2_days=e2, actor=people.applicant)
    return application


@pytest.fixture
def submitted(draft, people) -> SupportApplication:
    services.application_submit(application=draft, actor=people.applicant)
    return draft


@pytest.fixture
def routed(submitted, people) -> SupportApplication:
    for item in submitted.items.order_by("position"):
        services.item_route(item=item, unit=item.menu_item.unit, actor=people.headquarters)
    return submitted


def lead_of(people: People, item) -> User:
    return {"structure": people.structure, "insilico": people.insilico, "chemical": people.chemical}[
        item.unit.code
    ]
