"""Fixtures of the certification tests: a hub with its staff, an open round, applications, certificates."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from kiban.certification import services
from kiban.certification.choices import FunctionCategory, FunctionClass, OutcomeKind, Provision
from kiban.certification.models import CertificationApplication, CertificationRound, FunctionItem
from kiban.core.choices import OrganisationKind, Role
from kiban.core.fiscal import FiscalYear
from kiban.core.models import Membership, Organisation, User
from kiban.core.testing import user_with_role


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def hub(db) -> Organisation:
    """The hub of the matrix's hub-staff user (`user_hub_staff`, whom client_for signs in)."""
    user = User.objects.filter(username="user_hub_staff").first() or user_with_role(Role.HUB_STAFF)
    organisation = user.memberships.get().organisation
    organisation.kind = OrganisationKind.TRANSLATIONAL_HUB
    organisation.name_en = "Test hub"
    organisation.save()
    return organisation


@pytest.fixture
def hub_user(hub) -> User:
    return User.objects.get(username="user_hub_staff")


@pytest.fixture
def other_hub(db) -> Organisation:
    return Organisation.objects.create(
        name="別拠点大学", name_en="Other hub", kind=OrganisationKind.TRANSLATIONAL_HUB
    )


@pytest.fixture
def other_hub_user(other_hub) -> User:
    return user_with_role(Role.HUB_STAFF, organisation=other_hub, username="other_hub_staff")


@pytest.fixture
def partner(db) -> Organisation:
    return Organisation.objects.create(
        name="連携先研究所", name_en="Partner institute", kind="research_institute"
    )


@pytest.fixture
def ministry_user(db) -> User:
    return User.objects.filter(username="user_ministry_official").first() or user_with_role(
        Role.MINISTRY_OFFICIAL
    )


@pytest.fixture
def agency_user(db) -> User:
    return User.objects.filter(username="user_agency_officer").first() or user_with_role(Role.AGENCY_OFFICER)


@pytest.fixture
def open_round(db, today) -> CertificationRound:
    return CertificationRound.objects.create(
        code="open",
        title="認定（試験）",
        title_en="Certification (test)",
        fiscal_year=FiscalYear.of(today).year,
        opens_on=today - datetime.timedelta(days=30),
        closes_on=today + datetime.timedelta(days=30),
    )


@pytest.fixture
def application(open_round, hub, hub_user) -> CertificationApplication:
    return services.application_create(round=open_round, organisation=hub, actor=hub_user)


@pytest.fixture
def other_application(open_round, other_hub, other_hub_user) -> CertificationApplication:
    return services.application_create(round=open_round, organisation=other_hub, actor=other_hub_user)


def complete(application: CertificationApplication, *, actor: User, partner: Organisation) -> None:
    """Fills everything a submission needs: A–D, every class ①② function (one ② through the partner),
    one person per role where the role is in place, and the outcome figures (all zero)."""
    services.application_update_statements(
        application=application,
        hub_statement="拠点を設置している。",
        organisation_statement="組織体制を整備している。",
        track_record_statement="実績がある。",
        training_statement="人材を育成している。",
        actor=actor,
    )
    answers = {}
    for item in FunctionItem.objects.exclude(category=FunctionCategory.OUTCOME):
        if item.function_class == FunctionClass.DISTINCTIVE:
            continue
        if item.code in ("2-org-manufacturing", "product_qa"):
            answers[item.pk] = {"provision": Provision.THROUGH_PARTNERS, "partners": [partner]}
        else:
            answers[item.pk] = {"provision": Provision.IN_HUB}
    services.function_responses_save(application=application, answers=answers, actor=actor)
    for n, role in enumerate(
        FunctionItem.objects.filter(category=FunctionCategory.STAFF, function_class__lte=2)
    ):
        services.staff_member_add(
            application=application,
            role=role,
            person_name=f"試験 {n:02d}",
            organisation=partner if role.code == "product_qa" else application.organisation,
            fte=Decimal("0.5"),
            actor=actor,
        )
    services.reported_outcomes_save(
        application=application,
        counts={(y, k): 0 for y in application.round.outcome_fiscal_years for k in OutcomeKind.values},
        actor=actor,
    )


@pytest.fixture
def complete_application(application, hub_user, partner) -> CertificationApplication:
    complete(application, actor=hub_user, partner=partner)
    return application


@pytest.fixture
def submitted_application(complete_application, hub_user) -> CertificationApplication:
    return services.application_submit(application=complete_application, actor=hub_user)


def add_membership(user: User, organisation: Organisation, role: str) -> None:
    Membership.objects.create(user=user, organisation=organisation, role=role)
