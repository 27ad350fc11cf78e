"""The engine's own BCF and VCF-text readers write exactly the tables that reading through htslib does."""

import gzip
import subprocess
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from kiban.genome.engine import ingest, ingestion, storage
from kiban.genome.engine.counting import SampleGroups, SparseCalls, count_chunk, count_sparse
from kiban.genome.engine.records import Irregular
from kiban.genome.engine.simulate import SimulatedPanel

from .helpers import _declare_contigs, require_bcftools, sheet_text, vcf_text


def _tables(root: Path, dataset_id: str) -> dict[str, list[dict]]:
    version = storage.version_dir(root, dataset_id, storage.current_version(root, dataset_id))
    return {
        str(path.relative_to(version)): pq.read_table(path).to_pylist()
        for path in sorted(version.rglob("*.parquet"))
    }


def _ingest(path: Path, sheet: Path, root: Path, assembly: str, monkeypatch, *, reader: str) -> dict:
    """Ingest with only the fast readers (reader='fast') or only htslib (reader='htslib')."""
    with monkeypatch.context() as patch:
        if reader == "fast":

            def refuse(*args, **kwargs):
                raise AssertionError("the fast reader left this input to htslib")

            patch.setattr(ingestion, "_htslib_batches", refuse)
        else:

            def irregular(*args, **kwargs):
                raise Irregular("htslib only")

            patch.setattr(ingestion.vcftext, "batches", irregular)
            patch.setattr(ingestion.bcf, "batches", irregular)
        ingest(path, sheet, root=root, dataset_id="d", assembly=assembly)
    return _tables(root, "d")


def _same_tables(path: Path, sheet: Path, tmp_path: Path, assembly: str, monkeypatch) -> dict:
    fast = _ingest(path, sheet, tmp_path / "fast", assembly, monkeypatch, reader="fast")
    slow = _ingest(path, sheet, tmp_path / "htslib", assembly, monkeypatch, reader="htslib")
    assert fast.keys() == slow.keys()
    for name in fast:
        assert fast[name] == slow[name], name
    return fast


@pytest.mark.parametrize("form", ["plain", "gzip", "bgzip", "bcf"])
def test_simulated_panel_in_every_form(panel: SimulatedPanel, tmp_path: Path, monkeypatch, form: str):
    """Multi-allelic sites, indels, missing and half-missing calls, haploid and diploid chrX calls."""
    text = gzip.decompress(panel.vcf.read_bytes())
    path = {"plain": tmp_path / "p.vcf", "gzip": tmp_path / "p.vcf.gz", "bcf": tmp_path / "p.bcf"}.get(
        form, panel.vcf
    )
    if form == "plain":
        path.write_bytes(text)
    elif form == "gzip":
        path.write_bytes(gzip.compress(text))
    elif form == "bcf":
        bcftools = require_bcftools()
        subprocess.run([bcftools, "view", "-Ob", "-o", str(path), str(panel.vcf)], check=True)
    tables = _same_tables(path, panel.samples, tmp_path, "GRCh38", monkeypatch)
    assert {name.split("/")[0] for name in tables} >= {"variants", "strata", "carriers"}
    assert sum(len(rows) for name, rows in tables.items() if name.startswith("carriers")) > 1000


def test_more_format_fields_and_bcf_of_them(hail_vcf: Path, hail_sheet: Path, tmp_path: Path, monkeypatch):
    """hail-sample.vcf has GT:AD:DP:GQ:PL, so every line is read call by call from its tabs."""
    _same_tables(hail_vcf, hail_sheet, tmp_path / "vcf", "GRCh37", monkeypatch)
    bcftools = require_bcftools()
    declared, bcf = tmp_path / "hail.vcf", tmp_path / "hail.bcf"
    declared.write_bytes(_declare_contigs(hail_vcf))  # BCF needs every contig in the header
    subprocess.run([bcftools, "view", "-Ob", "-o", str(bcf), str(declared)], check=True)
    _same_tables(bcf, hail_sheet, tmp_path / "bcf", "GRCh37", monkeypatch)


