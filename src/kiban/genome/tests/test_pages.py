"""The reference panel pages: datasets, search, a variant's counts and strata, region and gene tables,
downloads, the frequency spectrum, readable errors, who may open them and their constant queries."""

import io
import itertools
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import pytest

from kiban.core.choices import Role
from kiban.core.testing import (
    SIGNED_IN,
    Access,
    assert_constant_queries,
    assert_permission_matrix,
    client_for,
    downloaded,
    page_text,
    table_rows,
    text_of,
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

BASE = f"/genome/{DATASET}"
SERIES_REGION = f"chrom=2&start={SERIES_START}&end={SERIES_START + SERIES_STEP * (SERIES_COUNT - 1)}"


@pytest.fixture
def reader(db):
    """A biobank curator, who sees the exact counts (genome.view_exact_counts); every other signed-in user
    sees them through disclosure control (the *_masked_* tests)."""
    return client_for(Role.BIOBANK_CURATOR)


def _error(response) -> str:
    return re.search(r'id="error-message">(.*?)</span>', response.content.decode(), flags=re.S).group(1)


def _form_errors(response) -> list[str]:
    block = re.search(r'<ul class="messages" id="form-errors">(.*?)</ul>', response.content.decode(), re.S)
    assert block, "the page shows no form errors"
    return [text_of(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", block.group(1), flags=re.S)]


def _variant_ids(response) -> list[str]:
    return [row[0] for row in table_rows(response, "variants")[1:]]


# --- datasets and search ---------------------------------------------------------------------------------


def test_dataset_list_shows_each_dataset_with_its_counts_and_strata(reader, small_panel):
    # given the small panel: 6 samples, 4 records on chr1/chrX (one split in two) and 120 on chr2
    # when the list opens
    response = reader.get("/genome/")

    # then its row gives the id, version, assembly, samples, variants, strata and a search box
    assert response.status_code == 200
    header, row = table_rows(response, "datasets")
    assert header[:7] == ["Dataset", "Version", "Assembly", "Samples", "Variants", "Strata", "Created"]
    assert row[:6] == [
        DATASET,
        small_panel.version,
        "GRCh38",
        "6",
        "125",
        "Sex: XX, XY; Cohort: A, B; centre: iwate, tohoku",
    ]
    created = datetime.fromisoformat(small_panel.created_at).astimezone(ZoneInfo("Asia/Tokyo"))
    assert row[6] == created.strftime("%Y-%m-%d %H:%M JST")
    assert f'action="{BASE}/search/"' in response.content.decode()


def test_dataset_list_without_datasets_says_how_one_is_added(reader):
    # given no ingested dataset
    # when the list opens
    response = reader.get("/genome/")

    # then it says so instead of showing an empty table
    assert response.status_code == 200
    assert "No dataset is ingested yet." in page_text(response)


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ("1-12345-A-G", f"{BASE}/variant/1-12345-A-G/"),
        ("chr1-12345-a-g", f"{BASE}/variant/1-12345-A-G/"),
        ("X:5000000:C:T", f"{BASE}/variant/X-5000000-C-T/"),
        ("rs123", f"{BASE}/rsid/rs123/"),
        ("RS200", f"{BASE}/rsid/rs200/"),
        ("1:100000-200000", f"{BASE}/region/?chrom=1&start=100000&end=200000"),
        ("chrX:1,000,000-2,000,000", f"{BASE}/region/?chrom=X&start=1000000&end=2000000"),
        ("GENE1", f"{BASE}/gene/GENE1/"),
    ],
)
def test_search_sends_each_kind_of_query_to_its_page(reader, small_panel, query, location):
    # given the small panel
    # when a variant id, rsID, region or gene symbol is searched
    response = reader.get(f"{BASE}/search/", {"q": query})

    # then the browser is sent to its page
    assert response.status_code == 302
    assert response["Location"] == location


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("what is this?", "“what is this?” is not something the panel can look up."),
        ("", "The search box is empty."),
        ("chr1", "“chr1” is not something the panel can look up."),
    ],
)
def test_search_for_something_unreadable_explains_the_accepted_forms(reader, small_panel, query, problem):
    # given the small panel
    # when something that is neither a variant, an rsID, a region nor a gene is searched
    response = reader.get(f"{BASE}/search/", {"q": query})

    # then a 400 page names the problem and every accepted form
    assert response.status_code == 400
    assert _error(response) == (
        f"{problem} Search for a variant id (1-12345-A-G or chr1-12345-A-G), an rsID (rs123), "
        "a region (1:100000-200000 or chrX:100000-200000) or a gene symbol (BRCA2)."
    )


