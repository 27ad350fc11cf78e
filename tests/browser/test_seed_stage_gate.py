"""One seed through a stage-gate, as people click through it: hub staff register it and open a review, the
reviewer scores it, hub staff close the round and decide "stage up", and the principal investigator finds
the decision in the inbox."""

import re
from dataclasses import dataclass

import pytest
from django.utils import translation

from .ui import expect, field, log_in, main_nav, tr

pytestmark = pytest.mark.browser

SEED_TITLE = "KRAS G12C阻害薬による非小細胞肺がん治療（ブラウザテスト）"
SUMMARY = "KRAS G12C変異を有する非小細胞肺がんに対する経口阻害薬（ブラウザテストの公開概要）。"
DETAILS = "（機密・ブラウザテスト）作用機序と非臨床データの詳細。"
ROUND_TITLE = "ステージゲート評価（ブラウザテスト）"
RATIONALE = "非臨床POCの見通しが得られ、preBへの移行計画も妥当なためステージアップ（ブラウザテスト）。"
HUB = "大阪大学"


@dataclass(frozen=True)
class SeedDemo:
    """What the test needs to know of the seeds demo data, as the Japanese UI names it."""

    url: str
    pi_username: str
    pi_option: str
    institution: str
    rubric: str
    criteria: int
    reviewer: str
    first_fy: int


@pytest.fixture
def seed_site(site) -> SeedDemo:
    """The demo data of `site`, plus the seeds demo: Osaka's seed researcher, the reviewer and the rubric."""
    from django.utils import timezone

    from kiban.core.choices import Role
    from kiban.core.fiscal import FiscalYear
    from kiban.core.models import Organisation, User
    from kiban.reviews.models import Rubric
    from kiban.seeds.demo import load_seeds

    load_seeds()
    pi = User.objects.get(
        username__startswith="seed_researcher_",
        memberships__organisation__name=HUB,
        memberships__role=Role.RESEARCHER,
    )
    rubric = Rubric.objects.get(name="シーズ評価（ステージゲート）")
    with translation.override("ja"):
        return SeedDemo(
            url=site,
            pi_username=pi.username,
            pi_option=f"{pi} ({pi.username})",
            institution=str(Organisation.objects.get(name=HUB)),
            rubric=str(rubric),
            criteria=rubric.criteria.count(),
            reviewer=str(User.objects.get(username="reviewer")),
            first_fy=FiscalYear.of(timezone.localdate()).year,
        )


