"""The seeds API: registration, filtered lists, a seed's record, stage-gates, outcomes, interest and NDAs."""

import datetime
import json

from kiban.core.choices import Role
from kiban.core.testing import client_for
from kiban.seeds import services

JSON = "application/json"


def test_hub_staff_register_a_seed_through_the_api(osaka, takeda, matrix_users):
    # given the hub's staff
    client = client_for(Role.HUB_STAFF)

    # when they register a company-committed seed in preB for the researcher
    response = client.post(
        "/api/seeds",
        json.dumps(
            {
                "hub_id": osaka.pk,
                "title": "経口GLP-1作動薬",
                "summary": "公開概要",
                "details": "機密",
                "pi_username": "user_researcher",
                "team_usernames": ["researcher"],
                "institution_id": osaka.pk,
                "modality": "drug",
                "icd10_code": "e119",
                "stage": "pre_b",
                "programme_slot": "company_committed",
                "committed_company_id": takeda.pk,
                "support_from_fy": 2022,
                "support_to_fy": 2024,
            }
        ),
        content_type=JSON,
    )

    # then the seed is created as asked, with the code written the classification's way
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["stage"], body["icd10_code"], body["committed_company"]) == (
        "pre_b",
        "E11.9",
        "武田薬品工業",
    )
    assert [m["username"] for m in body["team"]] == ["researcher"]


def test_registration_errors_are_readable(osaka, matrix_users):
    client = client_for(Role.HUB_STAFF)
    payload = {
        "hub_id": osaka.pk,
        "title": "x",
        "summary": "x",
        "institution_id": osaka.pk,
        "modality": "drug",
        "icd10_code": "C99.9",
        "programme_slot": "seed_a",
        "support_from_fy": 2022,
        "support_to_fy": 2022,
    }
    response = client.post("/api/seeds", json.dumps(payload), content_type=JSON)
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "“C99.9” has the form of an ICD-10 code but is not in the ICD-10 classification."
    )


def test_the_list_is_filtered_and_paginated(seed, unlisted_seed):
    client = client_for(Role.HUB_STAFF)
    body = client.get("/api/seeds?limit=1").json()
    assert (body["count"], len(body["items"])) == (2, 1)
    assert client.get("/api/seeds?q=非公開").json()["items"][0]["id"] == unlisted_seed.pk
    company = client_for(Role.COMPANY).get("/api/seeds").json()
    assert [item["id"] for item in company["items"]] == [seed.pk]
    unreadable = client.get("/api/seeds?stage=nonsense", HTTP_ACCEPT_LANGUAGE="en")
    assert unreadable.status_code == 400
    assert unreadable.json()["code"] == "invalid_filter"
    assert unreadable.json()["detail"].startswith("Stage: Select a valid choice.")


def test_stage_gates_and_outcomes_through_the_api(seed, hub_staff, takeda):
    # given a seed moved up once
    services.seed_decision_apply(
        seed=seed, outcome="stage_up", rationale="前進", actor=hub_staff, decided_on=datetime.date(2020, 5, 1)
    )
    client = client_for(Role.RESEARCHER)

    # when the principal investigator records a license-out and reads the stage-gates and outcomes
    created = client.post(
        f"/api/seeds/{seed.pk}/outcomes",
        json.dumps(
            {
                "kind": "license_out",
                "occurred_on": "2022-03-31",
                "title": "導出",
                "company_id": takeda.pk,
                "scope": "国内独占",
            }
        ),
        content_type=JSON,
    )
    gates = client.get(f"/api/seeds/{seed.pk}/stage-gates").json()

    # then the outcome is counted in FY2021 and the decision is listed with its rationale
    assert created.status_code == 201
    assert (created.json()["fiscal_year"], created.json()["company"]) == (2021, "武田薬品工業")
    assert gates["stage"] == "pre_b"
    assert [(d["outcome"], d["from_stage"], d["to_stage"], d["rationale"]) for d in gates["decisions"]] == [
        ("stage_up", "seed_a", "pre_b", "前進")
    ]
    licensed = client.get("/api/seeds/outcomes?kind=license_out").json()["items"]
    assert [o["title"] for o in licensed] == ["導出"]
    assert client_for(Role.COMPANY).get("/api/seeds/outcomes").json()["items"] == []


def test_companies_register_interest_and_hubs_record_ndas_through_the_api(seed, takeda):
    company = client_for(Role.COMPANY)
    response = company.post(
        f"/api/seeds/{seed.pk}/interest", json.dumps({"message": "興味あり"}), content_type=JSON
    )
    assert response.status_code == 201 and response.json()["company"] == "武田薬品工業"
    again = company.post(f"/api/seeds/{seed.pk}/interest", json.dumps({}), content_type=JSON)
    assert again.status_code == 400 and "already registered interest" in again.json()["detail"]

    assert company.get(f"/api/seeds/{seed.pk}/years").status_code == 403
    staff = client_for(Role.HUB_STAFF)
    nda = staff.post(
        f"/api/seeds/{seed.pk}/ndas",
        json.dumps({"company_id": takeda.pk, "signed_on": "2023-05-01"}),
        content_type=JSON,
    )
    assert nda.status_code == 201
    assert company.get(f"/api/seeds/{seed.pk}/years").status_code == 200
    assert nda.json() == {
        "id": nda.json()["id"],
        "seed_id": seed.pk,
        "company_id": takeda.pk,
        "company": "武田薬品工業",
        "signed_on": "2023-05-01",
    }
    again = staff.post(
        f"/api/seeds/{seed.pk}/ndas",
        json.dumps({"company_id": takeda.pk, "signed_on": "2023-05-02"}),
        content_type=JSON,
    )
    assert again.status_code == 409 and again.json()["code"] == "duplicate_agreement"
    assert "is already recorded (Signed)" in again.json()["detail"]


def test_the_dashboard_api(seed):
    body = client_for(Role.AGENCY_OFFICER).get("/api/seeds/dashboard").json()
    assert body["total"] == 1 and body["by_stage_modality"]["seed_a"]["drug"] == 1
    assert body["by_hub"]["大阪大学"]["seed_a"] == 1
