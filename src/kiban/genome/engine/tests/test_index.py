"""The serving index: the same answers as DuckDB over the Parquet tables, built once per version and
contig, reused, rebuilt when stale, safe to build from many threads at once; regions take overlapping
variants."""

import os
import random
import shutil
import threading
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from kiban.genome.engine import Counts, Dataset, Filters, Variant, ingest, load_genes, open_dataset, storage
from kiban.genome.engine.index import build_index, clear_cache, contig_index, index_file

from .helpers import sheet_text, vcf_text

SAMPLES = [("s1", "XX", "A"), ("s2", "XY", "A"), ("s3", "XX", "B"), ("s4", "XY", "B")]
# The deletion at 1000 covers 1000..1003; the SNV at 1002 lies inside it.
OVERLAP_RECORDS = [
    "1 990 . C T 50 PASS . GT 0/1 0/0 0/0 0/0",
    "1 1000 rs7 ACGT A 50 PASS . GT 0/1 0/1 1/1 0/0",
    "1 1002 . G C 50 LowQual . GT 0/0 0/1 0/0 0/0",
    "1 1010 rs8 T TA 50 PASS . GT 0/0 0/0 0/1 0/0",
    "1 5000 . AAAAAAAAAAAAAAAAAAAA A 50 PASS . GT 1/1 0/1 0/0 0/0",
]


def reference(dataset: Dataset, chrom: str, where: str, params: list[object]) -> list[Variant]:
    """Variants of one contig by plain SQL over the Parquet tables, in (pos, vid) order, made with the
    value types' own constructors: what the engine answered before it had an index."""
    variants = storage.partition_file(dataset.path, "variants", chrom)
    strata = storage.partition_file(dataset.path, "strata", chrom)
    connection = duckdb.connect()
    rows = connection.execute(
        "SELECT vid, pos, ref, alt, rsid, qual, filters, ac, an, hom, het, hemi FROM read_parquet(?) "
        f"WHERE {where} ORDER BY pos, vid",
        [str(variants), *params],
    ).fetchall()
    found: dict[int, dict[str, dict[str, Counts]]] = {}
    if rows and strata.is_file():
        for vid, stratum, value, *counts in connection.execute(
            "SELECT vid, stratum, value, ac, an, hom, het, hemi FROM read_parquet(?) "
            "WHERE list_contains(?, vid)",
            [str(strata), [row[0] for row in rows]],
        ).fetchall():
            found.setdefault(vid, {}).setdefault(stratum, {})[value] = Counts.of(*counts)
    empty = Counts.of(0, 0, 0, 0, 0)
    return [
        Variant(
            chrom=chrom,
            pos=pos,
            ref=ref,
            alt=alt,
            rsid=rsid,
            qual=qual,
            filters=tuple(filters),
            counts=Counts.of(ac, an, hom, het, hemi),
            strata={
                name: {value: found.get(vid, {}).get(name, {}).get(value, empty) for value in values}
                for name, values in dataset.manifest.strata.items()
            },
        )
        for vid, pos, ref, alt, rsid, qual, filters, ac, an, hom, het, hemi in rows
    ]


OVERLAPS = "pos <= ? AND pos + length(ref) - 1 >= ?"


def test_every_variant_and_region_equals_the_parquet_answer(panel_dataset):
    dataset = open_dataset(panel_dataset.root, "panel")
    rng = random.Random(5)
    for chrom in dataset.chromosomes():
        everything = reference(dataset, chrom, "true", [])
        assert dataset.region(chrom, 1, 10**9, limit=100_000).items == everything
        seen = set()
        for variant in everything:
            if variant.variant_id not in seen:  # a repeated key answers with its first (lowest vid) row
                seen.add(variant.variant_id)
                assert dataset.variant(variant.variant_id) == variant
        lo, hi = everything[0].pos, everything[-1].pos
        for _ in range(40):
            start = rng.randint(lo - 50, hi)
            end = start + rng.choice([0, 1, 10, 1000, 20_000])
            filters = rng.choice(
                [
                    Filters(),
                    Filters(min_af=0.01),
                    Filters(max_af=0.005, pass_only=True),
                    Filters(pass_only=True),
                ]
            )
            where, params = OVERLAPS, [end, start]
            if filters.min_af is not None:
                where, params = where + " AND af >= ?", [*params, filters.min_af]
            if filters.max_af is not None:
                where, params = where + " AND af <= ?", [*params, filters.max_af]
            if filters.pass_only:
                where += " AND filters = ['PASS']"
            expected = reference(dataset, chrom, where, params)
            offset = rng.choice([0, 0, 3, len(expected)])
            page = dataset.region(chrom, start, end, filters=filters, offset=offset, limit=7)
            assert page.total == len(expected)
            assert page.items == expected[offset : offset + 7]


