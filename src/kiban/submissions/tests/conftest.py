"""Fixtures of the lifecycle's tests: the Proposal tables, an applicant, an officer, a call."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from kiban.core.choices import OrganisationKind, Role
from kiban.core.models import Organisation, User
from kiban.core.testing import user_with_role


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, plus the test-only Proposal and its history table. The model is defined here,
    not at collection: once defined it is in the app registry (deletions of users look for its rows, the
    audit trail lists its history), so it exists only in a session whose tables hold it."""
    from .models import Proposal

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
def proposal(applicant, university):
    from .models import Proposal

    return Proposal.objects.create(organisation=university, created_by=applicant, title="Cryo-EM time")


def submitted(proposal, applicant: User):
    from kiban.submissions import services

    return services.submission_submit(submission=proposal, actor=applicant)