def test_windows_line_endings(tmp_path: Path, monkeypatch):
    samples = ["S1", "S2", "S3"]
    records = [
        "1\t100\trs1\tA\tG\t50\tPASS\t.\tGT\t0/1\t1|1\t./.",
        "1\t200\t.\tC\tT,G\t.\t.\t.\tGT\t0/2\t1\t0/0",
    ]
    vcf = tmp_path / "crlf.vcf"
    vcf.write_bytes(vcf_text(samples, records).replace("\n", "\r\n").encode())
    sheet = tmp_path / "s.tsv"
    sheet.write_text(sheet_text([(s, "XX", "A") for s in samples]))
    tables = _same_tables(vcf, sheet, tmp_path, "GRCh38", monkeypatch)
    variants = tables["variants/chrom=1/part-0.parquet"]
    assert [(v["pos"], v["alt"], v["ac"], v["an"]) for v in variants] == [
        (100, "G", 3, 4),
        (200, "T", 1, 5),
        (200, "G", 1, 5),
    ]


def test_input_the_fast_reader_leaves_is_read_by_htslib(tmp_path: Path, monkeypatch):
    """Allele numbers above 9 are beyond the fast text reader: the file is read through htslib."""
    alts = ",".join("CGTA"[i % 4] * (i // 4 + 2) for i in range(11))
    samples = ["S1", "S2"]
    vcf = tmp_path / "many.vcf"
    vcf.write_text(vcf_text(samples, [f"1\t100\t.\tA\t{alts}\t.\tPASS\t.\tGT\t0/11\t10/11"]))
    sheet = tmp_path / "s.tsv"
    sheet.write_text(sheet_text([(s, "XX", "A") for s in samples]))
    used = []
    original = ingestion._htslib_batches
    monkeypatch.setattr(ingestion, "_htslib_batches", lambda *a: used.append(True) or original(*a))
    ingest(vcf, sheet, root=tmp_path / "root", dataset_id="d", assembly="GRCh38")
    variants = _tables(tmp_path / "root", "d")["variants/chrom=1/part-0.parquet"]
    assert used
    assert [(v["ac"], v["an"]) for v in variants][9:] == [(1, 4), (2, 4)]


def test_sparse_counting_equals_dense_counting():
    """count_sparse (from the non-0/0 calls) equals count_chunk (every call) on random calls."""
    rng = np.random.default_rng(5)
    records, samples = 60, 500
    n_alt = rng.choice([1, 1, 1, 2, 3], size=records)
    genotypes = np.zeros((records, samples, 2), dtype=np.int16)
    for r in range(records):
        frequency = rng.choice([0.001, 0.02, 0.3])
        alleles = np.where(
            rng.random((samples, 2)) < frequency, rng.integers(1, n_alt[r] + 1, (samples, 2)), 0
        )
        alleles[rng.random((samples, 2)) < 0.02] = -1  # missing, some half-missing
        alleles[rng.random(samples) < 0.01, 1] = -2  # haploid calls
        genotypes[r] = alleles
    sex = rng.choice(["XX", "XY", "unknown"], size=samples)
    cohort = rng.choice(["A", "B", ""], size=samples)
    masks = [sex == "XX", sex == "XY", cohort == "A", cohort == "B"]
    groups = SampleGroups.of(sex == "XX", sex == "XY", masks)
    record, sample = np.nonzero((genotypes[:, :, 0] != 0) | (genotypes[:, :, 1] != 0))
    calls = SparseCalls(
        records=records,
        samples=samples,
        record=record,
        sample=sample,
        first=genotypes[record, sample, 0].astype(np.int8),
        second=genotypes[record, sample, 1].astype(np.int8),
    )
    sparse, dense = count_sparse(calls, n_alt, groups), count_chunk(genotypes, n_alt, groups)
    for field in ("record", "alt", "an", "ac", "hom", "het", "hemi", "carrier_row", "carrier_sample"):
        assert np.array_equal(getattr(sparse, field), getattr(dense, field)), field
    assert np.array_equal(sparse.carrier_code, dense.carrier_code)
    assert np.array_equal(calls.dense(), genotypes)
