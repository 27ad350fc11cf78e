"""The JSON API of the core: authentication by session or token, CSRF, and one error format."""

import pytest
from django.test import Client

from kiban.core.models import Notification, Organisation, User
from kiban.core.services import api_token_create, api_token_revoke, notification_send

NOT_AUTHENTICATED = {
    "detail": "Sign in, or send a personal API token as 'Authorization: Bearer <token>'.",
    "code": "not_authenticated",
}


@pytest.fixture
def signed_in(alice):
    client = Client()
    client.force_login(alice)
    return client


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_me_without_authentication_is_401_with_the_error_format(client, db):
    response = client.get("/api/me")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == NOT_AUTHENTICATED


def test_me_with_a_personal_api_token(client, alice):
    _token, key = api_token_create(user=alice, name="notebook")

    response = client.get("/api/me", headers=bearer(key))

    assert response.status_code == 200
    assert response.json() == {
        "id": alice.pk,
        "username": "alice",
        "display_name": "山田 花子",
        "email": "alice@example.jp",
        "memberships": [],
    }


def test_me_lists_the_users_memberships(client, alice):
    kyoto = Organisation.objects.create(name="京都大学", kind="translational_hub")
    alice.memberships.create(organisation=kyoto, role="researcher")
    _token, key = api_token_create(user=alice, name="notebook")

    response = client.get("/api/me", headers=bearer(key))

    assert response.json()["memberships"] == [
        {"organisation_id": kyoto.pk, "organisation": "京都大学", "role": "researcher"}
    ]


def test_a_revoked_token_is_401(client, alice):
    token, key = api_token_create(user=alice, name="notebook")
    api_token_revoke(token=token)

    response = client.get("/api/me", headers=bearer(key))

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


def test_an_unknown_token_is_401(client, db):
    response = client.get("/api/me", headers=bearer("kbn_made-up"))

    assert response.status_code == 401
    assert response.json() == NOT_AUTHENTICATED


def test_a_token_of_a_deactivated_user_is_401(client, alice):
    _token, key = api_token_create(user=alice, name="notebook")
    alice.is_active = False
    alice.save()

    response = client.get("/api/me", headers=bearer(key))

    assert response.status_code == 401


def test_a_session_post_without_the_csrf_token_is_refused(alice):
    # given a browser session whose form lost its CSRF token
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    notification_send(recipients=[alice], subject="Hello")

    response = browser.post("/api/notifications/read", {}, content_type="application/json")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "The CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header, "
        "or use an API token instead of the browser session.",
        "code": "csrf_failed",
    }
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_a_session_post_with_the_csrf_token_is_accepted(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    notification_send(recipients=[alice], subject="one")
    notification_send(recipients=[alice], subject="two")
    browser.get("/")  # a page sets the csrftoken cookie
    csrf_token = browser.cookies["csrftoken"].value

    response = browser.post(
        "/api/notifications/read", {}, content_type="application/json", headers={"X-CSRFToken": csrf_token}
    )

    assert response.status_code == 200
    assert response.json() == {"marked_read": 2}
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_a_token_post_needs_no_csrf_token(alice):
    program = Client(enforce_csrf_checks=True)
    _token, key = api_token_create(user=alice, name="notebook")
    [first] = notification_send(recipients=[alice], subject="one")
    notification_send(recipients=[alice], subject="two")

    response = program.post(
        "/api/notifications/read", {"ids": [first.pk]}, content_type="application/json", headers=bearer(key)
    )

    assert response.status_code == 200
    assert response.json() == {"marked_read": 1}


def test_notifications_lists_only_the_users_own(signed_in, alice):
    bob = User.objects.create_user("bob", "bob@example.jp", "pw-for-tests-only")
    notification_send(recipients=[alice, bob], subject="for both")
    notification_send(recipients=[bob], subject="for bob")

    response = signed_in.get("/api/notifications")

    assert response.status_code == 200
    assert [n["subject"] for n in response.json()["items"]] == ["for both"]


def test_notifications_unread_filter(signed_in, alice):
    [read] = notification_send(recipients=[alice], subject="read")
    notification_send(recipients=[alice], subject="unread")
    Notification.objects.filter(pk=read.pk).update(read_at="2021-04-01T00:00:00Z")

    response = signed_in.get("/api/notifications?unread=true")

    assert [n["subject"] for n in response.json()["items"]] == ["unread"]


def test_organisations_filters_by_kind(signed_in):
    Organisation.objects.create(name="京都大学", kind="translational_hub")
    Organisation.objects.create(name="武田薬品工業", kind="company")

    response = signed_in.get("/api/organisations?kind=company")

    assert response.status_code == 200
    assert [o["name"] for o in response.json()["items"]] == ["武田薬品工業"]


def test_organisations_with_an_unknown_kind_is_422_with_the_allowed_kinds(signed_in):
    response = signed_in.get("/api/organisations?kind=bad")

    assert response.status_code == 422
    assert response.json() == {
        "detail": "kind: Input should be 'university', 'translational_hub', 'company', 'biobank', "
        "'facility_site', 'resource_centre', 'research_institute', 'funding_agency' or 'ministry'",
        "code": "invalid_input",
    }


def test_an_unknown_organisation_is_404(signed_in):
    response = signed_in.get("/api/organisations/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "No Organisation matches the given query.", "code": "not_found"}


def test_one_organisation(signed_in):
    hokkaido = Organisation.objects.create(name="北海道大学", kind="translational_hub")
    asahikawa = Organisation.objects.create(
        name="旭川医科大学",
        name_en="Asahikawa Medical University",
        kind="university",
        lead_organisation=hokkaido,
    )

    response = signed_in.get(f"/api/organisations/{asahikawa.pk}")

    assert response.json() == {
        "id": asahikawa.pk,
        "name": "旭川医科大学",
        "name_en": "Asahikawa Medical University",
        "short_name": "",
        "kind": "university",
        "lead_organisation_id": hokkaido.pk,
    }


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "code"),
    [
        ("get", "/api/me", None, 401, "not_authenticated"),
        ("get", "/api/organisations?kind=bad", None, 422, "invalid_input"),
        ("get", "/api/organisations/abc", None, 422, "invalid_input"),
        ("get", "/api/organisations/999999", None, 404, "not_found"),
        ("post", "/api/notifications/read", "not json", 400, "http_400"),
        ("post", "/api/notifications/read", {"ids": ["x"]}, 422, "invalid_input"),
    ],
)
def test_every_4xx_answer_has_exactly_a_detail_and_a_code(alice, method, url, body, status, code):
    client = Client()
    if code != "not_authenticated":
        client.force_login(alice)
    kwargs = {"content_type": "application/json", "data": body} if body is not None else {}

    response = getattr(client, method)(url, **kwargs)

    assert response.status_code == status
    assert set(response.json()) == {"detail", "code"}
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_unknown_api_path_answers_in_the_error_format(client):
    response = client.get("/api/no-such-endpoint")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "There is no API endpoint at /api/no-such-endpoint; see /api/docs.",
        "code": "not_found",
    }


def test_wrong_method_answers_in_the_error_format(client):
    response = client.delete("/api/me")
    assert response.status_code == 405
    body = response.json()
    assert body["code"] == "method_not_allowed"
    assert "DELETE is not allowed at /api/me" in body["detail"]
    assert "GET" in response["Allow"]
