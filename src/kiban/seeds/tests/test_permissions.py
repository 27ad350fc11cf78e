"""Who may open each seed page and endpoint: the team, the hub, companies (public summary, details under an
NDA), reviewers through the review engine only, and the agency and the ministry reading everything."""

import datetime

from kiban.core.choices import Role
from kiban.core.models import User
from kiban.core.testing import Access, assert_permission_matrix
from kiban.seeds import services
from kiban.seeds.reviewing import SeedStageGateAdapter

OVERSEERS = (Role.AGENCY_OFFICER, Role.MINISTRY_OFFICIAL)
LIST_READERS = (Role.RESEARCHER, Role.HUB_STAFF, Role.COMPANY, *OVERSEERS)
TEAM_AND_HUB = (Role.RESEARCHER, Role.HUB_STAFF)
# A complete registration at a hub that does not exist: allowed roles get 404, so nothing is written.
UNKNOWN_HUB_SEED = {
    "hub_id": 0,
    "title": "x",
    "summary": "x",
    "institution_id": 0,
    "modality": "drug",
    "icd10_code": "C34",
    "programme_slot": "seed_a",
    "support_from_fy": 2021,
    "support_to_fy": 2022,
}


def test_the_list_and_its_exports_are_for_the_roles_that_have_seeds(seed):
    # given a seed at 大阪大学
    # when every role opens the list, its exports and the API list
    # then researchers, hub staff, companies, the agency and the ministry may; the other roles are refused
    assert_permission_matrix(
        [
            Access("GET", "/seeds/", LIST_READERS),
            Access("GET", "/seeds/?stage=seed_a&modality=drug", LIST_READERS),
            Access("GET", "/seeds/export.csv", LIST_READERS),
            Access("GET", "/seeds/export.xlsx", LIST_READERS),
            Access("GET", "/api/seeds", LIST_READERS, api=True),
            Access("GET", "/api/seeds/outcomes", LIST_READERS, api=True),
        ]
    )


def test_a_listed_seed_is_open_to_its_team_its_hub_companies_and_the_overseers(seed):
    # given a listed seed whose principal investigator is the researcher and whose hub the hub staff work for
    # when every role opens its page and its API record
    # then the team, the hub, companies (public summary) and the overseers may; nobody else
    allowed = (Role.RESEARCHER, Role.HUB_STAFF, Role.COMPANY, *OVERSEERS)
    assert_permission_matrix(
        [
            Access("GET", f"/seeds/{seed.pk}/", allowed),
            Access("GET", f"/api/seeds/{seed.pk}", allowed, api=True),
        ]
    )


def test_the_confidential_records_are_refused_to_companies_without_an_nda(seed):
    # given a listed seed and no NDA
    # when every role asks for its yearly records, stage-gates and outcomes
    # then the team, the hub and the overseers get them; companies do not
    allowed = (*TEAM_AND_HUB, *OVERSEERS)
    assert_permission_matrix(
        [
            Access("GET", f"/api/seeds/{seed.pk}/years", allowed, api=True),
            Access("GET", f"/api/seeds/{seed.pk}/stage-gates", allowed, api=True),
            Access("GET", f"/api/seeds/{seed.pk}/outcomes", allowed, api=True),
        ]
    )


def test_an_unlisted_seed_is_closed_to_companies_and_other_researchers(unlisted_seed):
    # given a seed not listed for companies, led by someone outside the matrix
    # when every role opens it
    # then only the hub's staff and the overseers may
    allowed = (Role.HUB_STAFF, *OVERSEERS)
    assert_permission_matrix(
        [
            Access("GET", f"/seeds/{unlisted_seed.pk}/", allowed),
            Access("GET", f"/api/seeds/{unlisted_seed.pk}", allowed, api=True),
        ]
    )