def test_search_for_a_region_on_an_unknown_chromosome_is_refused(reader, small_panel):
    response = reader.get(f"{BASE}/search/", {"q": "chr99:1-100"})
    assert response.status_code == 400
    assert _error(response) == "Unknown chromosome “99”: use 1–22, X, Y or MT, with or without “chr”."


# --- the variant page ------------------------------------------------------------------------------------


def _facts(response) -> dict[str, str]:
    block = re.search(r'<dl class="facts" id="variant-facts">(.*?)</dl>', response.content.decode(), re.S)
    terms = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block.group(1), flags=re.S)
    return {text_of(term): text_of(value) for term, value in terms}


def test_variant_page_shows_the_counts_of_all_samples(reader, small_panel):
    # given 1-12345-A-G: S1 0/1, S2 1/1, S3 0/0, S4 0/1, S5 not called, S6 0/1
    # when its page opens
    response = reader.get(f"{BASE}/variant/1-12345-A-G/")

    # then it reads AC 5 of AN 10, AF 0.5, one homozygote, three heterozygotes, FILTER, QUAL and rsID
    assert response.status_code == 200
    assert _facts(response) == {
        "Position": "1:12345",
        "Reference allele": "A",
        "Alternate allele": "G",
        "rsID": "rs123",
        "FILTER": "PASS",
        "QUAL": "50",
        "Allele count (AC)": "5",
        "Allele number (AN)": "10",
        "Allele frequency (AF)": "0.5",
        "Homozygous": "1",
        "Heterozygous": "3",
        "Hemizygous": "0",
    }


def test_variant_page_shows_every_stratum_with_its_counts_and_bar(reader, small_panel):
    # given 1-12345-A-G and the sample sheet's sex, cohort and centre columns
    # when its page opens
    response = reader.get(f"{BASE}/variant/1-12345-A-G/")

    # then all samples come first, then each group; S6 (sex unknown) counts in all samples only
    header, *rows = table_rows(response, "strata")
    assert header == ["Stratum", "Group", "AC", "AN", "AF", "Hom", "Het", "Hemi", "Allele frequency"]
    assert rows == [
        ["All samples", "5", "10", "0.5", "1", "3", "0", ""],
        ["Sex", "XX", "3", "4", "0.75", "1", "1", "0", ""],
        ["Sex", "XY", "1", "4", "0.25", "0", "1", "0", ""],
        ["Cohort", "A", "3", "6", "0.5", "1", "1", "0", ""],
        ["Cohort", "B", "2", "4", "0.5", "0", "2", "0", ""],
        ["centre", "iwate", "4", "6", "0.6667", "1", "2", "0", ""],
        ["centre", "tohoku", "1", "4", "0.25", "0", "1", "0", ""],
    ]
    # and each bar's length follows its frequency, the highest (XX, 0.75) drawn full length
    widths = re.findall(
        r'<svg class="af-bar".*?<rect width="(\d+)" height="12" fill="#0b5cab"/>',
        response.content.decode(),
        flags=re.S,
    )
    assert [int(w) for w in widths] == [107, 160, 53, 107, 107, 142, 53]


