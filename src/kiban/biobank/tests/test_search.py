"""The search: criteria read and refused, counts per biobank, collection and material, with the carriers of a
variant from the genome engine, and the disclosure rules."""

import pytest
from django.test import override_settings

from kiban.biobank.criteria import CriteriaError
from kiban.biobank.search import search_run
from kiban.core.choices import Role
from kiban.core.testing import user_with_role

from .small_world import VARIANT

EXACT = {"KIBAN_DISCLOSURE_NOISE_SCALE": 0}
DONE_WHEN = {
    "and": [
        {"disease": "J45"},
        {"sex": "female"},
        {"age": {"min": 40, "max": 60}},
        {"material": "serum"},
    ]
}


@pytest.fixture
def researcher(db):
    return user_with_role(Role.RESEARCHER)


def counts(result):
    return {
        row.biobank.code: (str(row.cell.shown), {c.code: str(cell.shown) for c, cell in row.collections})
        for row in result.biobanks
    }


@override_settings(**EXACT)
def test_done_when_search_counts_per_biobank(world, researcher):
    result = search_run(tree=DONE_WHEN, user=researcher, address=None)
    # TMM: P001–P030 and P046 (31); BBJ: B001–B025 (25; B026–B030 are 70).
    assert counts(result) == {"BBJ": ("25", {"disease": "25"}), "TMM": ("31", {"community": "31"})}
    assert str(result.total.shown) == "56"
    materials = {cell.key: str(cell.shown) for cell in result.materials}
    assert materials["material:serum"] == "56" and materials["material:dna"] == "<10"


@override_settings(**EXACT)
def test_carriers_of_a_variant_come_from_the_panel(panel, researcher):
    tree = {"and": [*DONE_WHEN["and"], {"variant": VARIANT, "dataset": panel}]}
    result = search_run(tree=tree, user=researcher, address=None)
    # Carriers S001–S012 are P001–P012 (all match); S031–S040 are men with E11.9: they do not.
    assert counts(result) == {"BBJ": ("<10", {"disease": "<10"}), "TMM": ("12", {"community": "12"})}
    has_genome = search_run(tree={"genome": panel}, user=researcher, address=None)
    assert counts(has_genome)["TMM"][0] == "46"
    men_carriers = search_run(
        tree={"and": [{"variant": "chr1-1000-a-g", "dataset": panel}, {"sex": "male"}]},
        user=researcher,
        address=None,
    )
    assert counts(men_carriers)["TMM"][0] == "10" and men_carriers.criteria["and"][0]["variant"] == VARIANT


@pytest.fixture
def genes(panel, panel_root, tmp_path):
    """A gene TESTG over both panel variants (1-1000-A-G, AF 22/92; 1-2000-C-T, carried by no one)."""
    from kiban.genome import engine

    bed = tmp_path / "genes.bed"
    bed.write_text("1\t899\t2100\tTESTG\n")
    engine.load_genes(bed, root=panel_root, assembly="GRCh38")
    return panel


@override_settings(**EXACT)
def test_carriers_of_a_genes_variants_up_to_an_allele_frequency(genes, researcher):
    def tmm(gene_criterion):
        tree = {"and": [*DONE_WHEN["and"], gene_criterion]}
        return counts(search_run(tree=tree, user=researcher, address=None))["TMM"][0]

    # At most 30 %: the common variant's carriers, as the variant itself gives; at the default 1 %: nobody.
    assert tmm({"gene": "testg", "dataset": genes, "max_af": 0.3}) == "12"
    assert tmm({"gene": "TESTG", "dataset": genes}) == "<10"
    asked = {"gene": "TESTG", "dataset": genes, "max_af": 0.3}
    assert search_run(tree=asked, user=researcher, address=None).criteria == asked
    with pytest.raises(CriteriaError, match="There is no gene “NOPE” in the annotation of test-panel"):
        search_run(tree={"gene": "nope", "dataset": genes}, user=researcher, address=None)
    with pytest.raises(CriteriaError, match="between 0 and 1"):
        search_run(tree={"gene": "TESTG", "dataset": genes, "max_af": 2}, user=researcher, address=None)
    with pytest.raises(CriteriaError, match="Unknown criterion"):
        search_run(tree={"gene": "TESTG"}, user=researcher, address=None)


