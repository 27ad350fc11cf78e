"""API tokens expire (90 days unless chosen, 1 to 365) and have a scope: a read-only token reads but changes
nothing; an expired one is refused with a 401 saying so."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from kiban.core.models import ApiToken, User
from kiban.core.services import api_token_create


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", "alice@example.jp", "pw-for-tests-only")


def _api(key: str, method: str, path: str, body: dict | None = None):
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    if method == "get":
        return client.get(path, **headers)
    return client.post(path, body or {}, content_type="application/json", **headers)


def test_a_new_token_expires_in_ninety_days_unless_chosen(alice):
    token, _key = api_token_create(user=alice, name="notebook")
    assert (token.expires_at - timezone.now()).days == 89  # 90 days less the instant since creation
    assert token.scope == "read_write"


def test_an_expired_token_is_refused_with_a_401_saying_so(alice):
    # given a token whose expiry has passed
    token, key = api_token_create(user=alice, name="notebook", days=1)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.make_aware(datetime.datetime(2026, 1, 31))
    )

    # when it is used
    response = _api(key, "get", "/api/me")

    # then the API refuses it and says why
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response.json()["detail"] == (
        "This API token expired on 2026-01-31; create a new one on your API tokens page."
    )


def test_a_read_only_token_reads_but_changes_nothing(alice):
    _token, key = api_token_create(user=alice, name="dashboard", scope="read")

    assert _api(key, "get", "/api/me").json()["username"] == "alice"
    refused = _api(key, "post", "/api/notifications/read", {"ids": []})
    assert refused.status_code == 403
    assert refused.json()["code"] == "token_read_only"
    assert refused.json()["detail"] == (
        "This API token may only read; use a read-and-write token to change anything."
    )
    # while a read-and-write token may
    _token, writer = api_token_create(user=alice, name="script", scope="read_write")
    assert _api(writer, "post", "/api/notifications/read", {"ids": []}).status_code == 200


def test_the_token_page_lets_the_user_choose_scope_and_expiry_within_bounds(alice):
    client = Client()
    client.force_login(alice)

    # a read-only token for 30 days is created and the page shows its scope and expiry
    page = client.post("/account/api-tokens/", {"name": "dashboard", "scope": "read", "days": "30"})
    token = ApiToken.objects.get(name="dashboard")
    assert token.scope == "read"
    assert (token.expires_at - timezone.now()).days == 29
    content = page.content.decode()
    assert "Read only" in content
    assert timezone.localtime(token.expires_at).strftime("%Y-%m-%d") in content

    # 0 and 366 days are refused as form errors, creating nothing
    for days in ("0", "366"):
        refused = client.post("/account/api-tokens/", {"name": f"bad {days}", "scope": "read", "days": days})
        assert refused.status_code == 200
        assert re.search(r"Ensure this value is (less|greater) than or equal to", refused.content.decode())
    assert not ApiToken.objects.filter(name__startswith="bad").exists()