def test_variant_page_counts_hemizygous_calls_on_chrx(reader, small_panel):
    # given X-5000000-C-T outside the PARs: XX S1 0/1, S2 0/0, S5 1/1; XY S3 "1" and S4 "1/1"; S6 not called
    # when its page opens
    response = reader.get(f"{BASE}/variant/X-5000000-C-T/")

    # then each XY carrier adds one allele, as a hemizygous call: AC 5 of AN 8
    facts = _facts(response)
    assert [facts[k] for k in ("Allele count (AC)", "Allele number (AN)", "Allele frequency (AF)")] == [
        "5",
        "8",
        "0.625",
    ]
    assert [facts[k] for k in ("Homozygous", "Heterozygous", "Hemizygous")] == ["1", "1", "2"]
    rows = table_rows(response, "strata")[1:]
    assert rows[1:3] == [
        ["Sex", "XX", "3", "6", "0.5", "1", "1", "0", ""],
        ["Sex", "XY", "2", "2", "1", "0", "0", "2", ""],
    ]


def test_variant_page_of_a_filtered_variant_without_rsid(reader, small_panel):
    facts = _facts(reader.get(f"{BASE}/variant/1-40000-G-A/"))
    assert (facts["FILTER"], facts["QUAL"], facts["rsID"]) == ("LowQual", "12.5", "—")
    assert (facts["Allele count (AC)"], facts["Allele number (AN)"]) == ("1", "12")


def test_a_multiallelic_site_is_one_variant_per_alternate_allele(reader, small_panel):
    # given 1-20000 A>C,T: S1 1/2, S2 0/2, S3 1/1, S4 0/0, S5 0/1, S6 2/2
    # when each split variant's page opens
    c = _facts(reader.get(f"{BASE}/variant/1-20000-A-C/"))
    t = _facts(reader.get(f"{BASE}/variant/1-20000-A-T/"))

    # then the other alternate allele counts as reference in each
    keys = ("Allele count (AC)", "Allele number (AN)", "Allele frequency (AF)", "Homozygous", "Heterozygous")
    assert [c[k] for k in keys] == ["4", "12", "0.3333", "1", "2"]
    assert [t[k] for k in keys] == ["4", "12", "0.3333", "1", "2"]


def test_an_rsid_of_two_alleles_lists_both_and_of_one_goes_to_it(reader, small_panel):
    # given rs200 on both alleles of 1-20000 and rs123 on one variant
    # when each rsID's page opens
    several = reader.get(f"{BASE}/rsid/rs200/")
    one = reader.get(f"{BASE}/rsid/rs123/")

    # then rs200 lists its two variants with links, and rs123 goes straight to its variant
    assert several.status_code == 200
    assert _variant_ids(several) == ["1-20000-A-C", "1-20000-A-T"]
    assert f'href="{BASE}/variant/1-20000-A-T/"' in several.content.decode()
    assert one.status_code == 302
    assert one["Location"] == f"{BASE}/variant/1-12345-A-G/"


def test_a_variant_id_with_chr_goes_to_the_canonical_page(reader, small_panel):
    response = reader.get(f"{BASE}/variant/chr1-12345-a-g/")
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/variant/1-12345-A-G/"


def test_no_page_shows_sample_ids(reader, small_panel):
    # given sample ids KBN-S1..KBN-S6 in the VCF and the sheet
    # when every kind of page is opened
    urls = [
        "/genome/",
        f"{BASE}/",
        f"{BASE}/variant/1-12345-A-G/",
        f"{BASE}/variant/X-5000000-C-T/",
        f"{BASE}/rsid/rs200/",
        f"{BASE}/region/?{SERIES_REGION}",
        f"{BASE}/gene/GENE1/",
        f"{BASE}/region/?{SERIES_REGION}&download=tsv",
    ]

    # then none of them names a sample
    for url in urls:
        response = reader.get(url)
        assert response.status_code == 200, url
        assert b"KBN-S" not in downloaded(response), url


# --- region and gene tables ------------------------------------------------------------------------------