def test_an_nda_opens_an_unlisted_seed_and_its_records_to_that_company(unlisted_seed, hub_staff, takeda):
    # given an unlisted seed and an NDA between its hub and the company member's company
    services.nda_record(
        seed=unlisted_seed, company=takeda, signed_on=datetime.date(2023, 4, 1), actor=hub_staff
    )

    # when every role opens the seed and its confidential records
    # then the company is let in beside the hub and the overseers
    allowed = (Role.HUB_STAFF, Role.COMPANY, *OVERSEERS)
    assert_permission_matrix(
        [
            Access("GET", f"/seeds/{unlisted_seed.pk}/", allowed),
            Access("GET", f"/api/seeds/{unlisted_seed.pk}/outcomes", allowed, api=True),
        ]
    )


def test_changes_and_records_are_for_the_team_and_the_hub(seed):
    # given a seed at 大阪大学 led by the researcher
    # when every role sends each form (invalid or harmless data, so that nothing depends on order)
    # then the team and the hub's staff may change it and report progress; only the hub records funds
    assert_permission_matrix(
        [
            Access("GET", f"/seeds/{seed.pk}/edit/", TEAM_AND_HUB),
            Access("POST", f"/seeds/{seed.pk}/edit/", TEAM_AND_HUB, data={"title": ""}),
            Access("POST", f"/seeds/{seed.pk}/milestones/", TEAM_AND_HUB, data={}),
            Access("POST", f"/seeds/{seed.pk}/progress/", TEAM_AND_HUB, data={}),
            Access("POST", f"/seeds/{seed.pk}/outcomes/", TEAM_AND_HUB, data={}),
            Access("POST", f"/seeds/{seed.pk}/funding/", (Role.HUB_STAFF,), data={}),
            Access("POST", f"/seeds/{seed.pk}/ndas/", (Role.HUB_STAFF,), data={}),
            Access("POST", f"/seeds/{seed.pk}/stage-gates/", (Role.HUB_STAFF,), data={}),
            Access("POST", f"/seeds/{seed.pk}/interest/", (Role.COMPANY,), data={"message": "x"}),
        ]
    )


def test_the_api_writes_follow_the_same_rules(seed, takeda):
    # given a seed at 大阪大学
    # when every role calls the writing endpoints with data the service refuses (so nothing is written)
    # then the permission check lets through exactly the roles the pages let through
    json = "application/json"
    assert_permission_matrix(
        [
            Access(
                "PATCH",
                f"/api/seeds/{seed.pk}",
                TEAM_AND_HUB,
                data={"icd10_code": "XX"},
                content_type=json,
                api=True,
            ),
            Access(
                "POST",
                f"/api/seeds/{seed.pk}/outcomes",
                TEAM_AND_HUB,
                data={"kind": "license_out", "occurred_on": "2021-05-01", "title": "x"},
                content_type=json,
                api=True,
            ),
            Access(
                "POST",
                f"/api/seeds/{seed.pk}/ndas",
                (Role.HUB_STAFF,),
                data={"company_id": takeda.pk, "signed_on": "2999-01-01"},
                content_type=json,
                api=True,
            ),
            Access(
                "POST",
                f"/api/seeds/{seed.pk}/stage-gates",
                (Role.HUB_STAFF,),
                data={"rubric_id": 0, "title": "x"},
                content_type=json,
                api=True,
            ),
        ]
    )


def test_registration_is_for_hub_staff_and_researchers(base_data):
    # given the demo organisations
    # when every role opens the registration form and the API
    # then hub staff and researchers may register seeds
    assert_permission_matrix(
        [
            Access("GET", "/seeds/new/", TEAM_AND_HUB),
            Access(
                "POST",
                "/api/seeds",
                TEAM_AND_HUB,
                data=UNKNOWN_HUB_SEED,
                content_type="application/json",
                api=True,
            ),
        ]
    )


