"""Fixtures of the seed tests: the demo organisations and programmes, the permission matrix's users placed
where the rules look for them, and seeds registered through the services."""

import datetime
import itertools

import pytest

from kiban.core.choices import Role
from kiban.core.models import Organisation, User
from kiban.core.testing import demo_fixture, user_with_role
from kiban.seeds import services
from kiban.seeds.choices import Modality, ProgrammeSlot

_programmes_demo = demo_fixture("programmes")


@pytest.fixture
def base_data(_programmes_demo, db):
    """The demo organisations, users and programmes (the ten hubs, the translational programme), loaded
    once for the module."""
    _programmes_demo.ready()


@pytest.fixture
def osaka(base_data) -> Organisation:
    return Organisation.objects.get(name="大阪大学")


@pytest.fixture
def kyoto(base_data) -> Organisation:
    return Organisation.objects.get(name="京都大学")


@pytest.fixture
def takeda(base_data) -> Organisation:
    return Organisation.objects.get(name="武田薬品工業")


@pytest.fixture
def matrix_users(base_data, osaka, takeda) -> dict[str, User]:
    """The users `client_for(role)` signs in as: hub staff at 大阪大学, a company member at 武田薬品工業, and
    the others at their own test organisations."""
    users = {
        Role.HUB_STAFF: user_with_role(Role.HUB_STAFF, organisation=osaka),
        Role.COMPANY: user_with_role(Role.COMPANY, organisation=takeda),
    }
    for role in Role.values:
        if role not in users:
            users[role] = user_with_role(role)
    return users


_numbers = itertools.count(1)


def register(*, hub, pi, actor, **overrides):
    """A seed registered through the service, with sensible defaults."""
    values = {
        "title": f"試験シーズ {next(_numbers)}",
        "summary": "公開される概要。",
        "details": "機密の詳細：化合物の構造。",
        "institution": hub,
        "modality": Modality.DRUG,
        "icd10_code": "C34.1",
        "programme_slot": ProgrammeSlot.SEED_A,
        "support_from_fy": 2019,
        "support_to_fy": 2023,
        "registered_on": datetime.date(2019, 6, 1),
    }
    values.update(overrides)
    return services.seed_register(hub=hub, pi=pi, actor=actor, **values)


@pytest.fixture
def hub_staff(matrix_users) -> User:
    return matrix_users[Role.HUB_STAFF]


@pytest.fixture
def pi(matrix_users) -> User:
    return matrix_users[Role.RESEARCHER]


@pytest.fixture
def seed(osaka, hub_staff, pi):
    """A listed seed at 大阪大学 whose principal investigator is the matrix's researcher."""
    return register(hub=osaka, pi=pi, actor=hub_staff, title="肺がん新規治療薬")


@pytest.fixture
def unlisted_seed(osaka, hub_staff, base_data):
    """A seed at 大阪大学 not listed for companies, led by someone outside the matrix."""
    other = User.objects.create_user("other_pi", "other@example.jp", "pw-for-tests-only")
    return register(hub=osaka, pi=other, actor=hub_staff, title="非公開シーズ", listed_for_matching=False)