def _log_out(page) -> None:
    page.get_by_role("button", name=tr("Log out"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def _success(page, message: str) -> None:
    expect(page.locator(".messages li.success")).to_have_text(message)


def _open_seed_from_the_list(page) -> None:
    main_nav(page).get_by_role("link", name=tr("Seeds"), exact=True).click()
    page.locator("#seed-table").get_by_role("link", name=SEED_TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)


def test_a_seed_goes_through_a_stage_gate_review_to_pre_b(page, seed_site):
    demo = seed_site

    # 1. Osaka's hub staff register a seed.
    log_in(page, demo.url, "hub_staff")
    main_nav(page).get_by_role("link", name=tr("Seeds"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Translational research seeds"))
    page.get_by_role("link", name=tr("Register a seed"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Register a seed"))

    form = page.locator("main form.stacked")
    expect(form.get_by_label(field(tr("Hub")))).to_have_value(re.compile(r"^\d+$"))
    form.get_by_label(field(tr("Seed title"))).fill(SEED_TITLE)
    form.get_by_label(field(tr("Summary (public)"))).fill(SUMMARY)
    form.get_by_label(field(tr("Details (confidential)"))).fill(DETAILS)
    form.get_by_label(field(tr("Principal investigator"))).select_option(label=demo.pi_option)
    form.get_by_label(field(tr("Institution"))).select_option(label=demo.institution)
    form.get_by_label(field(tr("Modality"))).select_option(label=tr("Drug"))
    form.get_by_label(field(tr("Target disease (ICD-10 code)"))).fill("C34.1")
    form.get_by_label(field(tr("Target disease"))).fill("非小細胞肺がん")
    form.get_by_label(field(tr("Stage at registration"))).select_option(label=tr("Seed A"))
    form.get_by_label(field(tr("Programme slot"))).select_option(label=tr("Seed A"))
    form.get_by_label(field(tr("Supported from"))).select_option(value=str(demo.first_fy))
    form.get_by_label(field(tr("Supported to"))).select_option(value=str(demo.first_fy + 2))
    form.get_by_role("button", name=tr("Register"), exact=True).click()

    _success(page, tr("The seed is registered."))
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    expect(page.locator("#seed-stage")).to_contain_text(tr("Seed A"))
    expect(page.locator("#seed-facts")).to_contain_text("C34.1")
    expect(page.locator("#seed-details")).to_contain_text(DETAILS)

    # 2. From the seed's page, they open a stage-gate review and assign the reviewer on the round's page.
    page.locator("summary").filter(has_text=tr("Open a stage-gate review")).click()
    gate_form = page.locator("#stage-gate-form")
    gate_form.get_by_label(field(tr("Rubric"))).select_option(label=demo.rubric)
    gate_form.get_by_label(field(tr("Round title"))).fill(ROUND_TITLE)
    gate_form.get_by_role("button", name=tr("Open the review"), exact=True).click()

    _success(page, tr("The stage-gate review is open; assign its reviewers."))
    expect(page.get_by_role("heading", level=1)).to_have_text(ROUND_TITLE)
    assign_form = page.locator("#assign-form")
    assign_form.get_by_label(field(tr("Reviewer"))).select_option(label=demo.reviewer)
    assign_form.get_by_role("button", name=tr("Assign"), exact=True).click()
    _success(page, tr("%(reviewer)s is assigned.") % {"reviewer": demo.reviewer})
    expect(page.locator("#assignments tbody tr")).to_have_count(1)
    expect(page.locator("#assignments")).to_contain_text(demo.reviewer)
    _log_out(page)

    # 3. The reviewer scores every criterion from "My reviews".
    log_in(page, demo.url, "reviewer")
    main_nav(page).get_by_role("link", name=tr("My reviews"), exact=True).click()
    item = page.locator("#my-reviews tbody tr").filter(has_text=ROUND_TITLE)
    expect(item).to_have_count(1)
    expect(item).to_contain_text(tr("To score"))
    item.get_by_role("link").filter(has_text=SEED_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SEED_TITLE)
    expect(page.locator("#summary")).to_contain_text(SUMMARY)

    criteria = page.locator("#score-form fieldset")
    expect(criteria).to_have_count(demo.criteria)
    for index in range(demo.criteria):
        criteria.nth(index).get_by_label(tr("Score"), exact=True).select_option("4")
    page.locator("#score-form").get_by_role("button", name=tr("Submit scores"), exact=True).click()
    _success(page, tr("Your scores are submitted."))
    expect(page.locator("#score-form")).to_have_count(0)
    _log_out(page)

    # 4. Hub staff return to the round through the seed's page, close it and decide "stage up".
    log_in(page, demo.url, "hub_staff")
    _open_seed_from_the_list(page)
    page.locator("#review-rounds").get_by_role("link", name=ROUND_TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ROUND_TITLE)
    expect(page.locator("#overall")).to_have_text("4.00")
    page.locator("#close-form").get_by_role("button", name=tr("Close the round"), exact=True).click()
    _success(page, tr("The round is closed; record the decision below."))

    decision_form = page.locator("#decision-form")
    decision_form.get_by_label(field(tr("Decision"))).select_option(label=tr("Stage up"))
    decision_form.get_by_label(field(tr("Rationale"))).fill(RATIONALE)
    decision_form.get_by_role("button", name=tr("Record the decision"), exact=True).click()
    _success(page, tr("The decision is recorded and the applicant is notified."))
    expect(page.locator("#decision")).to_contain_text(tr("Stage up"))

    page.get_by_role("main").get_by_role("link").filter(has_text=SEED_TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    expect(page.locator("#seed-stage")).to_contain_text(tr("preB"))
    gate = page.locator("#stage-gates tbody tr").filter(has_text=RATIONALE)
    expect(gate).to_have_count(1)
    expect(gate).to_contain_text(tr("Stage up"))
    _log_out(page)

    # 5. The principal investigator finds the decision notice in the inbox.
    log_in(page, demo.url, demo.pi_username)
    inbox_link = page.get_by_role("banner").get_by_role("link", name=tr("Inbox"))
    expect(inbox_link.locator("#unread-count")).to_be_visible()
    inbox_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr("Inbox"))
    notice = page.locator("#inbox tbody tr").filter(has_text=RATIONALE)
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(SEED_TITLE)
    expect(notice).to_contain_text(tr("Stage up"))
    notice.get_by_role("link").filter(has_text=SEED_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    expect(page.locator("#seed-stage")).to_contain_text(tr("preB"))
