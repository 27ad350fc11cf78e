"""Password log-ins are locked per account and per address after repeated failures (django-axes), saying
when to retry, on the site's and the admin's log-in; password-reset e-mails are rate-limited."""

import pytest
from django.core.cache import cache
from django.test import Client

from kiban.core.models import User

LOCKED = (
    "Too many failed sign-ins: after 5 failures this account and this address are locked for 15 minutes. "
    "Try again in 15 minutes."
)


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user("alice", "alice@example.jp", "the-right-password-2026")


def _log_in(url: str, username: str, password: str, address: str = "192.0.2.1"):
    return Client(REMOTE_ADDR=address).post(url, {"username": username, "password": password})


def test_an_account_is_locked_after_five_failures_even_from_other_addresses(alice):
    # given five wrong passwords for alice, each from a different address
    statuses = [
        _log_in("/accounts/login/", "alice", "wrong", address=f"192.0.2.{n + 10}").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks

    # when the right password comes, from yet another address
    response = _log_in("/accounts/login/", "alice", "the-right-password-2026", address="198.51.100.7")

    # then she is not logged in: the page says the account is locked and when to retry
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in response.client.session


def test_an_address_is_locked_after_five_failures_on_any_accounts(alice):
    # given five wrong log-ins from one address on five different (made-up) accounts
    for n in range(5):
        _log_in("/accounts/login/", f"guess{n}", "wrong", address="203.0.113.9")

    # when alice's right password comes from that address, she is refused; from another she logs in
    assert (
        _log_in("/accounts/login/", "alice", "the-right-password-2026", address="203.0.113.9").status_code
        == 429
    )
    assert (
        _log_in("/accounts/login/", "alice", "the-right-password-2026", address="198.51.100.8").status_code
        == 302
    )


def test_four_failures_then_the_right_password_still_logs_in(alice):
    for _n in range(4):
        _log_in("/accounts/login/", "alice", "wrong")
    assert _log_in("/accounts/login/", "alice", "the-right-password-2026").status_code == 302


def test_the_admin_log_in_is_locked_too(db):
    # given a superuser whose password is guessed five times on /admin/login/
    User.objects.create_superuser("root", "root@example.jp", "the-root-password-2026")
    for _n in range(5):
        _log_in("/admin/login/", "root", "wrong")

    # when the right password comes
    response = _log_in("/admin/login/", "root", "the-root-password-2026", address="198.51.100.9")

    # then the admin is not entered either
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


def test_password_reset_sends_at_most_three_e_mails_an_hour_and_says_the_same_thing(alice, mailoutbox):
    cache.clear()
    client = Client(REMOTE_ADDR="192.0.2.50")

    # when five reset requests for alice's address come in a row, and then one for an unknown address
    answers = [client.post("/accounts/password_reset/", {"email": "alice@example.jp"}) for _n in range(5)]
    unknown = Client(REMOTE_ADDR="192.0.2.51").post(
        "/accounts/password_reset/", {"email": "nobody@example.jp"}
    )

    # then three e-mails were sent, and every answer is the same redirect to the same page
    assert len(mailoutbox) == 3
    assert {(a.status_code, a["Location"]) for a in [*answers, unknown]} == {
        (302, "/accounts/password_reset/done/")
    }


def test_password_reset_is_limited_per_address_across_e_mails(db, mailoutbox):
    cache.clear()
    for n in range(4):
        User.objects.create_user(f"u{n}", f"u{n}@example.jp", "pw-for-tests-only")
    client = Client(REMOTE_ADDR="192.0.2.60")
    for n in range(4):
        client.post("/accounts/password_reset/", {"email": f"u{n}@example.jp"})
    assert len(mailoutbox) == 3
