"""Ingest: normalisation, hemizygous rules, strata, carriers, storage layout, versions and progress."""

import gzip
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from kiban.genome.engine import (
    Counts,
    GenomeInputError,
    ingest,
    ingestion,
    list_datasets,
    open_dataset,
    records,
)
from kiban.genome.engine.simulate import SimulatedPanel, simulate_panel

from .helpers import all_variants, sheet_text, vcf_text


def write(
    tmp_path: Path, samples: list[tuple[str, str, str]], records: list[str], contigs: str = ""
) -> tuple:
    vcf = tmp_path / "in.vcf"
    vcf.write_text(vcf_text([s for s, _, _ in samples], records, contigs))
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(sheet_text(samples))
    return vcf, sheet


SEXED = [("xx_one", "XX", "A"), ("xy_one", "XY", "A"), ("xy_two", "XY", "B"), ("unk_one", "unknown", "B")]


def test_multiallelic_sites_split_and_normalised(tmp_path: Path):
    """CTT -> C,CT,ATT splits into three minimal records; the other alts count as reference in each."""
    vcf, sheet = write(
        tmp_path,
        [("s_one", "XX", "A"), ("s_two", "XY", "A"), ("s_three", "XX", "B")],
        [
            "chr1 100 rs42;COSM1 CTT C,CT,ATT 50 PASS . GT 0/1 2/3 3/3",
            "chr1 200 . GA GT,G . q10;s50 . GT 1/2 ./1 0/0",
        ],
    )
    ingest(vcf, sheet, root=tmp_path / "root", dataset_id="split", assembly="GRCh38")
    dataset = open_dataset(tmp_path / "root", "split")
    variants = all_variants(dataset)
    assert [v.variant_id for v in variants] == [
        "1-100-CTT-C", "1-100-CT-C", "1-100-C-A", "1-200-GA-G", "1-201-A-T",
    ]  # fmt: skip
    deletion, shorter, snv, del2, snv2 = variants
    assert deletion.counts == Counts(ac=1, an=6, af=1 / 6, hom=0, het=1, hemi=0)
    assert shorter.counts == Counts(ac=1, an=6, af=1 / 6, hom=0, het=1, hemi=0)
    assert snv.counts == Counts(ac=3, an=6, af=0.5, hom=1, het=1, hemi=0)
    assert snv.rsid == "rs42" and snv.qual == 50.0 and snv.filters == ("PASS",)
    # GA -> GT,G: the deletion is alt 2 but sorts first. './1' has one called allele: counted as
    # hemizygous, as bcftools +fill-tags does.
    assert del2.counts == Counts(ac=1, an=5, af=0.2, hom=0, het=1, hemi=0)
    assert snv2.counts == Counts(ac=2, an=5, af=0.4, hom=0, het=1, hemi=1)
    assert del2.filters == ("q10", "s50") and del2.rsid is None and del2.qual is None
    assert snv.strata["cohort"]["B"] == Counts(ac=2, an=2, af=1.0, hom=1, het=0, hemi=0)
    assert dataset.carriers("chr1-100-C-A") == [("s_two", "het"), ("s_three", "hom")]
    assert dataset.carriers("1-201-A-T") == [("s_one", "het"), ("s_two", "hemi")]


