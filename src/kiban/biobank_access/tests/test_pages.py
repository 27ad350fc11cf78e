"""The pages as researchers and curators use them, and who is refused: a researcher sees their own requests;
a biobank's curators only the parts addressed to their biobank, never another's part or its internal note."""

import pytest
from django.urls import reverse

from kiban.biobank_access import services
from kiban.biobank_access.choices import CommitteeDecision, PartState
from kiban.biobank_access.demo import committee_decide
from kiban.biobank_access.models import AccessRequest
from kiban.core.choices import Role
from kiban.core.registry import navigation_for
from kiban.core.testing import page_text, signed_in, table_rows, user_with_role

from .conftest import COMPLETE, draft, part_of, pdf, submitted, to_decided


def text_at(response, element_id: str) -> str:
    """The visible text of the element with the id."""
    import re

    from kiban.core.testing import text_of

    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</', response.content.decode(), flags=re.S)
    assert found, element_id
    return text_of(found.group(1))


def test_a_researcher_drafts_a_request_from_a_saved_search_and_submits_it(world):
    client = signed_in(world.researcher)
    new = client.get(reverse("biobank_access:request-new") + f"?search={world.search.pk}")
    assert new.status_code == 200
    rows = table_rows(new, "preview")[1:]
    assert [r[1] for r in rows] == ["25", "<10", "31"]  # BBJ, NCBN, TMM as the researcher is shown them
    data = {
        "saved_search": world.search.pk,
        "title": "喘息のゲノム研究",
        "biobanks": [world.bbj.pk, world.tmm.pk],
        **{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in COMPLETE.items()},
    }
    data["wants_data"] = "on"
    data["terms_accepted"] = "on"
    created = client.post(reverse("biobank_access:request-new"), data)
    access = AccessRequest.objects.get(title="喘息のゲノム研究")
    assert created.status_code == 302 and created["Location"] == access.get_absolute_url()
    detail = client.get(access.get_absolute_url())
    assert "Upload the ethics approval document." in page_text(detail)
    upload = client.post(reverse("biobank_access:request-document", args=[access.pk]), {"file": pdf()})
    assert upload.status_code == 302
    bad = client.post(
        reverse("biobank_access:request-document", args=[access.pk]),
        {
            "file": __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
                "a.exe", b"MZ"
            )
        },
        follow=True,
    )
    assert "are not accepted" in page_text(bad)
    client.post(reverse("biobank_access:request-submit", args=[access.pk]))
    access.refresh_from_db()
    assert access.state == "submitted"
    mine = client.get(reverse("biobank_access:request-list"))
    assert table_rows(mine, "requests")[1][:2] == ["喘息のゲノム研究", "Submitted"]


def test_a_new_request_refuses_another_researchers_search_and_bad_input(world):
    for bad in ("9" * 400, "-1", "abc", str(world.search.pk)):
        page = signed_in(world.other_researcher).get(reverse("biobank_access:request-new") + f"?search={bad}")
        assert page.status_code == 200 and 'id="preview"' not in page.content.decode()
    client = signed_in(world.other_researcher)
    answer = client.post(
        reverse("biobank_access:request-new"),
        {"saved_search": world.search.pk, "title": "x", "biobanks": [world.bbj.pk]},
    )
    assert answer.status_code == 400  # not among their saved searches
    own = signed_in(world.researcher).post(
        reverse("biobank_access:request-new"),
        {
            "saved_search": world.search.pk,
            "title": "x",
            "biobanks": [world.bbj.pk],
            "aliquots_per_participant": "１",
        },
    )
    assert own.status_code == 400 and not AccessRequest.objects.exists()


