"""The reference panel API: datasets, a variant's counts and strata, rsIDs, region and gene pages with
totals, readable errors in the platform's format, who may call it and its constant queries."""

import itertools

import pytest

from kiban.core.choices import Role
from kiban.core.testing import (
    SIGNED_IN,
    Access,
    assert_constant_queries,
    assert_permission_matrix,
    client_for,
)

from .small_panel import (
    DATASET,
    GENE_SERIES,
    SERIES_COUNT,
    SERIES_START,
    SERIES_STEP,
    ingest_small_panel,
    series_ac,
    series_af,
    series_filter,
    series_id,
)

BASE = f"/api/genome/datasets/{DATASET}"
SERIES_REGION = {"chrom": "2", "start": SERIES_START, "end": SERIES_START + SERIES_STEP * (SERIES_COUNT - 1)}


@pytest.fixture
def caller(db):
    """A biobank curator, who sees the exact counts (genome.view_exact_counts); every other signed-in user
    sees them through disclosure control (the *_masked_* tests)."""
    return client_for(Role.BIOBANK_CURATOR)


def _counts(ac, an, af, hom, het, hemi) -> dict:
    return {"ac": ac, "an": an, "af": af, "hom": hom, "het": het, "hemi": hemi}


def test_datasets_lists_each_dataset_manifest(caller, small_panel):
    # given the small panel
    # when the datasets are listed, and the one dataset asked for
    listed = caller.get("/api/genome/datasets")
    one = caller.get(BASE)

    # then each gives id, version, assembly, sample and variant counts, and the strata with their groups
    assert listed.status_code == 200
    expected = {
        "dataset_id": DATASET,
        "version": small_panel.version,
        "assembly": "GRCh38",
        "sample_count": 6,
        "variant_count": 125,
        "strata": {"sex": ["XX", "XY"], "cohort": ["A", "B"], "centre": ["iwate", "tohoku"]},
        "source_name": small_panel.source_name,
        "source_sha256": small_panel.source_sha256,
        "created_at": small_panel.created_at,
    }
    assert listed.json()["items"] == [expected]
    assert one.json() == expected


def test_datasets_is_empty_without_datasets(caller):
    response = caller.get("/api/genome/datasets")
    assert response.status_code == 200
    assert response.json() == {"count": 0, "limit": 100, "offset": 0, "items": []}


def test_variant_gives_the_counts_overall_and_per_stratum(caller, small_panel):
    # given 1-12345-A-G: S1 0/1, S2 1/1, S3 0/0, S4 0/1, S5 not called, S6 (sex unknown) 0/1
    # when it is asked for, with a chr prefix
    response = caller.get(f"{BASE}/variants/chr1-12345-A-G")

    # then the counts are exact, overall and for every group of every stratum
    assert response.status_code == 200
    assert response.json() == {
        "variant_id": "1-12345-A-G",
        "chrom": "1",
        "pos": 12345,
        "ref": "A",
        "alt": "G",
        "rsid": "rs123",
        "qual": 50.0,
        "filters": ["PASS"],
        "counts": _counts(5, 10, 0.5, 1, 3, 0),
        "strata": {
            "sex": {"XX": _counts(3, 4, 0.75, 1, 1, 0), "XY": _counts(1, 4, 0.25, 0, 1, 0)},
            "cohort": {"A": _counts(3, 6, 0.5, 1, 1, 0), "B": _counts(2, 4, 0.5, 0, 2, 0)},
            "centre": {"iwate": _counts(4, 6, 4 / 6, 1, 2, 0), "tohoku": _counts(1, 4, 0.25, 0, 1, 0)},
        },
    }


def test_variant_on_chrx_counts_xy_carriers_as_hemizygous(caller, small_panel):
    body = caller.get(f"{BASE}/variants/X-5000000-C-T").json()
    assert body["counts"] == _counts(5, 8, 0.625, 1, 1, 2)
    assert body["strata"]["sex"] == {"XX": _counts(3, 6, 0.5, 1, 1, 0), "XY": _counts(2, 2, 1.0, 0, 0, 2)}


