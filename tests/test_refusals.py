"""A refused user reads one sentence on the 403 page and in the API's 403 answer, in English and Japanese."""

import html

import pytest
import rules.permissions
from django.utils import translation

from kiban.core.choices import Role
from kiban.core.permissions import DEFAULT_REFUSAL, refusal, registered_refusals
from kiban.core.testing import client_for

# (role refused, permission, page, API method, API path, API body)
REFUSALS = [
    (Role.AUDITOR, "seeds.view_seed_list", "/seeds/", "get", "/api/seeds", None),
    (Role.RESEARCHER, "seeds.view_dashboard", "/seeds/dashboard/", "get", "/api/seeds/dashboard", None),
    (
        Role.RESEARCHER,
        "certification.add_certificationapplication",
        "/certification/applications/new/",
        "post",
        "/api/certification/applications",
        {"round_id": 1, "organisation_id": 1},
    ),
]


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize(("role", "perm", "page", "method", "endpoint", "body"), REFUSALS)
def test_page_and_api_refuse_with_the_same_sentence(db, language, role, perm, page, method, endpoint, body):
    # Given a user without the permission, reading in English or Japanese
    client = client_for(role)
    with translation.override(language):
        expected = str(refusal(perm))

    # When they open the page and call the endpoint
    page_answer = client.get(page, HTTP_ACCEPT_LANGUAGE=language)
    kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
    api_answer = getattr(client, method)(endpoint, HTTP_ACCEPT_LANGUAGE=language, **kwargs)

    # Then both refuse with the permission's own sentence, in the reader's language
    assert expected != str(DEFAULT_REFUSAL)
    assert page_answer.status_code == 403
    assert expected in html.unescape(page_answer.content.decode())
    assert api_answer.status_code == 403
    assert api_answer.json() == {"detail": expected, "code": "forbidden"}


def test_the_japanese_refusal_is_a_translation():
    with translation.override("en"):
        english = str(refusal("seeds.view_seed_list"))
    with translation.override("ja"):
        japanese = str(refusal("seeds.view_seed_list"))
    assert (english, japanese) == ("You may not see seeds.", "シーズを閲覧する権限がありません。")


def test_every_permission_has_its_own_refusal():
    # Beacon v2 answers refusals in the GA4GH format, not with the platform's pages or error answer.
    beacon = ("genome.beacon_", "biobank.beacon_")
    permissions = {name for name in rules.permissions.permissions if not name.startswith(beacon)}
    assert "seeds.view_seed_list" in permissions
    missing = sorted(permissions - set(registered_refusals()))
    assert not missing, "Register a refusal (core.permissions.register_refusals) for: " + ", ".join(missing)
