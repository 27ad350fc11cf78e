"""Chromosome names: one parser for the pages, the API and the Beacon."""

import pytest

from kiban.genome.engine.assembly import CHROMOSOMES, chrom_sort_key, primary_chromosome


@pytest.mark.parametrize(
    ("written", "name"),
    [("1", "1"), ("chr22", "22"), ("CHR1", "1"), (" x ", "X"), ("chrY", "Y"), ("M", "MT"), ("chrMT", "MT")],
)
def test_a_primary_chromosome_is_read_however_it_is_written(written, name):
    assert primary_chromosome(written) == name


@pytest.mark.parametrize("written", ["23", "chr0", "chrUn_gl000220", "", "X1", "25"])
def test_other_contigs_are_not_primary_chromosomes(written):
    assert primary_chromosome(written) is None


def test_23_and_24_are_the_sex_chromosomes_only_where_asked():
    assert primary_chromosome("23", numbered_sex=True) == "X"
    assert primary_chromosome("chr24", numbered_sex=True) == "Y"
    assert primary_chromosome("25", numbered_sex=True) is None
    assert primary_chromosome("23") is None


def test_chromosomes_sort_autosomes_then_x_y_mt_then_the_rest_by_name():
    assert sorted(["MT", "chrUn", "X", "10", "2", "Y", "1"], key=chrom_sort_key) == [
        "1", "2", "10", "X", "Y", "MT", "chrUn",
    ]  # fmt: skip
    assert CHROMOSOMES[0] == "1" and CHROMOSOMES[-3:] == ("X", "Y", "MT") and len(CHROMOSOMES) == 25
