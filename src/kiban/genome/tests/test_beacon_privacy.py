"""Beacon privacy (issue 10): every query spends a budget, small counts are masked in every stratum for the
callers not entitled to them, each dataset's access level caps what a caller gets, securityAttributes."""

import os

import pytest
from django.test import Client

from kiban.core.choices import Role
from kiban.core.testing import ANONYMOUS, SIGNED_IN, client_for, user_with_role
from kiban.genome.choices import AccessLevel
from kiban.genome.models import DatasetAccess
from kiban.genome.services import dataset_access_set

from .test_beacon import (  # noqa: F401 (_panel_root and panel are the fixtures used below)
    PANEL,
    PANEL_37,
    SCHEMAS,
    _panel_root,
    assert_beacon_answer,
    assert_beacon_error,
    assert_valid,
    g_variants,
    panel,
)

# Variants of the panel with one carrier each: S1 (XX, cohort A) het at 1-200-A-AT, S3 (XY, A) hom at
# 1-250-GTC-G, S6 (XY, B) het at 1-350-AC-GT.
SINGLE_CARRIER = {"1-200-A-AT": 199, "1-250-GTC-G": 249, "1-350-AC-GT": 349}
NOT_ENTITLED = [role for role in SIGNED_IN if role != Role.BIOBANK_CURATOR]

pytestmark = pytest.mark.usefixtures("panel")


def _record(client: Client, start: int) -> dict:
    body = assert_beacon_answer(
        g_variants(client, "record", assemblyId="GRCh38", referenceName="1", start=start), "record"
    )
    (result_set,) = body["response"]["resultSets"]
    (record,) = result_set["results"]
    return record


def _populations(record: dict) -> dict[str, dict]:
    sources = record.get("frequencyInPopulations", [])
    return {f["population"]: f for source in sources for f in source["frequencies"]}


# ---------------------------------------------------------------------------------------------------------
# a budget for every query


def test_anonymous_yes_or_no_questions_spend_a_budget_per_address_and_then_get_429(client, settings):
    settings.KIBAN_DISCLOSURE_ANONYMOUS_QUERY_BUDGET = 3

    for start in (99, 149, 199):
        assert_beacon_answer(g_variants(client, referenceName="1", start=start), "boolean")
    # The same question again is free.
    assert_beacon_answer(g_variants(client, referenceName="1", start=99), "boolean")

    refused = g_variants(client, referenceName="1", start=249)
    body = assert_beacon_error(refused, 429, "You have asked 3 different counting questions within 1 hour")
    assert 3500 < int(refused["Retry-After"]) <= 3600
    assert body["meta"]["returnedGranularity"] == "boolean"
    # By POST too, and another address has a budget of its own.
    posted = client.post(
        "/api/beacon/g_variants",
        {"query": {"requestParameters": {"referenceName": "1", "start": [299]}}},
        content_type="application/json",
    )
    assert_beacon_error(posted, 429, "Ask again in")
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert_beacon_answer(g_variants(other, referenceName="1", start=249), "boolean")


def test_by_default_an_anonymous_address_gets_30_questions_an_hour_and_a_user_100(client, settings):
    assert (settings.KIBAN_DISCLOSURE_ANONYMOUS_QUERY_BUDGET, settings.KIBAN_DISCLOSURE_QUERY_BUDGET) == (
        30,
        100,
    )
    assert settings.KIBAN_DISCLOSURE_WINDOW_SECONDS == 3600

    for start in range(30):
        assert g_variants(client, referenceName="1", start=start).status_code == 200
    assert g_variants(client, referenceName="1", start=30).status_code == 429
    assert g_variants(client_for(Role.RESEARCHER), referenceName="1", start=30).status_code == 200


# ---------------------------------------------------------------------------------------------------------
# small counts masked in every stratum


@pytest.mark.parametrize("role", NOT_ENTITLED)
def test_no_signed_in_user_but_a_curator_gets_counts_of_a_single_carrier_variant(role):
    client = client_for(role)

    for variant_id, start in SINGLE_CARRIER.items():
        record = _record(client, start)
        assert record["variantInternalId"] == variant_id
        populations = _populations(record)
        # No count of the carrier, overall or in any sex or cohort: nothing left to profile them by.
        assert not [name for name in populations if name != "all"], populations
        assert all("alleleCount" not in f and "genotypeHeterozygous" not in f for f in populations.values())


def test_a_curator_gets_the_single_carriers_exact_counts():
    curator = client_for(Role.BIOBANK_CURATOR)
    populations = _populations(_record(curator, 199))

    assert populations["sex:XX"]["alleleCount"] == 1
    assert populations["cohort:A"]["genotypeHeterozygous"] == 1


def test_masked_counts_take_their_frequency_with_them_and_mask_the_whole_stratum(settings):
    # With a minimum cell of 2, 1-100-A-G (AC 4 of AN 12: XX 3/4, XY 1/4, cohort A 3/6, B 1/6) shows its
    # overall frequency but neither stratum, since a masked XY (or B) would come back as 4 minus the other.
    settings.KIBAN_DISCLOSURE_MIN_CELL = 2
    populations = _populations(_record(client_for(Role.COMPANY), 99))

    assert list(populations) == ["all"]
    assert (populations["all"]["alleleCount"], populations["all"]["alleleNumber"]) == (4, 12)
    assert populations["all"]["alleleFrequency"] == pytest.approx(4 / 12)
    # hom 1 is masked, and with it het and hemi (2 hom + het + hemi is the allele count).
    assert "genotypeHomozygous" not in populations["all"]
    assert "genotypeHeterozygous" not in populations["all"]


# ---------------------------------------------------------------------------------------------------------
# access levels


