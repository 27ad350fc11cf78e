"""Fixtures of the lifecycle's tests: the Proposal tables, an applicant, an officer, a call."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from kiban.core.choices import OrganisationKind, Role
from kiban.core.models import Organisation, User
from kiban.core.testing import user_with_role

from .models import Proposal


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, plus the tables of the test-only Proposal and its history."""
    with django_db_blocker.unblock(), connection.schema_editor() as editor:
        editor.create_model(Proposal)
        editor.create_model(Proposal.history.model)


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def university(db) -> Organisation:
    return Organisation.objects.create(
        name="申請大学", name_en="Applicant University", kind=OrganisationKind.UNIVERSITY
    )


@pytest.fixture
def applicant(university) -> User:
    return user_with_role(Role.RESEARCHER, organisation=university, username="applicant")


@pytest.fixture
def officer(db) -> User:
    return user_with_role(Role.AGENCY_OFFICER, username="officer")


@pytest.fixture
def proposal(applicant, university) -> Proposal:
    return Proposal.objects.create(organisation=university, created_by=applicant, title="Cryo-EM time")


def submitted(proposal: Proposal, applicant: User) -> Proposal:
    from kiban.submissions import services

    return services.submission_submit(submission=proposal, actor=applicant)
