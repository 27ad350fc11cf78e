"""Every bad input is a GenomeInputError naming the file, the line when known, and the problem."""

import gzip
from pathlib import Path

import pytest

from kiban.genome.engine import GenomeInputError, ingest, list_datasets
from kiban.genome.engine.bgzf import BgzfWriter
from kiban.genome.engine.simulate import SimulatedPanel

from .helpers import sheet_text, vcf_text

SAMPLES = [("sample_a", "XX", "A"), ("sample_b", "XY", "B")]
GOOD = ["1 100 . A G . PASS . GT 0/1 1/1", "1 200 . C T . PASS . GT 0/0 0/1"]
HEADER_LINES = 4  # fileformat, two FORMAT lines, #CHROM


def failing(
    tmp_path: Path,
    records: list[str],
    *,
    samples: list[tuple[str, str, str]] = SAMPLES,
    sheet: str | None = None,
    contigs: str = "",
    assembly: str = "GRCh38",
) -> GenomeInputError:
    vcf = tmp_path / "bad.vcf"
    vcf.write_text(vcf_text([s for s, _, _ in samples], records, contigs))
    return ingest_error(tmp_path, vcf, sheet=sheet, assembly=assembly)


def ingest_error(
    tmp_path: Path, vcf: Path, *, sheet: str | None = None, assembly: str = "GRCh38"
) -> GenomeInputError:
    sheet_path = tmp_path / "samples.tsv"
    sheet_path.write_text(sheet if sheet is not None else sheet_text(SAMPLES))
    root = tmp_path / "root"
    with pytest.raises(GenomeInputError) as caught:
        ingest(vcf, sheet_path, root=root, dataset_id="bad", assembly=assembly)
    assert list_datasets(root) == []
    leftovers = list((root / "datasets" / "bad").iterdir()) if (root / "datasets" / "bad").exists() else []
    assert leftovers == []  # no staging folder survives a failure
    error = caught.value
    where = f"{error.path}, line {error.line}" if error.line else error.path
    assert str(error) == f"{where}: {error.problem}"
    return error


