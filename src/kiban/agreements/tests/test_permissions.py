"""Who reads agreements: the members of their parties, the funding agency and auditors; nobody else."""

import pytest

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
    readers = {
        "operator": operator,
        "researcher at the university": researcher,
        "curator at the university": user_with_role(Role.BIOBANK_CURATOR, organisation=university),
        "agency officer": user_with_role(Role.AGENCY_OFFICER),
        "auditor": user_with_role(Role.AUDITOR),
    }
    outsiders = {
        "company member elsewhere": user_with_role(Role.COMPANY, organisation=elsewhere),
        "ministry official": user_with_role(Role.MINISTRY_OFFICIAL),
        "hub staff elsewhere": user_with_role(Role.HUB_STAFF),
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


def test_the_list_reads_in_a_fixed_number_of_queries(facility, operator, django_assert_num_queries):
    for n in range(3):
        other = Organisation.objects.create(name=f"利用機関{n}", kind="university")
        services.agreement_create(
            kind="facility_terms",
            about=facility,
            parties=[(facility, "provider"), (other, "user")],
            actor=operator,
        )
    operator = type(operator).objects.get(pk=operator.pk)
    with django_assert_num_queries(
        3
    ):  # agreements, parties with their organisations, roles (agency, auditor)
        rows = list(agreement_list(user=operator, about=facility, kind="facility_terms"))
        names = sorted(party.organisation.name for row in rows for party in row.parties.all())
    assert len(rows) == 3 and names.count("クライオ電顕施設") == 3