def test_region_table_pages_through_every_variant_with_the_total(reader, small_panel):
    # given 120 variants on chr2
    # when the region's first and last pages open
    first = reader.get(f"{BASE}/region/?{SERIES_REGION}")
    last = reader.get(f"{BASE}/region/?{SERIES_REGION}&page=3")

    # then each says which rows of the 120 it shows, in position order, linking to the variants
    assert first.status_code == 200
    assert "Variants 1–50 of 120" in page_text(first)
    assert "Page 1 of 3" in page_text(first)
    assert _variant_ids(first) == [series_id(i) for i in range(50)]
    assert f'href="{BASE}/variant/{series_id(0)}/"' in first.content.decode()
    assert "Variants 101–120 of 120" in page_text(last)
    assert _variant_ids(last) == [series_id(i) for i in range(100, 120)]
    assert 'rel="next"' in first.content.decode() and 'rel="next"' not in last.content.decode()


def test_region_table_row_shows_the_counts(reader, small_panel):
    response = reader.get(f"{BASE}/region/?chrom=chr1&start=12345&end=12345")
    assert table_rows(response, "variants")[1] == [
        "1-12345-A-G",
        "rs123",
        "PASS",
        "5",
        "10",
        "0.5",
        "1",
        "3",
        "0",
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ("min_af=0.3", lambda i: series_af(i) >= 0.3),
        ("max_af=0.2", lambda i: series_af(i) <= 0.2),
        ("min_af=0.25&max_af=0.25", lambda i: series_ac(i) == 3),
        ("pass_only=on", lambda i: series_filter(i) == "PASS"),
        ("min_af=0.3&pass_only=on", lambda i: series_af(i) >= 0.3 and series_filter(i) == "PASS"),
    ],
)
def test_region_filters_count_every_match(reader, small_panel, filters, expected):
    # given the 120 chr2 variants with known frequencies and filters
    matching = [series_id(i) for i in range(SERIES_COUNT) if expected(i)]

    # when the region is filtered
    response = reader.get(f"{BASE}/region/?{SERIES_REGION}&{filters}")

    # then the total counts every match and the page lists the first of them
    assert response.status_code == 200
    assert f"of {len(matching)}" in page_text(response)
    assert _variant_ids(response) == matching[:50]


def test_region_without_matches_says_so(reader, small_panel):
    response = reader.get(f"{BASE}/region/?chrom=5&start=1&end=1000")
    assert response.status_code == 200
    assert "No variant matches." in page_text(response)


def test_region_page_without_a_query_shows_the_form(reader, small_panel):
    response = reader.get(f"{BASE}/region/")
    assert response.status_code == 200
    assert 'id="filters"' in response.content.decode()
    assert 'id="form-errors"' not in response.content.decode()


def test_gene_table_lists_the_variants_inside_the_gene(reader, small_panel):
    # given GENE1 over chr2 variants 10 to 30
    # when its page opens, without and with a filter
    response = reader.get(f"{BASE}/gene/GENE1/")
    filtered = reader.get(f"{BASE}/gene/GENE1/?pass_only=on")

    # then it lists those 21, and the filter leaves out the two LowQual ones (19 and 29)
    assert response.status_code == 200
    assert "Variants 1–21 of 21" in page_text(response)
    assert _variant_ids(response) == [series_id(i) for i in GENE_SERIES]
    assert _variant_ids(filtered) == [series_id(i) for i in GENE_SERIES if series_filter(i) == "PASS"]


# --- downloads -------------------------------------------------------------------------------------------


def test_region_tsv_download_has_every_matching_row(reader, small_panel):
    # given 120 variants in the region, more than a page
    # when the TSV is downloaded (from page 2: the download ignores the page)
    response = reader.get(f"{BASE}/region/?{SERIES_REGION}&page=2&download=tsv")

    # then it streams all 120 rows after a header, with counts for all samples and each stratum
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    assert f"{DATASET}-{small_panel.version}-2-" in response["Content-Disposition"]
    header, *rows = [line.split("\t") for line in downloaded(response).decode().splitlines()]
    assert header[:14] == [
        "variant_id", "chrom", "pos", "ref", "alt", "rsid", "filter", "qual",
        "ac", "an", "af", "hom", "het", "hemi",
    ]  # fmt: skip
    assert "ac_sex_XX" in header and "af_cohort_B" in header and "an_centre_tohoku" in header
    assert [row[0] for row in rows] == [series_id(i) for i in range(SERIES_COUNT)]
    row = dict(zip(header, rows[9], strict=True))
    assert (row["filter"], row["rsid"], row["ac"], row["an"]) == (
        "LowQual",
        "rs10009",
        str(series_ac(9)),
        "12",
    )


