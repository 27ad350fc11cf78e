"""The certification API: the same permissions and rules as the pages, one error format."""

import json

from kiban.certification import services
from kiban.certification.models import StaffMember
from kiban.core.choices import Role
from kiban.core.fiscal import FiscalYear
from kiban.core.testing import SIGNED_IN, Access, assert_permission_matrix, signed_in

OFFICIALS = (Role.MINISTRY_OFFICIAL, Role.AGENCY_OFFICER)


def _json(client, method: str, url: str, data=None):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


def test_reading_endpoints(application, other_application, hub):
    own, other = application.pk, other_application.pk
    assert_permission_matrix(
        [
            Access("GET", "/api/certification/certificates", SIGNED_IN, api=True),
            Access("GET", f"/api/certification/eligibility?organisation_id={hub.pk}", SIGNED_IN, api=True),
            Access("GET", "/api/certification/functions", SIGNED_IN, api=True),
            Access("GET", "/api/certification/calls", SIGNED_IN, api=True),
            Access("GET", "/api/certification/applications", SIGNED_IN, api=True),
            Access("GET", f"/api/certification/applications/{own}", (Role.HUB_STAFF, *OFFICIALS), api=True),
            Access("GET", f"/api/certification/applications/{other}", OFFICIALS, api=True),
        ]
    )


def test_only_the_applicants_staff_write(application):
    assert_permission_matrix(
        [
            Access(
                "PUT",
                f"/api/certification/applications/{application.pk}/requirements",
                (Role.HUB_STAFF,),
                data={"hub_statement": "拠点"},
                content_type="application/json",
                api=True,
            ),
            Access(
                "POST",
                f"/api/certification/applications/{application.pk}/submit",
                (Role.HUB_STAFF,),
                api=True,
            ),
            Access(
                "POST",
                "/api/certification/applications",
                (Role.HUB_STAFF,),
                data={"round_id": application.round_id, "organisation_id": application.organisation_id},
                content_type="application/json",
                api=True,
            ),
        ]
    )


def test_a_staff_member_with_too_much_fte_is_refused_with_a_message(application, hub, hub_user):
    client = signed_in(hub_user)
    response = _json(
        client,
        "post",
        f"/api/certification/applications/{application.pk}/staff",
        {"role": "biostatistician", "person_name": "統計 花子", "organisation_id": hub.pk, "fte": "1.5"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "FTE is the share of a full-time post, from 0 to 1; 1.5 is outside it.",
        "code": "fte_range",
    }
    assert not StaffMember.objects.exists()


def test_a_class_2_function_through_partners_via_the_api(application, hub_user, partner):
    client = signed_in(hub_user)
    url = f"/api/certification/applications/{application.pk}/functions/2-org-audit"
    refused = _json(client, "put", url, {"provision": "through_partners"})
    assert refused.status_code == 400 and refused.json()["code"] == "partners_required"
    saved = _json(client, "put", url, {"provision": "through_partners", "partner_ids": [partner.pk]})
    assert saved.status_code == 200
    assert saved.json()["partner_ids"] == [partner.pk]


def test_the_full_application_reads_back(complete_application, hub_user):
    body = signed_in(hub_user).get(f"/api/certification/applications/{complete_application.pk}").json()
    assert body["state"] == "draft"
    assert body["submission_problems"] == []
    assert len(body["outcomes"]) == 15
    assert body["staff_total_fte"] == "12.50"  # 25 roles of classes ① and ② at 0.5 FTE


def test_eligibility_says_whether_certified(submitted_application, ministry_user, hub, hub_user):
    client = signed_in(hub_user)
    assert client.get(f"/api/certification/eligibility?organisation_id={hub.pk}").json()["certified"] is False
    certificate = services.application_decide(
        application=submitted_application, outcome="certify", rationale="可", actor=ministry_user
    )
    body = client.get(f"/api/certification/eligibility?organisation_id={hub.pk}").json()
    assert (body["certified"], body["certificate_number"]) == (True, certificate.number)
    listed = client.get("/api/certification/certificates?valid_only=true").json()
    assert [c["number"] for c in listed["items"]] == [certificate.number]


def test_an_outcome_year_outside_the_supported_range_is_refused_with_a_message(application, hub_user):
    response = _json(
        signed_in(hub_user),
        "put",
        f"/api/certification/applications/{application.pk}/outcomes",
        [{"fiscal_year": 1, "kind": "license_out", "count": 1}],
    )
    years = application.round.outcome_fiscal_years
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Outcomes are stated for {FiscalYear(years[0])} to {FiscalYear(years[-1])}, not 1.",
        "code": "fiscal_year",
    }
