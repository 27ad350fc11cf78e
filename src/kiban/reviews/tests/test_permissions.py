"""Who may open each review page and endpoint, and that the lists keep a constant number of queries."""

import itertools

import pytest

from kiban.core.choices import OrganisationKind, Role
from kiban.core.models import Organisation
from kiban.core.testing import (
    SIGNED_IN,
    Access,
    assert_constant_queries,
    assert_permission_matrix,
    client_for,
    user_with_role,
)
from kiban.reviews import services

from .helpers import submit

REVIEWER = (Role.RESEARCHER,)
MANAGER = (Role.AGENCY_OFFICER,)  # the test adapter lets agency officers manage reviews


@pytest.fixture
def assignment(review_round, manager):
    """The researcher role's user is the round's reviewer, without a conflict."""
    reviewer = user_with_role(Role.RESEARCHER)
    return services.reviewer_assign(round=review_round, reviewer=reviewer, actor=manager)


def test_reviewer_pages_are_for_the_assigned_reviewer(assignment):
    # given a round whose reviewer is the researcher
    page = f"/reviews/assignments/{assignment.pk}/"

    # when every role opens the list, the review page, and sends the forms (empty: nothing is stored)
    # then the list is everyone's, the review page and its forms only the reviewer's
    assert_permission_matrix(
        [
            Access("GET", "/reviews/", SIGNED_IN),
            Access("GET", page, REVIEWER),
            Access("POST", page, REVIEWER),
            Access("POST", f"{page}conflict/", REVIEWER),
        ]
    )
    assert not assignment.scores.exists()


def test_round_pages_are_for_the_items_review_managers(review_round, applicant, assignment):
    # given an open round on the applicant's proposal
    page = f"/reviews/rounds/{review_round.pk}/"

    # when every role opens the round page, opens a round and sends the forms (empty, except closing)
    # then only the managers (here agency officers) are let through
    assert_permission_matrix(
        [
            Access("GET", page, MANAGER),
            Access("POST", f"{page}assign/", MANAGER),
            Access("POST", f"{page}assign-balanced/", MANAGER),
            Access("POST", f"{page}decide/", MANAGER),
            Access("GET", f"/reviews/open/core/organisation/{applicant.pk}/", MANAGER),
            Access("POST", f"/reviews/open/core/organisation/{applicant.pk}/", MANAGER),
            Access("POST", f"{page}close/", MANAGER),
        ]
    )
    review_round.refresh_from_db()
    assert review_round.state == "closed"


def test_endpoints_follow_the_same_rules(review_round, assignment):
    # when every role calls the endpoints (with payloads the service refuses, so nothing changes)
    # then anyone signed in lists their own work, only the reviewer submits or declares, only managers
    # see the aggregate; anonymous callers get 401
    assert_permission_matrix(
        [
            Access("GET", "/api/reviews/assignments", SIGNED_IN, api=True),
            Access(
                "POST",
                f"/api/reviews/assignments/{assignment.pk}/scores",
                REVIEWER,
                data={"values": {}},
                content_type="application/json",
                api=True,
            ),
            Access(
                "POST",
                f"/api/reviews/assignments/{assignment.pk}/conflict",
                REVIEWER,
                data={"reason": " "},
                content_type="application/json",
                api=True,
            ),
            Access("GET", f"/api/reviews/rounds/{review_round.pk}/aggregate", MANAGER, api=True),
        ]
    )
    assignment.refresh_from_db()
    assert (assignment.conflict, assignment.submitted_at) == ("none", None)


def test_a_conflicted_reviewer_can_neither_see_nor_score(review_round, applicant, manager):
    # given a reviewer from the applicant's organisation, assigned (the conflict is detected)
    insider = user_with_role(Role.RESEARCHER, organisation=applicant)
    assignment = services.reviewer_assign(round=review_round, reviewer=insider, actor=manager)
    client = client_for(Role.RESEARCHER)

    # when they open the review page, the list, or submit through the API
    page = client.get(f"/reviews/assignments/{assignment.pk}/")
    listing = client.get("/reviews/")
    api = client.post(
        f"/api/reviews/assignments/{assignment.pk}/scores",
        {"values": {}},
        content_type="application/json",
    )

    # then they are refused and see nothing of the item
    assert page.status_code == 403
    assert "Proposal no." not in listing.content.decode()
    assert api.status_code == 403
    assert api.json()["detail"] == (
        "This review is not assigned to you, or you have a conflict of interest with it."
    )


@pytest.fixture
def more_work(adapter, rubric, manager):
    """Adds rounds on new applicants, each assigned to the researcher role's user; half of them blind."""
    reviewer = user_with_role(Role.RESEARCHER)
    numbers = itertools.count(1)

    def add(count: int) -> None:
        for _ in range(count):
            n = next(numbers)
            org = Organisation.objects.create(name=f"追加申請機関{n}", kind=OrganisationKind.UNIVERSITY)
            round_ = services.review_round_open(
                target=org, rubric=rubric, title=f"Round {n}", blind=n % 2 == 0, due_date=None, actor=manager
            )
            services.reviewer_assign(round=round_, reviewer=reviewer, actor=manager)

    return add


def test_my_reviews_queries_do_not_grow_with_assignments(more_work):
    client = client_for(Role.RESEARCHER)
    assert_constant_queries(client, "/reviews/", more_work)
    assert_constant_queries(client, "/api/reviews/assignments", more_work)


def test_round_page_queries_do_not_grow_with_reviewers(review_round, applicant, manager):
    # given a round to which scored reviewers (and, every third, a conflicted one) are added
    numbers = itertools.count(1)

    def add(count: int) -> None:
        for _ in range(count):
            n = next(numbers)
            organisation = applicant if n % 3 == 0 else None
            reviewer = user_with_role(Role.RESEARCHER, organisation=organisation, username=f"reviewer{n}")
            assignment = services.reviewer_assign(round=review_round, reviewer=reviewer, actor=manager)
            if not assignment.is_conflicted:
                submit(assignment, 1 + n % 9, None, 5)

    client = client_for(Role.AGENCY_OFFICER)
    assert_constant_queries(client, f"/reviews/rounds/{review_round.pk}/", add)
    assert_constant_queries(client, f"/api/reviews/rounds/{review_round.pk}/aggregate", add)
