"""Fixtures of the programme tests: demo programmes and budgets, signed-in clients."""

import pytest
from django.test import Client

from kiban.core.models import User
from kiban.core.testing import signed_in
from kiban.programmes.models import Programme, ProgrammeBudget


@pytest.fixture
def translational(demo_data) -> Programme:
    return Programme.objects.get(code="translational")


@pytest.fixture
def translational_fy2021(demo_data) -> ProgrammeBudget:
    return ProgrammeBudget.objects.get(programme__code="translational", fiscal_year=2021, kind="initial")


def _signed_in(username: str) -> Client:
    return signed_in(User.objects.get(username=username))


@pytest.fixture
def researcher_client(demo_data) -> Client:
    return _signed_in("researcher")


@pytest.fixture
def ministry_client(demo_data) -> Client:
    return _signed_in("ministry_official")


@pytest.fixture
def agency_client(demo_data) -> Client:
    return _signed_in("agency_officer")
