"""Who reads agreements: the members of their parties, the funding agency and auditors; nobody else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kiban.agreements import services
from kiban.agreements.selectors import agreement_list, agreements_visible_to
from kiban.core.choices import Role
from kiban.core.models import Organisation
from kiban.core.testing import user_with_role


@pytest.fixture
def agreement(facility, terms, operator):
    return services.agreement_create(kind="facility_terms", about=facility, parties=terms, actor=operator)


def test_the_parties_members_the_agency_and_auditors_read_an_agreement(
    agreement, operator, researcher, university
):
    # given facility-use terms between the facility and the university
    elsewhere = Organisation.objects.create(name="無関係の会社", kind="company")
    sharing = Organisation.objects.create(name="分担機関", kind="university", lead_organisation=university)
    readers = {
        "operator": operator,
        "researcher at the university": researcher,
        "curator at the university": user_with_role(Role.BIOBANK_CURATOR, organisation=university),
        "agency officer": user_with_role(Role.AGENCY_OFFICER),
        "auditor": user_with_role(Role.AUDITOR),
        # hub staff at a sharing institution work for its lead organisation's hub group
        "hub staff at a sharing institution": user_with_role(
            Role.HUB_STAFF, organisation=sharing, username="sharing_staff"
        ),
    }
    outsiders = {
        "company member elsewhere": user_with_role(Role.COMPANY, organisation=elsewhere),
        "ministry official": user_with_role(Role.MINISTRY_OFFICIAL),
        "hub staff elsewhere": user_with_role(Role.HUB_STAFF),
        "researcher at a sharing institution": user_with_role(
            Role.RESEARCHER, organisation=sharing, username="sharing_researcher"
        ),
    }
    # when each asks for the agreements they may see, and whether they may open this one
    # then the readers see it and the outsiders do not
    for name, user in readers.items():
        assert list(agreements_visible_to(user)) == [agreement], name
        assert user.has_perm("agreements.view_agreement", agreement), name
    for name, user in outsiders.items():
        assert not agreements_visible_to(user).exists(), name
        assert not user.has_perm("agreements.view_agreement", agreement), name


def test_only_those_the_records_app_names_change_an_agreement(agreement, operator, researcher):
    assert operator.has_perm("agreements.change_agreement", agreement)
    assert not researcher.has_perm("agreements.change_agreement", agreement)
    assert not user_with_role(Role.AGENCY_OFFICER).has_perm("agreements.change_agreement", agreement)


def test_the_list_reads_in_a_fixed_number_of_queries(facility, operator):
    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            other = Organisation.objects.create(name=f"利用機関{n}", kind="university")
            services.agreement_create(
                kind="facility_terms",
                about=facility,
                parties=[(facility, "provider"), (other, "user")],
                actor=operator,
            )

    def queries() -> tuple[int, int]:
        reader = type(operator).objects.get(pk=operator.pk)  # nothing cached on the user
        with CaptureQueriesContext(connection) as captured:
            rows = list(agreement_list(user=reader, about=facility, kind="facility_terms"))
            for row in rows:
                [party.organisation.name for party in row.parties.all()]
        return len(rows), len(captured)

    add(3, 0)
    three = queries()
    add(3, 3)
    six = queries()
    assert (three[0], six[0]) == (3, 6)
    assert three[1] == six[1]
