"""The API: a researcher's requests (create from a saved search, detail, ethics document, submit, withdraw)
and the parts with the biobank's steps, with the same refusals as the pages and clear 4xx answers."""

from kiban.biobank_access import services
from kiban.biobank_access.models import AccessRequest
from kiban.core.testing import signed_in

from .conftest import part_of, pdf, submitted

BASE = "/api/biobank/requests"


def _create(client, world, **changes):
    body = {
        "saved_search_id": world.search.pk,
        "biobanks": ["BBJ", "TMM"],
        "title": "API研究",
        "project_summary": "要旨",
        "irb_committee": "倫理委員会",
        "irb_number": "R1",
        "irb_approved_on": "2026-04-01",
        "wants_data": True,
        "amount_detail": "SNP array",
        "data_use_terms": "this project",
        "terms_accepted": True,
        **changes,
    }
    return client.post(BASE, body, content_type="application/json")


def test_a_researcher_creates_uploads_submits_and_reads_a_request(world):
    client = signed_in(world.researcher)
    created = _create(client, world)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["overall"] == "draft" and body["biobanks"] == ["BBJ", "TMM"]
    assert [p["counts_shown"] for p in body["parts"]] == ["25", "31"]
    assert body["submission_problems"] == ["Upload the ethics approval document."]
    pk = body["id"]
    refused = client.post(f"{BASE}/{pk}/submit")
    assert refused.status_code == 400 and "ethics approval document" in refused.json()["detail"]
    uploaded = client.post(f"{BASE}/{pk}/ethics-document", {"file": pdf()})
    assert uploaded.status_code == 200 and uploaded.json()["irb_document"] == "irb.pdf"
    sent = client.post(f"{BASE}/{pk}/submit")
    assert sent.status_code == 200 and {p["state"] for p in sent.json()["parts"]} == {"submitted"}
    again = client.post(f"{BASE}/{pk}/submit")
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"
    listed = client.get(BASE).json()
    assert listed["count"] == 1 and listed["items"][0]["overall"] == "submitted"


def test_bad_requests_get_clear_4xx_answers(world):
    client = signed_in(world.researcher)
    assert _create(client, world, biobanks=["XYZ"]).json()["code"] == "unknown_biobank"
    assert _create(client, world, biobanks=[]).status_code == 400
    assert _create(client, world, saved_search_id=999999).status_code == 404
    assert _create(client, world, participants_wanted=10**7).status_code == 400
    assert _create(client, world, saved_search_id=-1).status_code == 422
    future = _create(client, world, irb_approved_on="2999-01-01")
    assert future.status_code == 400 and "future" in future.json()["detail"]
    assert _create(client, world, irb_number="x" * 101).status_code == 400
    assert _create(client, world, biobanks=["BBJ"] * 51).status_code == 422  # at most 50 codes
    assert _create(client, world, biobanks=["B" * 21]).status_code == 422  # a code is at most 20 characters
    assert _create(signed_in(world.other_researcher), world).status_code == 403  # not their search
    assert _create(signed_in(world.bbj_curator), world).status_code == 403
    assert not AccessRequest.objects.exists()
    assert client.get(f"{BASE}/123456").status_code == 404


def test_curators_step_on_their_own_part_only(world):
    access = submitted(world, [world.bbj, world.tmm])
    bbj, tmm = part_of(access, world.bbj), part_of(access, world.tmm)
    client = signed_in(world.bbj_curator)
    listed = client.get(f"{BASE}/parts").json()
    assert [p["biobank"] for p in listed["items"]] == ["BBJ"]
    assert "TMM" not in str(listed)
    services.part_check_start(part=tmm, actor=world.tmm_curator)  # the request is now under review
    answer = client.get(f"{BASE}/{access.pk}")
    detail = answer.json()
    assert [p["biobank"] for p in detail["parts"]] == ["BBJ"] and detail["total_shown"] == ""
    # BBJ's curator reads the request from their own part alone: no word of TMM, nor of its step.
    assert detail["biobanks"] == ["BBJ"] and detail["overall"] == "submitted" and detail["state"] is None
    assert "TMM" not in answer.content.decode()
    researcher = signed_in(world.researcher).get(f"{BASE}/{access.pk}").json()
    assert researcher["biobanks"] == ["BBJ", "TMM"] and researcher["overall"] == "in_progress"
    assert researcher["state"] == "under_review"
    step = client.post(
        f"{BASE}/parts/{bbj.pk}/steps", {"step": "check", "note": "確認"}, content_type="application/json"
    )
    assert step.status_code == 200 and step.json()["state"] == "checking"
    assert step.json()["timeline"][-1]["note"] == "確認"
    illegal = client.post(
        f"{BASE}/parts/{bbj.pk}/steps", {"step": "provide"}, content_type="application/json"
    )
    assert illegal.status_code == 409
    unknown = client.post(
        f"{BASE}/parts/{bbj.pk}/steps", {"step": "approve"}, content_type="application/json"
    )
    assert unknown.status_code == 422  # approval comes from the committee's decision only
    other = client.post(f"{BASE}/parts/{tmm.pk}/steps", {"step": "check"}, content_type="application/json")
    assert other.status_code == 403
    assert client.get(f"{BASE}/parts/{tmm.pk}").status_code == 403
    assert signed_in(world.other_researcher).get(f"{BASE}/{access.pk}").status_code == 403
    assert signed_in(world.researcher).get(f"{BASE}/parts/{tmm.pk}").status_code == 200


def test_withdraw_through_the_api(world):
    access = submitted(world, [world.bbj])
    assert (
        signed_in(world.bbj_curator)
        .post(f"{BASE}/{access.pk}/withdraw", {}, content_type="application/json")
        .status_code
        == 403
    )
    answer = signed_in(world.researcher).post(
        f"{BASE}/{access.pk}/withdraw", {"reason": "計画変更"}, content_type="application/json"
    )
    assert answer.status_code == 200 and answer.json()["overall"] == "withdrawn"
    assert answer.json()["parts"][0]["state"] == "withdrawn"


def test_messages_through_the_api(world):
    access = submitted(world, [world.bbj, world.tmm])
    bbj = part_of(access, world.bbj)
    url = f"{BASE}/parts/{bbj.pk}/messages"
    sent = signed_in(world.researcher).post(url, {"body": "質問"}, content_type="application/json")
    assert sent.status_code == 201 and sent.json()["body"] == "質問"
    assert signed_in(world.bbj_curator).get(url).json()["items"][0]["body"] == "質問"
    assert signed_in(world.tmm_curator).get(url).status_code == 403
    assert (
        signed_in(world.tmm_curator).post(url, {"body": "x"}, content_type="application/json").status_code
        == 403
    )
    assert (
        signed_in(world.researcher).post(url, {"body": ""}, content_type="application/json").status_code
        == 400
    )
