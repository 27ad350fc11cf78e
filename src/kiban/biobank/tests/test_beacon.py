"""Beacon v2 individuals, biosamples and cohorts: filters with descendants, boolean for anonymous callers and
counts for signed-in ones through disclosure control, declared in configuration, map and filtering terms, and
every answer valid against the official schemas."""

import pytest
from django.test import override_settings

from kiban.core.choices import Role
from kiban.core.testing import client_for
from kiban.genome.tests.test_beacon import BOOLEAN, COUNT, ERROR, RESPONSES, assert_valid

DONE_WHEN = "filters=ICD10:J45,NCIT:C16576,age>=40,age<=60,UBERON:0001977"


@override_settings(KIBAN_DISCLOSURE_NOISE_SCALE=0)
def test_individuals_count_for_a_signed_in_user(world):
    answer = client_for(Role.RESEARCHER).get(
        f"/api/beacon/individuals?{DONE_WHEN}&requestedGranularity=count"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert_valid(body, COUNT)
    assert body["responseSummary"] == {"exists": True, "numTotalResults": 56}
    assert body["meta"]["returnedGranularity"] == "count"
    assert body["meta"]["receivedRequestSummary"]["filters"] == DONE_WHEN.removeprefix("filters=").split(",")
    samples = client_for(Role.RESEARCHER).get(
        f"/api/beacon/biosamples?{DONE_WHEN}&requestedGranularity=count"
    )
    assert_valid(samples.json(), COUNT)
    assert samples.json()["responseSummary"]["numTotalResults"] == 56  # one serum sample each


@override_settings(KIBAN_DISCLOSURE_NOISE_SCALE=0)
def test_post_filters_and_a_small_count(world):
    body = {
        "meta": {"apiVersion": "v2.0"},
        "query": {
            "filters": [{"id": "ICD10:E11"}, {"id": "age", "operator": ">", "value": "P49Y"}],
            "requestedGranularity": "count",
        },
    }
    answer = client_for(Role.COMPANY).post("/api/beacon/individuals", body, content_type="application/json")
    assert_valid(answer.json(), COUNT)
    assert answer.json()["responseSummary"]["numTotalResults"] == 15
    body["query"]["filters"] = [{"id": "ICD10:J45.0"}, {"id": "age", "operator": "=", "value": "45"}]
    small = (
        client_for(Role.COMPANY).post("/api/beacon/individuals", body, content_type="application/json").json()
    )
    assert_valid(small, COUNT)
    assert small["responseSummary"] == {
        "exists": False,
        "numTotalResults": 0,
        "countAdjustedTo": [10],
        "countPrecision": "imprecise",
    }


def test_anonymous_callers_get_yes_or_no_and_never_for_fewer_than_ten(world):
    client = client_for("anonymous")
    answer = client.get(f"/api/beacon/individuals?{DONE_WHEN}&requestedGranularity=count").json()
    assert_valid(answer, BOOLEAN)
    assert answer["meta"]["returnedGranularity"] == "boolean" and answer["responseSummary"] == {
        "exists": True
    }
    narrow = client.get("/api/beacon/individuals?filters=ICD10:J45.0,age=45").json()
    assert narrow["responseSummary"] == {"exists": False}  # 3 people: not told


@pytest.mark.parametrize(
    "query",
    [
        "filters=MONDO:0004979",
        "filters=age>=abc",
        "filters=age!40",
        "filters=ICD10:Q",
        "requestedGranularity=all",
    ],
)
def test_bad_filters_are_beacon_errors(world, query):
    answer = client_for(Role.RESEARCHER).get(f"/api/beacon/individuals?{query}")
    assert answer.status_code == 400
    assert_valid(answer.json(), ERROR)


@override_settings(KIBAN_DISCLOSURE_ANONYMOUS_QUERY_BUDGET=1)
def test_the_budget_applies_to_the_beacon(world):
    client = client_for("anonymous")
    assert client.get("/api/beacon/individuals?filters=NCIT:C16576").status_code == 200
    answer = client.get("/api/beacon/biosamples?filters=NCIT:C16576")
    assert answer.status_code == 429 and int(answer["Retry-After"]) > 0
    assert_valid(answer.json(), ERROR)


def test_cohorts_and_the_declarations(world):
    client = client_for("anonymous")
    cohorts = client.get("/api/beacon/cohorts").json()
    assert_valid(cohorts, f"{RESPONSES}/beaconCollectionsResponse.json")
    for record in cohorts["response"]["collections"]:
        assert_valid(record, "models-deref/cohorts/defaultSchema.json")
    assert [c["id"] for c in cohorts["response"]["collections"]] == ["BBJ/disease", "TMM/community"]
    configuration = client.get("/api/beacon/configuration").json()
    assert_valid(configuration, f"{RESPONSES}/beaconConfigurationResponse.json")
    assert {"individual", "biosample", "cohort"} <= set(configuration["response"]["entryTypes"])
    beacon_map = client.get("/api/beacon/map").json()
    assert_valid(beacon_map, f"{RESPONSES}/beaconMapResponse.json")
    assert beacon_map["response"]["endpointSets"]["individual"]["rootUrl"].endswith("/api/beacon/individuals")
    terms = client.get("/api/beacon/filtering_terms").json()
    assert_valid(terms, f"{RESPONSES}/beaconFilteringTermsResponse.json")
    ids = {term["id"] for term in terms["response"]["filteringTerms"]}
    assert {"ICD10:J45", "NCIT:C16576", "UBERON:0001977", "age", "alleleFrequency"} <= ids
