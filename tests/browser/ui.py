"""What the browser tests share: the catalogs' wording, the login form, the main navigation."""

import re

from django.utils import translation

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or, in CI, fails) with a readable message
    expect = None

DEMO_PASSWORD = "kiban-demo"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def tr(message: str, language: str = "ja", *, context: str = "") -> str:
    """The message as the UI shows it in the language, from the project's own catalogs (in `context` for
    a label marked with pgettext)."""
    with translation.override(language):
        if context:
            return str(translation.pgettext(context, message))
        return str(translation.gettext(message))


def field(text: str) -> re.Pattern:
    """A form field's label as Django writes it: the text, then its suffix (":" or "：")."""
    return re.compile(rf"^\s*{re.escape(text)}\s*[:：]?\s*$")


def log_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD, language: str = "ja") -> None:
    """Opens the site, is sent to the login form, and fills it in as a person would."""
    page.goto(base_url + "/")
    page.get_by_label(tr("User name", language), exact=True).fill(username)
    page.get_by_label(tr("Password", language), exact=True).fill(password)
    page.locator("main").get_by_role("button", name=tr("Log in", language)).click()


def log_in_reading(page, base_url: str, username: str, language: str) -> None:
    """Logs in in whichever language the site speaks to this browser (the session may keep an earlier
    choice), then switches to `language` if it is not that one."""
    page.goto(base_url + "/")
    shown = "en" if page.locator("html").get_attribute("lang") == "en" else "ja"
    log_in(page, base_url, username, language=shown)
    if language == "en" and shown != "en":
        page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def main_nav(page, language: str = "ja"):
    return page.get_by_role("navigation", name=tr("Main", language))