def test_rsid_lookups_equal_the_parquet_answer(hail_dataset):
    dataset = open_dataset(hail_dataset.root, "hail")
    checked = 0
    for chrom in dataset.chromosomes():
        table = pq.read_table(storage.partition_file(dataset.path, "variants", chrom), columns=["rsid"])
        for rsid in sorted({r for r in table.column("rsid").to_pylist() if r})[:200]:
            expected = reference(dataset, chrom, "rsid = ?", [rsid])
            assert dataset.by_rsid(rsid.upper()) == expected
            checked += 1
    assert checked > 50
    assert dataset.by_rsid("rs0575534") == [] and dataset.by_rsid("rs" + "9" * 30) == []


@pytest.fixture
def overlap_dataset(tmp_path: Path) -> Dataset:
    vcf = tmp_path / "overlap.vcf"
    vcf.write_text(vcf_text([s for s, _, _ in SAMPLES], OVERLAP_RECORDS))
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(sheet_text(SAMPLES))
    ingest(vcf, sheet, root=tmp_path / "root", dataset_id="overlap", assembly="GRCh38")
    return open_dataset(tmp_path / "root", "overlap")


def _ids(page) -> list[str]:
    return [v.variant_id for v in page.items]


def test_regions_take_variants_that_overlap_them(overlap_dataset, tmp_path: Path):
    dataset = overlap_dataset
    assert _ids(dataset.region("1", 1001, 1001)) == ["1-1000-ACGT-A"]
    assert _ids(dataset.region("1", 1003, 1005)) == ["1-1000-ACGT-A"]
    assert _ids(dataset.region("1", 1002, 1002)) == ["1-1000-ACGT-A", "1-1002-G-C"]
    assert _ids(dataset.region("1", 1004, 1009)) == []
    assert _ids(dataset.region("1", 991, 999)) == []
    assert dataset.region("1", 1001, 1001, filters=Filters(pass_only=True)).total == 1
    assert dataset.region("1", 1002, 1002, filters=Filters(pass_only=True)).total == 1
    assert _ids(dataset.region("1", 5019, 6000)) == ["1-5000-AAAAAAAAAAAAAAAAAAAA-A"]
    assert _ids(dataset.region("1", 5020, 6000)) == []
    assert dataset.region("1", -(10**12), 10**12).total == 5
    assert dataset.variant("1-99999999999-A-G") is None
    # A deletion overlapping two spans of one gene is listed once.
    index = contig_index(dataset.root, dataset.manifest, dataset.path, "1")
    rows = index.select([(990, 990), (1001, 1001), (1003, 1003)])
    assert [int(index.pos[r]) for r in rows] == [990, 1000]
    genes = tmp_path / "genes.bed"
    genes.write_text("1\t1000\t1001\tGENE1\t0\t+\n1\t1002\t1003\tGENE1\t0\t+\n")  # 1001, 1003
    load_genes(genes, root=dataset.root, assembly="GRCh38")
    assert _ids(dataset.gene("GENE1")) == ["1-1000-ACGT-A"]
    assert [v.variant_id for v in dataset.by_rsid("rs7")] == ["1-1000-ACGT-A"]


def _fresh_copy(dataset: Dataset, target: Path) -> Path:
    shutil.copytree(dataset.root, target, ignore=shutil.ignore_patterns("cache"))
    clear_cache()
    return target


def test_index_is_built_once_and_reused(panel_dataset, tmp_path: Path):
    root = _fresh_copy(panel_dataset, tmp_path / "root")
    manifest = panel_dataset.manifest
    path = index_file(root, "panel", manifest.version, "22")
    assert not path.exists()
    first = open_dataset(root, "panel").region("22", 1, 10**9, limit=3)
    built = path.stat().st_mtime_ns
    assert not index_file(root, "panel", manifest.version, "X").exists()  # only the contig asked about
    again = open_dataset(root, "panel")
    assert again._index("22") is open_dataset(root, "panel")._index("22")  # one per process
    clear_cache()
    assert open_dataset(root, "panel").region("22", 1, 10**9, limit=3) == first
    assert path.stat().st_mtime_ns == built
    # A damaged index file is rebuilt; so is one built from other Parquet files.
    path.write_bytes(b"KIBANIDX truncated")
    clear_cache()
    assert open_dataset(root, "panel").region("22", 1, 10**9, limit=3) == first
    rebuilt = path.stat().st_mtime_ns
    assert rebuilt != built
    variants = storage.partition_file(open_dataset(root, "panel").path, "variants", "22")
    os.utime(variants, ns=(variants.stat().st_atime_ns, variants.stat().st_mtime_ns + 10**9))
    clear_cache()
    assert open_dataset(root, "panel").region("22", 1, 10**9, limit=3) == first
    assert path.stat().st_mtime_ns != rebuilt
    assert not list(path.parent.glob("*.tmp"))


