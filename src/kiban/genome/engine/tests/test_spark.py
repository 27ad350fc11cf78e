"""The Spark engine writes the embedded engine's tables, every column and row, and `register` publishes them.

One local Spark session (two cores) serves the whole module, so it starts one JVM. Without Java or PySpark
the tests are skipped, unless KIBAN_REQUIRE_SPARK=1 (as CI sets it), where they fail.
"""

import contextlib
import gzip
import importlib.util
import io
import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command

from kiban.genome.engine import Dataset, GenomeInputError, ingest, open_dataset, storage
from kiban.genome.engine.bgzf import EOF_BLOCK, BgzfWriter
from kiban.genome.engine.ingestion import SCHEMAS
from kiban.genome.engine.register import register_version
from kiban.genome.engine.simulate import simulate_panel

from .helpers import all_variants


def require_spark() -> None:
    """Skip without Java or PySpark, unless KIBAN_REQUIRE_SPARK=1 (as CI sets), where that fails."""
    missing = [
        name
        for name, found in (
            ("java", shutil.which("java")),
            ("pyspark", importlib.util.find_spec("pyspark")),
            ("pandas", importlib.util.find_spec("pandas")),
        )
        if not found
    ]
    if not missing:
        return
    hint = "apt-get install openjdk-17-jre-headless; pip install 'kiban[spark]'"
    if os.environ.get("KIBAN_REQUIRE_SPARK") == "1":
        pytest.fail(f"Spark is required (KIBAN_REQUIRE_SPARK=1) but {', '.join(missing)} is missing: {hint}")
    pytest.skip(f"the Spark engine needs {', '.join(missing)} ({hint})")


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    require_spark()
    from pyspark.sql import SparkSession

    previous = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers run this interpreter, not `python3` from PATH
    session = (
        SparkSession.builder.master("local[2]")
        .appName("kiban-spark-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    if previous is None:
        os.environ.pop("PYSPARK_PYTHON", None)
    else:
        os.environ["PYSPARK_PYTHON"] = previous


@contextlib.contextmanager
def spark_conf(spark: Any, **values: str) -> Iterator[None]:
    names = {key: "spark.sql.files." + key for key in values}
    saved = {key: spark.conf.get(name) for key, name in names.items()}
    for key, value in values.items():
        spark.conf.set(names[key], value)
    try:
        yield
    finally:
        for key, value in saved.items():
            spark.conf.set(names[key], value)


@dataclass(frozen=True)
class Written:
    folder: Path  # the version folder
    log: list[str]


def ingest_with_spark(spark: Any, vcf: Path, sheet: Path, output: Path, **options: Any) -> Written:
    from kiban.genome.engine.spark import ingest_spark

    log: list[str] = []
    manifest = ingest_spark(
        str(vcf), sheet, output=str(output), spark=spark, log=log.append, **{"dataset_id": "d"} | options
    )
    return Written(output / manifest.version, log)


def assert_same_version(written: Path, embedded: Path) -> None:
    """Every table of both versions, per contig: the same files, column types and rows in file order."""

    def files(folder: Path) -> list[str]:
        return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())

    assert files(written) == files(embedded)
    for table in storage.TABLES:
        for chrom in storage.chromosomes(embedded):
            mine = pq.ParquetFile(storage.partition_file(written, table, chrom)).read()
            theirs = pq.ParquetFile(storage.partition_file(embedded, table, chrom)).read()
            # The declared schema exactly; the embedded file's columns by name and type (DuckDB, which
            # sorts the embedded variants, marks a column without nulls as required).
            assert mine.schema.remove_metadata().equals(SCHEMAS[table]), (table, chrom)
            assert [(f.name, f.type) for f in theirs.schema] == [(f.name, f.type) for f in mine.schema]
            assert mine.to_pylist() == theirs.to_pylist(), (table, chrom)
    samples = pq.read_table(storage.samples_file(written))
    assert samples.equals(pq.read_table(storage.samples_file(embedded)))
    a, b = (json.loads(storage.manifest_file(folder).read_text()) for folder in (written, embedded))
    assert a.pop("engine") == "spark"
    assert b.pop("engine") == "duckdb"
    for key in ("version", "created_at"):
        del a[key], b[key]
    assert a == b


@pytest.fixture(scope="module")
def hail_written(
    spark: Any, hail_vcf: Path, hail_sheet: Path, tmp_path_factory: pytest.TempPathFactory
) -> Written:
    """The test VCF (plain text) read in blocks of 300 kB, so each block is counted where it is read."""
    output = tmp_path_factory.mktemp("hail-spark")
    with spark_conf(spark, maxPartitionBytes="300000", openCostInBytes="0"):
        return ingest_with_spark(spark, hail_vcf, hail_sheet, output, dataset_id="hail", assembly="GRCh37")


def test_hail_sample_tables_equal_the_embedded_engines(hail_written: Written, hail_dataset: Dataset):
    assert "scanned 346 records in 4 block(s): 346 variants" in hail_written.log
    assert "counting in 4 tasks (one per input block)" in hail_written.log
    assert_same_version(hail_written.folder, hail_dataset.path)


def test_simulated_panel_tables_equal_the_embedded_engines(spark: Any, tmp_path: Path):
    """A bgzipped panel with chr-prefixed contigs (chr22, chrX across PAR1), multi-allelic sites, indels and
    missing calls, plus a reference-only record (ALT '.', which gives no variant but takes a record number)
    and a contig whose variants have no carriers (so its carriers file is empty) and whose name needs
    quoting. One gzip block is spread over three counting tasks by record number."""
    panel = simulate_panel(tmp_path / "in", samples=120, seed=7, chr_prefix=True, missing_rate=0.02)
    text = gzip.decompress(panel.vcf.read_bytes()).decode()
    header, _, body = text.rpartition("#CHROM")
    chrom_line, _, records = body.partition("\n")
    lines = records.splitlines()
    reference = ["0|0"] * panel.sample_count
    middle = len(lines) // 2
    lines.insert(
        middle,
        "\t".join([lines[middle].split("\t")[0], "1", ".", "A", ".", "50", "PASS", ".", "GT", *reference]),
    )
    lines += [
        "\t".join(["HLA-A*01:01", str(pos), ".", "C", "T,G", "40", "PASS", ".", "GT", *reference])
        for pos in (5, 9)
    ]
    vcf = tmp_path / "panel.vcf.gz"
    with BgzfWriter(vcf) as out:
        out.write(header + "#CHROM" + chrom_line + "\n" + "".join(line + "\n" for line in lines))

    written = ingest_with_spark(spark, vcf, panel.samples, tmp_path / "out", assembly="GRCh38", partitions=3)
    assert "counting in 3 tasks (records redistributed by number)" in written.log
    ingest(vcf, panel.samples, root=tmp_path / "root", dataset_id="d", assembly="GRCh38")
    embedded = open_dataset(tmp_path / "root", "d")
    assert embedded.chromosomes() == ["22", "X", "HLA-A*01:01"]
    assert pq.read_metadata(storage.partition_file(embedded.path, "carriers", "HLA-A*01:01")).num_rows == 0
    assert embedded.manifest.variant_count > panel.record_count + 4  # multi-allelic sites were split
    assert_same_version(written.folder, embedded.path)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("panel.bcf", b"BCF\x02\x02" + bytes(64), "BCF file, which the Spark engine cannot read"),
        ("panel.vcf.bgz", b"##fileformat=VCFv4.2\n#CHROM\tPOS\n", "rename it"),
        ("cut.vcf.gz", None, "the bgzip file is truncated: its end-of-file block is missing"),
    ],
)
def test_inputs_spark_cannot_read_are_refused(
    spark: Any, tmp_path: Path, hail_sheet: Path, name, content, message
):
    vcf = tmp_path / name
    with BgzfWriter(vcf) as out:
        out.write(content or b"##fileformat=VCFv4.2\n")
    if content is None:
        vcf.write_bytes(vcf.read_bytes()[: -len(EOF_BLOCK)])
    with pytest.raises(GenomeInputError, match=message) as caught:
        ingest_with_spark(spark, vcf, hail_sheet, tmp_path / "out", assembly="GRCh37")
    assert str(vcf) in str(caught.value)
    if name == "panel.bcf":
        assert "bcftools view -Oz" in str(caught.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_malformed_record_names_the_file_and_record(
    spark: Any, tmp_path: Path, hail_vcf: Path, hail_sheet: Path
):
    lines = hail_vcf.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    fields = lines[first + 10].split("\t")
    lines[first + 10] = "\t".join([*fields[:9], "0/7", *fields[10:]])
    vcf = tmp_path / "bad.vcf"
    vcf.write_text("\n".join(lines) + "\n")
    with pytest.raises(GenomeInputError, match=r"bad\.vcf.*record 11.*allele 7") as caught:
        ingest_with_spark(spark, vcf, hail_sheet, tmp_path / "out", assembly="GRCh37")
    assert caught.value.path.endswith("bad.vcf")
    assert list((tmp_path / "out").iterdir()) == []  # the partial version folder is removed


def test_a_vcf_without_records_gives_a_version_without_tables(
    spark: Any, tmp_path: Path, hail_vcf: Path, hail_sheet: Path
):
    vcf = tmp_path / "empty.vcf"
    vcf.write_text("".join(line for line in hail_vcf.open() if line.startswith("#")))
    written = ingest_with_spark(spark, vcf, hail_sheet, tmp_path / "out", assembly="GRCh37")
    ingest(vcf, hail_sheet, root=tmp_path / "root", dataset_id="d", assembly="GRCh37")
    assert_same_version(written.folder, open_dataset(tmp_path / "root", "d").path)
    assert sorted(p.name for p in written.folder.iterdir()) == ["manifest.json", "samples.parquet"]


def copy_of(written: Written, tmp_path: Path) -> Path:
    folder = tmp_path / "from-cluster" / written.folder.name
    shutil.copytree(written.folder, folder)
    return folder


def test_register_publishes_a_version_the_queries_read(
    hail_written: Written, hail_dataset: Dataset, tmp_path: Path
):
    folder = copy_of(hail_written, tmp_path)
    root = tmp_path / "root"
    manifest = register_version(root, folder)
    assert (manifest.dataset_id, manifest.engine) == ("hail", "spark")
    dataset = open_dataset(root, "hail")
    assert dataset.manifest == manifest
    assert all_variants(dataset) == all_variants(hail_dataset)
    assert folder.is_dir()  # copied, not moved
    with pytest.raises(GenomeInputError, match=f"dataset hail already has version {manifest.version}"):
        register_version(root, folder)
    other = register_version(root, folder, dataset_id="hail-copy")
    assert open_dataset(root, "hail-copy").manifest == other
    assert other.dataset_id == "hail-copy"
    assert sorted(p.name for p in storage.dataset_dir(root, "hail").iterdir()) == sorted(
        ["CURRENT", manifest.version]
    )


def _retype_gt(folder: Path) -> None:
    path = storage.partition_file(folder, "carriers", "20")
    table = pq.read_table(path)
    pq.write_table(table.set_column(2, "gt", table["gt"].cast(pa.int32())), path)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_retype_gt, r"carriers table's columns differ from the platform's \(gt: int32\)"),
        (lambda folder: storage.manifest_file(folder).unlink(), "has no manifest.json"),
        (
            lambda folder: storage.manifest_file(folder).write_text("{"),
            "cannot be read as a dataset manifest",
        ),
        (lambda folder: storage.samples_file(folder).unlink(), "samples.parquet is missing"),
        (lambda folder: (folder / "_SUCCESS").touch(), "unexpected entries in a version folder: _SUCCESS"),
        (
            lambda folder: (folder / "variants" / "chrom=20").rename(folder / "variants" / "chr20"),
            "is not a partition named as the platform names them",
        ),
        (
            lambda folder: (folder / "strata" / "chrom=20" / "part-0.parquet").rename(
                folder / "strata" / "chrom=20" / "part-00000.parquet"
            ),
            "should hold exactly one file, part-0.parquet; found: part-00000.parquet",
        ),
    ],
)
def test_register_refuses_a_folder_not_in_the_platforms_layout(
    hail_written: Written, tmp_path: Path, damage, message
):
    folder = copy_of(hail_written, tmp_path)
    damage(folder)
    root = tmp_path / "root"
    with pytest.raises(GenomeInputError, match=message):
        register_version(root, folder)
    assert not storage.dataset_dir(root, "hail").exists() or storage.versions(root, "hail") == []