def test_hemizygous_rules(tmp_path: Path):
    """chrX outside the PARs and chrY for XY samples, chrMT for everyone: one allele per call, a diploid
    homozygous call counts once, a heterozygous call is missing; XX samples' chrY calls are ignored."""
    vcf, sheet = write(
        tmp_path,
        SEXED,
        [
            "X 100000 . A G . . . GT 0/1 0/1 1/1 0/1",  # GRCh38 PAR1: diploid for everyone
            "X 5000000 . A G . . . GT 0/1 1 1/1 0/1",  # non-PAR
            "X 5000001 . A G . . . GT 1/1 0 0/1 ./.",  # non-PAR: XY het -> missing
            "X 5000002 . A G,T . . . GT 1/2 1/2 2/2 0/0",  # non-PAR multi-allelic: XY 1/2 missing in both
            "Y 10000000 . A G . . . GT 1/1 1 1/1 1",
            "chrM 100 . A G . . . GT 1/1 1 0/1 0",
        ],
    )
    ingest(vcf, sheet, root=tmp_path / "root", dataset_id="sexes", assembly="GRCh38")
    dataset = open_dataset(tmp_path / "root", "sexes")
    counts = {v.variant_id: v for v in all_variants(dataset)}
    par = counts["X-100000-A-G"]
    assert par.counts == Counts(ac=5, an=8, af=5 / 8, hom=1, het=3, hemi=0)
    assert par.strata["sex"]["XY"] == Counts(ac=3, an=4, af=0.75, hom=1, het=1, hemi=0)
    nonpar = counts["X-5000000-A-G"]
    assert nonpar.counts == Counts(ac=4, an=6, af=4 / 6, hom=0, het=2, hemi=2)
    assert nonpar.strata["sex"]["XY"] == Counts(ac=2, an=2, af=1.0, hom=0, het=0, hemi=2)
    assert nonpar.strata["sex"]["XX"] == Counts(ac=1, an=2, af=0.5, hom=0, het=1, hemi=0)
    assert counts["X-5000001-A-G"].counts == Counts(ac=2, an=3, af=2 / 3, hom=1, het=0, hemi=0)
    assert counts["X-5000002-A-G"].counts == Counts(ac=1, an=5, af=0.2, hom=0, het=1, hemi=0)
    assert counts["X-5000002-A-T"].counts == Counts(ac=2, an=5, af=0.4, hom=0, het=1, hemi=1)
    assert counts["Y-10000000-A-G"].counts == Counts(ac=3, an=3, af=1.0, hom=0, het=0, hemi=3)
    assert counts["Y-10000000-A-G"].strata["sex"]["XX"].an == 0
    assert counts["MT-100-A-G"].counts == Counts(ac=2, an=3, af=2 / 3, hom=0, het=0, hemi=2)
    assert dataset.carriers("chrM-100-A-G") == [("xx_one", "hemi"), ("xy_one", "hemi")]
    assert dataset.carriers("X-5000000-A-G") == [
        ("xx_one", "het"), ("xy_one", "hemi"), ("xy_two", "hemi"), ("unk_one", "het"),
    ]  # fmt: skip


def test_grch37_pseudoautosomal_boundary(tmp_path: Path):
    vcf, sheet = write(
        tmp_path,
        SEXED,
        ["X 2699520 . A G . . . GT 0/0 1/1 0/0 0/0", "X 2699521 . A G . . . GT 0/0 1/1 0/0 0/0"],
    )
    ingest(vcf, sheet, root=tmp_path / "root", dataset_id="b37", assembly="GRCh37")
    par, nonpar = all_variants(open_dataset(tmp_path / "root", "b37"))
    assert (par.counts.hom, par.counts.hemi, par.counts.an) == (1, 0, 8)
    assert (nonpar.counts.hom, nonpar.counts.hemi, nonpar.counts.an) == (0, 1, 6)


def test_chr_prefix_and_undeclared_contigs(tmp_path: Path):
    """'chr22' and '22' are the same chromosome; a contig missing from the header is tolerated."""
    plain = simulate_panel(tmp_path / "plain", samples=40, seed=5)
    prefixed = simulate_panel(tmp_path / "chr", samples=40, seed=5, chr_prefix=True, declare_x_contig=False)
    ingest(plain.vcf, plain.samples, root=tmp_path / "root", dataset_id="plain", assembly="GRCh38")
    ingest(prefixed.vcf, prefixed.samples, root=tmp_path / "root", dataset_id="chr", assembly="GRCh38")
    one, other = open_dataset(tmp_path / "root", "plain"), open_dataset(tmp_path / "root", "chr")
    assert other.chromosomes() == ["22", "X"]
    assert all_variants(one) == all_variants(other)


