"""The API: calls, proposals (create, submit) and the allocation (compute, approve, publish, read), with the
pages' refusals."""

import pytest

from kiban.core.testing import signed_in

from . import world as w

pytestmark = pytest.mark.django_db

BASE = "/api/biobank/analysis-calls"


@pytest.fixture
def world():
    return w.build()


def _post(client, path, body=None):
    return client.post(BASE + path, data=body or {}, content_type="application/json")


def test_calls_are_listed_with_their_assays(world):
    answer = signed_in(world.rival).get(BASE + "/calls")
    assert answer.status_code == 200
    [call] = answer.json()["items"]
    assert (call["budget_yen"], call["funder"], call["allocation_state"]) == (5_000_000, "company", None)
    assert {a["assay"]: a["cost_per_sample_yen"] for a in call["assays"]} == {
        "snp_array": 8000,
        "wgs": 100_000,
    }


def test_an_officer_opens_a_call_and_a_researcher_may_not(world):
    body = {
        "title": "新しい公募", "title_en": "New call", "opens_on": "2027-04-01", "closes_on": "2027-05-31",
        "budget_yen": 10_000_000, "funder": "government",
        "assays": [{"assay": "wes", "material": "dna", "cost_per_sample_yen": 50_000}],
    }  # fmt: skip
    assert _post(signed_in(world.officer), "/calls", body).status_code == 201
    refused = _post(signed_in(world.proposer), "/calls", body)
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Only funding agency officers open analysis funding calls.",
        "code": "forbidden",
    }


def test_a_proposal_is_created_and_submitted(world):
    client = signed_in(world.proposer)
    body = {"call_id": world.analysis_call.call_id, "title": "API", "sample_set_id": world.big_set.pk,
            "assay": "wgs", "samples": 10, "scientific_case": "意義"}  # fmt: skip
    created = _post(client, "/proposals", body)
    assert created.status_code == 201
    proposal = created.json()
    assert (proposal["state"], proposal["requested_yen"], proposal["sample_set_count"]) == (
        "draft",
        1_000_000,
        60,
    )
    submitted = _post(client, f"/proposals/{proposal['id']}/submit")
    assert submitted.json()["state"] == "submitted"
    again = _post(client, f"/proposals/{proposal['id']}/submit")
    assert again.status_code == 409
    assert signed_in(world.rival).get(f"{BASE}/proposals/{proposal['id']}").status_code == 403


def test_too_many_samples_is_a_400_and_bad_numbers_a_422(world):
    client = signed_in(world.proposer)
    body = {"call_id": world.analysis_call.call_id, "title": "API", "sample_set_id": world.big_set.pk,
            "assay": "wgs", "samples": 61}  # fmt: skip
    answer = _post(client, "/proposals", body)
    assert answer.status_code == 400 and answer.json()["code"] == "too_many_samples"
    assert _post(client, "/proposals", {**body, "samples": 0}).status_code == 422
    assert _post(client, "/proposals", {**body, "call_id": 999_999}).status_code == 404


def test_the_allocation_is_computed_approved_and_published(world):
    w.reviewed_call(world)
    officer = signed_in(world.officer)
    call_id = world.analysis_call.call_id
    assert officer.get(f"{BASE}/calls/{call_id}/allocation").status_code == 404
    assert _post(signed_in(world.proposer), f"/calls/{call_id}/allocation/compute").status_code == 403

    computed = _post(officer, f"/calls/{call_id}/allocation/compute").json()
    assert computed["state"] == "draft"
    assert [(ln["rank"], ln["allocated_yen"], ln["reason"]) for ln in computed["lines"]] == [
        (1, 3_000_000, "funded"),
        (2, 0, "does_not_fit"),
        (3, 320_000, "funded"),
    ]
    assert computed["allocated_yen"] == 3_320_000 <= computed["budget_yen"]
    assert _post(officer, f"/calls/{call_id}/allocation/approve").json()["state"] == "approved"
    recompute = _post(officer, f"/calls/{call_id}/allocation/compute")
    assert recompute.status_code == 409 and recompute.json()["code"] == "allocation_approved"
    assert _post(officer, f"/calls/{call_id}/allocation/publish").json()["state"] == "published"
    funded = signed_in(world.colleague).get(f"{BASE}/calls/{call_id}/funded").json()["items"]
    assert [f["allocated_yen"] for f in funded] == [3_000_000, 320_000]
    assert signed_in(world.colleague).get(f"{BASE}/calls/{call_id}/allocation").status_code == 403
