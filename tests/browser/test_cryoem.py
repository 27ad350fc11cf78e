"""The cryo-EM network as people click through it, in Japanese and in English: a company with an accepted
project names its sample, is refused E2 time without an E1 "go", books an assisted E1 screening; the site's
operator logs the session and records its grid with a "go"; the company books E2 time (an overlapping second
booking is refused); the operator logs the E2 session and issues the month's invoices; the company sees its
deposit drawn down and the invoice line."""

import datetime
import re

import pytest
from django.utils import timezone, translation

from .ui import expect, field, log_in_reading, main_nav, tr

pytestmark = pytest.mark.browser

SAMPLE = "抗体 Fab 複合体（ブラウザテスト）"
FORMAT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def cryoem(site):
    """The demo network, with booking notice lifted on 東大's E1-1 and E2-1 so that a session can be booked,
    started and logged within the test."""
    from kiban.facilities.demo import COMPANY2_TITLE
    from kiban.facilities.models import FacilityProject, Instrument

    Instrument.objects.filter(name__in=["東大 E1-1", "東大 E2-1"]).update(booking_notice_hours=0)
    project = FacilityProject.objects.get(title=COMPANY2_TITLE)
    return {"url": site, "project": project, "balance": project.billing_account.balance_yen}


def _messages(page, kind: str):
    return page.locator(f".messages li.{kind}")