def test_storage_layout_and_manifest(panel: SimulatedPanel, panel_dataset):
    manifest = panel_dataset.manifest
    assert re.fullmatch(r"[0-9]{8}T[0-9]{6}Z", manifest.version)
    assert manifest.assembly == "GRCh38" and manifest.engine == "duckdb" and manifest.sample_count == 300
    assert manifest.strata == {
        "sex": ["XX", "XY"], "cohort": ["A", "B"], "region": ["Kansai", "Kanto", "Tohoku"],
    }  # fmt: skip
    assert manifest.source_name == "simulated.vcf.gz" and len(manifest.source_sha256) == 64
    version = panel_dataset.path
    assert version.parent.joinpath("CURRENT").read_text().strip() == manifest.version
    stored = json.loads((version / "manifest.json").read_text())
    assert type(manifest).from_json(stored) == manifest
    total = 0
    for chrom in ("22", "X"):
        variants = pq.read_table(version / "variants" / f"chrom={chrom}" / "part-0.parquet")
        positions = variants["pos"].to_pylist()
        assert positions == sorted(positions)
        total += variants.num_rows
        strata = pq.read_table(version / "strata" / f"chrom={chrom}" / "part-0.parquet")
        assert strata.num_rows == variants.num_rows * 7  # 2 sexes + 2 cohorts + 3 regions
        carriers = pq.read_table(version / "carriers" / f"chrom={chrom}" / "part-0.parquet")
        assert carriers.schema.names == ["vid", "sample", "gt"]
        assert set(carriers["gt"].to_pylist()) <= {1, 2, 3}
    assert total == manifest.variant_count
    samples = pq.read_table(version / "samples.parquet")
    assert samples.num_rows == 300 and samples.column_names[:4] == ["index", "sample", "sex", "participant"]
    assert list_datasets(version.parent.parent.parent) == [manifest]


def test_carriers_agree_with_counts(panel_dataset):
    variant = max(all_variants(panel_dataset), key=lambda v: v.counts.ac)
    carriers = panel_dataset.carriers(variant.variant_id)
    kinds = [kind for _, kind in carriers]
    assert kinds.count("hom") == variant.counts.hom
    assert kinds.count("het") == variant.counts.het
    assert kinds.count("hemi") == variant.counts.hemi
    assert 2 * variant.counts.hom + variant.counts.het + variant.counts.hemi == variant.counts.ac
    assert panel_dataset.carriers("22-1-A-G") == [] and panel_dataset.carriers("nonsense") == []


