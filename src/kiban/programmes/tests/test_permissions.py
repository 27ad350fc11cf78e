"""Who may open each programme page and endpoint, and that the lists do not grow their queries with rows."""

import itertools

import pytest

from kiban.core.choices import Role
from kiban.core.models import Organisation
from kiban.core.testing import (
    SIGNED_IN,
    Access,
    assert_constant_queries,
    assert_permission_matrix,
    client_for,
)
from kiban.programmes.models import Programme, ProgrammeBudget, SubAllocation

EDITORS = (Role.MINISTRY_OFFICIAL,)
ATTACHERS = (Role.MINISTRY_OFFICIAL, Role.AGENCY_OFFICER)


def test_reading_pages_are_open_to_every_signed_in_user(translational):
    # given the demo data
    # when every role opens the reading pages
    # then anyone signed in (even without a role) may, and anonymous visitors are sent to sign in
    assert_permission_matrix(
        [
            Access("GET", "/programmes/", SIGNED_IN),
            Access("GET", "/programmes/?fy=2020", SIGNED_IN),
            Access("GET", "/programmes/export.csv", SIGNED_IN),
            Access("GET", "/programmes/export.xlsx?fy=2020", SIGNED_IN),
            Access("GET", f"/programmes/{translational.pk}/", SIGNED_IN),
        ]
    )


def test_reading_endpoints_are_open_to_every_signed_in_user(translational):
    # given the demo data
    # when every role calls the reading endpoints
    # then anyone signed in may; anonymous callers get 401
    assert_permission_matrix(
        [
            Access("GET", "/api/programmes", SIGNED_IN, api=True),
            Access("GET", "/api/programmes?fiscal_year=2020", SIGNED_IN, api=True),
            Access("GET", f"/api/programmes/{translational.pk}", SIGNED_IN, api=True),
        ]
    )


def test_only_ministry_officials_correct_budgets(translational_fy2021):
    # given FY2021's translational budget
    url = f"/programmes/budgets/{translational_fy2021.pk}/edit/"

    # when every role opens the correction page, sends the form and calls the endpoint
    # then only ministry officials are let through
    assert_permission_matrix(
        [
            Access("GET", url, EDITORS),
            Access("POST", url, EDITORS, data={"amount_million": "5300", "version": "1", "reason": "matrix"}),
            Access(
                "PUT",
                f"/api/programmes/budgets/{translational_fy2021.pk}",
                EDITORS,
                data={"amount_yen": 5_400_000_000, "version": 2, "reason": "matrix"},
                content_type="application/json",
                api=True,
            ),
        ]
    )
    translational_fy2021.refresh_from_db()
    assert (translational_fy2021.amount_yen, translational_fy2021.version) == (5_400_000_000, 3)


def test_only_ministry_officials_and_agency_officers_attach(translational):
    # given the translational programme
    # when every role sends the attach form (empty, so nothing is stored)
    # then only ministry officials and agency officers are let through
    assert_permission_matrix([Access("POST", f"/programmes/{translational.pk}/attachments/", ATTACHERS)])


@pytest.fixture
def funded_programmes():
    """Adds programmes with an FY2021 and FY2020 budget and a FY2020 supplementary budget."""
    numbers = itertools.count(1)

    def add(count: int) -> None:
        for _ in range(count):
            n = next(numbers)
            programme = Programme.objects.create(code=f"extra-{n}", name=f"追加事業{n}", name_en=f"Extra {n}")
            ProgrammeBudget.objects.create(programme=programme, fiscal_year=2021, amount_yen=n * 1_000_000)
            ProgrammeBudget.objects.create(programme=programme, fiscal_year=2020, amount_yen=n * 2_000_000)
            ProgrammeBudget.objects.create(
                programme=programme, fiscal_year=2020, kind="supplementary_1", amount_yen=n * 500_000
            )

    return add


def test_programme_list_queries_do_not_grow_with_programmes(demo_data, funded_programmes):
    # given the demo data, then 5 and 10 more funded programmes
    # when the list is opened each time
    # then it runs the same number of queries
    assert_constant_queries(client_for(Role.RESEARCHER), "/programmes/", funded_programmes)


def test_programme_exports_and_api_list_queries_do_not_grow_with_programmes(demo_data, funded_programmes):
    # given the demo data, then more funded programmes before each export and API call
    # when each is fetched
    # then the number of queries stays the same
    client = client_for(Role.RESEARCHER)
    assert_constant_queries(client, "/programmes/export.csv", funded_programmes)
    assert_constant_queries(client, "/programmes/export.xlsx", funded_programmes)
    assert_constant_queries(client, "/api/programmes", funded_programmes)


def _sub_allocations(programme):
    numbers = itertools.count(1)

    def add(count: int) -> None:
        for _ in range(count):
            n = next(numbers)
            recipient = Organisation.objects.create(name=f"試験大学{n}", kind="university")
            SubAllocation.objects.create(
                programme=programme,
                fiscal_year=2021 - n % 2,
                name=f"配分{n}",
                name_en=f"Allocation {n}",
                recipient=recipient,
                amount_yen=n * 1_000_000,
            )

    return add


def test_programme_detail_queries_do_not_grow_with_sub_allocations(translational):
    # given the translational programme, then 5 and 10 more sub-allocations, each with its own recipient
    # when its page is opened each time
    # then it runs the same number of queries
    assert_constant_queries(
        client_for(Role.RESEARCHER), f"/programmes/{translational.pk}/", _sub_allocations(translational)
    )


def test_programme_detail_api_queries_do_not_grow_with_sub_allocations(translational):
    # given the translational programme, then 5 and 10 more sub-allocations
    # when the API detail is fetched each time
    # then it runs the same number of queries
    assert_constant_queries(
        client_for(Role.RESEARCHER), f"/api/programmes/{translational.pk}", _sub_allocations(translational)
    )
