"""The Beacon reads its numbers through the core's input layer: other scripts' digits are a 400, not a 500."""

import json

import pytest


@pytest.mark.parametrize(
    "url",
    [
        "/api/beacon/datasets?skip=%C2%B3",
        "/api/beacon/datasets?limit=%E2%91%A0",
        "/api/beacon/g_variants?referenceName=1&start=%C2%B3",
        "/api/beacon/g_variants?referenceName=1&start=1&limit=%E2%91%A0",
    ],
)
def test_unicode_digits_in_a_beacon_query_are_refused(client, db, url):
    response = client.get(url)

    assert response.status_code == 400
    assert "must be a whole number of 0 or more" in response.json()["error"]["errorMessage"]


def test_unicode_digits_in_a_beacon_post_body_are_refused(client, db):
    body = {"query": {"requestParameters": {"referenceName": "1", "start": ["³"]}}}

    response = client.post("/api/beacon/g_variants", json.dumps(body), content_type="application/json")

    assert response.status_code == 400
    message = response.json()["error"]["errorMessage"]
    assert message == 'start must be a whole number of 0 or more, not "\\u00b3".'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '{"query": {"requestParameters": {"referenceName": "1\\u0000", "start": [1]}}}',
            "query.requestParameters.referenceName: The text contains a NUL character (U+0000)",
        ),
        (
            '{"meta": {"apiVersion": "\\ud800"}, "query": {}}',
            "meta.apiVersion: The text contains a lone surrogate",
        ),
    ],
)
def test_text_a_beacon_cannot_compare_is_refused_in_its_own_format(client, db, body, message):
    response = client.post("/api/beacon/g_variants", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["errorMessage"].startswith(message)


def test_a_nul_in_a_beacon_query_string_is_refused_in_its_own_format(client, db):
    response = client.get("/api/beacon/g_variants?referenceName=1%00&start=1")

    assert response.status_code == 400
    assert "NUL" in response.json()["error"]["errorMessage"]