def test_progress_reports_records(panel: SimulatedPanel, tmp_path: Path, monkeypatch):
    text = gzip.decompress(panel.vcf.read_bytes()).decode()
    vcf = tmp_path / "panel.vcf"  # uncompressed, so the total is known before the first record
    vcf.write_text(text)
    total = sum(not line.startswith("#") for line in text.splitlines())
    assert total % 50  # a last, partial chunk
    monkeypatch.setattr(records, "CALLS_PER_BATCH", 300 * 50)  # 50 records per chunk of 300 samples
    calls: list[tuple[int, int | None]] = []
    ingest(
        vcf,
        panel.samples,
        root=tmp_path,
        dataset_id="panel",
        assembly="GRCh38",
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert len(calls) == 1 + total // 50 + 1


def test_new_version_replaces_current_and_keeps_the_old(panel: SimulatedPanel, tmp_path: Path):
    first = ingest(panel.vcf, panel.samples, root=tmp_path, dataset_id="d", assembly="GRCh38")
    second = ingest(panel.vcf, panel.samples, root=tmp_path, dataset_id="d", assembly="GRCh38")
    assert second.version > first.version  # two ingests within a second still get ordered versions
    assert open_dataset(tmp_path, "d").manifest == second
    assert open_dataset(tmp_path, "d", first.version).manifest == first
    with pytest.raises(LookupError, match="no version '20000101T000000Z'"):
        open_dataset(tmp_path, "d", "20000101T000000Z")
    with pytest.raises(LookupError, match="No dataset 'missing'"):
        open_dataset(tmp_path, "missing")
    with pytest.raises(LookupError):
        open_dataset(tmp_path, "../d")


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("failure", ["exception", "interrupt", "bad line"])
def test_failed_ingest_leaves_the_previous_version(
    panel: SimulatedPanel, tmp_path: Path, monkeypatch, failure: str
):
    """Fail half-way through (after chunks were written): CURRENT and the old version are untouched and
    no staging folder is left behind."""
    root = tmp_path / "root"
    before = ingest(panel.vcf, panel.samples, root=root, dataset_id="p", assembly="GRCh38")
    variants_before = all_variants(open_dataset(root, "p"))
    monkeypatch.setattr(records, "CALLS_PER_BATCH", 300 * 100)  # 100 records per chunk
    progress = None
    source = panel.vcf
    expected: type[BaseException] = Interrupted
    if failure in ("exception", "interrupt"):
        error = Interrupted if failure == "exception" else KeyboardInterrupt
        expected = error

        def progress(done: int, total: int | None) -> None:
            if done >= 1000:
                raise error("stop")
    else:
        lines = gzip.decompress(panel.vcf.read_bytes()).decode().splitlines(keepends=True)
        lines[-5] = "22\tnot-a-position\n"
        source = tmp_path / "broken.vcf"
        source.write_text("".join(lines))
        expected = GenomeInputError
    with pytest.raises(expected):
        ingest(source, panel.samples, root=root, dataset_id="p", assembly="GRCh38", progress=progress)
    folder = root / "datasets" / "p"
    assert sorted(p.name for p in folder.iterdir()) == sorted(["CURRENT", before.version])
    assert open_dataset(root, "p").manifest == before
    assert all_variants(open_dataset(root, "p")) == variants_before


def test_bounded_chunks_give_the_same_result(
    panel: SimulatedPanel, panel_dataset, tmp_path: Path, monkeypatch
):
    """Counting in chunks of 7 records (many shards, many row groups) changes nothing."""
    monkeypatch.setattr(records, "CALLS_PER_BATCH", 300 * 7)
    monkeypatch.setattr(ingestion, "ROW_GROUP_ROWS", 16)
    ingest(panel.vcf, panel.samples, root=tmp_path, dataset_id="panel", assembly="GRCh38")
    assert all_variants(open_dataset(tmp_path, "panel")) == all_variants(panel_dataset)


def test_odd_contig_names(tmp_path: Path):
    """Alt and decoy contigs keep their names; characters such as '*' and ':' are safe in partition paths."""
    vcf, sheet = write(
        tmp_path,
        [("s_one", "XX", "A"), ("s_two", "XY", "A")],
        ["HLA-A*01:01:01:01 100 . A G . . . GT 0/1 1/1", "chrUn_KI270742v1 5 . C T . . . GT 0/0 0/1"],
    )
    ingest(vcf, sheet, root=tmp_path / "root", dataset_id="odd", assembly="GRCh38")
    dataset = open_dataset(tmp_path / "root", "odd")
    assert dataset.chromosomes() == ["HLA-A*01:01:01:01", "Un_KI270742v1"]
    hla = dataset.variant("HLA-A*01:01:01:01-100-A-G")
    assert hla is not None and hla.counts == Counts(ac=3, an=4, af=0.75, hom=1, het=1, hemi=0)
    assert dataset.region("HLA-A*01:01:01:01", 1, 200).total == 1
    assert dataset.carriers("chrUn_KI270742v1-5-C-T") == [("s_two", "het")]


def test_vcf_without_records(tmp_path: Path):
    vcf, sheet = write(tmp_path, [("s_one", "XX", "A")], [])
    manifest = ingest(vcf, sheet, root=tmp_path / "root", dataset_id="empty", assembly="GRCh38")
    dataset = open_dataset(tmp_path / "root", "empty")
    assert manifest.variant_count == 0 and dataset.chromosomes() == []
    assert dataset.region("1", 1, 100).total == 0 and dataset.by_rsid("rs1") == []
    assert dataset.af_spectrum([0, 0.5, 1]) == [(0.0, 0.5, 0), (0.5, 1.0, 0)]
