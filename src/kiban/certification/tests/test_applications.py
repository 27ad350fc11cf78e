"""Preparing an application: class rules for partners, FTE on the roster, outcome figures, submission."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kiban.certification import selectors, services
from kiban.certification.choices import ApplicationState, Provision
from kiban.certification.models import FunctionItem, FunctionResponse, StaffMember
from kiban.core.selectors import attachments_for
from kiban.core.testing import signed_in


def _item(code: str) -> FunctionItem:
    return FunctionItem.objects.get(code=code)


def test_a_class_2_function_met_through_partners_names_them(application, hub_user):
    # given a draft and the class ② item 試験物の製造を管理する体制
    # when it is said to be in place through partners without naming any
    with pytest.raises(ValidationError) as error:
        services.function_response_save(
            application=application,
            item=_item("2-org-manufacturing"),
            provision=Provision.THROUGH_PARTNERS,
            actor=hub_user,
        )

    # then it is refused with a message naming the function
    assert error.value.messages == [
        "Name the partner organisation(s) through which “試験物の製造を管理する体制” is in place."
    ]


def test_a_class_1_function_cannot_be_met_through_partners(application, hub_user, partner):
    with pytest.raises(ValidationError) as error:
        services.function_response_save(
            application=application,
            item=_item("1-org-seeds"),
            provision=Provision.THROUGH_PARTNERS,
            partners=[partner],
            actor=hub_user,
        )
    assert error.value.messages == [
        "“シーズを発掘・評価・選定する体制” is a class ① function: "
        "it must be in place inside the hub, not through partners."
    ]


def test_the_applicant_is_not_its_own_partner(application, hub_user, hub):
    with pytest.raises(ValidationError) as error:
        services.function_response_save(
            application=application,
            item=_item("2-org-audit"),
            provision=Provision.THROUGH_PARTNERS,
            partners=[hub],
            actor=hub_user,
        )
    assert error.value.code == "partner_is_applicant"


def test_a_class_3_feature_says_what_is_distinctive(application, hub_user):
    with pytest.raises(ValidationError) as error:
        services.function_response_save(
            application=application, item=_item("3-org-cpc"), provision=Provision.IN_HUB, actor=hub_user
        )
    assert error.value.messages == ["Describe what is distinctive about “細胞培養加工施設を運用する体制”."]


def test_partners_are_kept_with_the_answer(application, hub_user, partner):
    response = services.function_response_save(
        application=application,
        item=_item("2-org-manufacturing"),
        provision=Provision.THROUGH_PARTNERS,
        partners=[partner],
        description="連携先のGMP施設で製造する。",
        actor=hub_user,
    )
    assert list(response.partners.all()) == [partner]
    assert response.history.first().history_change_reason == "Function answered: 試験物の製造を管理する体制"


@pytest.mark.parametrize("fte", [Decimal("1.5"), Decimal("-0.1")])
def test_fte_outside_0_to_1_is_refused(application, hub_user, hub, fte):
    with pytest.raises(ValidationError) as error:
        services.staff_member_add(
            application=application, role=_item("biostatistician"), person_name="統計 花子",
            organisation=hub, fte=fte, actor=hub_user,
        )  # fmt: skip
    assert error.value.code == "fte_range"
    assert not StaffMember.objects.exists()


def test_one_person_gives_at_most_one_fte_across_roles(application, hub_user, hub):
    # given a person at 0.6 FTE as biostatistician
    services.staff_member_add(
        application=application, role=_item("biostatistician"), person_name="統計 花子",
        organisation=hub, fte=Decimal("0.6"), actor=hub_user,
    )  # fmt: skip

    # when the same person is added at 0.5 FTE as data manager
    with pytest.raises(ValidationError) as error:
        services.staff_member_add(
            application=application, role=_item("data_manager"), person_name="統計 花子",
            organisation=hub, fte=Decimal("0.5"), actor=hub_user,
        )  # fmt: skip

    # then it is refused: 1.1 FTE in all
    assert error.value.messages == [
        "統計 花子 would give 1.10 FTE in all; one person cannot give more than 1 FTE."
    ]


def test_a_class_1_role_works_in_the_hub(application, hub_user, partner):
    with pytest.raises(ValidationError) as error:
        services.staff_member_add(
            application=application, role=_item("project_manager"), person_name="PM 一郎",
            organisation=partner, fte=Decimal("1"), actor=hub_user,
        )  # fmt: skip
    assert error.value.code == "role_in_hub"


def test_the_staff_form_refuses_fte_above_one(application, hub_user, hub):
    # given the roster page
    client = signed_in(hub_user)

    # when 1.2 FTE is sent
    response = client.post(
        f"/certification/applications/{application.pk}/staff/",
        {"role": _item("monitor").pk, "person_name": "モニター 次郎", "organisation": hub.pk, "fte": "1.2"},
    )

    # then the form says so and nobody is added
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 1." in response.content.decode()
    assert not StaffMember.objects.exists()


def test_the_roster_shows_totals_per_role_and_in_all(application, hub_user, hub, partner):
    # given three people, one of them in two roles
    add = services.staff_member_add
    add(
        application=application,
        role=_item("monitor"),
        person_name="A",
        organisation=hub,
        fte=Decimal("0.5"),
        actor=hub_user,
    )
    add(
        application=application,
        role=_item("monitor"),
        person_name="B",
        organisation=partner,
        fte=Decimal("1"),
        actor=hub_user,
    )
    add(
        application=application,
        role=_item("auditor"),
        person_name="A",
        organisation=hub,
        fte=Decimal("0.25"),
        actor=hub_user,
    )

    # when the application page opens
    response = signed_in(hub_user).get(f"/certification/applications/{application.pk}/")

    # then monitors total 1.50 FTE, 2 people; the roster 1.75 FTE, 2 people
    roster = selectors.roster(application=selectors.application_detail(pk=application.pk))
    assert [(r.role.code, r.total_fte, r.headcount) for r in roster.roles] == [
        ("monitor", Decimal("1.50"), 2),
        ("auditor", Decimal("0.25"), 1),
    ]
    assert (roster.total_fte, roster.headcount) == (Decimal("1.75"), 2)
    text = response.content.decode()
    assert "モニター: 2 people" in text
    assert 'id="roster-total-fte">1.75<' in text


def test_the_function_form_reports_each_bad_row_and_saves_nothing(application, hub_user):
    # given the function table page
    client = signed_in(hub_user)
    data = {
        f"{item.code}-provision": Provision.IN_HUB
        for item in FunctionItem.objects.exclude(category="outcome")
    }
    data["2-org-manufacturing-provision"] = Provision.THROUGH_PARTNERS  # no partner named
    data["3-org-cpc-provision"] = Provision.IN_HUB  # nothing said of what is distinctive

    # when it is sent
    response = client.post(f"/certification/applications/{application.pk}/functions/", data)

    # then both rows are flagged and nothing is saved
    assert response.status_code == 400
    text = response.content.decode()
    assert "Name the partner organisation(s) through which “試験物の製造を管理する体制” is in place." in text
    assert "Describe what is distinctive about “細胞培養加工施設を運用する体制”." in text
    assert not application.responses.exists()


def test_the_function_form_saves_partners(application, hub_user, partner):
    client = signed_in(hub_user)
    data = {
        f"{item.code}-provision": Provision.NOT_IN_PLACE
        for item in FunctionItem.objects.exclude(category="outcome")
    }
    data["2-org-manufacturing-provision"] = Provision.THROUGH_PARTNERS
    data["2-org-manufacturing-partners"] = [partner.pk]
    response = client.post(f"/certification/applications/{application.pk}/functions/", data)
    assert response.status_code == 302
    saved = application.responses.get(item__code="2-org-manufacturing")
    assert (saved.provision, list(saved.partners.all())) == (Provision.THROUGH_PARTNERS, [partner])


def test_an_incomplete_application_is_not_submitted(application, hub_user):
    # given an empty draft
    # when it is submitted
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=application, actor=hub_user)

    # then each missing part is listed
    messages = error.value.messages
    assert (
        "State how the institution meets requirement A) 橋渡し研究支援を実施する拠点を設置していること."
        in messages
    )
    assert "①拠点内で備えるべき機能: “拠点長” is not in place." in messages
    assert any(m.startswith("Enter the institution's own outcome figures for") for m in messages)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT


def test_a_role_in_place_needs_someone_on_the_roster(complete_application, hub_user):
    # given a complete application whose biostatistician leaves the roster
    complete_application.staff.get(role__code="biostatistician").delete()

    # when it is submitted
    with pytest.raises(ValidationError) as error:
        services.application_submit(application=complete_application, actor=hub_user)

    # then the role is named
    assert error.value.messages == [
        "Name at least one person on the roster for “生物統計家” where it is in place."
    ]


def test_a_complete_application_is_submitted_and_frozen(complete_application, hub_user, ministry_user):
    # when the complete draft is submitted
    services.application_submit(application=complete_application, actor=hub_user)

    # then it is under review, the ministry is told, and it can no longer change
    complete_application.refresh_from_db()
    assert complete_application.state == ApplicationState.SUBMITTED
    assert ministry_user.notifications.filter(
        subject__startswith="Certification application submitted"
    ).exists()
    with pytest.raises(ValidationError) as error:
        services.application_update_statements(
            application=complete_application, hub_statement="x", organisation_statement="x",
            track_record_statement="x", training_statement="x", actor=hub_user,
        )  # fmt: skip
    assert error.value.messages == [
        "The application is submitted, under review and can no longer be changed."
    ]


def test_outcome_figures_are_for_the_last_five_fiscal_years(application, hub_user):
    first = application.round.outcome_fiscal_years[0]
    with pytest.raises(ValidationError) as error:
        services.reported_outcomes_save(
            application=application, counts={(first - 1, "license_out"): 1}, actor=hub_user
        )
    assert error.value.code == "fiscal_year"
    assert len(application.round.outcome_fiscal_years) == 5
    assert application.round.outcome_fiscal_years[-1] == application.round.fiscal_year - 1


def test_one_application_per_institution_and_round(application, open_round, hub, hub_user):
    with pytest.raises(ValidationError) as error:
        services.application_create(round=open_round, organisation=hub, actor=hub_user)
    assert error.value.code == "duplicate"


def test_evidence_is_attached_to_the_draft_and_readable_by_whoever_sees_the_application(
    application, hub_user, other_hub_user
):
    # given the draft's page
    pdf = b"%PDF-1.4\n%%EOF\n"

    # when hub staff attach an organisation chart
    response = signed_in(hub_user).post(
        f"/certification/applications/{application.pk}/attachments/",
        {"file": SimpleUploadedFile("組織図.pdf", pdf, "application/pdf"), "description": "組織図"},
        follow=True,
    )

    # then the page lists it; the applicant's staff may download it, another hub's staff may not
    assert "組織図.pdf" in response.content.decode()
    attachment = attachments_for(application).get()
    url = reverse("core:attachment-download", args=[attachment.pk])
    assert signed_in(hub_user).get(url).status_code == 200
    assert signed_in(other_hub_user).get(url).status_code == 403


def test_the_audit_trail_names_who_prepared_and_submitted_the_application(complete_application, hub_user):
    # given a complete draft prepared by the hub's staff through the services (no request, no middleware)
    # when they submit it
    services.application_submit(application=complete_application, actor=hub_user)

    # then every kept change of the application and its answers names them, with the reason
    changes = complete_application.history.order_by("history_id")
    last = changes.last()
    assert (last.history_user, last.history_change_reason) == (hub_user, "Application submitted")
    assert {c.history_user for c in changes} == {hub_user}
    answers = FunctionResponse.history.filter(application_id=complete_application.pk)
    assert answers.exists() and {a.history_user for a in answers} == {hub_user}
