"""GA4GH Beacon v2 at /api/beacon/: every answer, errors included, validates against the official schemas.

The schemas are read offline from ../shared/reference/beacon-v2 beside the repository (framework/json and
models-deref); every $ref resolves to a file there and nothing is fetched from the network. Without them (a
plain clone) the tests that validate are skipped, naming the path; KIBAN_REQUIRE_REFERENCE=1 fails them. The
panel is a small VCF written below and ingested by the engine, once per test run, as a GRCh38 and a GRCh37
dataset.
"""

import datetime
import functools
import json
import re
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from kiban.core.choices import Role
from kiban.core.reference import REFERENCE_DIR, reference_path
from kiban.core.services import api_token_create
from kiban.core.testing import (
    ALL_ROLES,
    ANONYMOUS,
    SIGNED_IN,
    SIGNED_IN_WITHOUT_ROLE,
    client_for,
    user_with_role,
)
from kiban.genome import engine
from kiban.genome.datasets import genome_root

SCHEMAS = REFERENCE_DIR / "beacon-v2"

# ---------------------------------------------------------------------------------------------------------
# the official schemas, offline

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        return False
    datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc or parts.path) and " " not in value


def _offline(uri: str):
    raise NoSuchResource(ref=uri)  # anything not among the local files is an error, never a download


@functools.cache
def _registry() -> Registry:
    reference_path("beacon-v2")
    resources = [
        (
            path.as_uri(),
            Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT202012),
        )
        for path in SCHEMAS.rglob("*.json")
    ]
    return Registry(retrieve=_offline).with_resources(resources).crawl()


@functools.cache
def _validator(schema: str) -> Draft202012Validator:
    path = reference_path(f"beacon-v2/{schema}")
    return Draft202012Validator({"$ref": path.as_uri()}, registry=_registry(), format_checker=FORMATS)


def assert_valid(document: dict, schema: str) -> None:
    """Validates against one schema file under beacon-v2/, e.g. 'framework/json/responses/…json'."""
    errors = list(_validator(schema).iter_errors(document))
    assert not errors, f"{schema}:\n" + "\n".join(
        f"  /{'/'.join(map(str, error.absolute_path))}: {error.message[:300]}" for error in errors[:10]
    )


RESPONSES = "framework/json/responses"
BOOLEAN = f"{RESPONSES}/beaconBooleanResponse.json"
COUNT = f"{RESPONSES}/beaconCountResponse.json"
RESULTSETS = f"{RESPONSES}/beaconResultsetsResponse.json"
ERROR = f"{RESPONSES}/beaconErrorResponse.json"
VARIANT = "models-deref/genomicVariations/defaultSchema.json"
DATASET_MODEL = "models-deref/datasets/defaultSchema.json"
SCHEMA_OF = {"boolean": BOOLEAN, "count": COUNT, "record": RESULTSETS}


def assert_beacon_answer(response, granularity: str) -> dict:
    """A 200 answer of that granularity, valid against its response schema (and each record's model)."""
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["meta"]["returnedGranularity"] == granularity
    assert_valid(body, SCHEMA_OF[granularity])
    if granularity == "boolean":
        assert set(body) == {"meta", "responseSummary"}
        assert set(body["responseSummary"]) == {"exists"}
    elif granularity == "count":
        assert set(body) == {"meta", "responseSummary"}
    else:
        for result_set in body["response"]["resultSets"]:
            for record in result_set["results"]:
                assert_valid(record, VARIANT)
    return body