def test_truncated_bgzip(panel: SimulatedPanel, tmp_path: Path):
    whole = tmp_path / "whole.vcf.gz"
    with BgzfWriter(whole) as out:
        out.write(gzip.decompress(panel.vcf.read_bytes()))
    cut = tmp_path / "cut.vcf.gz"
    cut.write_bytes(whole.read_bytes()[: len(whole.read_bytes()) // 2])
    error = ingest_error(tmp_path, cut, sheet=panel.samples.read_text())
    assert error.path == str(cut) and error.line is None
    assert "truncated" in error.problem and "end-of-file block is missing" in error.problem


def test_truncated_gzip_names_the_line(panel: SimulatedPanel, tmp_path: Path):
    text = gzip.decompress(panel.vcf.read_bytes())
    lines = text.decode().splitlines()
    header = sum(line.startswith("#") for line in lines)
    cut = tmp_path / "cut.vcf.gz"
    data = gzip.compress(text)
    cut.write_bytes(data[: len(data) // 2])
    error = ingest_error(tmp_path, cut, sheet=panel.samples.read_text())
    assert error.path == str(cut)
    assert error.line is not None and header < error.line < len(lines)
    assert "gzip file is truncated or corrupt" in error.problem


def test_malformed_position(tmp_path: Path):
    error = failing(tmp_path, [*GOOD, "1 abc . A G . PASS . GT 0/1 1/1"])
    assert error.line == HEADER_LINES + 3
    assert error.problem == "malformed line: POS 'abc' is not a positive whole number"


def test_too_few_columns(tmp_path: Path):
    error = failing(tmp_path, [GOOD[0], "1 300 . A G .", GOOD[1]])
    assert error.line == HEADER_LINES + 2
    assert error.problem == "malformed line: expected 11 tab-separated columns, found 6"


def test_wrong_number_of_samples(tmp_path: Path):
    error = failing(tmp_path, ["1 300 . A G . . . GT 0/1"])
    assert error.line == HEADER_LINES + 1
    assert "expected 11 tab-separated columns (9 + 2 samples), found 10" in error.problem


def test_bad_genotype(tmp_path: Path):
    error = failing(tmp_path, [*GOOD, "1 300 . A G . . . GT 0/1 0/x"])
    assert error.line == HEADER_LINES + 3
    assert error.problem == "malformed line: genotype '0/x' in column 11 is not valid"


def test_genotype_allele_out_of_range(tmp_path: Path):
    error = failing(tmp_path, [*GOOD, "1 300 . A G . . . GT 0/1 0/3"])
    assert error.line == HEADER_LINES + 3
    assert "refers to allele 3, but the record at 1:300 has 1 alternate allele(s)" in error.problem


def test_record_without_gt(tmp_path: Path):
    error = failing(tmp_path, [GOOD[0], "1 300 . A G . . . DP 5 7"])
    assert error.line == HEADER_LINES + 2
    assert error.problem == "the record at 1:300 has no GT (genotype) field"


def test_sites_only_vcf(tmp_path: Path):
    vcf = tmp_path / "sites.vcf"
    vcf.write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t5\t.\tA\tG\t.\t.\t.\n"
    )
    error = ingest_error(tmp_path, vcf)
    assert error.line == 2 and "no sample columns" in error.problem


def test_not_a_vcf(tmp_path: Path):
    vcf = tmp_path / "notes.vcf"
    vcf.write_text("these are my notes\n")
    error = ingest_error(tmp_path, vcf)
    assert error.path == str(vcf) and "no '#CHROM' header line" in error.problem


def test_missing_file(tmp_path: Path):
    error = ingest_error(tmp_path, tmp_path / "absent.vcf")
    assert error.problem == "the file does not exist"


def test_vcf_samples_missing_from_sheet(tmp_path: Path):
    samples = [*SAMPLES, ("sample_c", "XX", "A"), ("sample_d", "XX", "A")]
    error = failing(
        tmp_path, ["1 100 . A G . . . GT 0/1 1/1 0/0 0/0"], samples=samples, sheet=sheet_text(SAMPLES)
    )
    assert error.path.endswith("bad.vcf") and error.line == HEADER_LINES
    assert "2 sample(s) in the VCF are missing from the sample sheet" in error.problem
    assert error.problem.endswith(": sample_c, sample_d")


def test_sheet_samples_missing_from_vcf(tmp_path: Path):
    sheet = sheet_text([*SAMPLES, ("sample_z", "XY", "B")])
    error = failing(tmp_path, GOOD, sheet=sheet)
    assert error.path.endswith("samples.tsv") and error.line == 4
    assert error.problem.startswith("1 sample(s) in the sample sheet are not in the VCF")
    assert error.problem.endswith(": sample_z")


def test_sheet_without_required_columns(tmp_path: Path):
    error = failing(tmp_path, GOOD, sheet="sample\tgender\nsample_a\tXX\nsample_b\tXY\n")
    assert error.path.endswith("samples.tsv") and error.line == 1
    assert "lacks the required column(s) sex, cohort" in error.problem


def test_sheet_with_bad_sex(tmp_path: Path):
    error = failing(tmp_path, GOOD, sheet="sample\tsex\tcohort\nsample_a\tXX\tA\nsample_b\tmale\tB\n")
    assert error.line == 3
    assert error.problem == "sex 'male' of sample sample_b is not one of XX, XY, unknown"


@pytest.mark.parametrize(
    ("sheet", "line", "problem"),
    [
        ("sample\tsex\tcohort\nsample_a\tXX\n", 2, "expected 3 tab-separated columns, found 2"),
        (
            "sample\tsex\tcohort\nsample_a\tXX\tA\nsample_a\tXY\tB\n",
            3,
            "sample sample_a is listed twice (first on line 2)",
        ),
        ("sample\tsex\tcohort\nsample_a\tXX\t\n", 2, "the cohort of sample sample_a is empty"),
        ("", 1, "the sample sheet is empty; it needs a header line"),
        (
            "sample\tsex\tcohort\tindex\nsample_a\tXX\tA\t1\n",
            1,
            "the column name 'index' is reserved (the sample's position in the VCF)",
        ),
    ],
)  # fmt: skip
def test_sheet_rows(tmp_path: Path, sheet: str, line: int, problem: str):
    error = failing(tmp_path, GOOD, sheet=sheet)
    assert (error.line, error.problem) == (line, problem)


def test_unsupported_assembly(tmp_path: Path):
    error = failing(tmp_path, GOOD, assembly="hg19")
    assert error.problem == "assembly 'hg19' is not supported; use GRCh37 or GRCh38"


def test_contig_lengths_of_the_other_assembly(tmp_path: Path):
    contigs = "##contig=<ID=chr1,length=249250621>\n##contig=<ID=chr2,length=243199373>\n"
    error = failing(tmp_path, GOOD, contigs=contigs, assembly="GRCh38")
    assert error.line == 4
    assert error.problem.startswith(
        "contig chr1 has length 249250621, which is GRCh37, not GRCh38: wrong assembly"
    )


def test_simulated_panel_is_grch38(panel: SimulatedPanel, tmp_path: Path):
    error = ingest_error(tmp_path, panel.vcf, sheet=panel.samples.read_text(), assembly="GRCh37")
    assert error.line == 5 and "contig 22 has length 50818468, which is GRCh38, not GRCh37" in error.problem


def test_contig_length_of_no_known_assembly(tmp_path: Path):
    error = failing(tmp_path, GOOD, contigs="##contig=<ID=1,length=1000>\n", assembly="GRCh37")
    assert "GRCh37 chromosome 1 has length 249250621" in error.problem


def test_bad_dataset_id(tmp_path: Path):
    vcf = tmp_path / "good.vcf"
    vcf.write_text(vcf_text([s for s, _, _ in SAMPLES], GOOD))
    (tmp_path / "samples.tsv").write_text(sheet_text(SAMPLES))
    with pytest.raises(GenomeInputError, match=r"dataset id '\.\./x' must be letters"):
        ingest(vcf, tmp_path / "samples.tsv", root=tmp_path / "root", dataset_id="../x", assembly="GRCh38")
    assert not (tmp_path / "x").exists()