def test_tsv_download_of_a_filtered_region_keeps_the_filter(reader, small_panel):
    response = reader.get(f"{BASE}/region/?{SERIES_REGION}&pass_only=on&download=tsv")
    rows = downloaded(response).decode().splitlines()[1:]
    assert len(rows) == sum(series_filter(i) == "PASS" for i in range(SERIES_COUNT))


def test_region_parquet_download_has_every_matching_row(reader, small_panel):
    # given 120 variants in the region
    # when the Parquet file is downloaded
    response = reader.get(f"{BASE}/region/?{SERIES_REGION}&download=parquet")

    # then it holds all 120 rows with typed columns
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.parquet"')
    table = pq.read_table(io.BytesIO(downloaded(response)))
    assert table.num_rows == SERIES_COUNT
    assert table.column("variant_id").to_pylist() == [series_id(i) for i in range(SERIES_COUNT)]
    assert table.column("ac").to_pylist() == [series_ac(i) for i in range(SERIES_COUNT)]
    assert table.column("af").to_pylist() == pytest.approx([series_af(i) for i in range(SERIES_COUNT)])
    assert str(table.schema.field("pos").type) == "int64"


def test_x_variant_download_has_hemizygous_counts_per_sex(reader, small_panel):
    response = reader.get(f"{BASE}/region/?chrom=X&start=4000000&end=6000000&download=parquet")
    row = pq.read_table(io.BytesIO(downloaded(response))).to_pylist()[0]
    assert (row["ac"], row["an"], row["hemi"], row["hemi_sex_XY"], row["an_sex_XY"]) == (5, 8, 2, 2, 2)


def test_gene_downloads_have_every_variant_of_the_gene(reader, small_panel):
    tsv = reader.get(f"{BASE}/gene/GENE1/?download=tsv")
    parquet = reader.get(f"{BASE}/gene/GENE1/?download=parquet")
    assert len(downloaded(tsv).decode().splitlines()) == 1 + len(GENE_SERIES)
    assert pq.read_table(io.BytesIO(downloaded(parquet))).num_rows == len(GENE_SERIES)


def test_a_download_over_10_mb_is_refused_with_the_reason(reader, small_panel):
    # given a region of 10,000,001 bases
    # when its TSV is asked for
    response = reader.get(f"{BASE}/region/?chrom=2&start=1&end=10000001&download=tsv")

    # then a 400 page says the limit and what to do instead; the same region still shows as a table
    assert response.status_code == 400
    assert _error(response) == (
        "A download covers at most 10 Mb; 2:1-10000001 spans 10,000,001 bp. "
        "Choose a shorter region, or page through the API."
    )
    assert reader.get(f"{BASE}/region/?chrom=2&start=1&end=10000001").status_code == 200
    assert reader.get(f"{BASE}/region/?chrom=2&start=1&end=10000000&download=tsv").status_code == 200


def test_an_unknown_download_format_is_refused(reader, small_panel):
    response = reader.get(f"{BASE}/region/?{SERIES_REGION}&download=xlsx")
    assert response.status_code == 400
    assert _error(response) == "Downloads come as tsv or parquet, not “xlsx”."


# --- the allele-frequency spectrum -----------------------------------------------------------------------