def assert_beacon_error(response, status: int, fragment: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert_valid(body, ERROR)
    assert body["error"]["errorCode"] == status
    assert fragment in body["error"]["errorMessage"], body["error"]["errorMessage"]
    return body


def test_the_schemas_are_read_offline_and_refuse_what_they_should():
    from jsonschema.exceptions import ValidationError

    meta = {
        "beaconId": "jp.kiban.beacon",
        "apiVersion": "v2.0.0",
        "returnedSchemas": [],
        "returnedGranularity": "boolean",
        "receivedRequestSummary": {
            "apiVersion": "v2.0.0",
            "requestedSchemas": [],
            "pagination": {"skip": 0, "limit": 10},
            "requestedGranularity": "boolean",
        },
    }
    assert_valid({"meta": meta, "responseSummary": {"exists": True}}, BOOLEAN)
    bad = [
        ({"meta": meta, "responseSummary": {}}, BOOLEAN),  # exists is required
        ({"meta": {**meta, "returnedGranularity": "all"}, "responseSummary": {"exists": True}}, BOOLEAN),
        ({"meta": meta, "responseSummary": {"exists": True, "numTotalResults": -1}}, COUNT),
        ({"meta": meta, "error": {"errorMessage": "no code"}}, ERROR),
        ({"variantInternalId": "x", "variation": {"location": {}}}, VARIANT),
        ({"meta": meta, "responseSummary": {"exists": True}, "response": {"resultSets": [{}]}}, RESULTSETS),
    ]
    for document, schema in bad:
        with pytest.raises(AssertionError):
            assert_valid(document, schema)
    # A $ref that points outside the local copy is an error, not a download.
    validator = Draft202012Validator({"$ref": "https://example.org/schema.json"}, registry=_registry())
    with pytest.raises(Exception) as raised:
        validator.validate({})
    assert not isinstance(raised.value, ValidationError)


# ---------------------------------------------------------------------------------------------------------
# the panel

SAMPLE_SHEET = """sample\tsex\tcohort
S1\tXX\tA
S2\tXX\tA
S3\tXY\tA
S4\tXY\tB
S5\tXX\tB
S6\tXY\tB
S7\tunknown\tB
"""
VCF = """##fileformat=VCFv4.2
##FILTER=<ID=PASS,Description="All filters passed">
##FILTER=<ID=LowQual,Description="Low quality">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##contig=<ID=1,length=248956422>
##contig=<ID=X,length=156040895>
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3\tS4\tS5\tS6\tS7
1\t100\trs100\tA\tG\t50\tPASS\t.\tGT\t0/1\t1/1\t0/0\t0/1\t./.\t0/0\t0/0
1\t150\t.\tC\tT\t30\tLowQual\t.\tGT\t0/0\t0/1\t0/0\t0/0\t0/0\t0/0\t0/0
1\t200\t.\tA\tAT\t40\tPASS\t.\tGT\t0/1\t0/0\t0/0\t0/0\t0/0\t0/0\t0/0
1\t250\t.\tGTC\tG\t40\tPASS\t.\tGT\t0/0\t0/0\t1/1\t0/0\t0/0\t0/0\t0/0
1\t300\trs300\tC\tA,G\t60\tPASS\t.\tGT\t0/1\t0/2\t1/2\t0/0\t0/0\t0/0\t0/0
1\t350\t.\tAC\tGT\t45\tPASS\t.\tGT\t0/0\t0/0\t0/0\t0/0\t0/0\t0/1\t0/0
1\t1000\t.\tT\tC\t45\tPASS\t.\tGT\t0/1\t0/1\t0/1\t0/1\t0/1\t0/1\t0/1
1\t3000\t.\tG\tC\t45\tPASS\t.\tGT\t0/1\t./.\t0/0\t./.\t./.\t./.\t./.
X\t5000000\trs500\tG\tA\t60\tPASS\t.\tGT\t0/1\t1/1\t1\t1/1\t0/0\t0\t./.
"""
# KIBAN1 covers chr1:90-400 (1-based): every chr1 variant but 1-1000-T-C.
GENES_GTF = '1\ttest\tgene\t90\t400\t.\t+\t.\tgene_id "ENSG00000000099"; gene_name "KIBAN1";\n'
PANEL = "beacon-panel"
PANEL_37 = "beacon-panel-37"
# Variant ids in position order within chr1:0-400 (Beacon coordinates), after the multi-allelic split.
CHR1_TO_400 = ["1-100-A-G", "1-150-C-T", "1-200-A-AT", "1-250-GTC-G", "1-300-C-A", "1-300-C-G", "1-350-AC-GT"]
# Records carry the aggregate frequencies the panel's pages show every signed-in user (exact for curators,
# small counts masked for the others: test_beacon_privacy.py).
RECORD_ROLES = set(SIGNED_IN)


@pytest.fixture(scope="session")
def _panel_root(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("beacon-panel")
    root = folder / "genome"
    vcf, sheet, genes = folder / "panel.vcf", folder / "samples.tsv", folder / "genes.gtf"
    vcf.write_text(VCF)
    sheet.write_text(SAMPLE_SHEET)
    genes.write_text(GENES_GTF)
    engine.load_genes(genes, root=root, assembly="GRCh38")
    engine.ingest(vcf, sheet, root=root, dataset_id=PANEL, assembly="GRCh38")
    # The same calls as a GRCh37 dataset: the engine checks the header's contig lengths against the assembly.
    vcf_37 = folder / "panel-37.vcf"
    vcf_37.write_text(
        VCF.replace("ID=1,length=248956422", "ID=1,length=249250621").replace(
            "ID=X,length=156040895", "ID=X,length=155270560"
        )
    )
    engine.ingest(vcf_37, sheet, root=root, dataset_id=PANEL_37, assembly="GRCh37")
    return root


@pytest.fixture
def panel(db, settings, _panel_root) -> "engine.Dataset":
    """The GRCh38 panel (and its GRCh37 twin), ingested once per run; the tests only read it."""
    settings.KIBAN_GENOME_ROOT = _panel_root
    return engine.open_dataset(genome_root(), PANEL)


@pytest.fixture
def researcher(db) -> Client:
    return client_for(Role.RESEARCHER)


@pytest.fixture
def curator(db) -> Client:
    """A biobank curator: the one role that sees exact small counts (genome.view_exact_counts)."""
    return client_for(Role.BIOBANK_CURATOR)


def g_variants(client: Client, granularity: str | None = None, **parameters):
    if granularity:
        parameters["requestedGranularity"] = granularity
    return client.get(f"/api/beacon/g_variants?{urlencode(parameters, doseq=True)}")


def post_g_variants(client: Client, body: dict, **headers):
    return client.post("/api/beacon/g_variants", json.dumps(body), content_type="application/json", **headers)


def result_ids(body: dict, dataset: str = PANEL) -> list[str]:
    (result_set,) = [s for s in body["response"]["resultSets"] if s["id"] == dataset]
    return [record["variantInternalId"] for record in result_set["results"]]


# ---------------------------------------------------------------------------------------------------------
# informational endpoints

INFORMATIONAL = [
    ("/api/beacon/", f"{RESPONSES}/beaconInfoResponse.json"),
    ("/api/beacon/info", f"{RESPONSES}/beaconInfoResponse.json"),
    ("/api/beacon/service-info", f"{RESPONSES}/ga4gh-service-info-1-0-0-schema.json"),
    ("/api/beacon/configuration", f"{RESPONSES}/beaconConfigurationResponse.json"),
    ("/api/beacon/map", f"{RESPONSES}/beaconMapResponse.json"),
    ("/api/beacon/entry_types", f"{RESPONSES}/beaconEntryTypesResponse.json"),
    ("/api/beacon/filtering_terms", f"{RESPONSES}/beaconFilteringTermsResponse.json"),
    ("/api/beacon/datasets", f"{RESPONSES}/beaconCollectionsResponse.json"),
]


def _schema_of(body: dict, schema: str) -> str:
    # /datasets answers at the granularity the caller has (anonymous: boolean for registered datasets).
    granularity = body.get("meta", {}).get("returnedGranularity")
    return SCHEMA_OF[granularity] if granularity in ("boolean", "count") else schema


@pytest.mark.parametrize(("url", "schema"), INFORMATIONAL)
def test_informational_endpoints_answer_anyone_and_validate(client, panel, url, schema):
    response = client.get(url)

    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    assert_valid(response.json(), _schema_of(response.json(), schema))


@pytest.mark.parametrize(("url", "schema"), INFORMATIONAL)
def test_informational_endpoints_validate_without_any_dataset(client, db, url, schema):
    response = client.get(url)

    assert response.status_code == 200, response.content
    assert_valid(response.json(), _schema_of(response.json(), schema))


def test_info_names_the_beacon_and_the_service_info_its_type(client, panel):
    info = client.get("/api/beacon/info").json()["response"]
    service = client.get("/api/beacon/service-info").json()

    assert info["id"] == service["id"]
    assert info["apiVersion"].startswith("v2")
    assert service["type"] == {"group": "org.ga4gh", "artifact": "beacon", "version": info["apiVersion"]}
    assert client.get("/api/beacon/").json() == client.get("/api/beacon/info").json()


def test_configuration_and_map_declare_the_entry_types_served(client, panel):
    configuration = client.get("/api/beacon/configuration").json()["response"]
    endpoint_sets = client.get("/api/beacon/map").json()["response"]["endpointSets"]
    entry_types = client.get("/api/beacon/entry_types").json()["response"]["entryTypes"]

    assert (
        set(configuration["entryTypes"])
        == set(entry_types)
        == {
            "genomicVariation",
            "dataset",
            "individual",
            "biosample",
            "cohort",
        }
    )
    assert configuration["securityAttributes"]["defaultGranularity"] == "boolean"
    assert endpoint_sets["genomicVariation"]["rootUrl"] == "http://testserver/api/beacon/g_variants"
    assert endpoint_sets["dataset"]["rootUrl"] == "http://testserver/api/beacon/datasets"


def test_filtering_terms_are_the_ones_g_variants_understands(client, panel):
    terms = client.get("/api/beacon/filtering_terms").json()["response"]["filteringTerms"]

    # The biobanks' terms (kiban.biobank.beacon) are scoped to individuals and biosamples.
    assert {term["id"] for term in terms if "genomicVariation" in term["scopes"]} == {
        "alleleFrequency",
        "PASS",
    }


def test_datasets_lists_one_entry_per_dataset_with_its_manifest(researcher, panel):
    body = researcher.get("/api/beacon/datasets").json()

    manifests = {m.dataset_id: m for m in engine.list_datasets(genome_root())}
    collections = body["response"]["collections"]
    assert [c["id"] for c in collections] == [m.dataset_id for m in engine.list_datasets(genome_root())]
    assert set(manifests) == {PANEL, PANEL_37}
    assert body["responseSummary"] == {"exists": True, "numTotalResults": 2}
    for collection in collections:
        assert_valid(collection, DATASET_MODEL)
        manifest = manifests[collection["id"]]
        assert collection["version"] == manifest.version
        assert collection["info"]["assemblyId"] == manifest.assembly
        assert collection["info"]["sampleCount"] == manifest.sample_count == 7
        assert collection["info"]["variantCount"] == manifest.variant_count


def test_datasets_are_paged(researcher, panel):
    first = researcher.get("/api/beacon/datasets?limit=1").json()
    second = researcher.get("/api/beacon/datasets?limit=1&skip=1").json()

    assert_valid(second, f"{RESPONSES}/beaconCollectionsResponse.json")
    assert first["responseSummary"]["numTotalResults"] == second["responseSummary"]["numTotalResults"] == 2
    assert [c["id"] for c in first["response"]["collections"] + second["response"]["collections"]] == [
        m.dataset_id for m in engine.list_datasets(genome_root())
    ]


# ---------------------------------------------------------------------------------------------------------
# who gets which granularity

EXPECTED_GRANULARITY = {
    role: "boolean" if role == ANONYMOUS else "record" if role in RECORD_ROLES else "count"
    for role in ALL_ROLES
}


def test_the_permission_rules_give_each_role_its_highest_granularity(db):
    from django.contrib.auth.models import AnonymousUser

    assert AnonymousUser().has_perm("genome.beacon_boolean")
    assert not AnonymousUser().has_perm("genome.beacon_count")
    for role in ALL_ROLES:
        if role == ANONYMOUS:
            continue
        user = user_with_role(role)
        assert user.has_perm("genome.beacon_count")
        assert user.has_perm("genome.beacon_record") == (role in RECORD_ROLES), role


@pytest.mark.parametrize("role", ALL_ROLES)
def test_asking_for_records_returns_the_most_the_caller_may_have(panel, role):
    response = g_variants(
        client_for(role), "record", assemblyId="GRCh38", referenceName="1", start=99, alternateBases="G"
    )

    body = assert_beacon_answer(response, EXPECTED_GRANULARITY[role])
    assert body["responseSummary"]["exists"] is True
    assert body["meta"]["receivedRequestSummary"]["requestedGranularity"] == "record"
    if role != ANONYMOUS:
        assert body["responseSummary"]["numTotalResults"] == 1


def test_anonymous_callers_get_a_bare_yes_or_no_even_when_asking_for_records(client, panel):
    for body in (
        g_variants(client, "record", referenceName="1", start=0, end=400).json(),
        post_g_variants(
            client,
            {
                "meta": {"apiVersion": "v2.0"},
                "query": {
                    "requestParameters": {"referenceName": "1", "start": [0], "end": [400]},
                    "requestedGranularity": "record",
                },
            },
        ).json(),
    ):
        assert_valid(body, BOOLEAN)
        assert body["meta"]["returnedGranularity"] == "boolean"
        assert body["responseSummary"] == {"exists": True}
        assert "response" not in body


def test_signed_in_users_of_any_role_get_records_like_the_pages_show_them(panel):
    response = g_variants(client_for(Role.HUB_STAFF), "record", referenceName="1", start=0, end=400)

    assert_beacon_answer(response, "record")


def test_a_lower_granularity_than_allowed_is_answered_as_asked(researcher, panel):
    for granularity in ("boolean", "count", "record"):
        assert_beacon_answer(g_variants(researcher, granularity, referenceName="1", start=99), granularity)
    # Beacon's default granularity is boolean.
    assert_beacon_answer(g_variants(researcher, referenceName="1", start=99), "boolean")


def test_a_personal_api_token_gives_its_owner_records(client, panel):
    _, key = api_token_create(user=user_with_role(Role.COMPANY), name="beacon")
    _, plain_key = api_token_create(user=user_with_role(SIGNED_IN_WITHOUT_ROLE), name="beacon")
    parameters = {"requestedGranularity": "record", "referenceName": "1", "start": 99}

    with_role = client.get("/api/beacon/g_variants", parameters, headers={"Authorization": f"Bearer {key}"})
    without_role = client.get(
        "/api/beacon/g_variants", parameters, headers={"Authorization": f"Bearer {plain_key}"}
    )

    assert_beacon_answer(with_role, "record")
    assert_beacon_answer(without_role, "record")


def test_a_bad_token_is_refused_not_answered_anonymously(client, panel):
    response = client.get(
        "/api/beacon/g_variants?referenceName=1&start=99", headers={"Authorization": "Bearer kbn_not-a-token"}
    )

    assert_beacon_error(response, 401, "API token")


# ---------------------------------------------------------------------------------------------------------
# records and their frequencies


def _engine_populations(variant: "engine.Variant") -> dict[str, "engine.Counts"]:
    populations = {"all": variant.counts}
    for stratum, values in variant.strata.items():
        for value, counts in values.items():
            if counts.an:
                populations[f"{stratum}:{value}"] = counts
    return populations


def assert_frequencies_equal_the_engine(record: dict, dataset: "engine.Dataset") -> dict[str, dict]:
    variant = dataset.variant(record["variantInternalId"])
    assert variant is not None
    (source,) = record["frequencyInPopulations"]
    assert source["version"] == dataset.manifest.version
    frequencies = {f["population"]: f for f in source["frequencies"]}
    expected = _engine_populations(variant)
    assert set(frequencies) == set(expected)
    for name, counts in expected.items():
        assert frequencies[name] == {
            "population": name,
            "alleleFrequency": pytest.approx(counts.af),
            "alleleCount": counts.ac,
            "alleleNumber": counts.an,
            "alleleCountHomozygous": 2 * counts.hom,
            "alleleCountHeterozygous": counts.het,
            "alleleCountHemizygous": counts.hemi,
            "genotypeHomozygous": counts.hom,
            "genotypeHeterozygous": counts.het,
            "genotypeHemizygous": counts.hemi,
        }, name
    return frequencies


def test_a_curator_gets_the_variant_with_its_exact_frequency_in_every_population(curator, panel):
    response = g_variants(
        curator,
        "record",
        assemblyId="GRCh38",
        referenceName="1",
        start=99,
        referenceBases="A",
        alternateBases="G",
    )

    body = assert_beacon_answer(response, "record")
    assert body["responseSummary"] == {"exists": True, "numTotalResults": 1}
    (result_set,) = body["response"]["resultSets"]
    assert (result_set["id"], result_set["setType"], result_set["resultsCount"]) == (PANEL, "dataset", 1)
    (record,) = result_set["results"]
    assert record["variantInternalId"] == "1-100-A-G"
    assert record["variation"]["variantType"] == "SNP"
    assert record["variation"]["location"] == {
        "type": "SequenceLocation",
        "sequence_id": "refseq:NC_000001.11",
        "interval": {
            "type": "SequenceInterval",
            "start": {"type": "Number", "value": 99},
            "end": {"type": "Number", "value": 100},
        },
    }
    assert record["identifiers"]["variantAlternativeIds"] == [
        {"id": "dbSNP:rs100", "reference": "https://www.ncbi.nlm.nih.gov/snp/rs100"}
    ]
    frequencies = assert_frequencies_equal_the_engine(record, panel)
    # One population per stratum value: sex XX and XY (S7, sex unknown, counts in "all" only), each cohort.
    assert list(frequencies) == ["all", "sex:XX", "sex:XY", "cohort:A", "cohort:B"]
    # Worked by hand from the VCF: S5 is not called; S1, S4 het; S2 hom.
    assert (frequencies["all"]["alleleCount"], frequencies["all"]["alleleNumber"]) == (4, 12)
    assert (frequencies["sex:XX"]["alleleCount"], frequencies["sex:XX"]["alleleNumber"]) == (3, 4)
    assert (frequencies["cohort:B"]["alleleCount"], frequencies["cohort:B"]["alleleNumber"]) == (1, 6)
    assert frequencies["all"]["genotypeHomozygous"] == 1


def test_hemizygous_calls_on_chrx_are_reported_per_population(curator, panel):
    body = assert_beacon_answer(
        g_variants(curator, "record", assemblyId="GRCh38", referenceName="X", start=4999999), "record"
    )

    (record,) = body["response"]["resultSets"][0]["results"]
    frequencies = assert_frequencies_equal_the_engine(record, panel)
    assert record["variation"]["location"]["sequence_id"] == "refseq:NC_000023.11"
    # XY S3 (haploid 1) and S4 (diploid 1/1 outside the PAR) are hemizygous; XX S1 het, S2 hom.
    assert frequencies["sex:XY"]["alleleCountHemizygous"] == 2
    assert frequencies["sex:XX"]["alleleCountHemizygous"] == 0
    assert frequencies["all"]["alleleCount"] == 5


def test_a_population_without_calls_is_left_out_as_its_frequency_is_undefined(curator, panel):
    body = assert_beacon_answer(
        g_variants(curator, "record", assemblyId="GRCh38", referenceName="1", start=2999), "record"
    )

    (record,) = body["response"]["resultSets"][0]["results"]
    # Nobody in cohort B (S4 to S7) is called at 1-3000-G-C.
    assert list(assert_frequencies_equal_the_engine(record, panel)) == ["all", "sex:XX", "sex:XY", "cohort:A"]
    assert panel.variant("1-3000-G-C").strata["cohort"]["B"].an == 0


def test_every_record_of_a_range_carries_the_engines_counts(curator, panel):
    body = assert_beacon_answer(
        g_variants(curator, "record", assemblyId="GRCh38", referenceName="1", start=0, end=400, limit=0),
        "record",
    )

    records = body["response"]["resultSets"][0]["results"]
    assert [r["variantInternalId"] for r in records] == CHR1_TO_400
    for record in records:
        assert_frequencies_equal_the_engine(record, panel)
    types = {r["variantInternalId"]: r["variation"]["variantType"] for r in records}
    assert types == {
        "1-100-A-G": "SNP",
        "1-150-C-T": "SNP",
        "1-200-A-AT": "INS",
        "1-250-GTC-G": "DEL",
        "1-300-C-A": "SNP",
        "1-300-C-G": "SNP",
        "1-350-AC-GT": "MNP",
    }
    deletion = next(r for r in records if r["variantInternalId"] == "1-250-GTC-G")
    assert deletion["variation"]["location"]["interval"]["start"]["value"] == 249
    assert deletion["variation"]["location"]["interval"]["end"]["value"] == 252


def test_each_dataset_is_its_own_result_set_and_assembly_id_picks_them(researcher, panel):
    both = assert_beacon_answer(g_variants(researcher, "record", referenceName="1", start=99), "record")
    grch37 = assert_beacon_answer(
        g_variants(researcher, "record", referenceName="1", start=99, assemblyId="hg19"), "record"
    )
    by_id = assert_beacon_answer(
        g_variants(researcher, "record", referenceName="1", start=99, datasetIds=PANEL_37), "record"
    )

    assert {s["id"] for s in both["response"]["resultSets"]} == {PANEL, PANEL_37}
    assert both["responseSummary"]["numTotalResults"] == 2
    assert [s["id"] for s in grch37["response"]["resultSets"]] == [PANEL_37]
    assert grch37["response"]["resultSets"][0]["results"][0]["variation"]["location"]["sequence_id"] == (
        "refseq:NC_000001.10"
    )
    assert [s["id"] for s in by_id["response"]["resultSets"]] == [PANEL_37]


def test_the_single_variant_endpoint(researcher, client, panel):
    record = assert_beacon_answer(
        researcher.get("/api/beacon/g_variants/chr1-300-C-G?requestedGranularity=record&assemblyId=GRCh38"),
        "record",
    )
    anonymous = assert_beacon_answer(client.get("/api/beacon/g_variants/1-300-C-T"), "boolean")

    assert result_ids(record) == ["1-300-C-G"]
    assert anonymous["responseSummary"] == {"exists": False}
    assert_beacon_error(client.get("/api/beacon/g_variants/1-300-C"), 400, "chrom-pos-ref-alt")


# ---------------------------------------------------------------------------------------------------------
# query types and coordinates


def _ids(client: Client, **parameters) -> list[str]:
    body = assert_beacon_answer(
        g_variants(client, "record", assemblyId="GRCh38", limit=0, **parameters), "record"
    )
    sets = body["response"]["resultSets"]
    return result_ids(body) if sets else []


def test_beacon_coordinates_are_zero_based_and_half_open(researcher, panel):
    # A sequence query at start=99 is VCF position 100.
    assert _ids(researcher, referenceName="1", start=99, alternateBases="G") == ["1-100-A-G"]
    assert _ids(researcher, referenceName="1", start=100, alternateBases="G") == []
    # The range [99, 100) is the single base at position 100; [100, 150) ends at position 150.
    assert _ids(researcher, referenceName="1", start=99, end=100) == ["1-100-A-G"]
    assert _ids(researcher, referenceName="1", start=100, end=150) == ["1-150-C-T"]
    assert _ids(researcher, referenceName="1", start=100, end=149) == []


def test_range_queries_take_overlapping_variants_and_sequence_queries_starting_ones(researcher, panel):
    # The deletion 1-250-GTC-G covers positions 250 to 252 (0-based [249, 252)).
    assert _ids(researcher, referenceName="1", start=250, end=251) == ["1-250-GTC-G"]
    assert _ids(researcher, referenceName="1", start=251, end=260) == ["1-250-GTC-G"]
    assert _ids(researcher, referenceName="1", start=252, end=260) == []
    assert _ids(researcher, referenceName="1", start=250) == []
    assert _ids(researcher, referenceName="1", start=249) == ["1-250-GTC-G"]


def test_reference_names_with_chr_or_refseq_accessions(researcher, panel):
    for name in ("1", "chr1", "CHR1", "NC_000001.11"):
        assert _ids(researcher, referenceName=name, start=99, end=100) == ["1-100-A-G"], name


def test_sequence_queries_match_bases_with_n_as_a_wildcard(researcher, panel):
    assert _ids(researcher, referenceName="1", start=299, referenceBases="C", alternateBases="G") == [
        "1-300-C-G"
    ]
    assert _ids(researcher, referenceName="1", start=299, alternateBases="N") == ["1-300-C-A", "1-300-C-G"]
    assert _ids(researcher, referenceName="1", start=249, referenceBases="GNC", alternateBases="G") == [
        "1-250-GTC-G"
    ]
    assert _ids(researcher, referenceName="1", start=299, referenceBases="T", alternateBases="G") == []


@pytest.mark.parametrize(
    ("variant_type", "expected"),
    [
        ("SNP", ["1-100-A-G", "1-150-C-T", "1-300-C-A", "1-300-C-G"]),
        ("SNV", ["1-100-A-G", "1-150-C-T", "1-300-C-A", "1-300-C-G"]),
        ("INDEL", ["1-200-A-AT", "1-250-GTC-G"]),
        ("INS", ["1-200-A-AT"]),
        ("DEL", ["1-250-GTC-G"]),
        ("MNP", ["1-350-AC-GT"]),
    ],
)
def test_range_queries_by_variant_type(researcher, panel, variant_type, expected):
    assert _ids(researcher, referenceName="1", start=0, end=400, variantType=variant_type) == expected


def test_bracket_queries_take_two_starts_and_two_ends(researcher, panel):
    # Variants starting in [199, 260) (0-based) and ending in [252, 260): the deletion 1-250-GTC-G only.
    assert _ids(researcher, referenceName="1", start="199,259", end="252,259") == ["1-250-GTC-G"]


def test_gene_queries(researcher, panel):
    assert _ids(researcher, geneId="KIBAN1") == CHR1_TO_400
    assert _ids(researcher, geneId="KIBAN1", variantType="INDEL") == ["1-200-A-AT", "1-250-GTC-G"]
    body = assert_beacon_answer(g_variants(researcher, "record", geneId="KIBAN1", limit=1), "record")
    assert body["response"]["resultSets"][0]["results"][0]["molecularAttributes"] == {"geneIds": ["KIBAN1"]}


def test_filters_pass_and_allele_frequency(curator, panel):
    assert "1-150-C-T" not in _ids(curator, referenceName="1", start=0, end=400, filters="PASS")
    assert _ids(curator, referenceName="1", start=0, end=2000, filters="alleleFrequency>=0.5") == [
        "1-1000-T-C"
    ]
    low = _ids(curator, referenceName="1", start=0, end=2000, filters="alleleFrequency<=0.1,PASS")
    assert low == ["1-200-A-AT", "1-350-AC-GT"]
    body = post_g_variants(
        curator,
        {
            "meta": {"apiVersion": "v2.0"},
            "query": {
                "requestParameters": {
                    "assemblyId": "GRCh38",
                    "referenceName": "1",
                    "start": [0],
                    "end": [2000],
                },
                "filters": [{"id": "alleleFrequency", "operator": "<=", "value": "0.1"}, {"id": "PASS"}],
                "requestedGranularity": "record",
                "pagination": {"skip": 0, "limit": 0},
            },
        },
    )
    assert result_ids(assert_beacon_answer(body, "record")) == low


def test_include_resultset_responses(researcher, panel):
    def sets(include: str) -> list[str]:
        body = assert_beacon_answer(
            g_variants(researcher, "record", geneId="KIBAN1", includeResultsetResponses=include), "record"
        )
        return [s["id"] for s in body["response"]["resultSets"]]

    # KIBAN1 is annotated on GRCh38 only: the GRCh37 dataset has no hit.
    assert sets("HIT") == [PANEL]
    assert sorted(sets("ALL")) == sorted([PANEL, PANEL_37])
    assert sets("MISS") == [PANEL_37]
    assert sets("NONE") == []
    by_position = assert_beacon_answer(
        g_variants(
            researcher,
            "record",
            referenceName="1",
            start=99,
            assemblyId="GRCh38",
            includeResultsetResponses="MISS",
        ),
        "record",
    )
    assert by_position["response"]["resultSets"] == []


# ---------------------------------------------------------------------------------------------------------
# POST and GET, pagination


def test_post_and_get_give_the_same_answer(researcher, client, panel):
    get_parameters = {
        "assemblyId": "GRCh38",
        "referenceName": "1",
        "start": 0,
        "end": 400,
        "variantType": "SNP",
    }
    for who, granularity in ((researcher, "record"), (researcher, "count"), (client, "boolean")):
        by_get = g_variants(who, granularity, **get_parameters)
        flat = post_g_variants(
            who,
            {
                "meta": {"apiVersion": "v2.0"},
                "query": {
                    "requestParameters": {**get_parameters, "start": [0], "end": [400]},
                    "requestedGranularity": granularity,
                },
            },
        )
        grouped = post_g_variants(
            who,
            {
                "meta": {"apiVersion": "v2.0"},
                "query": {
                    "requestParameters": {"genomicVariation": {**get_parameters, "start": 0, "end": 400}},
                    "requestedGranularity": granularity,
                },
            },
        )
        expected = assert_beacon_answer(by_get, granularity if who is researcher else "boolean")
        for answer in (flat, grouped):
            body = assert_beacon_answer(answer, expected["meta"]["returnedGranularity"])
            assert body["responseSummary"] == expected["responseSummary"]
            assert body.get("response") == expected.get("response")


def test_pages_cover_every_match_once(researcher, panel):
    def page(skip: int, variant_type: str | None = None) -> dict:
        extra = {"variantType": variant_type} if variant_type else {}
        return assert_beacon_answer(
            g_variants(
                researcher,
                "record",
                assemblyId="GRCh38",
                referenceName="1",
                start=0,
                end=400,
                skip=skip,
                limit=3,
                **extra,
            ),
            "record",
        )

    pages = [page(skip) for skip in range(4)]
    assert [result_ids(p) if p["response"]["resultSets"] else [] for p in pages] == [
        CHR1_TO_400[0:3],
        CHR1_TO_400[3:6],
        CHR1_TO_400[6:],
        [],
    ]
    assert {p["responseSummary"]["numTotalResults"] for p in pages} == {len(CHR1_TO_400)}
    assert pages[1]["meta"]["receivedRequestSummary"]["pagination"] == {"skip": 1, "limit": 3}
    # Matches picked out of the engine's pages (here by variant type) are paged the same way.
    snps = [page(skip, "SNP") for skip in range(2)]
    assert result_ids(snps[0]) + result_ids(snps[1]) == ["1-100-A-G", "1-150-C-T", "1-300-C-A", "1-300-C-G"]
    assert snps[1]["responseSummary"]["numTotalResults"] == 4
    by_post = post_g_variants(
        researcher,
        {
            "meta": {"apiVersion": "v2.0"},
            "query": {
                "requestParameters": {
                    "assemblyId": "GRCh38",
                    "referenceName": "1",
                    "start": [0],
                    "end": [400],
                },
                "requestedGranularity": "record",
                "pagination": {"skip": 1, "limit": 3},
            },
        },
    )
    assert result_ids(assert_beacon_answer(by_post, "record")) == CHR1_TO_400[3:6]


def test_limit_zero_or_above_the_maximum_is_served_as_the_maximum_and_said_so(researcher, panel):
    from kiban.genome.beacon import MAX_LIMIT

    for limit in (0, MAX_LIMIT + 1):
        body = assert_beacon_answer(
            g_variants(researcher, "record", referenceName="1", start=0, end=400, limit=limit), "record"
        )
        assert body["meta"]["receivedRequestSummary"]["pagination"]["limit"] == MAX_LIMIT


# ---------------------------------------------------------------------------------------------------------
# errors

BAD_GETS = [
    ({"start": 99}, "start needs referenceName"),
    ({"referenceName": "1", "start": 100, "end": 50}, "end (50) must be greater than start (100)"),
    ({"referenceName": "1", "start": 100, "end": 100}, "must be greater than start"),
    ({"referenceName": "1", "end": 100}, "end needs start"),
    ({"assemblyId": "GRCh36", "referenceName": "1", "start": 99}, 'Unknown assemblyId "GRCh36"'),
    ({"referenceName": "1", "start": 99, "referenceBases": "AXU"}, "it has U, X"),
    ({"referenceName": "1", "start": 99, "alternateBases": "G-"}, "alternateBases"),
    ({"referenceName": "chr99", "start": 99}, 'Unknown referenceName "chr99"'),
    ({"referenceName": "1", "start": "ninety"}, "start must be a whole number"),
    ({"referenceName": "1", "start": -1}, "start must be a whole number"),
    ({"referenceName": "1", "start": 99, "variantType": "DUP"}, "structural variant"),
    ({"referenceName": "1", "start": 99, "variantType": "BANANA"}, 'Unknown variantType "BANANA"'),
    ({"referenceName": "1", "start": 99, "requestedGranularity": "everything"}, "requestedGranularity"),
    ({"referenceName": "1", "start": 99, "skip": -1}, "skip"),
    ({"referenceName": "1", "start": 99, "skip": 10**7}, "skip counts pages"),
    ({"referenceName": "1", "start": 10**20}, "beyond the end of every chromosome"),
    ({"referenceName": "1", "start": 99, "limit": "ten"}, "limit"),
    ({"referenceName": "1", "start": 99, "includeResultsetResponses": "SOME"}, "includeResultsetResponses"),
    ({"referenceName": "1", "start": 99, "chromosome": "1"}, "Unknown parameter chromosome"),
    ({"referenceName": "1", "start": 99, "variantMinLength": 5}, "does not support the parameter"),
    ({"referenceName": "1", "start": 99, "filters": "HP:0000118"}, 'Unknown filter "HP:0000118"'),
    ({"referenceName": "1", "start": 99, "filters": "alleleFrequency>0.1"}, "operator >= or <="),
    ({"referenceName": "1", "start": 99, "filters": "alleleFrequency<=2"}, "from 0 to 1"),
    ({"referenceName": "1"}, "referenceName needs start"),
    ({}, "Say what to look for"),
    ({"geneId": "KIBAN1", "referenceName": "1"}, "geneId cannot be combined with referenceName"),
    ({"geneId": "NO_SUCH_GENE"}, "NO_SUCH_GENE"),
    ({"referenceName": "1", "start": "1,2,3"}, "takes one value, or two"),
    ({"referenceName": "1", "start": "10,20", "end": "30"}, "two of each for a bracket query"),
]


@pytest.mark.parametrize(("parameters", "message"), BAD_GETS)
def test_bad_parameters_get_400_in_beacons_error_format(researcher, panel, parameters, message):
    assert_beacon_error(g_variants(researcher, **parameters), 400, message)


BAD_POSTS = [
    ("{not json", "not JSON"),
    ("[1, 2]", "must be a JSON object"),
    (
        json.dumps({"meta": {}, "query": {"requestParameters": {"referenceName": "1", "start": ["x"]}}}),
        "start",
    ),
    (
        json.dumps(
            {"meta": {}, "query": {"requestParameters": {"referenceName": "1", "start": [5], "end": [4]}}}
        ),
        "must be greater than start",
    ),
    (
        json.dumps({"meta": {}, "query": {"requestParameters": "1:100"}}),
        "requestParameters must be an object",
    ),
    (json.dumps({"meta": {}, "query": {"pagination": {"skip": True}}}), "skip"),
    (
        json.dumps(
            {
                "meta": {},
                "query": {
                    "requestParameters": {"referenceName": "1", "start": [5]},
                    "requestedGranularity": "all",
                },
            }
        ),
        "requestedGranularity",
    ),
]


@pytest.mark.parametrize(("body", "message"), BAD_POSTS)
def test_bad_post_bodies_get_400_in_beacons_error_format(client, panel, body, message):
    response = client.post("/api/beacon/g_variants", body, content_type="application/json")

    assert_beacon_error(response, 400, message)


def test_an_unknown_dataset_is_404_in_beacons_error_format(researcher, panel):
    response = g_variants(researcher, "record", referenceName="1", start=99, datasetIds="no-such-dataset")

    assert_beacon_error(response, 404, "no-such-dataset")


def test_an_assembly_without_datasets_answers_no(researcher, panel, settings, tmp_path):
    body = assert_beacon_answer(
        g_variants(researcher, "count", referenceName="1", start=99, assemblyId="GRCh38"), "count"
    )
    # One match: below the minimum cell size, so answered as Beacon's imprecise count (kiban/core/disclosure).
    assert body["responseSummary"] == {
        "exists": True,
        "numTotalResults": 10,
        "countAdjustedTo": [10],
        "countPrecision": "imprecise",
    }
    settings.KIBAN_GENOME_ROOT = tmp_path / "empty"
    body = assert_beacon_answer(g_variants(researcher, "count", referenceName="1", start=99), "count")
    assert body["responseSummary"] == {"exists": False, "numTotalResults": 0}


def test_each_beacon_endpoint_says_who_may_use_it_in_the_api_docs(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]

    operations = [
        (path, method, operation)
        for path, methods in paths.items()
        if path.startswith("/api/beacon/")
        for method, operation in methods.items()
    ]
    assert {(path, method) for path, method, _ in operations} == {
        *((url, "get") for url, _ in INFORMATIONAL),
        ("/api/beacon/g_variants", "get"),
        ("/api/beacon/g_variants", "post"),
        ("/api/beacon/g_variants/{variant_id}", "get"),
        *(
            (f"/api/beacon/{entry}", method)
            for entry in ("individuals", "biosamples")
            for method in ("get", "post")
        ),
        ("/api/beacon/cohorts", "get"),
    }
    for path, method, operation in operations:
        assert "anyone" in operation["summary"], (path, method)
        assert "genome.beacon_" in operation["description"] or "biobank.beacon_" in operation["description"]
        assert "security" not in operation, (path, method)


# ---------------------------------------------------------------------------------------------------------
# counts go through disclosure control (kiban/core/disclosure.py)


def _count_summary(client: Client, **parameters) -> dict:
    return assert_beacon_answer(g_variants(client, "count", **parameters), "count")["responseSummary"]


def test_small_counts_are_masked_and_large_ones_carry_the_same_noise_for_the_same_caller(
    researcher, panel, settings
):
    # Seven matches in chr1:0-400 on GRCh38: below 10, answered as the threshold.
    masked = _count_summary(researcher, referenceName="1", start=0, end=400, assemblyId="GRCh38")
    assert masked == {
        "exists": True,
        "numTotalResults": 10,
        "countAdjustedTo": [10],
        "countPrecision": "imprecise",
    }

    # With a minimum cell of 5 the same count is shown, with noise; the same question gives the same answer.
    settings.KIBAN_DISCLOSURE_MIN_CELL = 5
    settings.KIBAN_DISCLOSURE_NOISE_SCALE = 50
    questions = [
        {"referenceName": "1", "start": 0, "end": end, "assemblyId": "GRCh38"} for end in range(400, 408)
    ]
    first = [_count_summary(researcher, **question) for question in questions]
    again = [_count_summary(researcher, **question) for question in questions]
    hub_staff = [_count_summary(client_for(Role.HUB_STAFF), **question) for question in questions]
    assert first == again
    assert all(
        summary["countPrecision"] == "imprecise" and summary["numTotalResults"] >= 5 for summary in first
    )
    # Another caller asking the same questions gets other noise (at this scale, all eight agree ~1 in 10^5).
    assert [s["numTotalResults"] for s in hub_staff] != [s["numTotalResults"] for s in first]
    # Records are for callers entitled to them: exact.
    record = assert_beacon_answer(
        g_variants(researcher, "record", referenceName="1", start=0, end=400, assemblyId="GRCh38"), "record"
    )
    assert record["responseSummary"]["numTotalResults"] == len(CHR1_TO_400)


def test_counting_questions_spend_the_callers_budget_and_then_get_429_with_retry_after(
    researcher, panel, settings
):
    settings.KIBAN_DISCLOSURE_QUERY_BUDGET = 3
    settings.KIBAN_DISCLOSURE_WINDOW_SECONDS = 3600

    _count_summary(researcher, referenceName="1", start=99)
    _count_summary(researcher, referenceName="1", start=199)
    # Asking a counted question again costs nothing, through GET or POST.
    _count_summary(researcher, referenceName="1", start=99)
    again_by_post = post_g_variants(
        researcher,
        {
            "meta": {"apiVersion": "v2.0"},
            "query": {
                "requestParameters": {"referenceName": "1", "start": [199]},
                "requestedGranularity": "count",
            },
        },
    )
    assert_beacon_answer(again_by_post, "count")
    # Records and yes/no answers are questions too (issue 10): the third one, asked at any granularity.
    assert_beacon_answer(g_variants(researcher, "record", referenceName="1", start=299), "record")
    assert_beacon_answer(g_variants(researcher, "boolean", referenceName="1", start=299), "boolean")

    refused = g_variants(researcher, "boolean", referenceName="1", start=349)
    body = assert_beacon_error(refused, 429, "You have asked 3 different counting questions within 1 hour")
    assert "Ask again in " in body["error"]["errorMessage"]
    assert 3500 < int(refused["Retry-After"]) <= 3600
    # Another caller has a budget of their own.
    _count_summary(client_for(Role.HUB_STAFF), referenceName="1", start=349)


def test_the_input_layers_refusal_is_a_beacon_error(client, db):
    # A NUL in a parameter is refused before the Beacon reads it; the answer is still Beacon's format
    response = client.get("/api/beacon/g_variants?referenceName=1&start=1&datasetIds=a%00b")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["errorCode"] == 400
    assert "NUL" in body["error"]["errorMessage"]
    assert body["meta"]["beaconId"] == "jp.kiban.beacon"
    assert client.get("/api/beacon/no-such-endpoint").json()["error"]["errorCode"] == 404
