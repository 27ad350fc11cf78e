"""Aggregate association: allele counts of cases and controls from the panel's carriers, odds ratio and
Fisher's exact p (checked against values computed independently), masking, the page."""

import math

import pytest
from django.test import override_settings
from django.urls import reverse

from kiban.biobank.association import association_run, fisher_exact, odds_ratio
from kiban.biobank.criteria import CriteriaError
from kiban.core.choices import Role
from kiban.core.testing import client_for, page_text, table_rows, user_with_role


@pytest.mark.parametrize(
    ("table", "p"),
    [
        # R: fisher.test(matrix(c(a, c, b, d), 2))$p.value
        ((1, 9, 11, 3), 0.002759),
        ((3, 1, 1, 3), 0.4857),
        ((0, 10, 10, 0), 1.083e-05),
    ],
)
def test_fisher_exact_matches_known_values(table, p):
    assert math.isclose(fisher_exact(*table), p, rel_tol=2e-3)


def _exact(a: int, b: int, c: int, d: int) -> float:
    """The same test by exact integer arithmetic: every table with these margins, as fractions."""
    from fractions import Fraction
    from math import comb

    row1, col1, total = a + b, a + c, a + b + c + d
    probability = {
        x: Fraction(comb(row1, x) * comb(total - row1, col1 - x), comb(total, col1))
        for x in range(max(0, col1 - (total - row1)), min(row1, col1) + 1)
    }
    return float(sum(p for p in probability.values() if p <= probability[a]))


@pytest.mark.parametrize("table", [(12, 50, 10, 20), (0, 62, 0, 30), (40, 2, 3, 41), (5, 5, 5, 5)])
def test_fisher_exact_equals_exact_arithmetic(table):
    assert math.isclose(fisher_exact(*table), _exact(*table), rel_tol=1e-9)


def test_odds_ratio():
    assert odds_ratio(12, 50, 10, 20) == pytest.approx(0.48)
    assert odds_ratio(1, 0, 2, 3) is None


@override_settings(KIBAN_DISCLOSURE_NOISE_SCALE=0)
def test_cases_against_controls_at_a_variant(panel):
    user = user_with_role(Role.RESEARCHER)
    result = association_run(
        dataset=panel,
        region="1:1-5000",
        cases={"disease": "J45"},
        controls={"disease": "E11"},
        user=user,
        address=None,
    )
    # Cases: P001–P030 and P046 (31 linked); carriers among them S001–S012 (12 het).
    # Controls: P031–P045 (15); carriers S031–S040 (10 het).
    assert (str(result.cases), str(result.controls)) == ("31", "15")
    first, second = result.rows
    assert (first.variant_id, first.case_alt, first.case_ref, first.control_alt, first.control_ref) == (
        "1-1000-A-G",
        12,
        50,
        10,
        20,
    )
    assert first.odds_ratio == pytest.approx(0.48) and math.isclose(first.p_value, _exact(12, 50, 10, 20))
    # No carrier at 1-2000-C-T: its cells are 0, 62, 0, 30 (zero is no small cell), but no odds ratio.
    assert (second.case_alt, second.odds_ratio) == (0, None)
    dots = result.chart().lines[0].dots
    assert [dot.tooltip for dot in dots] == ["−log10 p, 1,000: 0.72", "−log10 p, 2,000: 0.00"]


def test_bad_input_is_refused(panel):
    user = user_with_role(Role.RESEARCHER)
    for region in ("1-5000", "1:5000-1", "1:1-2000000"):
        with pytest.raises(CriteriaError):
            association_run(
                dataset=panel,
                region=region,
                cases={"sex": "female"},
                controls={"sex": "male"},
                user=user,
                address=None,
            )
    with pytest.raises(CriteriaError, match="no genome dataset"):
        association_run(
            dataset="nope",
            region="1:1-10",
            cases={"sex": "female"},
            controls={"sex": "male"},
            user=user,
            address=None,
        )


@override_settings(KIBAN_DISCLOSURE_NOISE_SCALE=0)
@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_association_page_shows_the_region(panel, language):
    client = client_for(Role.RESEARCHER)
    client.cookies["django_language"] = language
    url = reverse("biobank:association") + f"?dataset={panel}&region=1:1-5000&case_disease=J45"
    page = client.get(url)
    assert page.status_code == 200, page_text(page)
    rows = table_rows(page, "variants")[1:]
    # Controls by default: linked participants without J45: P031–P045.
    assert rows[0][:5] == ["1-1000-A-G", "12", "50", "10", "20"]
    assert 'id="association-chart"' in page.content.decode()
    bad = client.get(reverse("biobank:association") + f"?dataset={panel}&region=x")
    assert bad.status_code == 400


@override_settings(KIBAN_DISCLOSURE_NOISE_SCALE=0)
def test_the_association_api(panel):
    client = client_for(Role.RESEARCHER)
    body = {
        "dataset": panel,
        "region": "1:1-5000",
        "cases": {"disease": "J45"},
        "controls": {"disease": "E11"},
    }
    answer = client.post("/api/biobank/association", body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    first = answer.json()["variants"][0]
    assert (first["case_alt"], first["control_alt"], answer.json()["cases"]["shown"]) == (12, 10, "31")
    body["region"] = "1:9-1"
    assert client.post("/api/biobank/association", body, content_type="application/json").status_code == 400
    assert (
        client_for(Role.AUDITOR)
        .post("/api/biobank/association", body, content_type="application/json")
        .status_code
        == 403
    )