def test_a_filtered_variant_keeps_its_filter_and_quality(caller, small_panel):
    body = caller.get(f"{BASE}/variants/1-40000-G-A").json()
    assert (body["filters"], body["qual"], body["rsid"]) == (["LowQual"], 12.5, None)


def test_rsid_lists_one_variant_per_alternate_allele(caller, small_panel):
    # given rs200 on the site 1-20000 A>C,T
    # when it is asked for
    response = caller.get(f"{BASE}/rsids/rs200")

    # then both split variants come back, each counting the other allele as reference
    assert response.status_code == 200
    body = response.json()
    assert (body["dataset_id"], body["rsid"]) == (DATASET, "rs200")
    assert [(v["variant_id"], v["counts"]["ac"], v["counts"]["an"]) for v in body["variants"]] == [
        ("1-20000-A-C", 4, 12),
        ("1-20000-A-T", 4, 12),
    ]


def test_region_pages_with_the_total_of_every_match(caller, small_panel):
    # given 120 variants on chr2
    # when the region is read 50 at a time
    pages = [
        caller.get(f"{BASE}/region", {**SERIES_REGION, "offset": o, "limit": 50}).json() for o in (0, 50, 100)
    ]

    # then every page carries the total, and together they hold every variant in position order
    assert [(p["count"], p["offset"], p["limit"], len(p["items"])) for p in pages] == [
        (120, 0, 50, 50),
        (120, 50, 50, 50),
        (120, 100, 50, 20),
    ]
    assert [v["variant_id"] for p in pages for v in p["items"]] == [series_id(i) for i in range(SERIES_COUNT)]
    assert (pages[0]["chrom"], pages[0]["start"], pages[0]["end"]) == ("2", SERIES_START, 1_119_000)
    assert pages[0]["items"][9]["counts"]["ac"] == series_ac(9)


def test_region_takes_chr_names_and_reads_up_to_1000_rows(caller, small_panel):
    response = caller.get(f"{BASE}/region", {**SERIES_REGION, "chrom": "chr2", "limit": 1000})
    assert response.status_code == 200
    body = response.json()
    assert (body["chrom"], body["count"], len(body["items"])) == ("2", 120, 120)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"min_af": 0.3}, lambda i: series_af(i) >= 0.3),
        ({"max_af": 0.2}, lambda i: series_af(i) <= 0.2),
        ({"pass_only": True}, lambda i: series_filter(i) == "PASS"),
        ({"min_af": 0.25, "max_af": 0.25, "pass_only": True}, lambda i: series_ac(i) == 3 and i % 10 != 9),
    ],
)
def test_region_filters_count_every_match(caller, small_panel, filters, expected):
    matching = [series_id(i) for i in range(SERIES_COUNT) if expected(i)]
    body = caller.get(f"{BASE}/region", {**SERIES_REGION, **filters, "limit": 1000}).json()
    assert body["count"] == len(matching)
    assert [v["variant_id"] for v in body["items"]] == matching


def test_gene_pages_through_the_variants_inside_the_gene(caller, small_panel):
    # given GENE1 over chr2 variants 10 to 30
    # when it is read 10 at a time from the 11th
    response = caller.get(f"{BASE}/genes/GENE1", {"offset": 10, "limit": 10})

    # then the total is 21 and the page holds the 11th to 20th
    assert response.status_code == 200
    body = response.json()
    assert (body["symbol"], body["count"], body["offset"]) == ("GENE1", 21, 10)
    assert [v["variant_id"] for v in body["items"]] == [series_id(i) for i in GENE_SERIES][10:20]


def test_no_endpoint_returns_sample_ids(caller, small_panel):
    urls = [
        "/api/genome/datasets",
        f"{BASE}/variants/1-12345-A-G",
        f"{BASE}/rsids/rs200",
        f"{BASE}/region?chrom=2&start=1&end=2000000&limit=1000",
        f"{BASE}/genes/GENE1",
    ]
    for url in urls:
        response = caller.get(url)
        assert response.status_code == 200, url
        assert b"KBN-S" not in response.content, url


