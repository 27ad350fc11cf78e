"""Access requests to the biobanks (分譲) as people click through them, in Japanese and in English (one walk
per language): a researcher sends one request from a saved search to BBJ and TMM; BBJ's curator takes it
through availability and the access committee's review, which approves it, records the data-use agreement
signed and makes the data available; TMM's committee declines; the researcher reads each biobank's outcome."""

import pytest
from django.utils import translation

from kiban.biobank.tests.small_world import build_world

from .ui import PHONE, expect, log_in_reading, main_nav, tr

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n% ethics approval\n%%EOF\n"
SEARCH = "喘息の女性 40〜60歳（血清あり）"


@pytest.fixture
def access_world(site, settings):
    """The small world (TMM and BBJ with known participants), the noise off so that counts are the known ones,
    and this app's demo: BBJ's curator, the committee rubric and the researcher's saved searches."""
    from kiban.biobank_access.demo import load_biobank_access
    from kiban.core.models import User

    settings.KIBAN_DISCLOSURE_NOISE_SCALE = 0
    build_world(User.objects.get(username="biobank_curator"))
    load_biobank_access()
    return site


def _log_out(page, language):
    page.get_by_role("button", name=tr("Log out", language)).click()


def _click(page, name, language):
    page.get_by_role("button", name=tr(name, language), exact=True).click()


def _committee(page, language, *, approve: bool, rationale: str):
    """From the part's page: open the committee's round, close it, and record its decision."""
    page.locator("#open-review").click()
    page.locator("#id_title").fill("分譲審査")
    page.locator("#id_rubric").select_option(
        label="試料・情報分譲審査（デモ）" if language == "ja" else "Access committee review (demo)"
    )
    _click(page, "Open the round", language)
    _click(page, "Close the round", language)
    page.locator("#id_outcome").select_option("approve" if approve else "decline")
    page.locator("#id_rationale").fill(rationale)
    _click(page, "Record the decision", language)
    expect(page.locator(".messages")).to_contain_text(
        tr("The decision is recorded and the applicant is notified.", language)
    )


def _handle(page, language, curator: str, *, approve: bool):
    log_in_reading(page, page.base_url, curator, language)
    main_nav(page, language).get_by_role("link", name=tr("Requests to my biobank", language)).click()
    page.locator("#desk tbody tr").filter(has_text="喘息のゲノム研究").get_by_role("link").click()
    expect(page.locator("#part-state")).to_have_text(tr("Submitted", language))
    _click(page, "Start checking availability", language)
    expect(page.locator("#part-state")).to_have_text(tr("Checking availability", language))
    page.locator("#step-available").get_by_role("button").click()
    expect(page.locator("#part-state")).to_have_text(tr("Available", language, context="access part"))
    page.locator("#step-no-conditions").get_by_role("button").click()
    expect(page.locator("#part-state")).to_have_text(tr("Conditions met", language))
    _committee(page, language, approve=approve, rationale="妥当な計画です" if approve else "同意の範囲外です")
    page.locator("main p a").first.click()  # back to the part
    expect(page.locator("#part-state")).to_have_text(
        tr("Approved", language, context="access part")
        if approve
        else tr("Declined", language, context="access part")
    )


@pytest.mark.parametrize("language", ["ja", "en"])
def test_one_request_to_two_biobanks_one_approves_one_declines(page, access_world, language, screenshot_dir):
    page.base_url = access_world
    with translation.override(language):
        # The researcher makes one request from a saved search to BBJ and TMM.
        log_in_reading(page, access_world, "researcher", language)
        main_nav(page, language).get_by_role("link", name=tr("My access requests", language)).click()
        page.locator("#new-request").click()
        page.get_by_role("link", name=SEARCH).click()
        expect(page.locator("#preview-total")).to_have_text("56")
        form = page.locator("#request-form")
        form.locator("#id_title").fill("喘息のゲノム研究")
        form.get_by_label("BBJ").check()
        form.get_by_label("TMM").check()
        form.locator("#id_project_summary").fill("成人喘息の遺伝的背景を調べる。")
        form.locator("#id_irb_committee").fill("京都大学 医の倫理委員会")
        form.locator("#id_irb_number").fill("R5678")
        form.locator("#id_irb_approved_on").fill("2026-04-01")
        form.locator("#id_amount_detail").fill("SNPアレイデータと臨床情報")
        form.locator("#id_data_use_terms").fill("本研究のみに使用する。")
        form.locator("#id_terms_accepted").check()
        _click(page, "Save the draft", language)
        expect(page.locator("#problems")).to_contain_text(
            tr("Upload the ethics approval document.", language)
        )
        page.locator("#document-form input[type=file]").set_input_files(
            {"name": "irb.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        _click(page, "Upload", language)
        expect(page.locator("#irb-document")).to_have_text("irb.pdf")
        _click(page, "Submit the request", language)
        expect(page.locator("#overall")).to_have_text(tr("Submitted", language))
        expect(page.locator("#part-BBJ .counts-shown")).to_have_text("25")
        expect(page.locator("#part-TMM .counts-shown")).to_have_text("31")
        _log_out(page, language)

        # BBJ's committee approves; the data-use agreement is signed; the data is made available.
        _handle(page, language, "bbj_curator", approve=True)
        expect(page.locator("#agreement-needed")).to_be_visible()
        page.locator("#send-agreement button[type=submit]").click()
        expect(page.locator("#agreement-table .agreement-state")).to_have_text(
            tr("Sent for signature", language, context="agreement state")
        )
        page.locator(".sign-agreement button[type=submit]").click()
        expect(page.locator("#agreement-table .agreement-state")).to_have_text(
            tr("Signed", language, context="agreement state")
        )
        page.screenshot(path=screenshot_dir / f"biobank-access-part-{language}.png", full_page=True)
        page.locator("#step-provide input[name=note]").fill("解析環境のアカウントを発行")
        page.locator("#step-provide button[type=submit]").click()
        expect(page.locator("#part-state")).to_have_text(tr("Made available / shipped", language))
        _log_out(page, language)

        # TMM's committee declines.
        _handle(page, language, "biobank_curator", approve=False)
        _log_out(page, language)

        # The researcher reads each biobank's outcome.
        log_in_reading(page, access_world, "researcher", language)
        main_nav(page, language).get_by_role("link", name=tr("My access requests", language)).click()
        page.get_by_role("link", name="喘息のゲノム研究").click()
        expect(page.locator("#overall")).to_have_text(tr("Closed", language, context="access request"))
        expect(page.locator("#part-BBJ .part-state")).to_have_text(tr("Made available / shipped", language))
        expect(page.locator("#part-TMM .part-state")).to_have_text(
            tr("Declined", language, context="access part")
        )
        expect(page.locator("#part-TMM .outcome")).to_contain_text("同意の範囲外です")
        expect(page.locator("#part-BBJ .timeline")).to_contain_text(tr("Agreement signed", language))
        # At phone width the page reads without scrolling sideways.
        page.set_viewport_size(PHONE)
        expect(page.locator("#part-TMM")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.screenshot(path=screenshot_dir / f"biobank-access-request-phone-{language}.png", full_page=True)
