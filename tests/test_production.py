"""The production settings as an operator starts them: security headers on every page, HTTPS only behind
the proxy, and the real 404 and 500 pages in both languages with no traceback. Run in a subprocess (the
settings are read once per process), after collectstatic as the README's production steps do."""

import json
import os
import subprocess
import sys

import pytest

# Runs in the child process: collect the static files, then answer requests through Django's test client as
# the TLS-terminating proxy forwards them (X-Forwarded-Proto: https).
SCRIPT = r"""
import json, django
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)

import kiban.core.views as views

from django.core.exceptions import PermissionDenied

def failing_home(request):  # a view failing on a bug; the URL map is loaded after this, so "/" is it
    if "refuse" in request.GET:
        raise PermissionDenied
    raise RuntimeError("secret detail of the failure")

views.home = failing_home
from django.test import Client

def answer(path, language="en", secure=True, **headers):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    if secure:
        headers["HTTP_X_FORWARDED_PROTO"] = "https"
    response = client.get(path, **headers)
    body = b"" if response.streaming else response.content
    return {"status": response.status_code, "headers": dict(response.headers), "body": body.decode()}

print(json.dumps({
    "login": answer("/accounts/login/"),
    "http": answer("/accounts/login/", secure=False),
    "missing_en": answer("/no/such/page/"),
    "missing_ja": answer("/no/such/page/", language="ja"),
    "refused_ja": answer("/?refuse", language="ja"),
    "failing_en": answer("/"),
    "failing_ja": answer("/", language="ja"),
    # A session cookie on a database without tables: the failure reaches the page's own context too.
    "database_down": answer("/", HTTP_COOKIE="sessionid=abc"),
    "favicon": answer("/favicon.ico"),
    "docs": answer("/api/docs"),
}))
"""

SECRET = "q7Hk2-vL9xPz0RmT4wYc8NbE1sJfA6uGdK3iOe5-Wm4Zr8Tn2Qx6Ys0Vb"


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIBAN_")}
    env.update(
        {
            "KIBAN_DATA_DIR": str(tmp_path_factory.mktemp("production")),
            "KIBAN_ENV": "production",
            "KIBAN_SECRET_KEY": SECRET,
            "KIBAN_ALLOWED_HOSTS": "testserver",
            "DJANGO_SETTINGS_MODULE": "kiban.settings",
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_pages_carry_the_security_headers(answers):
    login = answers["login"]
    assert login["status"] == 200
    headers = login["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert "script-src" not in policy and "style-src" not in policy  # no inline script or style anywhere
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_plain_http_is_sent_to_https(answers):
    assert answers["http"]["status"] == 301
    assert answers["http"]["headers"]["Location"] == "https://testserver/accounts/login/"


@pytest.mark.parametrize(
    ("key", "title", "text"),
    [
        ("missing_en", "Not found", "There is nothing at this address."),
        ("missing_ja", "ページが見つかりません", "このアドレスには何もありません。"),
    ],
)
def test_a_missing_page_is_the_real_404_page(answers, key, title, text):
    page = answers[key]
    assert page["status"] == 404
    assert f"<h1>{title}</h1>" in page["body"] and text in page["body"]
    assert 'class="site-header"' in page["body"]  # the site's layout
    assert "URLconf" not in page["body"] and "urlpatterns" not in page["body"]
    assert page["headers"]["Content-Security-Policy"].startswith("default-src 'self'")


def test_a_refusal_is_the_real_403_page(answers):
    page = answers["refused_ja"]
    assert page["status"] == 403
    assert "<h1>このページを開く権限がありません</h1>" in page["body"]
    assert 'class="site-header"' in page["body"]


@pytest.mark.parametrize(
    ("key", "title"),
    [("failing_en", "Something went wrong"), ("failing_ja", "エラーが発生しました"), ("database_down", None)],
)
def test_a_failure_is_the_real_500_page_without_a_traceback(answers, key, title):
    page = answers[key]
    assert page["status"] == 500
    if title:
        assert f"<h1>{title}</h1>" in page["body"]
    assert 'class="site-header"' in page["body"]
    for detail in ("Traceback", "secret detail of the failure", "RuntimeError", "OperationalError"):
        assert detail not in page["body"]


def test_the_favicon_answers_at_the_root(answers):
    favicon = answers["favicon"]
    assert favicon["status"] == 200
    assert favicon["headers"]["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")


def test_the_api_docs_load_everything_from_the_site_itself(answers):
    docs = answers["docs"]
    assert docs["status"] == 200
    assert "/static/ninja/swagger-ui-bundle." in docs["body"] and "cdn" not in docs["body"].lower()
    assert "<script>" not in docs["body"]  # only files (and the settings as JSON data), as the CSP allows