@pytest.mark.parametrize(
    ("url", "status", "detail", "code"),
    [
        ("/api/genome/datasets/nope", 404, "There is no dataset “nope”.", "dataset_not_found"),
        (
            "/api/genome/datasets/nope/variants/1-1-A-G",
            404,
            "There is no dataset “nope”.",
            "dataset_not_found",
        ),
        (
            f"{BASE}/variants/1-99999-A-G",
            404,
            f"Variant 1-99999-A-G is not in dataset {DATASET}.",
            "variant_not_found",
        ),
        (
            f"{BASE}/variants/rs123",
            400,
            "“rs123” is not a variant id: write chromosome-position-reference-alternate, "
            "for example 1-12345-A-G.",
            "invalid_variant_id",
        ),
        (
            f"{BASE}/rsids/rs999999",
            404,
            f"No variant in dataset {DATASET} has rsID rs999999.",
            "rsid_not_found",
        ),
        (
            f"{BASE}/rsids/abc",
            400,
            "“abc” is not an rsID: write rs and its number, for example rs123.",
            "invalid_rsid",
        ),
        (f"{BASE}/genes/NOSUCHGENE", 404, "No gene NOSUCHGENE in the GRCh38 annotation.", "gene_not_found"),
        (
            f"{BASE}/region?chrom=2&start=200&end=100",
            400,
            "The end (100) is before the start (200).",
            "end_before_start",
        ),
        (
            f"{BASE}/region?chrom=99&start=1&end=100",
            400,
            "Unknown chromosome “99”: use 1–22, X, Y or MT, with or without “chr”.",
            "unknown_chromosome",
        ),
        (
            f"{BASE}/region?chrom=2&start=0&end=100",
            400,
            "Positions run from 1 to 1,000,000,000; 0 is outside.",
            "position_out_of_range",
        ),
        (
            f"{BASE}/region?chrom=2&start=1&end=100&min_af=1.5",
            400,
            "Allele frequencies lie between 0 and 1; 1.5 is outside.",
            "af_out_of_range",
        ),
        (
            f"{BASE}/region?chrom=2&start=1&end=100&min_af=0.5&max_af=0.1",
            400,
            "The minimum allele frequency (0.5) is above the maximum (0.1).",
            "af_range_empty",
        ),
        (
            f"{BASE}/region?chrom=2&start=1&end=100&limit=1001",
            422,
            "limit runs from 1 to 1000.",
            "invalid_limit",
        ),
        (
            f"{BASE}/region?chrom=2&start=1&end=100&limit=0",
            422,
            "limit runs from 1 to 1000.",
            "invalid_limit",
        ),
        (
            f"{BASE}/region?chrom=2&start=1&end=100&offset=-1",
            422,
            "offset runs from 0 to 1,000,000,000.",
            "invalid_offset",
        ),
        (
            f"{BASE}/genes/GENE1?max_af=-1",
            400,
            "Allele frequencies lie between 0 and 1; -1.0 is outside.",
            "af_out_of_range",
        ),
    ],
)
def test_bad_requests_get_a_readable_error_and_code(caller, small_panel, url, status, detail, code):
    # given the small panel
    # when a request names something unknown or cannot be read
    response = caller.get(url)

    # then the answer has the right status, a message a person can act on and a stable code
    assert response.status_code == status
    assert response.json() == {"detail": detail, "code": code}


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        (
            "chrom=2&start=abc&end=9",
            "start: Input should be a valid integer, unable to parse string as an integer",
        ),
        ("chrom=2&start=1", "end: Field required"),
        (
            "chrom=2&start=1&end=9&min_af=x",
            "min_af: Input should be a valid number, unable to parse string as a number",
        ),
        (
            "chrom=2&start=1&end=9&pass_only=x",
            "pass_only: Input should be a valid boolean, unable to interpret input",
        ),
    ],
)
def test_values_of_the_wrong_type_are_invalid_input(caller, small_panel, query, detail):
    # given the small panel
    # when a parameter is missing or not of its type
    response = caller.get(f"{BASE}/region?{query}")

    # then the platform's validation answer names the parameter
    assert response.status_code == 422
    assert response.json() == {"detail": detail, "code": "invalid_input"}


