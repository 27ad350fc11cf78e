"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against pytest-django's live server.

One Chromium runs for all the browser tests of the session; every test gets a fresh browser context (no
shared cookies) and a freshly loaded demo data set. Without /usr/bin/chromium the tests are skipped, unless
KIBAN_REQUIRE_BROWSER=1 (CI) makes a missing browser a failure.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .ui import DESKTOP, PHONE, expect

CHROMIUM = Path(os.environ.get("KIBAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(os.environ.get("KIBAN_SCREENSHOT_DIR", "/tmp/kiban-shots"))
TIMEOUT_MS = 10_000
if expect is not None:
    expect.set_options(timeout=TIMEOUT_MS)


def _unavailable(reason: str) -> None:
    """Skips the test, or fails it where CI demands that browser tests really run."""
    if os.environ.get("KIBAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"KIBAN_REQUIRE_BROWSER=1 but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(reason)


# Scoped to this package, which pytest runs in one stretch, so the browser starts once per session and stops
# before the rest of the suite runs: while Playwright runs, its asyncio loop counts as running in this thread.
@pytest.fixture(scope="package")
def browser() -> Iterator:
    """One headless Chromium for the browser tests."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed (pip install -e '.[test]')")

    # Playwright's sync API keeps an asyncio loop running in this thread while it is started, and Django
    # then refuses ORM calls here (SynchronousOnlyOperation) although nothing runs concurrently. The flag
    # is set only while Playwright runs: left set, it would leak into subprocesses that later tests start
    # (`kiban check --deploy` fails on it with async.E001).
    previous_flag = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        try:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
        except Exception as error:
            pytest.fail(f"{CHROMIUM} does not start under Playwright: {error}", pytrace=False)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous_flag is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous_flag


@pytest.fixture
def site(browser, transactional_db, live_server, settings) -> str:
    """The live server's base URL, with the demo data loaded (as `kiban demo` loads it)."""
    from kiban.core.registry import load_demo

    # The demo users' passwords are hashed on every load; a fast hasher keeps each test to about a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo("programmes", "facility_operations")  # as the demo_data fixture: the loaders the apps register
    return live_server.url


def _new_page(browser, viewport: dict, page_errors: list[str]):
    # A Japanese browser, as the platform's users have; LocaleMiddleware reads its Accept-Language.
    context = browser.new_context(viewport=viewport, locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("pageerror", lambda error: page_errors.append(str(error)))
    # Anything the Content-Security-Policy refuses (an inline script, style or handler) fails the test.
    page.on(
        "console",
        lambda message: (
            page_errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            page_errors.append(f"{response.status} {response.url}")
            if response.status >= 500 or (response.status == 404 and "/static/" in response.url)
            else None
        ),
    )
    return context, page


@pytest.fixture
def page(browser, site):
    """A fresh desktop-sized browser context and page; fails the test on JavaScript errors or 5xx pages."""
    page_errors: list[str] = []
    context, page = _new_page(browser, DESKTOP, page_errors)
    yield page
    context.close()
    assert not page_errors, f"errors in the browser: {page_errors}"


@pytest.fixture
def phone_page(browser, site):
    """A fresh phone-sized (390×844) browser context and page."""
    page_errors: list[str] = []
    context, page = _new_page(browser, PHONE, page_errors)
    yield page
    context.close()
    assert not page_errors, f"errors in the browser: {page_errors}"


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