def test_dataset_page_plots_the_frequency_spectrum_in_log_spaced_bins(reader, small_panel):
    # given the small panel's 125 variants: hand-worked AFs 0.5, 1/3, 1/3, 1/12, 0.625 and the chr2 series
    afs = [0.5, 4 / 12, 4 / 12, 1 / 12, 0.625] + [series_af(i) for i in range(SERIES_COUNT)]
    edges = [0, 0.01, 10**-1.5, 0.1, 10**-0.5, 1]

    # when the dataset page opens
    response = reader.get(f"{BASE}/")

    # then the table under the plot counts each bin (two per tenfold step, from 0.01 for 6 samples)
    assert response.status_code == 200
    rows = table_rows(response, "spectrum")[1:]
    expected = [
        sum(lo <= af < hi or (hi == 1 and af == 1) for af in afs) for lo, hi in itertools.pairwise(edges)
    ]
    assert rows == [
        [lo, hi, str(count)]
        for (lo, hi), count in zip(
            [("0", "0.01"), ("0.01", "0.0316"), ("0.0316", "0.1"), ("0.1", "0.316"), ("0.316", "1")],
            expected,
            strict=True,
        )
    ]
    assert sum(expected) == 125
    # and the SVG draws one bar per bin, the fullest bin at full height
    svg = re.search(r'<svg id="spectrum-chart".*?</svg>', response.content.decode(), flags=re.S).group(0)
    heights = [int(h) for h in re.findall(r'<rect class="bar"[^>]*height="(\d+)"', svg)]
    assert len(heights) == 5
    assert heights[expected.index(max(expected))] == 200


# --- readable errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("chrom=2&start=200&end=100", "The end (100) is before the start (200)."),
        ("chrom=2&start=abc&end=100", "Start: Enter a whole number."),
        ("chrom=2&start=1", "End: This field is required."),
        (
            "chrom=99&start=1&end=100",
            "Chromosome: Unknown chromosome “99”: use 1–22, X, Y or MT, with or without “chr”.",
        ),
        (
            "chrom=chrUn&start=1&end=100",
            "Chromosome: Unknown chromosome “chrUn”: use 1–22, X, Y or MT, with or without “chr”.",
        ),
        ("chrom=2&start=0&end=100", "Start: Ensure this value is greater than or equal to 1."),
        (
            "chrom=2&start=1&end=99999999999999999999",
            "End: Ensure this value is less than or equal to 1000000000.",
        ),
        (f"{SERIES_REGION}&min_af=1.5", "Minimum allele frequency: Allele frequencies lie between 0 and 1."),
        (f"{SERIES_REGION}&max_af=-0.1", "Maximum allele frequency: Allele frequencies lie between 0 and 1."),
        (f"{SERIES_REGION}&min_af=abc", "Minimum allele frequency: Enter a number."),
        (f"{SERIES_REGION}&min_af=nan", "Minimum allele frequency: Enter a number."),
        (
            f"{SERIES_REGION}&min_af=0.5&max_af=0.2",
            "The minimum allele frequency (0.5) is above the maximum (0.2).",
        ),
        (f"{SERIES_REGION}&page=0", "Page: Ensure this value is greater than or equal to 1."),
        (f"{SERIES_REGION}&page=x", "Page: Enter a whole number."),
    ],
)
def test_a_bad_region_query_is_a_400_page_naming_the_problem(reader, small_panel, query, message):
    # given the small panel
    # when the region page gets a query it cannot answer
    response = reader.get(f"{BASE}/region/?{query}")

    # then it answers 400 with the form and the problem, and lists nothing
    assert response.status_code == 400
    assert _form_errors(response) == [message]
    assert 'id="variants"' not in response.content.decode()