@pytest.mark.parametrize(
    ("query", "status", "detail", "code"),
    [
        ("min_af=nan", 400, "Allele frequencies lie between 0 and 1; nan is outside.", "af_out_of_range"),
        (
            "start=99999999999999999999999",
            400,
            "Positions run from 1 to 1,000,000,000; 99,999,999,999,999,999,999,999 is outside.",
            "position_out_of_range",
        ),
        ("offset=99999999999999999999999", 422, "offset runs from 0 to 1,000,000,000.", "invalid_offset"),
    ],
)
def test_numbers_out_of_every_range_are_refused_before_the_engine(
    caller, small_panel, query, status, detail, code
):
    response = caller.get(f"{BASE}/region?chrom=2&start=1&end=100&{query}")
    assert response.status_code == status
    assert response.json() == {"detail": detail, "code": code}


def test_every_endpoint_is_open_to_every_signed_in_user_and_no_one_else(db, small_panel):
    # given the small panel
    # when every role calls every endpoint
    # then anyone signed in may; anonymous callers get 401
    assert_permission_matrix(
        [
            Access("GET", "/api/genome/datasets", SIGNED_IN, api=True),
            Access("GET", BASE, SIGNED_IN, api=True),
            Access("GET", f"{BASE}/variants/1-12345-A-G", SIGNED_IN, api=True),
            Access("GET", f"{BASE}/rsids/rs123", SIGNED_IN, api=True),
            Access("GET", f"{BASE}/region?chrom=2&start=1&end=2000000", SIGNED_IN, api=True),
            Access("GET", f"{BASE}/genes/GENE1", SIGNED_IN, api=True),
        ]
    )


def test_anonymous_callers_are_told_to_sign_in(client, small_panel):
    response = client.get(f"{BASE}/variants/1-12345-A-G")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_dataset_list_queries_do_not_grow_with_datasets(caller, settings, tmp_path):
    numbers = itertools.count(1)

    def add(count: int) -> None:
        for _ in range(count):
            ingest_small_panel(
                tmp_path / "input",
                settings.KIBAN_GENOME_ROOT,
                dataset_id=f"extra-{next(numbers)}",
                series_count=2,
            )

    assert_constant_queries(caller, "/api/genome/datasets", add)


def test_region_queries_do_not_grow_with_variants(caller, settings, tmp_path):
    sizes = itertools.count(5, 5)

    def add(count: int) -> None:
        ingest_small_panel(tmp_path / "input", settings.KIBAN_GENOME_ROOT, series_count=next(sizes))

    assert_constant_queries(caller, f"{BASE}/region?chrom=2&start=1&end=2000000&limit=1000", add)


def test_the_api_documents_every_genome_endpoint(caller):
    # given the platform's OpenAPI document
    paths = caller.get("/api/openapi.json").json()["paths"]

    # then it lists the six reference panel lookups, the region's filters among the parameters
    assert sorted(p for p in paths if p.startswith("/api/genome/")) == [
        "/api/genome/datasets",
        "/api/genome/datasets/{dataset_id}",
        "/api/genome/datasets/{dataset_id}/genes/{symbol}",
        "/api/genome/datasets/{dataset_id}/region",
        "/api/genome/datasets/{dataset_id}/rsids/{rsid}",
        "/api/genome/datasets/{dataset_id}/variants/{variant_id}",
    ]
    region = paths["/api/genome/datasets/{dataset_id}/region"]["get"]
    assert [p["name"] for p in region["parameters"]] == [
        "dataset_id", "chrom", "start", "end", "min_af", "max_af", "pass_only", "limit", "offset",
    ]  # fmt: skip