def test_dashboards_nationwide_for_every_hub_and_per_hub_for_its_staff(seed, osaka, kyoto):
    # given hub staff at 大阪大学
    # when every role opens the nationwide dashboard, 大阪大学's and 京都大学's, and their exports
    # then the nationwide one is open to every hub's staff and the overseers; a hub's own to its staff
    nationwide = (Role.HUB_STAFF, *OVERSEERS)
    assert_permission_matrix(
        [
            Access("GET", "/seeds/dashboard/", nationwide),
            Access("GET", "/seeds/dashboard/export.csv", nationwide),
            Access("GET", "/seeds/dashboard/export.xlsx", nationwide),
            Access("GET", f"/seeds/dashboard/hubs/{osaka.pk}/", nationwide),
            Access("GET", f"/seeds/dashboard/hubs/{osaka.pk}/export.csv", nationwide),
            Access("GET", f"/seeds/dashboard/hubs/{kyoto.pk}/", OVERSEERS),
            Access("GET", "/api/seeds/dashboard", nationwide, api=True),
            Access("GET", f"/api/seeds/dashboard?hub_id={osaka.pk}", nationwide, api=True),
            Access("GET", f"/api/seeds/dashboard?hub_id={kyoto.pk}", OVERSEERS, api=True),
        ]
    )


def test_hub_staff_of_a_sharing_institution_work_for_its_lead_hub(base_data):
    # given a seed at 北海道大学 and hub staff at 旭川医科大学, which shares 北海道大学's work
    from kiban.core.models import Organisation
    from kiban.core.testing import user_with_role

    from .conftest import register

    hokkaido = Organisation.objects.get(name="北海道大学")
    asahikawa = Organisation.objects.get(name="旭川医科大学")
    staff = user_with_role(Role.HUB_STAFF, organisation=asahikawa, username="asahikawa_staff")
    pi = User.objects.get(username="researcher")
    seed = register(hub=hokkaido, pi=pi, actor=staff, institution=asahikawa)

    # when they ask about the seed
    # then they manage it as the hub's staff, and it counts as a seed from inside the hub
    assert staff.has_perm("seeds.manage_stage_gates", seed)
    assert seed.origin == "inside"


def test_reviewers_read_seeds_only_through_the_review_engine(seed, hub_staff, base_data):
    # given a stage-gate round on the seed with a reviewer (who has no role) and a conflicted reviewer
    from kiban.core.models import Organisation
    from kiban.reviews.services import review_round_open, reviewer_assign, rubric_create

    reviewer = User.objects.create_user("seed_reviewer", "r@example.jp", "pw-for-tests-only")
    conflicted = User.objects.create_user("conflicted_reviewer", "c@example.jp", "pw-for-tests-only")
    conflicted.memberships.create(
        organisation=Organisation.objects.get(name="大阪大学"), role=Role.RESEARCHER
    )
    rubric = rubric_create(name="評価", criteria=[{"name": "革新性", "weight": 1}], actor=hub_staff)
    round_ = review_round_open(
        target=seed, rubric=rubric, title="ステージゲート", blind=True, due_date=None, actor=hub_staff
    )
    assignment = reviewer_assign(round=round_, reviewer=reviewer, actor=hub_staff)
    conflicted_assignment = reviewer_assign(round=round_, reviewer=conflicted, actor=hub_staff)

    # when they use the seed's pages and the engine
    from django.test import Client

    client = Client()
    client.force_login(reviewer)
    seed_page = client.get(f"/seeds/{seed.pk}/")

    # then the seed's own pages refuse them, the engine shows the assigned reviewer the adapter's summary
    # (without the applicant), and the conflicted reviewer sees nothing
    assert seed_page.status_code == 403
    assert reviewer.has_perm("reviews.view_assignment", assignment)
    assert not conflicted.has_perm("reviews.view_assignment", conflicted_assignment)
    assert conflicted_assignment.conflict == "detected"
    summary = SeedStageGateAdapter().summary(seed)
    assert "機密の詳細" in summary and str(seed.pi) not in summary
