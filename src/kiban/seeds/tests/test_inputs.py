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
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid_text"
        assert response.json()["detail"].startswith("title: The text contains")
    seed.refresh_from_db()
    assert seed.title == "肺がん新規治療薬"
