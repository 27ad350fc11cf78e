"""Fixtures of the facility tests: the demo network (registry, 東京大学's instruments, projects, bookings)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from kiban.core.models import User
from kiban.core.testing import demo_fixture, signed_in
from kiban.facilities.demo import ACADEMIC_TITLE, COMPANY2_TITLE, COMPANY_TITLE
from kiban.facilities.models import FacilityProject, Instrument

# The base demo (see the root conftest) with the projects, bookings and sessions around today.
_base_demo = demo_fixture("programmes", "facility_operations")


@pytest.fixture
def researcher_client(demo_data) -> Client:
    return signed_in(User.objects.get(username="researcher"))


@pytest.fixture
def people(demo_data) -> dict[str, User]:
    names = (
        "researcher",
        "company",
        "company2",
        "facility_operator",
        "facility_operator2",
        "ministry_official",
    )
    return {name: User.objects.get(username=name) for name in names}


@pytest.fixture
def e1(demo_data) -> Instrument:
    return Instrument.objects.get(name="東大 E1-1")


@pytest.fixture
def e2(demo_data) -> Instrument:
    return Instrument.objects.get(name="東大 E2-1")


@pytest.fixture
def academic(demo_data) -> FacilityProject:
    return FacilityProject.objects.get(title=ACADEMIC_TITLE)


@pytest.fixture
def company_project(demo_data) -> FacilityProject:
    return FacilityProject.objects.get(title=COMPANY_TITLE)


@pytest.fixture
def company2_project(demo_data) -> FacilityProject:
    return FacilityProject.objects.get(title=COMPANY2_TITLE)


def at(days: int, hour: int = 9) -> datetime.datetime:
    """A moment `days` from today at `hour`, Japan time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())
