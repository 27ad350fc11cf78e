"""Fixtures of the review-engine tests: an organisation's application under review via a tiny adapter."""

import pytest
from django.core.exceptions import ValidationError

from kiban.core.choices import OrganisationKind, Role
from kiban.core.models import Organisation, User
from kiban.core.testing import user_with_role
from kiban.reviews import registry, services
from kiban.reviews.models import ReviewRound, Rubric


class OrganisationAdapter:
    """Reviews an organisation's (imaginary) application: its sharing institutions are its partners, agency
    officers manage the review, and a decision is applied by writing the outcome into the short name."""

    outcomes = [("fund", "Fund"), ("reject", "Reject"), ("broken", "Broken outcome")]

    def __init__(self) -> None:
        self.named: dict[int, set[int]] = {}

    def title(self, target) -> str:
        return f"Proposal no. {target.pk}"

    def summary(self, target) -> str:
        return f"A proposal for shared cryo-EM time, number {target.pk}."

    def applicant_label(self, target) -> str:
        return target.name

    def applicant_users(self, target) -> list[User]:
        return list(User.objects.filter(memberships__organisation=target).distinct())

    def conflict_organisation_ids(self, target) -> set[int]:
        return {target.pk, *target.sharing_institutions.values_list("pk", flat=True)}

    def conflict_user_ids(self, target) -> set[int]:
        return self.named.get(target.pk, set())

    def can_manage(self, user, target) -> bool:
        return user.has_role(Role.AGENCY_OFFICER)

    def apply_decision(self, target, decision) -> None:
        if decision.outcome == "broken":
            raise ValidationError("The application cannot take this outcome.", "broken")
        target.short_name = decision.outcome
        target.save()

    def url(self, target) -> str:
        return target.get_absolute_url()


@pytest.fixture
def adapter(db):
    adapter = OrganisationAdapter()
    registry.register(Organisation, adapter)
    yield adapter
    registry.unregister(Organisation)


@pytest.fixture
def applicant(db) -> Organisation:
    return Organisation.objects.create(
        name="申請大学", name_en="Applicant University", kind=OrganisationKind.UNIVERSITY
    )


@pytest.fixture
def partner(applicant) -> Organisation:
    return Organisation.objects.create(
        name="分担機関",
        name_en="Partner Institute",
        kind=OrganisationKind.RESEARCH_INSTITUTE,
        lead_organisation=applicant,
    )


@pytest.fixture
def elsewhere(db) -> Organisation:
    return Organisation.objects.create(
        name="他大学", name_en="Other University", kind=OrganisationKind.UNIVERSITY
    )


@pytest.fixture
def manager(db) -> User:
    return user_with_role(Role.AGENCY_OFFICER)


@pytest.fixture
def applicant_user(applicant) -> User:
    return user_with_role(Role.RESEARCHER, organisation=applicant, username="applicant_pi")


@pytest.fixture
def make_reviewer(elsewhere):
    def make(username: str, organisation: Organisation | None = None) -> User:
        return user_with_role(Role.RESEARCHER, organisation=organisation or elsewhere, username=username)

    return make


@pytest.fixture
def rubric(db) -> Rubric:
    return services.rubric_create(
        name="試験ルーブリック",
        name_en="Test rubric",
        scale_min=1,
        scale_max=9,
        aggregation="mean",
        criteria=[
            {"name": "重要性", "name_en": "Significance", "weight": 1},
            {"name": "革新性", "name_en": "Innovation", "weight": 2},
            {"name": "実現可能性", "name_en": "Feasibility", "weight": 1},
        ],
    )


@pytest.fixture
def review_round(adapter, applicant, partner, rubric, manager, applicant_user) -> ReviewRound:
    return services.review_round_open(
        target=applicant, rubric=rubric, title="2025 stage-gate", blind=False, due_date=None, actor=manager
    )