def run_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("genome", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_kiban_genome_register_and_ingest_with_spark(
    spark: Any, hail_written: Written, hail_vcf: Path, hail_sheet: Path, hail_dataset: Dataset, tmp_path: Path
):
    """`kiban genome register <folder>` publishes a version folder; `kiban genome ingest --engine spark`
    runs the Spark ingest (here on the test session) and publishes it in one step."""
    from kiban.genome.datasets import genome_root

    out, _ = run_command("register", str(copy_of(hail_written, tmp_path)), "--dataset", "from-cluster")
    assert "Dataset from-cluster version" in out and "346 variants, 100 samples" in out
    with pytest.raises(CommandError, match="already has version"):
        run_command("register", str(copy_of(hail_written, tmp_path / "again")), "--dataset", "from-cluster")

    vcf = tmp_path / "a folder with spaces" / "hail sample.vcf"  # Hadoop reads local paths as written
    vcf.parent.mkdir()
    shutil.copy(hail_vcf, vcf)
    args = [
        "ingest",
        str(vcf),
        "--dataset",
        "local",
        "--samples",
        str(hail_sheet),
        "--assembly",
        "GRCh37",
    ]
    out, err = run_command(*args, "--engine", "spark")
    assert "Dataset local version" in out and "346 variants" in out
    assert "counting in 2 tasks" in err
    local = open_dataset(genome_root(), "local")
    assert local.manifest.engine == "spark"
    assert all_variants(local) == all_variants(hail_dataset)
    assert sorted(p.name for p in storage.dataset_dir(genome_root(), "local").iterdir()) == sorted(
        ["CURRENT", local.manifest.version]
    )  # no staging folder left