def test_a_bad_gene_filter_is_a_400_page(reader, small_panel):
    response = reader.get(f"{BASE}/gene/GENE1/?min_af=2")
    assert response.status_code == 400
    assert _form_errors(response) == ["Minimum allele frequency: Allele frequencies lie between 0 and 1."]


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/genome/no-such-panel/", 404, "There is no dataset “no-such-panel”."),
        ("/genome/no-such-panel/variant/1-12345-A-G/", 404, "There is no dataset “no-such-panel”."),
        ("/genome/no-such-panel/region/?chrom=1&start=1&end=2", 404, "There is no dataset “no-such-panel”."),
        (f"{BASE}/variant/1-99999-A-G/", 404, f"Variant 1-99999-A-G is not in dataset {DATASET}."),
        (
            f"{BASE}/variant/1-abc-A-G/",
            400,
            "“1-abc-A-G” is not a variant id: write chromosome-position-reference-alternate, "
            "for example 1-12345-A-G.",
        ),
        (
            f"{BASE}/variant/99-100-A-G/",
            400,
            "Unknown chromosome “99”: use 1–22, X, Y or MT, with or without “chr”.",
        ),
        (f"{BASE}/rsid/rs999999/", 404, f"No variant in dataset {DATASET} has rsID rs999999."),
        (f"{BASE}/rsid/123/", 400, "“123” is not an rsID: write rs and its number, for example rs123."),
        (f"{BASE}/gene/NOSUCHGENE/", 404, "No gene NOSUCHGENE in the GRCh38 annotation."),
        (f"{BASE}/gene/NOSUCHGENE/?download=tsv", 404, "No gene NOSUCHGENE in the GRCh38 annotation."),
        (f"{BASE}/region/?{SERIES_REGION}&page=4", 404, "Page 4 is past the last page, 3."),
    ],
)
def test_unknown_or_malformed_addresses_are_readable_error_pages(reader, small_panel, url, status, message):
    # given the small panel
    # when an address names something that does not exist or cannot be read
    response = reader.get(url)

    # then the page says what, with the right status, never a server error
    assert response.status_code == status
    assert _error(response) == message


# --- who may open the pages, and their queries -----------------------------------------------------------


def test_every_page_is_open_to_every_signed_in_user_and_no_one_else(db, small_panel):
    # given the small panel
    # when every role opens every page and download
    # then anyone signed in (even without a role) may, and anonymous visitors are sent to sign in
    assert_permission_matrix(
        [
            Access("GET", "/genome/", SIGNED_IN),
            Access("GET", f"{BASE}/", SIGNED_IN),
            Access("GET", f"{BASE}/search/?q=rs123", SIGNED_IN),
            Access("GET", f"{BASE}/variant/1-12345-A-G/", SIGNED_IN),
            Access("GET", f"{BASE}/rsid/rs200/", SIGNED_IN),
            Access("GET", f"{BASE}/region/?{SERIES_REGION}", SIGNED_IN),
            Access("GET", f"{BASE}/region/?{SERIES_REGION}&download=tsv", SIGNED_IN),
            Access("GET", f"{BASE}/region/?{SERIES_REGION}&download=parquet", SIGNED_IN),
            Access("GET", f"{BASE}/gene/GENE1/", SIGNED_IN),
            Access("GET", f"{BASE}/gene/GENE1/?download=tsv", SIGNED_IN),
        ]
    )


def test_dataset_list_queries_do_not_grow_with_datasets(reader, settings, tmp_path):
    # given 5, then 10 more small datasets
    numbers = itertools.count(1)

    def add(count: int) -> None:
        for _ in range(count):
            n = next(numbers)
            ingest_small_panel(
                tmp_path / "input", settings.KIBAN_GENOME_ROOT, dataset_id=f"extra-{n}", series_count=2
            )

    # when the list is opened each time
    # then it runs the same number of queries
    assert_constant_queries(reader, "/genome/", add)


def test_region_table_queries_do_not_grow_with_variants(reader, settings, tmp_path):
    # given the panel ingested again with 5, then 10 more chr2 variants
    sizes = itertools.count(5, 5)

    def add(count: int) -> None:
        ingest_small_panel(tmp_path / "input", settings.KIBAN_GENOME_ROOT, series_count=next(sizes))

    # when the region table (and its download) is opened each time
    # then the number of queries stays the same
    assert_constant_queries(reader, f"{BASE}/region/?chrom=2&start=1&end=2000000", add)
    assert_constant_queries(reader, f"{BASE}/variant/1-12345-A-G/", add)


def test_navigation_and_home_page_lead_to_the_panel(reader, small_panel):
    # given a signed-in user
    # when the home page opens
    response = reader.get("/")

    # then the navigation and a card link to the datasets
    content = response.content.decode()
    assert '<a href="/genome/">Genome reference panel</a>' in content
    assert re.search(r'<nav class="site-nav".*?href="/genome/".*?</nav>', content, flags=re.S)
