"""The pages as people use them: the public call, a researcher's proposal, the officer's allocation with its
rationale and chart, approve and publish, the sequencing progress; and who is refused."""

import pytest
from django.urls import reverse

from kiban.analysis_funding import selectors
from kiban.analysis_funding.models import Proposal
from kiban.core.testing import page_text, signed_in, table_rows

from . import world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return w.build()


def _call_url(world, name="call-detail"):
    return reverse(f"analysis_funding:{name}", args=[world.analysis_call.call_id])


def test_anyone_reads_the_call_with_its_assays_and_example_costs(client, world):
    listing = client.get(reverse("analysis_funding:call-list"))
    assert listing.status_code == 200
    assert "Analysis funding call (test)" in page_text(listing)  # the English title in English
    detail = client.get(_call_url(world))
    assert detail.status_code == 200
    assert table_rows(detail, "assays")[1:] == [
        ["SNP array", "DNA", "¥8,000"],
        ["Whole-genome sequencing (WGS)", "DNA", "¥100,000"],
    ]
    assert "The costs are example figures" in page_text(detail)


def test_a_researcher_drafts_and_submits_a_proposal(world):
    client = signed_in(world.proposer)
    form = client.get(reverse("analysis_funding:proposal-create", args=[world.analysis_call.call_id]))
    assert form.status_code == 200
    answer = client.post(
        reverse("analysis_funding:proposal-create", args=[world.analysis_call.call_id]),
        {"title": "糖尿病の全ゲノム解析", "sample_set": world.big_set.pk, "assay": "wgs", "samples": "12",
         "scientific_case": "意義"},
    )  # fmt: skip
    proposal = Proposal.objects.get()
    assert answer.status_code == 302 and answer.url == proposal.get_absolute_url()
    detail = client.get(proposal.get_absolute_url())
    assert "¥1,200,000" in page_text(detail)
    assert "60" in detail.content.decode().split('id="sample-count">')[1][:10]  # the set counted now
    client.post(reverse("analysis_funding:proposal-submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.state == "submitted"


def test_a_proposal_over_the_sample_set_is_answered_with_the_reason(world):
    client = signed_in(world.proposer)
    answer = client.post(
        reverse("analysis_funding:proposal-create", args=[world.analysis_call.call_id]),
        {"title": "多すぎる", "sample_set": world.big_set.pk, "assay": "wgs", "samples": "500"},
    )
    assert answer.status_code == 400
    assert "ask for at most 60 samples" in page_text(answer)
    assert not Proposal.objects.exists()


def test_the_officer_computes_approves_and_publishes_the_allocation(world):
    first, second, third = w.reviewed_call(world)
    officer = signed_in(world.officer)
    page = officer.get(_call_url(world, "allocation"))
    assert "Not computed" in page_text(page)

    officer.post(_call_url(world, "allocation-compute"))
    page = officer.get(_call_url(world, "allocation"))
    rows = table_rows(page, "allocation")
    assert [row[:5] for row in rows[1:]] == [
        ["1", f"{first.reference} 一位の全ゲノム解析", "5.00", "¥3,000,000", "¥3,000,000"],
        ["2", f"{second.reference} 二位の全ゲノム解析", "4.00", "¥2,500,000", "¥0"],
        ["3", f"{third.reference} 三位のSNPアレイ解析", "3.00", "¥320,000", "¥320,000"],
    ]
    assert "does not fit in the ¥2,000,000 left" in rows[2][5]
    assert 'id="budget-use"' in page.content.decode()

    officer.post(_call_url(world, "allocation-approve"))
    refused = officer.post(_call_url(world, "allocation-compute"), follow=True)
    assert "can no longer be computed again" in page_text(refused)
    officer.post(_call_url(world, "allocation-publish"))
    assert (
        selectors.allocation_of(selectors.analysis_call(call_id=world.analysis_call.call_id)).state
        == "published"
    )

    # The public sees the funded list, the proposer what they got and why, the sequencing progress the genomes
    public = signed_in(world.colleague).get(_call_url(world))
    assert [row[0] for row in table_rows(public, "funded")[1:]] == [
        "一位の全ゲノム解析",
        "三位のSNPアレイ解析",
    ]
    assert "5.00" not in page_text(public)  # scores are not public
    mine = signed_in(world.rival).get(second.get_absolute_url())
    assert "does not fit" in page_text(mine)
    progress = signed_in(world.colleague).get(reverse("sequencing:progress"))
    assert table_rows(progress, "funded-plans")[1][:4] == [
        "Companies (民)",
        "Analysis funding call (test)",
        "1",
        "30",
    ]


def test_a_blind_review_hides_the_proposer_from_the_reviewer(world):
    first = w.proposal(world, samples=10)
    from kiban.analysis_funding import services

    services.call_reviews_open(
        analysis_call=world.analysis_call, reviewers=world.reviewers[:1], per_round=1, actor=world.officer
    )
    assignment = selectors.review_round(first).assignments.get()
    page = signed_in(assignment.reviewer).get(assignment.get_absolute_url())
    assert page.status_code == 200
    text = page_text(page)
    assert first.title in text and "¥1,000,000" in text
    assert "proposer (" not in text and "京都大学（試験）" not in text  # neither name nor organisation


@pytest.mark.parametrize(
    ("who", "name", "method"),
    [
        ("proposer", "allocation", "get"),
        ("proposer", "allocation-compute", "post"),
        ("proposer", "allocation-approve", "post"),
        ("proposer", "allocation-publish", "post"),
        ("proposer", "call-settings", "get"),
        ("proposer", "reviews-open", "post"),
        ("officer", "proposal-create", "get"),
    ],
)
def test_others_are_refused_with_the_permissions_sentence(world, who, name, method):
    answer = getattr(signed_in(getattr(world, who)), method)(_call_url(world, name))
    assert answer.status_code == 403


def test_proposals_are_the_proposers_and_the_agencys_only(world):
    proposal = w.proposal(world, submit=False)
    assert signed_in(world.rival).get(proposal.get_absolute_url()).status_code == 403
    assert signed_in(world.officer).get(proposal.get_absolute_url()).status_code == 403  # a draft is private
    w.proposal(world, samples=5, title="提出済み")
    submitted = Proposal.objects.get(title="提出済み")
    assert signed_in(world.officer).get(submitted.get_absolute_url()).status_code == 200
    assert signed_in(world.rival).get(reverse("analysis_funding:proposal-list")).status_code == 200
    assert "提出済み" not in page_text(signed_in(world.rival).get(reverse("analysis_funding:proposal-list")))


def test_navigation_shows_the_proposals_to_researchers_and_officers_only(world, client):
    from kiban.core.registry import navigation_for

    assert ("/biobank/analysis-calls/proposals/", "Analysis proposals") in navigation_for(world.proposer)
    assert ("/biobank/analysis-calls/", "Analysis funding calls") in navigation_for(world.proposer)
    from kiban.core.testing import user_with_role

    curator = user_with_role("biobank_curator")
    assert "/biobank/analysis-calls/proposals/" not in [url for url, _label in navigation_for(curator)]


def test_reviewers_score_only_what_they_are_assigned_and_conflicted_ones_nothing(world):
    from kiban.analysis_funding import services
    from kiban.reviews.services import reviewer_assign

    first = w.proposal(world, samples=10)
    services.call_reviews_open(
        analysis_call=world.analysis_call, reviewers=world.reviewers[:1], per_round=1, actor=world.officer
    )
    round_ = selectors.review_round(first)
    assignment = round_.assignments.get()
    # Another researcher is not assigned: refused
    assert signed_in(world.rival).get(assignment.get_absolute_url()).status_code == 403
    # The proposer's colleague, assigned by hand, is detected as conflicted and sees nothing
    conflicted = reviewer_assign(round=round_, reviewer=world.colleague, actor=world.officer)
    assert conflicted.is_conflicted
    assert signed_in(world.colleague).get(conflicted.get_absolute_url()).status_code == 403
    # The assigned reviewer scores
    page = signed_in(assignment.reviewer).get(assignment.get_absolute_url())
    assert page.status_code == 200


def test_the_officer_configures_the_call_and_its_assays(world):
    officer = signed_in(world.officer)
    assert officer.get(_call_url(world, "call-settings")).status_code == 200
    answer = officer.post(
        _call_url(world, "call-settings"),
        {"budget_yen": "7000000", "funder": "government", "partial_funding": "on", "blind_review": "on",
         "tie_break": "earlier_submission", "rubric": world.analysis_call.rubric_id},
    )  # fmt: skip
    assert answer.status_code == 302
    analysis_call = selectors.analysis_call(call_id=world.analysis_call.call_id)
    assert (analysis_call.budget_yen, analysis_call.funder, analysis_call.partial_funding) == (
        7_000_000,
        "government",
        True,
    )
    officer.post(
        _call_url(world, "assay-set"),
        {"assay": "proteome", "material": "plasma", "cost_per_sample_yen": "20000"},
    )
    analysis_call = selectors.analysis_call(call_id=world.analysis_call.call_id)
    assert [o.assay for o in analysis_call.assays.all()] == ["proteome", "snp_array", "wgs"]
    # Once a proposal is submitted the costs stay as they are, and the page says why
    w.proposal(world, samples=5)
    refused = officer.post(
        _call_url(world, "assay-set"),
        {"assay": "wgs", "material": "dna", "cost_per_sample_yen": "1"},
        follow=True,
    )
    assert "Proposals have been submitted at the present assays and costs" in page_text(refused)


def test_an_officer_opens_a_call_from_the_form(world):
    officer = signed_in(world.officer)
    assert officer.get(reverse("analysis_funding:call-create")).status_code == 200
    answer = officer.post(
        reverse("analysis_funding:call-create"),
        {"title": "新公募", "title_en": "New call", "opens_on": "2027-04-01", "closes_on": "2027-05-31",
         "budget_yen": "90000000", "funder": "company", "tie_break": "lower_request",
         "rubric": world.analysis_call.rubric_id, "cost_wgs": "100000", "cost_wes": "50000"},
    )  # fmt: skip
    assert answer.status_code == 302
    created = selectors.call_list().get(call__title="新公募")
    assert {o.assay: (o.material, o.cost_per_sample_yen) for o in created.assays.all()} == {
        "wgs": ("dna", 100_000),
        "wes": ("dna", 50_000),
    }
    closed_before_open = officer.post(
        reverse("analysis_funding:call-create"),
        {"title": "逆", "title_en": "Backwards", "opens_on": "2027-05-31", "closes_on": "2027-04-01",
         "budget_yen": "1", "funder": "company", "tie_break": "lower_request",
         "rubric": world.analysis_call.rubric_id, "cost_wgs": "1"},
    )  # fmt: skip
    assert closed_before_open.status_code == 400
    assert "A call cannot close before it opens." in page_text(closed_before_open)
