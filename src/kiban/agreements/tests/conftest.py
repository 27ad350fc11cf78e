"""Fixtures of the agreement tests: agreements about a facility (an organisation) under a tiny adapter, and
the organisations and people on each side."""

import pytest

from kiban.agreements import registry
from kiban.core.choices import OrganisationKind, Role
from kiban.core.models import Organisation, User
from kiban.core.testing import user_with_role


class FacilityAdapter:
    """Agreements about a facility site: its facility operators manage them; every kind but NDAs."""

    kinds = ("mta", "data_use", "facility_terms")

    def can_manage(self, user, record) -> bool:
        return user.memberships.filter(organisation=record, role=Role.FACILITY_OPERATOR).exists()


@pytest.fixture
def adapter(db):
    adapter = FacilityAdapter()
    registry.register(Organisation, adapter)
    yield adapter
    registry.unregister(Organisation)


@pytest.fixture
def facility(adapter) -> Organisation:
    return Organisation.objects.create(name="クライオ電顕施設", kind=OrganisationKind.FACILITY_SITE)


@pytest.fixture
def university(db) -> Organisation:
    return Organisation.objects.create(name="利用大学", kind=OrganisationKind.UNIVERSITY)


@pytest.fixture
def operator(facility) -> User:
    return user_with_role(Role.FACILITY_OPERATOR, organisation=facility, username="operator")


@pytest.fixture
def researcher(university) -> User:
    return user_with_role(Role.RESEARCHER, organisation=university, username="researcher")


@pytest.fixture
def terms(facility, university):
    """The facility's parties for facility-use terms: the facility provides, the university uses."""
    return [(facility, "provider"), (university, "user")]