def _log_out(page, language: str) -> None:
    page.get_by_role("button", name=tr("Log out", language), exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def _open_instrument(page, url: str, name: str) -> None:
    page.goto(url + "/facilities/instruments/?page=1")
    page.locator("#instruments").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def _book(page, language, *, project, sample, start, hours, operator):
    form = page.locator("#booking-form")
    form.get_by_label(field(tr("Project", language))).select_option(label=project)
    form.get_by_label(field(tr("Sample", language))).fill(sample)
    form.get_by_label(field(tr("From", language))).fill(start.strftime(FORMAT))
    form.get_by_label(field(tr("Until", language))).fill(
        (start + datetime.timedelta(hours=hours)).strftime(FORMAT)
    )
    form.get_by_label(field(tr("Assisted session", language))).check()
    form.get_by_label(field(tr("Staff operator", language))).select_option(label=operator)
    form.get_by_role("button", name=tr("Book", language), exact=True).click()


def _log_session(page, language, *, operator, dataset: bool):
    form = page.locator("#session-form")
    started = timezone.localtime().replace(second=0, microsecond=0) - datetime.timedelta(minutes=1)
    form.get_by_label(field(tr("Actual start", language))).fill(started.strftime(FORMAT))
    form.get_by_label(field(tr("Actual end", language))).fill(
        (started + datetime.timedelta(hours=4)).strftime(FORMAT)
    )
    form.get_by_label(field(tr("Operator", language))).select_option(label=operator)
    form.get_by_label(field(tr("Data volume (GB)", language))).fill("1200")
    if dataset:
        form.get_by_label(field(tr("High-resolution dataset collected", language))).check()
    form.get_by_label(field(tr("Outcome", language))).fill("ブラウザテストのセッション")
    form.get_by_role("button", name=tr("Log and charge the session", language), exact=True).click()
    expect(_messages(page, "success")).to_have_text(tr("The session is logged and charged.", language))


@pytest.mark.parametrize("language", ["ja", "en"])
def test_from_an_accepted_project_through_e1_screening_to_an_invoiced_e2_session(page, cryoem, language):
    from kiban.core.models import User
    from kiban.core.money import format_yen

    url, project = cryoem["url"], cryoem["project"]
    with translation.override(language):
        operator = str(User.objects.get(username="facility_operator"))
        site_name = str(project.site)
    soon = timezone.localtime().replace(second=0, microsecond=0) + datetime.timedelta(minutes=2)

    # 1. The company opens its accepted project and names its sample.
    log_in_reading(page, url, "company2", language)
    main_nav(page, language).get_by_role(
        "link", name=tr("Facility-use projects", language), exact=True
    ).click()
    page.locator("#projects").get_by_role("link", name=project.title, exact=True).click()
    expect(page.locator("#state")).to_have_text(tr("Accepted", language))
    page.locator("#sample-form").get_by_label(field(tr("Sample", language))).fill(SAMPLE)
    page.locator("#sample-form").get_by_role("button", name=tr("Add the sample", language)).click()
    expect(_messages(page, "success")).to_have_text(tr("The sample is added.", language))
    expect(page.locator("#samples")).to_contain_text(tr("Not screened yet", language))

    # 2. E2 time is refused: the sample has no E1 "go".
    _open_instrument(page, url, "東大 E2-1")
    _book(page, language, project=project.title, sample=SAMPLE, start=soon, hours=4, operator=operator)
    expect(_messages(page, "error")).to_contain_text(
        tr("E2 time for “%(sample)s” needs an E1 screening with a “go” result, or an exemption "
           "documented by the E2 site; none is recorded.", language) % {"sample": SAMPLE}
    )  # fmt: skip

    # 3. Unqualified, the company books an assisted E1 screening with a staff operator.
    _open_instrument(page, url, "東大 E1-1")
    expect(page.locator("#my-qualification")).to_have_text(
        tr("Not qualified: book an assisted session.", language)
    )
    _book(page, language, project=project.title, sample=SAMPLE, start=soon, hours=4, operator=operator)
    expect(_messages(page, "success")).to_have_text(tr("The time is booked.", language))
    e1_booking = page.url
    _log_out(page, language)

    # 4. The operator logs the E1 session, then records its grid with a "go".
    log_in_reading(page, url, "facility_operator", language)
    page.goto(e1_booking)
    _log_session(page, language, operator=operator, dataset=False)
    expect(page.locator("#booking-state")).to_have_text(tr("Completed", language))
    grid = page.locator("#grid-form")
    grid.get_by_label(field(tr("Sample", language))).fill(SAMPLE)
    grid.get_by_label(field(tr("Grid type", language))).fill("Quantifoil R1.2/1.3 Au")
    grid.get_by_label(field(tr("Blotting conditions", language))).fill("4 °C, 100%, 3 s")
    grid.get_by_label(field(tr("Vitrification conditions", language))).fill("液体エタン")
    grid.get_by_label(field(tr("Preparation trial", language))).fill("3")
    grid.get_by_label(field(tr("Ice quality", language))).select_option(
        label=tr("Good (thin, vitreous)", language)
    )
    grid.get_by_label(field(tr("Particle distribution", language))).select_option(
        label=tr("Monodisperse", language)
    )
    grid.get_by_label(field(tr("Screening result", language))).fill("良好な分散")
    grid.get_by_label(field(tr("Go / no-go", language))).select_option(label=tr("Go", language))
    grid.get_by_role("button", name=tr("Record the grid", language), exact=True).click()
    expect(_messages(page, "success")).to_have_text(tr("The grid is recorded.", language))
    _log_out(page, language)

    # 5. The company books E2 time for the screened sample; the same time again is refused as an overlap.
    log_in_reading(page, url, "company2", language)
    _open_instrument(page, url, "東大 E2-1")
    _book(page, language, project=project.title, sample=SAMPLE, start=soon, hours=4, operator=operator)
    expect(_messages(page, "success")).to_have_text(tr("The time is booked.", language))
    e2_booking = page.url
    _open_instrument(page, url, "東大 E2-1")
    _book(page, language, project=project.title, sample=SAMPLE, start=soon, hours=4, operator=operator)
    overlap = tr("%(instrument)s is already booked from %(start)s to %(end)s.", language) % {
        "instrument": "東大 E2-1",
        "start": soon.strftime("%Y-%m-%d %H:%M"),
        "end": (soon + datetime.timedelta(hours=4)).strftime("%Y-%m-%d %H:%M"),
    }
    expect(_messages(page, "error")).to_have_text(overlap)
    _log_out(page, language)

    # 6. The operator logs the E2 session (a dataset) and issues the month's invoices.
    log_in_reading(page, url, "facility_operator", language)
    page.goto(e2_booking)
    _log_session(page, language, operator=operator, dataset=True)
    page.goto(url + "/facilities/billing/")
    invoice_form = page.locator("#invoice-form")
    invoice_form.get_by_label(field(tr("Site", language))).select_option(label=site_name)
    invoice_form.get_by_label(field(tr("Month", language))).fill(timezone.localdate().strftime("%Y-%m"))
    invoice_form.get_by_role("button", name=tr("Issue the invoices", language), exact=True).click()
    expect(_messages(page, "success")).to_contain_text(tr("Invoices issued: %(numbers)s.", language)[:5])
    _log_out(page, language)

    # 7. The company sees its deposit drawn down by both sessions (example tariffs, tax included) and the
    #    invoice line of its E2 session.
    log_in_reading(page, url, "company2", language)
    page.goto(url + project.get_absolute_url())
    drawn = (120_000 + 12_000) + (250_000 + 25_000)  # E1 and E2 days, company, open results (examples)
    with translation.override(language):
        expected = format_yen(cryoem["balance"] - drawn)
    expect(page.locator("#balance")).to_have_text(expected)
    expect(page.locator("#sessions tbody tr")).to_have_count(2)
    page.goto(url + "/facilities/billing/")
    expect(page.locator("#tariff-note")).to_be_visible()
    expect(page.locator("#invoices")).to_contain_text("東大 E2-1")
    expect(page.locator("#invoices")).to_contain_text(project.title)