def test_curators_see_only_their_own_biobanks_part(world):
    access = submitted(world, [world.bbj, world.tmm])
    tmm = part_of(access, world.tmm)
    services.part_note_set(part=tmm, actor=world.tmm_curator, note="TMM内部メモ：謝礼の件")
    services.part_check_start(part=tmm, actor=world.tmm_curator, note="TMMで確認中")
    bbj_client = signed_in(world.bbj_curator)
    detail = bbj_client.get(access.get_absolute_url())
    text = page_text(detail)
    assert detail.status_code == 200
    assert "喘息の遺伝的背景" in text and "R1234" in text  # the summary and ethics approval to decide on
    assert 'id="part-BBJ"' in detail.content.decode() and 'id="part-TMM"' not in detail.content.decode()
    assert "TMMで確認中" not in text and "TMM内部メモ" not in text
    # TMM has started checking (the request itself is now under review), yet BBJ's curator reads only their
    # own part: submitted, without the request's own state, and no word of TMM.
    assert AccessRequest.objects.get(pk=access.pk).state == "under_review"
    assert text_at(detail, "overall") == "Submitted" and 'id="request-state"' not in detail.content.decode()
    assert "TMM" not in text and "Under review" not in text and "Being handled" not in text
    assert bbj_client.get(tmm.get_absolute_url()).status_code == 403
    assert bbj_client.post(reverse("biobank_access:part-step", args=[tmm.pk, "available"])).status_code == 403
    desk = bbj_client.get(reverse("biobank_access:desk"))
    assert [row[1] for row in table_rows(desk, "desk")[1:]] == ["BBJ"]
    tmm_page = signed_in(world.tmm_curator).get(tmm.get_absolute_url())
    assert "TMM内部メモ" in page_text(tmm_page)
    researcher_page = signed_in(world.researcher).get(tmm.get_absolute_url())
    assert researcher_page.status_code == 200 and "TMM内部メモ" not in page_text(researcher_page)
    assert "TMMで確認中" in page_text(researcher_page)


@pytest.mark.parametrize("who", ["other_researcher", "ncbn_curator", "company", "outsider_curator"])
def test_others_are_refused(world, who):
    access = submitted(world, [world.bbj, world.tmm])
    if who == "company":
        user = user_with_role(Role.COMPANY)
    elif who == "outsider_curator":
        user = user_with_role(Role.BIOBANK_CURATOR)  # a curator at an organisation that is no biobank here
    else:
        user = getattr(world, who)
    client = signed_in(user)
    part = part_of(access, world.bbj)
    assert client.get(access.get_absolute_url()).status_code == 403
    assert client.get(part.get_absolute_url()).status_code == 403
    assert client.post(reverse("biobank_access:request-withdraw", args=[access.pk])).status_code == 403
    assert client.post(reverse("biobank_access:part-step", args=[part.pk, "check"])).status_code == 403


def test_a_draft_is_the_researchers_alone(world):
    access = draft(world, [world.bbj])
    assert signed_in(world.bbj_curator).get(access.get_absolute_url()).status_code == 403
    assert signed_in(world.bbj_curator).get(reverse("biobank_access:desk")).status_code == 200
    assert signed_in(world.researcher).get(reverse("biobank_access:desk")).status_code == 403
    assert signed_in(world.bbj_curator).get(reverse("biobank_access:request-list")).status_code == 403


def test_navigation_shows_each_entry_only_to_who_may_open_it(world):
    def labels(user):
        return [label for _url, label in navigation_for(user)]

    assert "My access requests" in labels(world.researcher)
    assert "Requests to my biobank" not in labels(world.researcher)
    assert "Requests to my biobank" in labels(world.bbj_curator)
    assert "My access requests" not in labels(world.bbj_curator)
    assert not {"My access requests", "Requests to my biobank"} & set(labels(user_with_role(Role.COMPANY)))


def test_the_curator_walks_the_part_through_its_steps_on_the_page(world):
    access = submitted(world, [world.bbj])
    part = part_of(access, world.bbj)
    client = signed_in(world.bbj_curator)

    def step(name, **data):
        return client.post(reverse("biobank_access:part-step", args=[part.pk, name]), data, follow=True)

    assert "cannot follow" in page_text(step("available"))
    step("check", note="確認")
    refused = step("unavailable", reason="")
    assert "This field is required." in page_text(refused)
    step("available")
    step("conditions", conditions="謝辞")
    page = client.get(part.get_absolute_url())
    assert "謝辞" in page_text(page)
    step("conditions-met")
    page = client.get(part.get_absolute_url())
    assert (
        reverse("reviews:round-open", args=["biobank_access", "accesspart", part.pk]) in page.content.decode()
    )
    committee_decide(part=part, outcome=CommitteeDecision.APPROVE, rationale="妥当", actor=world.bbj_curator)
    page = client.get(part.get_absolute_url())
    assert 'id="send-agreement"' in page.content.decode() and 'id="step-provide"' not in page.content.decode()
    client.post(reverse("biobank_access:part-agreement-send", args=[part.pk]), {"reference": "DUA-1"})
    agreement = services.part_agreements(part)[0]
    signed = client.post(
        reverse("biobank_access:part-agreement-sign", args=[part.pk, agreement.pk]),
        {"signed_on": "2026-11-30", "signed_file": pdf("dua.pdf")},
        follow=True,
    )
    assert "Signed" in [row[2] for row in table_rows(signed, "agreement-table")[1:]]
    provided = step("provide", note="アカウント発行")
    part.refresh_from_db()
    assert part.state == PartState.PROVIDED and "アカウント発行" in page_text(provided)
    assert signed_in(world.researcher).get(access.get_absolute_url()).status_code == 200


