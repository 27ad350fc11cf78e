"""The one input layer: digits, bounded numbers and clean text, alike in the API, forms, pages and paths."""

import json

import pytest
from django.db import IntegrityError
from django.test import Client, override_settings

from kiban.core import inputs
from kiban.core.choices import Role
from kiban.core.models import Notification
from kiban.core.testing import client_for, user_with_role

JSON = "application/json"


# --- the layer itself
@pytest.mark.parametrize("text", ["³", "①", "١٢", "1_000", " 1", "+1", "-1", "", "1e3", "0x10"])
def test_only_ascii_digits_are_a_whole_number(text):
    with pytest.raises(inputs.InputError):
        inputs.whole_number(text, name="n", minimum=0, maximum=10)


def test_a_whole_number_is_read_within_its_bounds():
    assert inputs.whole_number("7", name="n", minimum=0, maximum=10) == 7
    with pytest.raises(inputs.InputError, match="n runs from 0 to 10"):
        inputs.whole_number("11", name="n", minimum=0, maximum=10)
    # A number longer than any bound is refused before it is converted.
    with pytest.raises(inputs.InputError, match="n runs from 0 to 10"):
        inputs.whole_number("9" * 5000, name="n", minimum=0, maximum=10)


@pytest.mark.parametrize(("text", "problem"), [("a\x00b", "NUL"), ("\ud800x", "surrogate")])
def test_text_with_a_nul_or_a_lone_surrogate_is_refused(text, problem):
    with pytest.raises(inputs.InputError, match=problem):
        inputs.check_text(text)


def test_text_with_paired_surrogates_written_as_characters_is_kept():
    assert inputs.check_text("絵文字 😀 と改行\n") == "絵文字 😀 と改行\n"


# --- the API
def test_an_api_id_beyond_the_database_range_is_refused_not_a_500(db):
    user = user_with_role(Role.RESEARCHER)
    client = Client()
    client.force_login(user)

    # when notifications are marked read with an id past every integer column
    response = client.post(
        "/api/notifications/read", json.dumps({"ids": [99999999999999999999]}), content_type=JSON
    )

    # then the id is refused, naming its bound
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "ids.0" in response.json()["detail"]
    assert f"{inputs.MAX_ID}" in response.json()["detail"].replace(",", "")


def test_api_text_with_a_nul_is_refused_in_a_body_and_in_a_query(db):
    client = client_for(Role.RESEARCHER)

    response = client.post("/api/notifications/read", json.dumps({"ids": ["a\u0000b"]}), content_type=JSON)
    assert response.status_code == 422, response.content
    assert response.json() == {
        "detail": "ids.0: The text contains a NUL character (U+0000), which cannot be stored.",
        "code": "invalid_text",
    }

    response = client.get("/api/organisations?kind=a%00b")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_text"


def test_api_text_with_a_lone_surrogate_is_refused(db):
    client = client_for(Role.RESEARCHER)

    response = client.post("/api/notifications/read", '{"note": "\\ud800x"}', content_type=JSON)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_text"
    assert "surrogate" in response.json()["detail"]


def test_a_json_body_over_the_limit_is_413_with_a_message(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = client_for(Role.RESEARCHER)

    response = client.post("/api/notifications/read", json.dumps({"ids": [1] * 1000}), content_type=JSON)

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than the 1,000 bytes accepted.",
        "code": "request_too_large",
    }


def test_a_form_over_the_limit_is_a_413_page(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = client_for(Role.RESEARCHER)

    response = client.post("/inbox/read/", {"id": "1", "padding": "x" * 2000})

    assert response.status_code == 413
    assert "larger than the 1,000 bytes accepted" in response.content.decode()


def test_a_unique_constraint_violation_is_a_409_with_a_message(db, monkeypatch):
    from kiban.core import api as core_api

    def clash(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: core_apitoken.key")

    monkeypatch.setattr(core_api.services, "notification_mark_read", clash)
    client = client_for(Role.RESEARCHER)

    response = client.post("/api/notifications/read", json.dumps({"ids": [1]}), content_type=JSON)

    assert response.status_code == 409
    assert response.json() == {
        "detail": "The record conflicts with one saved meanwhile (it must be unique); reload and try again.",
        "code": "conflict",
    }


@override_settings(DEBUG=True, DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_an_api_server_error_never_shows_a_traceback_even_in_debug_mode(db, monkeypatch, caplog):
    from kiban.core import api as core_api

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(core_api.services, "notification_mark_read", broken)
    client = client_for(Role.RESEARCHER)
    client.raise_request_exception = False

    response = client.post("/api/notifications/read", json.dumps({"ids": [1]}), content_type=JSON)

    assert response.status_code == 500
    assert response.json() == {
        "detail": "The server failed to answer; the error is logged for the administrators.",
        "code": "server_error",
    }
    assert "secret internals" not in response.content.decode()
    assert "secret internals" in caplog.text


# --- pages
def test_the_inbox_refuses_an_id_that_is_not_ascii_digits(db):
    user = user_with_role(Role.RESEARCHER)
    kept = Notification.objects.create(recipient=user, subject="x")
    client = Client()
    client.force_login(user)

    refusals = (
        ("²", "id must be a whole number written with the digits 0-9."),
        ("9" * 20, "id runs from 1 to"),
    )
    for bad, message in refusals:
        response = client.post("/inbox/read/", {"id": bad})
        assert response.status_code == 400, bad
        assert message in response.content.decode()
    kept.refresh_from_db()
    assert kept.read_at is None


@pytest.mark.parametrize("page", ["²", "99999999999999999999"])
def test_the_audit_trail_refuses_a_page_it_cannot_read(db, page):
    client = client_for(Role.AUDITOR)

    response = client.get(f"/audit/?page={page}")

    assert response.status_code == 400


def test_a_path_id_beyond_the_database_range_is_not_found(db):
    client = client_for(Role.AUDITOR)

    response = client.get("/audit/core.user/99999999999999999999/")

    assert response.status_code == 404


def test_a_form_refuses_text_with_a_nul(db):
    from kiban.core.forms import ApiTokenForm

    form = ApiTokenForm({"name": "a\x00b"})

    assert not form.is_valid()
    assert form.errors["name"] == ["Null characters are not allowed."]


def test_a_page_whose_insert_meets_a_unique_constraint_answers_409(db, monkeypatch):
    from kiban.core import views

    def clash(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: core_apitoken.key")

    monkeypatch.setattr(views.services, "api_token_create", clash)
    client = client_for(Role.RESEARCHER)

    response = client.post("/account/api-tokens/", {"name": "notebook"})

    assert response.status_code == 409
    assert "The record conflicts with one saved meanwhile" in response.content.decode()


def test_a_page_refuses_a_query_with_a_nul(db):
    client = client_for(Role.AUDITOR)

    response = client.get("/audit/?reason=a%00b")

    assert response.status_code == 400
    assert "The text contains a NUL character (U+0000)" in response.content.decode()