def _datasets(client: Client) -> dict:
    response = client.get("/api/beacon/datasets")
    assert response.status_code == 200, response.content
    return response.json()


def test_anonymous_callers_get_existence_of_registered_datasets_and_the_count_of_public_ones(client):
    assert DatasetAccess.objects.count() == 0  # registered by default
    registered = _datasets(client)
    assert registered["meta"]["returnedGranularity"] == "boolean"
    assert registered["responseSummary"] == {"exists": True}
    assert "response" not in registered

    dataset_access_set(dataset_id=PANEL, level=AccessLevel.PUBLIC, actor=None, reason="test")
    public = _datasets(client)
    assert public["meta"]["returnedGranularity"] == "count"
    assert public["responseSummary"] == {"exists": True, "numTotalResults": 1}
    assert "response" not in public
    # The public dataset is counted for anonymous callers, the registered one is yes or no.
    counted = assert_beacon_answer(
        g_variants(client, "count", referenceName="1", start=99, datasetIds=PANEL), "count"
    )
    assert counted["responseSummary"]["countPrecision"] == "imprecise"
    assert_beacon_answer(g_variants(client, "count", referenceName="1", start=99), "boolean")


def test_controlled_datasets_answer_signed_in_users_yes_or_no_and_anonymous_callers_nothing(client):
    researcher = client_for(Role.RESEARCHER)
    for dataset_id in (PANEL, PANEL_37):
        dataset_access_set(dataset_id=dataset_id, level=AccessLevel.CONTROLLED, actor=None, reason="test")

    assert _datasets(client)["responseSummary"] == {"exists": False}
    assert_beacon_error(g_variants(client, referenceName="1", start=99, datasetIds=PANEL), 404, PANEL)
    assert g_variants(client, referenceName="1", start=99).json()["responseSummary"] == {"exists": False}
    assert client.get("/api/beacon/info").json()["response"]["info"]["datasets"] == []

    answer = assert_beacon_answer(g_variants(researcher, "record", referenceName="1", start=99), "boolean")
    assert answer["responseSummary"] == {"exists": True}
    listed = _datasets(researcher)
    assert listed["meta"]["returnedGranularity"] == "boolean"
    curator = client_for(Role.BIOBANK_CURATOR)
    assert_beacon_answer(g_variants(curator, "record", referenceName="1", start=99), "boolean")


def test_signed_in_users_get_the_descriptions_of_the_datasets_they_get_records_from():
    researcher = client_for(Role.RESEARCHER)
    dataset_access_set(dataset_id=PANEL_37, level=AccessLevel.CONTROLLED, actor=None, reason="test")
    dataset_access_set(dataset_id=PANEL, level=AccessLevel.PUBLIC, actor=None, reason="test")

    body = _datasets(researcher)
    assert body["meta"]["returnedGranularity"] == "record"
    assert [c["id"] for c in body["response"]["collections"]] == [PANEL]
    assert body["response"]["collections"][0]["info"]["securityLevel"] == "PUBLIC"


def test_an_access_level_change_is_audited_with_who_and_why(db):
    officer = user_with_role(Role.BIOBANK_CURATOR)

    dataset_access_set(dataset_id=PANEL, level=AccessLevel.PUBLIC, actor=officer, reason="Consent allows it")
    access = dataset_access_set(dataset_id=PANEL, level="controlled", actor=officer, reason="Withdrawn")

    history = list(access.history.order_by("history_date"))
    assert [(h.level, h.history_change_reason, h.history_user) for h in history] == [
        ("public", "Consent allows it", officer),
        ("controlled", "Withdrawn", officer),
    ]
    with pytest.raises(ValueError, match="Unknown access level"):
        dataset_access_set(dataset_id=PANEL, level="open", actor=officer, reason="x")


# ---------------------------------------------------------------------------------------------------------
# securityAttributes, as the official configuration schema defines them


def _security_validator():
    if not SCHEMAS.is_dir():
        message = f"The official Beacon v2 schemas are not at {SCHEMAS}"
        if os.environ.get("KIBAN_REQUIRE_REFERENCE") == "1":
            pytest.fail(f"{message}, and KIBAN_REQUIRE_REFERENCE=1 requires them.")
        pytest.skip(f"{message} (../shared/reference/beacon-v2 beside the repository).")
    from jsonschema import Draft202012Validator

    from .test_beacon import FORMATS, _registry

    path = SCHEMAS / "framework/json/configuration/beaconConfigurationSchema.json"
    return Draft202012Validator(
        {"$ref": f"{path.as_uri()}#/properties/securityAttributes"},
        registry=_registry(),
        format_checker=FORMATS,
    )


@pytest.mark.parametrize("role", [ANONYMOUS, Role.RESEARCHER])
def test_security_attributes_are_declared_everywhere_and_valid(role):
    validator = _security_validator()
    client = client_for(role)

    declared = [
        client.get("/api/beacon/info").json()["response"]["securityAttributes"],
        client.get("/api/beacon/configuration").json()["response"]["securityAttributes"],
        client.get("/api/beacon/map").json()["response"]["securityAttributes"],
        *(
            entry["securityAttributes"]
            for url in ("/api/beacon/entry_types", "/api/beacon/configuration")
            for entry in client.get(url).json()["response"]["entryTypes"].values()
        ),
    ]
    for attributes in declared:
        assert not list(validator.iter_errors(attributes)), attributes
        assert attributes == {
            "defaultGranularity": "boolean",
            "securityLevels": ["PUBLIC", "REGISTERED", "CONTROLLED"],
        }
    assert list(validator.iter_errors({"defaultGranularity": "all", "securityLevels": ["OPEN"]}))
