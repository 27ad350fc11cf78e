"""Logging in through the form, right and wrong."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation

from .ui import expect, log_in, main_nav, tr

pytestmark = pytest.mark.browser


def test_ministry_official_logs_in_and_lands_on_home(page, site):
    page.goto(site + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name=tr("Log in"))).to_be_visible()

    log_in(page, site, "ministry_official")

    expect(page).to_have_url(site + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("渡辺 大輔")
    expect(main_nav(page).get_by_role("link", name=tr("Home"), exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.locator(".site-tools").get_by_role("link", name="渡辺 大輔")).to_be_visible()
    expect(page.get_by_role("button", name=tr("Log out"))).to_be_visible()


def test_wrong_password_shows_an_error_and_stays_on_the_login_page(page, site):
    log_in(page, site, "ministry_official", password="not-the-password")

    username_label = get_user_model()._meta.get_field("username").verbose_name
    with translation.override("ja"):
        message = str(AuthenticationForm.error_messages["invalid_login"]) % {"username": username_label}
    error = page.locator("main .errorlist")
    expect(error).to_be_visible()
    expect(error).to_have_text(message)
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name=tr("Log in"))).to_be_visible()
    # The user name is kept for another try, the password is not; nobody is signed in.
    expect(page.get_by_label(tr("User name"), exact=True)).to_have_value("ministry_official")
    expect(page.get_by_label(tr("Password"), exact=True)).to_have_value("")
    expect(page.locator("nav.site-nav")).to_have_count(0)
    expect(page.get_by_role("button", name=tr("Log out"))).to_have_count(0)
