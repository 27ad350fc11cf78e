"""The API and pages: who may use them, answers for bad input, the 429 with Retry-After, saved searches."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from kiban.biobank.models import SavedSearch
from kiban.core.choices import Role
from kiban.core.testing import Access, assert_permission_matrix, client_for, page_text, table_rows

SEARCHERS = (Role.RESEARCHER, Role.BIOBANK_CURATOR, Role.HUB_STAFF, Role.COMPANY, Role.AGENCY_OFFICER)
TREE = {
    "and": [{"disease": "J45"}, {"sex": "female"}, {"age": {"min": 40, "max": 60}}, {"material": "serum"}]
}


def test_permission_matrix(world):
    body = json.dumps({"criteria": {"sex": "female"}})
    assert_permission_matrix(
        [
            Access("get", reverse("biobank:search"), SEARCHERS),
            Access("get", reverse("biobank:search") + "?disease=J45", SEARCHERS),
            Access("get", reverse("biobank:saved"), SEARCHERS),
            Access("get", "/api/biobank/biobanks", SEARCHERS, api=True),
            Access(
                "post", "/api/biobank/search", SEARCHERS, data=body, content_type="application/json", api=True
            ),
            Access("get", "/api/biobank/saved-searches", SEARCHERS, api=True),
        ]
    )


def test_only_the_owner_runs_or_deletes_a_saved_search(world):
    owner = client_for(Role.RESEARCHER)
    answer = owner.post(
        "/api/biobank/saved-searches",
        {"name": "喘息 女性", "criteria": TREE},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    saved = SavedSearch.objects.get()
    assert saved.criteria == TREE
    assert (
        owner.post(
            "/api/biobank/saved-searches",
            {"name": "喘息 女性", "criteria": TREE},
            content_type="application/json",
        ).status_code
        == 409
    )
    other = client_for(Role.COMPANY)
    assert other.post(f"/api/biobank/saved-searches/{saved.pk}/run").status_code == 403
    assert other.get(reverse("biobank:saved-run", args=[saved.pk])).status_code == 403
    assert other.post(reverse("biobank:saved-delete", args=[saved.pk])).status_code == 403
    run = owner.post(f"/api/biobank/saved-searches/{saved.pk}/run")
    assert run.status_code == 200 and run.json()["criteria"] == TREE
    page = owner.get(reverse("biobank:saved-run", args=[saved.pk]))
    assert page.status_code == 200 and "喘息 女性" in page_text(page)
    assert owner.delete(f"/api/biobank/saved-searches/{saved.pk}").status_code == 204
    assert not SavedSearch.objects.exists()


@override_settings(KIBAN_DISCLOSURE_NOISE_SCALE=0)
def test_the_api_answers_counts_per_biobank(world):
    answer = client_for(Role.RESEARCHER).post(
        "/api/biobank/search", {"criteria": TREE}, content_type="application/json"
    )
    assert answer.status_code == 200
    body = answer.json()
    rows = {
        b["code"]: (b["count"]["shown"], [c["count"]["shown"] for c in b["collections"]])
        for b in body["biobanks"]
    }
    assert rows == {"BBJ": ("25", ["25"]), "TMM": ("31", ["31"])}
    dna = next(m for m in body["materials"] if m["material_type"] == "dna")
    assert dna["count"] == {"shown": "<10", "value": None, "low": 0, "high": 9, "precision": "imprecise"}


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ({"disease": "Q"}, "is not an ICD-10 code"),
        ({"age": {"min": "x"}}, "whole number"),
        ({}, "Each criterion"),
    ],
)
def test_bad_criteria_are_a_400(world, criteria, message):
    answer = client_for(Role.RESEARCHER).post(
        "/api/biobank/search", {"criteria": criteria}, content_type="application/json"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "invalid_criteria"
    assert message in answer.json()["detail"]


@override_settings(KIBAN_DISCLOSURE_QUERY_BUDGET=1)
def test_a_spent_budget_is_a_429_with_retry_after(world):
    client = client_for(Role.RESEARCHER)
    assert (
        client.post(
            "/api/biobank/search", {"criteria": {"sex": "male"}}, content_type="application/json"
        ).status_code
        == 200
    )
    answer = client.post(
        "/api/biobank/search", {"criteria": {"sex": "female"}}, content_type="application/json"
    )
    assert answer.status_code == 429 and int(answer["Retry-After"]) > 0
    page = client.get(reverse("biobank:search") + "?sex=female")
    assert page.status_code == 429 and int(page["Retry-After"]) > 0 and "Ask again in" in page_text(page)


@override_settings(KIBAN_DISCLOSURE_NOISE_SCALE=0)
@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_search_page_shows_counts_per_biobank_in_both_languages(world, language):
    client = client_for(Role.RESEARCHER)
    client.cookies["django_language"] = language
    query = "?disease=J45&sex=female&age_min=40&age_max=60&material=serum"
    page = client.get(reverse("biobank:search") + query, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    rows = table_rows(page, "counts")[1:]
    assert [row[2] for row in rows] == ["25", "25", "31", "31"]
    text = page_text(page)
    assert (
        "Matching participants per collection" if language == "en" else "コレクション別の該当参加者数"
    ) in text
    assert 'id="biobank-search-chart"' in page.content.decode()


def test_the_search_page_explains_bad_input(world):
    client = client_for(Role.RESEARCHER)
    page = client.get(reverse("biobank:search") + "?disease=Q12345")
    assert page.status_code == 400 and "is not an ICD-10 code" in page_text(page)
    page = client.get(reverse("biobank:search") + "?age_min=x")
    assert page.status_code == 400
    page = client.get(reverse("biobank:search") + "?tree=%7Bnope")
    assert page.status_code == 400 and "This is not JSON" in page_text(page)
    page = client.get(reverse("biobank:search") + "?variant=1-1-A-G")
    assert page.status_code == 400 and "Choose the dataset" in page_text(page)


def test_a_search_is_saved_from_the_page(world):
    client = client_for(Role.RESEARCHER)
    answer = client.post(
        reverse("biobank:save"), {"name": "J45", "criteria_json": json.dumps({"disease": "j45"})}
    )
    assert answer.status_code == 302
    assert SavedSearch.objects.get().criteria == {"disease": "J45"}
    listing = client.get(reverse("biobank:saved"))
    assert table_rows(listing, "saved-searches")[1][0] == "J45"