def test_each_version_has_its_index_and_old_ones_are_removed(overlap_dataset, tmp_path: Path):
    root = overlap_dataset.root
    old = overlap_dataset.manifest.version
    assert overlap_dataset.variant("1-990-C-T") is not None
    vcf = tmp_path / "second.vcf"
    vcf.write_text(vcf_text([s for s, _, _ in SAMPLES], OVERLAP_RECORDS[:1]))
    new = ingest(vcf, tmp_path / "samples.tsv", root=root, dataset_id="overlap", assembly="GRCh38").version
    assert new != old
    current = open_dataset(root, "overlap")
    assert current.variant("1-1000-ACGT-A") is None and current.variant("1-990-C-T") is not None
    assert open_dataset(root, "overlap", old).variant("1-1000-ACGT-A") is not None
    assert index_file(root, "overlap", old, "1").is_file() and index_file(root, "overlap", new, "1").is_file()
    shutil.rmtree(storage.version_dir(root, "overlap", old))
    (storage.cache_dir(root) / "gone" / old).mkdir(parents=True)  # a dataset that no longer exists
    assert build_index(root, "overlap") == storage.index_dir(root, "overlap", new)
    assert not storage.index_dir(root, "overlap", old).exists()
    assert not (storage.cache_dir(root) / "gone").exists()
    assert index_file(root, "overlap", new, "1").is_file()


def test_many_threads_building_at_once_agree(panel_dataset, tmp_path: Path):
    root = _fresh_copy(panel_dataset, tmp_path / "root")
    everything = {c: panel_dataset.region(c, 1, 10**9, limit=100_000).items for c in ("22", "X")}
    answers: list[object] = []
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def work(n: int) -> None:
        try:
            start.wait()
            dataset = open_dataset(root, "panel")
            chrom = ("22", "X")[n % 2]
            variant = everything[chrom][n * 7]
            answers.append(
                (
                    dataset.variant(variant.variant_id) == variant,
                    dataset.region(chrom, 1, 10**9, limit=100_000).items == everything[chrom],
                )
            )
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures and answers == [(True, True)] * 8
    version = panel_dataset.manifest.version
    assert sorted(
        p.name for p in storage.index_dir(root, "panel", version).iterdir() if p.suffix == ".idx"
    ) == [
        "22.idx",
        "X.idx",
    ]


def test_tables_in_another_order_give_the_same_answers(panel_dataset, tmp_path: Path):
    """Another writer's layout (rows shuffled, strata missing for some variants) is sorted at build."""
    root = _fresh_copy(panel_dataset, tmp_path / "root")
    dataset = open_dataset(root, "panel")
    rng = np.random.default_rng(3)
    expected = panel_dataset.region("22", 1, 10**9, limit=100_000).items
    strata = storage.partition_file(dataset.path, "strata", "22")
    dropped = set(rng.choice(np.unique(pq.read_table(strata, columns=["vid"])["vid"].to_numpy()), 3).tolist())
    for table in ("variants", "strata"):
        path = storage.partition_file(dataset.path, table, "22")
        data = pq.read_table(path)
        keep = [
            i for i, vid in enumerate(data["vid"].to_pylist()) if table == "variants" or vid not in dropped
        ]
        pq.write_table(data.take(rng.permutation(keep)), path, row_group_size=500)
    vids = pq.read_table(storage.partition_file(dataset.path, "variants", "22"), columns=["vid", "pos"])
    lost = {p for v, p in zip(vids["vid"].to_pylist(), vids["pos"].to_pylist(), strict=True) if v in dropped}
    got = dataset.region("22", 1, 10**9, limit=100_000).items
    assert len(got) == len(expected)
    empty = Counts.of(0, 0, 0, 0, 0)
    for mine, theirs in zip(got, expected, strict=True):
        if mine.pos in lost and all(c == empty for values in mine.strata.values() for c in values.values()):
            theirs = Variant(**{**theirs.__dict__, "strata": mine.strata})
        assert mine == theirs
    assert sum(v.pos in lost for v in got) >= 3
    for variant in got:  # one variant at a time takes another path through the index
        assert dataset.variant(variant.variant_id) == variant or variant.variant_id in _repeated(got)


def _repeated(variants: list[Variant]) -> set[str]:
    ids = [v.variant_id for v in variants]
    return {i for i in ids if ids.count(i) > 1}


def test_read_only_cache_is_served_from_memory(overlap_dataset):
    root = overlap_dataset.root
    shutil.rmtree(storage.cache_dir(root), ignore_errors=True)
    storage.cache_dir(root).write_text("not a folder")  # the cache cannot be written
    clear_cache()
    dataset = open_dataset(root, "overlap")
    assert _ids(dataset.region("1", 1001, 1001)) == ["1-1000-ACGT-A"]
    assert dataset.variant("1-1010-T-TA").rsid == "rs8"
