"""Who may open each certification page, and that the lists do not grow their queries with rows."""

import datetime
import itertools
from decimal import Decimal

import pytest

from kiban.certification import services
from kiban.certification.choices import ApplicationState
from kiban.certification.models import Certificate, CertificationApplication, FunctionItem, StaffMember
from kiban.core.choices import OrganisationKind, Role
from kiban.core.models import Organisation
from kiban.core.testing import (
    SIGNED_IN,
    Access,
    assert_constant_queries,
    assert_permission_matrix,
    client_for,
    signed_in,
)
from kiban.programmes.models import Programme
from kiban.reviews import services as reviews
from kiban.submissions.models import Call

OFFICIALS = (Role.MINISTRY_OFFICIAL, Role.AGENCY_OFFICER)
APPLICANT_AND_OFFICIALS = (Role.HUB_STAFF, *OFFICIALS)
counter = itertools.count()


@pytest.fixture
def certificate(other_application, other_hub_user, partner, ministry_user) -> Certificate:
    from .conftest import complete

    complete(other_application, actor=other_hub_user, partner=partner)
    services.application_submit(application=other_application, actor=other_hub_user)
    return services.application_decide(
        application=other_application, outcome="certify", rationale="可", actor=ministry_user
    )


@pytest.fixture
def call(db, today) -> Call:
    programme = Programme.objects.create(code="translational", name="橋渡し研究プログラム", name_en="TR")
    return Call.objects.create(
        system="certification",
        title="公募",
        title_en="Call",
        programme=programme,
        opens_on=today,
        closes_on=today,
        eligibility=["certified_institution"],
    )


def test_certified_institutions_and_calls_are_open_to_every_signed_in_user(certificate, call):
    assert_permission_matrix(
        [
            Access("GET", "/certification/", SIGNED_IN),
            Access("GET", "/certification/?on=2020-01-01", SIGNED_IN),
            Access("GET", f"/certification/certificates/{certificate.pk}/", SIGNED_IN),
            Access("GET", "/certification/calls/", SIGNED_IN),
            Access("GET", f"/certification/calls/{call.pk}/", SIGNED_IN),
        ]
    )


def test_hub_staff_see_and_prepare_their_own_application_only(application, certificate):
    # given the matrix hub's draft, and another hub's certified application
    own, other = application.pk, certificate.application_id

    # then hub staff see and prepare their own; other hubs see nothing of it; the ministry and agency see all
    assert_permission_matrix(
        [
            Access("GET", "/certification/applications/", APPLICANT_AND_OFFICIALS),
            Access("GET", f"/certification/applications/{own}/", APPLICANT_AND_OFFICIALS),
            Access("GET", f"/certification/applications/{other}/", OFFICIALS),
            Access("GET", "/certification/applications/new/", (Role.HUB_STAFF,)),
            Access("GET", f"/certification/applications/{own}/requirements/", (Role.HUB_STAFF,)),
            Access("GET", f"/certification/applications/{own}/functions/", (Role.HUB_STAFF,)),
            Access("GET", f"/certification/applications/{own}/staff/", (Role.HUB_STAFF,)),
            Access("GET", f"/certification/applications/{own}/outcomes/", (Role.HUB_STAFF,)),
            Access("GET", f"/certification/applications/{own}/training/", (Role.HUB_STAFF,)),
            Access("POST", f"/certification/applications/{own}/attachments/", (Role.HUB_STAFF,)),
            Access("POST", f"/certification/applications/{own}/submit/", (Role.HUB_STAFF,)),
            Access("GET", f"/certification/applications/{other}/functions/", ()),
            Access("POST", f"/certification/applications/{other}/submit/", ()),
        ]
    )


def test_nobody_changes_a_submitted_application(submitted_application):
    pk = submitted_application.pk
    assert_permission_matrix(
        [
            Access("GET", f"/certification/applications/{pk}/", APPLICANT_AND_OFFICIALS),
            Access("GET", f"/certification/applications/{pk}/requirements/", ()),
            Access("GET", f"/certification/applications/{pk}/staff/", ()),
            Access("POST", f"/certification/applications/{pk}/submit/", ()),
        ]
    )


def test_officials_open_calls_the_ministry_sets_validity_hub_staff_enter(certificate, call):
    assert_permission_matrix(
        [
            Access("GET", "/certification/calls/new/", OFFICIALS),
            Access(
                "GET", f"/certification/certificates/{certificate.pk}/validity/", (Role.MINISTRY_OFFICIAL,)
            ),
            Access("POST", f"/certification/calls/{call.pk}/", (Role.HUB_STAFF,), data={"title": "x"}),
        ]
    )


def _rubric():
    return reviews.rubric_create(name="認定審査", criteria=[{"name": "総合"}])