def test_the_withdraw_button_shows_only_while_the_request_may_be_withdrawn(world):
    access = submitted(world, [world.bbj, world.tmm])
    client = signed_in(world.researcher)
    services.part_check_start(part=part_of(access, world.bbj), actor=world.bbj_curator)
    assert 'id="withdraw"' in client.get(access.get_absolute_url()).content.decode()
    committee_decide(
        part=services.part_conditions_met(
            part=services.part_mark_available(part=part_of(access, world.bbj), actor=world.bbj_curator),
            actor=world.bbj_curator,
        ),
        outcome=CommitteeDecision.APPROVE,
        rationale="妥当",
        actor=world.bbj_curator,
    )
    page = client.get(access.get_absolute_url())  # the request is still under review, but BBJ approved
    assert 'id="withdraw"' not in page.content.decode() and text_at(page, "overall") == (
        "Approved by at least one biobank"
    )
    assert 'id="withdraw"' not in signed_in(world.bbj_curator).get(access.get_absolute_url()).content.decode()


def test_the_researcher_who_curates_the_biobank_does_not_handle_their_own_part(world):
    from .test_services import curator_researcher

    dual, access = curator_researcher(world)
    part = part_of(access, world.bbj)
    client = signed_in(dual)
    page = client.get(part.get_absolute_url())
    assert page.status_code == 200 and 'id="next-steps"' not in page.content.decode()
    assert 'id="internal-note"' not in page.content.decode()
    for step in ("check", "unavailable"):
        assert client.post(reverse("biobank_access:part-step", args=[part.pk, step])).status_code == 403
    assert client.post(reverse("biobank_access:part-note", args=[part.pk]), {"note": "x"}).status_code == 403
    answer = client.post(
        f"/api/biobank/requests/parts/{part.pk}/steps", {"step": "check"}, content_type="application/json"
    )
    assert answer.status_code == 403 and "never the researcher" in answer.json()["detail"]
    round_url = reverse("reviews:round-open", args=["biobank_access", "accesspart", part.pk])
    assert client.get(round_url).status_code == 403
    part.refresh_from_db()
    assert part.state == PartState.SUBMITTED
    other = signed_in(world.bbj_curator).get(part.get_absolute_url())
    assert 'id="next-steps"' in other.content.decode()  # BBJ's other curator handles it


def test_an_unknown_step_is_a_message_not_an_error(world):
    access = submitted(world, [world.bbj])
    part = part_of(access, world.bbj)
    answer = signed_in(world.bbj_curator).post(
        reverse("biobank_access:part-step", args=[part.pk, "teleport"]), follow=True
    )
    assert answer.status_code == 200 and "There is no step" in page_text(answer)


def test_the_ethics_document_opens_for_the_addressed_biobanks_only(world):
    access = submitted(world, [world.bbj])
    url = reverse("core:attachment-download", args=[AccessRequest.objects.get(pk=access.pk).irb_document_id])
    assert signed_in(world.researcher).get(url).status_code == 200
    assert signed_in(world.bbj_curator).get(url).status_code == 200
    assert signed_in(world.tmm_curator).get(url).status_code == 403
    assert signed_in(world.other_researcher).get(url).status_code == 403


def test_lists_keep_a_constant_number_of_queries(world):
    from kiban.core.testing import assert_constant_queries

    def more_requests(n):
        # Each with one part approved at BBJ (its agreements and whether it waits for a signature are read
        # for the list at once) and one being checked at TMM.
        for _ in range(n):
            access = submitted(world, [world.bbj, world.tmm])
            to_decided(part_of(access, world.bbj), world.bbj_curator, approve=True)
            services.part_check_start(part=part_of(access, world.tmm), actor=world.tmm_curator, note="確認")

    assert_constant_queries(
        signed_in(world.researcher), reverse("biobank_access:request-list"), more_requests, step=2
    )
    assert_constant_queries(
        signed_in(world.bbj_curator), reverse("biobank_access:desk"), more_requests, step=2
    )
    assert_constant_queries(signed_in(world.researcher), "/api/biobank/requests", more_requests, step=2)
    assert_constant_queries(
        signed_in(world.bbj_curator), "/api/biobank/requests/parts", more_requests, step=2
    )
