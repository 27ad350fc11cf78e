"""Bad numbers and text sent to the seeds API are refused with a message, never a 500."""

import json

from kiban.core.choices import Role
from kiban.core.testing import client_for

JSON = "application/json"


def test_an_offset_past_the_bound_is_refused(matrix_users):
    response = client_for(Role.HUB_STAFF).get("/api/seeds?offset=9223372036854775808")

    assert response.status_code == 422
    assert response.json() == {"detail": "offset runs from 0 to 1,000,000,000.", "code": "invalid_offset"}


def test_a_seed_id_past_the_database_range_is_refused(matrix_users):
    response = client_for(Role.HUB_STAFF).get("/api/seeds/99999999999999999999")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_a_title_with_a_lone_surrogate_or_a_nul_is_refused_and_not_saved(seed, hub_staff):
    client = client_for(Role.HUB_STAFF)
    for body in ('{"title": "\\ud800x"}', json.dumps({"title": "a\u0000b"})):
        response = client.patch(f"/api/seeds/{seed.pk}", body, content_type=JSON)
        assert response.status_code == 422, body
        assert response.json()["code"] == "invalid_text"
        assert response.json()["detail"].startswith("title: The text contains")
    seed.refresh_from_db()
    assert seed.title == "肺がん新規治療薬"


def test_an_nda_recorded_twice_at_once_gives_the_second_a_409(seed, takeda, monkeypatch):
    # given an NDA with the company, and a second request that cannot see it (as two requests arriving at
    # once on SQLite, each reading its own snapshot): the insert meets the unique constraint
    from kiban.agreements.models import AgreementQuerySet

    staff = client_for(Role.HUB_STAFF)
    body = json.dumps({"company_id": takeda.pk, "signed_on": "2023-05-01"})
    assert staff.post(f"/api/seeds/{seed.pk}/ndas", body, content_type=JSON).status_code == 201
    monkeypatch.setattr(AgreementQuerySet, "live", lambda self: self.none())

    # when the second is recorded
    response = staff.post(f"/api/seeds/{seed.pk}/ndas", body, content_type=JSON)

    # then it is a conflict with a message, not a 500
    assert response.status_code == 409
    assert response.json() == {
        "detail": "The record conflicts with one saved meanwhile (it must be unique); reload and try again.",
        "code": "conflict",
    }