def test_reviewers_see_what_is_assigned_and_conflicted_reviewers_nothing(
    submitted_application, agency_user, partner
):
    # given a review round with a researcher assigned, and a reviewer from the applicant's partner
    round_ = reviews.review_round_open(
        target=submitted_application,
        rubric=_rubric(),
        title="認定審査",
        blind=False,
        due_date=None,
        actor=agency_user,
    )
    from kiban.core.testing import user_with_role

    reviewer = user_with_role(Role.RESEARCHER, username="reviewer")
    conflicted = user_with_role(Role.RESEARCHER, organisation=partner, username="conflicted")
    bystander = user_with_role(Role.RESEARCHER, username="bystander")
    reviews.reviewer_assign(round=round_, reviewer=reviewer, actor=agency_user)
    assignment = reviews.reviewer_assign(round=round_, reviewer=conflicted, actor=agency_user)
    url = f"/certification/applications/{submitted_application.pk}/"

    # then the assigned reviewer reads the application; the conflicted one and a bystander do not
    assert assignment.conflict == "detected"
    assert signed_in(reviewer).get(url).status_code == 200
    assert signed_in(conflicted).get(url).status_code == 403
    assert signed_in(bystander).get(url).status_code == 403
    # and the reviewer cannot change it
    assert signed_in(reviewer).get(url + "staff/").status_code == 403


def _new_hub() -> Organisation:
    return Organisation.objects.create(name=f"拠点{next(counter)}", kind=OrganisationKind.TRANSLATIONAL_HUB)


def test_lists_keep_a_constant_number_of_queries(open_round, ministry_user, today, call):
    def add_certificates(n: int) -> None:
        for _ in range(n):
            application = CertificationApplication.objects.create(
                round=open_round,
                organisation=_new_hub(),
                created_by=ministry_user,
                state=ApplicationState.CERTIFIED,
            )
            Certificate.objects.create(
                number=f"T-{next(counter)}", organisation=application.organisation, application=application,
                valid_from=today, valid_until=today + datetime.timedelta(days=10), issued_on=today,
                issued_by=ministry_user,
            )  # fmt: skip

    def add_calls(n: int) -> None:
        for _ in range(n):
            Call.objects.create(
                system="certification", title="公募", title_en="Call", programme=call.programme,
                opens_on=today, closes_on=today,
            )  # fmt: skip

    client = client_for(Role.MINISTRY_OFFICIAL)
    assert_constant_queries(client, "/certification/", add_certificates)
    assert_constant_queries(client, "/certification/applications/", add_certificates)
    assert_constant_queries(client, "/certification/calls/", add_calls)


def test_an_application_page_keeps_a_constant_number_of_queries(complete_application, hub_user, hub):
    monitor = FunctionItem.objects.get(code="monitor")

    def add_staff(n: int) -> None:
        for _ in range(n):
            StaffMember.objects.create(
                application=complete_application, role=monitor, person_name=f"モニター{next(counter)}",
                organisation=hub, fte=Decimal("0.1"),
            )  # fmt: skip

    assert_constant_queries(
        signed_in(hub_user), f"/certification/applications/{complete_application.pk}/", add_staff
    )
    assert_constant_queries(
        signed_in(hub_user), f"/certification/applications/{complete_application.pk}/staff/", add_staff
    )


def test_the_staff_of_a_lead_hub_see_and_are_told_about_a_sharing_institutions_application(
    open_round, hub, hub_user, other_hub_user
):
    # given a sharing institution of the hub (分担機関) whose own hub staff start an application
    from kiban.certification import selectors
    from kiban.certification.review import CertificationApplicationAdapter
    from kiban.core.testing import user_with_role

    sharing = Organisation.objects.create(name="分担機関大学", kind="university", lead_organisation=hub)
    sharing_staff = user_with_role(Role.HUB_STAFF, organisation=sharing, username="sharing_staff")
    application = services.application_create(round=open_round, organisation=sharing, actor=sharing_staff)

    # then the lead hub's staff see it, in the list and on its page, as the sharing institution's staff do;
    # the staff of another hub do not, and the lead hub's staff still apply only for their own institution
    assert hub_user.has_perm("certification.view_certificationapplication", application)
    assert application in selectors.application_list(user=hub_user)
    assert sharing_staff.has_perm("certification.view_certificationapplication", application)
    assert not other_hub_user.has_perm("certification.view_certificationapplication", application)
    assert application not in selectors.application_list(user=other_hub_user)
    assert selectors.hub_organisation_ids(user=hub_user) == {hub.pk}
    # and the review engine counts them among the applicant's people (they may not review it)
    assert set(CertificationApplicationAdapter().applicant_users(application)) == {hub_user, sharing_staff}