@override_settings(**EXACT)
def test_or_and_not_combine(world, researcher):
    either = search_run(tree={"or": [{"disease": "E11"}, {"biobank": "BBJ"}]}, user=researcher, address=None)
    assert str(either.total.shown) == "45"  # 15 + 30
    without = search_run(
        tree={"and": [{"disease": "X"}, {"not": {"collection": "BBJ/disease"}}]},
        user=researcher,
        address=None,
    )
    assert counts(without)["TMM"][0] == "31" and counts(without)["BBJ"][0] == "<10"
    block = search_run(tree={"disease": "J40-J47"}, user=researcher, address=None)
    sub = search_run(tree={"disease": "j459"}, user=researcher, address=None)
    assert str(block.total.shown) == "61" and str(sub.total.shown) == "30"
    data = search_run(tree={"data": "snp_array"}, user=researcher, address=None)
    assert str(data.total.shown) == "15"


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ({"disease": "Q"}, "is not an ICD-10 code"),
        ({"disease": "J99.9"}, "not in the ICD-10 classification"),
        ({"sex": "XX"}, "is not a sex"),
        ({"age": {"min": 60, "max": 40}}, "lowest age is above"),
        ({"age": {"min": -1}}, "whole number from 0 to 130"),
        ({"biobank": "NOPE"}, "no biobank"),
        ({"collection": "TMM"}, "no collection"),
        ({"genome": "nope"}, "no genome dataset"),
        ({"variant": "1-1000-A-G"}, "Unknown criterion"),
        ({"and": []}, "at least one"),
        ({"and": [{"sex": "female"}], "or": []}, "stand alone"),
        ({"shoe": 1}, "Unknown criterion"),
        ([], "Each criterion"),
        ({"not": {"not": {"not": {"not": {"not": {"not": {"not": {"sex": "male"}}}}}}}}, "nested at most"),
        ({"or": [{"sex": "male"}] * 31}, "at most 30"),
        ({"sex": "fe\x00male"}, "NUL"),
    ],
)
def test_unreadable_criteria_are_refused(world, researcher, tree, message):
    with pytest.raises(CriteriaError, match=message):
        search_run(tree=tree, user=researcher, address=None)


def test_a_bad_variant_id_is_refused(panel, researcher):
    with pytest.raises(CriteriaError, match="not a variant id"):
        search_run(tree={"variant": "rs1", "dataset": panel}, user=researcher, address=None)


def test_counts_are_noisy_stable_and_exact_only_for_the_curators_own_biobank(world, researcher, curator):
    first = search_run(tree=DONE_WHEN, user=researcher, address=None)
    again = search_run(tree=DONE_WHEN, user=researcher, address=None)
    assert counts(first) == counts(again)  # the same question, the same answer
    assert first.total.shown.precision == "imprecise" and not first.biobanks[1].cell.exact
    mine = search_run(tree=DONE_WHEN, user=curator, address=None)
    rows = {row.biobank.code: row for row in mine.biobanks}
    assert (rows["TMM"].cell.shown.value, rows["TMM"].cell.exact, rows["TMM"].cell.shown.precision) == (
        31,
        True,
        "exact",
    )
    assert not rows["BBJ"].cell.exact and rows["BBJ"].cell.shown.precision == "imprecise"
    assert not mine.total.exact  # a count across biobanks is disclosed for everyone


@override_settings(KIBAN_DISCLOSURE_QUERY_BUDGET=2)
def test_the_budget_counts_new_questions_only(world, researcher):
    from kiban.core.disclosure import QueryBudgetExhausted

    assert search_run(tree={"sex": "female"}, user=researcher, address=None).budget_left == 1
    assert (
        search_run(tree={"sex": "FEMALE"}, user=researcher, address=None).budget_left == 1
    )  # the same question
    assert search_run(tree={"sex": "male"}, user=researcher, address=None).budget_left == 0
    with pytest.raises(QueryBudgetExhausted) as refusal:
        search_run(tree={"sex": "unknown"}, user=researcher, address=None)
    assert int(refusal.value.headers["Retry-After"]) > 0
