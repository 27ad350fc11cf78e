"""The ingest on Apache Spark: the embedded engine's own counting, spread over a cluster, same Parquet layout.

The embedded engine (`ingestion.ingest`) reads one file on one machine; this module reads the same VCF with
Spark, counts batches of its data lines in Python workers with `ingestion.count_text_records` (the very code
the embedded engine runs), and writes one version folder `<output>/<version>/` that holds the same tables,
row for row, as the embedded engine writes. `kiban genome register` then publishes that folder.

Stages: (1) the driver reads the header and checks it as the embedded engine does; (2) a scan counts the data
lines and biallelic rows of every input block, and the driver turns those counts into each block's first
record number and first variant id (so ids are dense from 0 in file order, as the embedded engine numbers
them); (3) workers count batches of consecutive lines; (4) each table is written one file per contig, sorted
as the embedded engine sorts it, and the files are renamed into the layout of `storage`.

Paths may be anything Hadoop reads and writes (local files, hdfs://, s3a://): files are moved through the
Hadoop FileSystem API. BCF is not supported here: convert it to bgzipped VCF first.
"""

import argparse
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from kiban.genome.engine import bgzf, ingestion, records, storage
from kiban.genome.engine.assembly import check_assembly
from kiban.genome.engine.errors import GenomeInputError
from kiban.genome.engine.ingestion import SCHEMAS, count_text_records, sample_groups, split_rows
from kiban.genome.engine.model import Manifest
from kiban.genome.engine.samples import SampleSheet, read_sample_sheet

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

Log = Callable[[str], None]

ROW_GROUP_BYTES = {"variants": 4 << 20, "strata": 4 << 20, "carriers": 16 << 20}
_ERROR = "KIBAN-GENOME-INPUT-ERROR:"  # marks an input error raised in a worker, to raise it again here
_ERROR_TEXT = re.compile(re.escape(_ERROR) + r"(\[.*?\])(?:\n|$)")
_GZIP_DAMAGE = re.compile(
    r"Unexpected end of input stream|(java\.util\.zip\.ZipException|java\.io\.EOFException)[^\n]*"
)
_KINDS = {"variants": 0, "strata": 1, "carriers": 2}

_TOTALS = pa.schema([("block", pa.int64()), ("lines", pa.int64()), ("rows", pa.int64())])
_NUMBERED = pa.schema([("number", pa.int64()), ("vid", pa.int64()), ("line", pa.binary())])
# The three tables in one frame (the counting runs once): each row is one table's row, the rest null.
_COLUMNS = {field.name: field for schema in SCHEMAS.values() for field in schema}  # vid, pos, … gt
_UNION = pa.schema([("kind", pa.int8()), ("chrom", pa.string()), *_COLUMNS.values()])
_SPARK_TYPES = {
    pa.int8(): "byte",
    pa.int32(): "int",
    pa.int64(): "long",
    pa.float64(): "double",
    pa.string(): "string",
    pa.binary(): "binary",
    pa.list_(pa.string()): "array<string>",
}


def _ddl(schema: pa.Schema) -> str:
    return ", ".join(f"{field.name} {_SPARK_TYPES[field.type]}" for field in schema)


def _stderr(message: str) -> None:
    print(f"kiban spark: {message}", file=sys.stderr, flush=True)


def ingest_spark(
    vcf_path: str,
    samples_path: str | Path,
    *,
    output: str,
    dataset_id: str,
    assembly: str,
    spark: "SparkSession | None" = None,
    master: str | None = None,
    partitions: int | None = None,
    version: str | None = None,
    log: Log | None = None,
) -> Manifest:
    """Ingest a VCF (plain or gzip/bgzip text) into one new version folder `<output>/<version>/`.

    `vcf_path` and `output` are Hadoop paths or URIs; the sample sheet is read on the driver. `spark` is
    the session to use (default: the active one, else a new one on `master`, default `local[*]`).
    `partitions` is the number of counting tasks (default: the input's blocks, or Spark's default
    parallelism when that is more; a gzip file is one block). `version` names the folder (default: now,
    as storage names versions); `log` gets each stage's progress (default: stderr). On failure the version
    folder is removed.
    """
    log = log or _stderr
    canonical = check_assembly(assembly)
    if canonical is None:
        raise GenomeInputError(
            vcf_path, None, f"assembly {assembly!r} is not supported; use GRCh37 or GRCh38"
        )
    if not storage.valid_dataset_id(dataset_id):
        raise GenomeInputError(
            vcf_path,
            None,
            f"dataset id {dataset_id!r} must be letters, digits, '.', '_' or '-' (at most 100)",
        )
    sheet = read_sample_sheet(samples_path)
    session, owned = _session(spark, master)
    try:
        return _Ingest(session, vcf_path, sheet, output, dataset_id, canonical, partitions, log).run(version)
    finally:
        if owned:
            session.stop()


def _session(spark: "SparkSession | None", master: str | None) -> "tuple[SparkSession, bool]":
    """The session to use and whether we started it (and so stop it)."""
    if spark is not None:
        return spark, False
    try:
        from pyspark import SparkConf
        from pyspark.sql import SparkSession
    except ImportError:
        raise RuntimeError("the Spark engine needs PySpark: pip install 'kiban[spark]'") from None
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active, False
    master = master or SparkConf().get("spark.master", "local[*]")
    if master.startswith("local"):
        # Local workers must run this very interpreter (PySpark otherwise starts `python3` from PATH).
        import os

        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = SparkSession.builder.appName("kiban genome ingest").master(master).getOrCreate()
    return session, True


@dataclass(frozen=True)
class _Header:
    lines: list[str]  # up to and including '#CHROM'
    samples: list[str]


@dataclass(frozen=True)
class _Plan:
    """Where each input block starts in record numbers and variant ids (from the first scan)."""

    starts: dict[int, tuple[int, int]]  # block start offset -> (first record number, first vid)
    records: int
    variants: int


class _Ingest:
    """One Spark ingest: the stages of the module docstring, in order."""

    def __init__(
        self,
        spark: "SparkSession",
        vcf_path: str,
        sheet: SampleSheet,
        output: str,
        dataset_id: str,
        assembly: str,
        partitions: int | None,
        log: Log,
    ) -> None:
        self.spark = spark
        self.fs = _HadoopFiles(spark)
        self.source = self.fs.qualified(vcf_path)
        self.name = vcf_path  # as the user wrote it, for messages
        self.sheet = sheet
        self.output = self.fs.qualified(output.rstrip("/"))
        self.dataset_id = dataset_id
        self.assembly = assembly
        self.partitions = partitions
        self.log = log
        self.folder = ""  # the version folder, once chosen
        self.plan = _Plan({}, 0, 0)
        self.group_names: list[tuple[str, str]] = []
        self.shared: Any = None  # the broadcast sample groups

    def run(self, version: str | None) -> Manifest:
        started = time.monotonic()
        header = self._header()
        self.log(f"{self.name}: {len(header.samples):,} samples; the header agrees with {self.assembly}")
        digest = _Background(lambda: self.fs.sha256(self.source))
        version = version or self._free_version(datetime.now(UTC))
        folder = self.folder = f"{self.output}/{version}"
        if self.fs.exists(folder):
            raise GenomeInputError(folder, None, "the version folder already exists")
        self.fs.mkdirs(folder)
        conf = self.spark.conf
        saved = conf.get("spark.sql.execution.arrow.maxRecordsPerBatch")
        chunk = max(16, records.CALLS_PER_BATCH // len(header.samples))
        conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(chunk))
        counted = None
        try:
            counted = self._count(header, chunk)
            chroms = self._write(counted)
            samples = pa.BufferOutputStream()
            pq.write_table(ingestion.samples_table(header.samples, self.sheet), samples, compression="zstd")
            self.fs.write(f"{folder}/samples.parquet", samples.getvalue().to_pybytes())
            for table in storage.TABLES:
                self._settle(f"{folder}/{table}", table, chroms)
            manifest = Manifest(
                dataset_id=self.dataset_id,
                version=version,
                assembly=self.assembly,
                sample_count=len(header.samples),
                variant_count=self.plan.variants,
                strata=self.sheet.strata,
                source_name=self.source.rstrip("/").rsplit("/", 1)[-1],
                source_sha256=digest.result(),
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                engine="spark",
            )
            self.fs.write(f"{folder}/manifest.json", storage.manifest_text(manifest).encode())
        except BaseException:
            self.fs.delete(folder)
            raise
        finally:
            conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", saved)
            if counted is not None:
                counted.unpersist()
            if self.shared is not None:
                self.shared.unpersist()
        self.log(
            f"version {version} written to {folder}: {manifest.variant_count:,} variants on "
            f"{len(chroms)} contig(s) in {time.monotonic() - started:,.1f} s"
        )
        return manifest

    def _free_version(self, now: datetime) -> str:
        moment = now.replace(microsecond=0)
        while self.fs.exists(f"{self.output}/{moment.strftime(storage.VERSION_FORMAT)}"):
            moment += timedelta(seconds=1)
        return moment.strftime(storage.VERSION_FORMAT)

    def _header(self) -> _Header:
        """Read and check the header on the driver, with the embedded engine's own checks."""
        lines = self.fs.header(self.source, self.name)
        samples = lines[-1].split("\t")[9:]
        seen: set[str] = set()
        for sample in samples:
            if sample in seen:
                raise GenomeInputError(self.name, len(lines), f"sample {sample} appears twice in #CHROM")
            seen.add(sample)
        stripped = [line.strip() for line in lines]

        def line_of(text: str) -> int | None:
            return stripped.index(text.strip()) + 1 if text.strip() in stripped else None

        ingestion.check_contigs(self.name, "\n".join(lines), self.assembly, line_of)
        ingestion.check_samples(self.name, len(lines), samples, self.sheet)
        return _Header(lines, samples)

    def _lines(self) -> "DataFrame":
        from pyspark.sql import functions as F

        text = self.spark.read.text(self.source)
        return text.select(
            F.input_file_block_start().alias("block"), F.col("value").cast("binary").alias("line")
        )

    def _count(self, header: _Header, chunk: int) -> "DataFrame":
        from pyspark import StorageLevel

        context = self.spark.sparkContext
        context.setJobDescription("kiban: count the records of each input block")
        lines = self._lines()
        blocks = lines.rdd.getNumPartitions()
        totals = _guard(lambda: lines.mapInArrow(_block_totals, _ddl(_TOTALS)).collect(), self.name)
        self.plan = _plan(totals)
        self.log(
            f"scanned {self.plan.records:,} records in {len(self.plan.starts):,} block(s): "
            f"{self.plan.variants:,} variants"
        )
        numbered = lines.mapInArrow(_Numbering(self.plan.starts), _ddl(_NUMBERED))
        tasks = self.partitions or max(blocks, context.defaultParallelism)
        if tasks != blocks:
            # A gzip file is one block: spread its lines over `tasks` ranges of consecutive records.
            numbered = numbered.repartitionByRange(tasks, "number").sortWithinPartitions("number")
            self.log(f"counting in {tasks} tasks (records redistributed by number)")
        else:
            self.log(f"counting in {tasks} tasks (one per input block)")
        groups, self.group_names = sample_groups(header.samples, self.sheet)
        shared = self.shared = context.broadcast((groups, self.group_names))
        counter = _Counting(shared, len(header.samples), self.assembly, self.name, chunk)
        return numbered.mapInArrow(counter, _ddl(_UNION)).persist(StorageLevel.MEMORY_AND_DISK)

    def _write(self, counted: "DataFrame") -> list[str]:
        """Write each table one file per contig, sorted as the embedded engine sorts it; returns the
        contigs (as the variants table holds them)."""
        from pyspark.sql import functions as F

        order = {
            "variants": [F.col("pos"), F.col("vid")],
            "strata": [F.col("vid"), self._stratum_order()],
            "carriers": [F.col("vid"), F.col("sample")],
        }
        for table in storage.TABLES:
            started = time.monotonic()
            self.spark.sparkContext.setJobDescription(f"kiban: write {table}")
            frame = counted.where(F.col("kind") == _KINDS[table]).select(
                "chrom", *[field.name for field in SCHEMAS[table]]
            )
            writer = (
                frame.repartition(F.col("chrom"))
                .sortWithinPartitions(F.col("chrom"), *order[table])
                .write.partitionBy("chrom")
                .option("compression", "zstd")
                .option("parquet.block.size", ROW_GROUP_BYTES[table])
            )
            _guard(lambda writer=writer, table=table: writer.parquet(self._table_path(table)), self.name)
            self.log(f"wrote {table} in {time.monotonic() - started:,.1f} s")
        found = counted.where(F.col("kind") == _KINDS["variants"]).count()
        if found != self.plan.variants:
            raise RuntimeError(f"counted {found:,} variants, but the scan found {self.plan.variants:,}")
        return self._chroms()

    def _stratum_order(self) -> "Column":
        """The embedded engine's order of strata rows within a variant: that of `sample_groups`."""
        from pyspark.sql import functions as F

        pairs = [
            item
            for i, (name, value) in enumerate(self.group_names)
            for item in (F.lit(f"{name}\t{value}"), F.lit(i))
        ]
        return F.element_at(F.create_map(*pairs), F.concat_ws("\t", "stratum", "value"))

    def _table_path(self, table: str) -> str:
        return f"{self.folder}/{table}"

    def _chroms(self) -> list[str]:
        base = self._table_path("variants")
        if not self.fs.exists(base):
            return []
        return [chrom for name in self.fs.names(base) if (chrom := storage.partition_chrom(name)) is not None]

    def _settle(self, base: str, table: str, chroms: list[str]) -> None:
        """Rename Spark's one part file per contig to storage's `chrom=<quoted>/part-0.parquet`, remove
        Spark's other files, and add an empty file for a contig without rows (as the embedded engine)."""
        exists = self.fs.exists(base)
        for name in self.fs.names(base) if exists else []:
            path = f"{base}/{name}"
            chrom = storage.partition_chrom(name)
            if chrom is None:
                self.fs.delete(path)  # _SUCCESS and checksum files
                continue
            parts = [
                part for part in self.fs.names(path) if part.startswith("part-") and part.endswith(".parquet")
            ]
            if len(parts) != 1:
                raise RuntimeError(f"{path} holds {len(parts)} Parquet files; one per contig was expected")
            target = f"{base}/{storage.partition_name(chrom)}"
            if target != path:
                self.fs.mkdirs(target)
            self.fs.rename(f"{path}/{parts[0]}", f"{target}/{storage.PARTITION_FILE}")
            if target != path:
                self.fs.delete(path)
            for leftover in self.fs.names(target):
                if leftover != storage.PARTITION_FILE:
                    self.fs.delete(f"{target}/{leftover}")
        present = {storage.partition_chrom(name) for name in self.fs.names(base)} if exists else set()
        for chrom in chroms:
            if chrom not in present:
                self.fs.write(
                    f"{base}/{storage.partition_name(chrom)}/{storage.PARTITION_FILE}", _empty(table)
                )
        if not chroms and exists:
            self.fs.delete(base)  # a VCF without variants gives a version without tables


def _guard(action: Callable[[], Any], name: str) -> Any:
    """Run a Spark action; an input error raised in a worker is raised again here as itself."""
    try:
        return action()
    except Exception as error:
        text = str(error)
        found = _ERROR_TEXT.search(text)
        if found is not None:
            path, line, problem = json.loads(found.group(1))
            raise GenomeInputError(path, line, problem) from None
        damage = _GZIP_DAMAGE.search(text)
        if damage is not None:
            problem = f"the gzip file is truncated or corrupt ({damage.group(0)})"
            raise GenomeInputError(name, None, problem) from None
        raise


def _block_totals(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Per input block: its data lines and the biallelic rows they give."""
    totals: dict[int, list[int]] = {}
    for batch in batches:
        for block, line in zip(batch.column(0).to_pylist(), batch.column(1).to_pylist(), strict=True):
            if line[:1] == b"#":
                continue
            entry = totals.get(block) or totals.setdefault(block, [0, 0])
            entry[0] += 1
            entry[1] += split_rows(line)
    yield pa.RecordBatch.from_pydict(
        {
            "block": list(totals),
            "lines": [lines for lines, _ in totals.values()],
            "rows": [rows for _, rows in totals.values()],
        },
        schema=_TOTALS,
    )


def _plan(totals: list[Any]) -> _Plan:
    """Prefix sums over the blocks in file order: each block's first record number and first vid."""
    starts: dict[int, tuple[int, int]] = {}
    number, vid = 1, 0
    for row in sorted(totals, key=lambda row: row["block"]):
        starts[row["block"]] = (number, vid)
        number += row["lines"]
        vid += row["rows"]
    return _Plan(starts, number - 1, vid)


class _Numbering:
    """Gives every data line its record number and first vid, from its block's start; drops the header."""

    def __init__(self, starts: dict[int, tuple[int, int]]) -> None:
        self.starts = starts

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        block, number, vid = None, 0, 0
        for batch in batches:
            lines = batch.column(1)
            numbers, vids, keep = [], [], []
            for i, (start, line) in enumerate(
                zip(batch.column(0).to_pylist(), lines.to_pylist(), strict=True)
            ):
                if line[:1] == b"#":
                    continue
                if start != block:
                    block = start
                    number, vid = self.starts[start]
                numbers.append(number)
                vids.append(vid)
                keep.append(i)
                number += 1
                vid += split_rows(line)
            if keep:
                yield pa.RecordBatch.from_arrays(
                    [pa.array(numbers, pa.int64()), pa.array(vids, pa.int64()), lines.take(keep)],
                    schema=_NUMBERED,
                )


class _Counting:
    """Counts runs of consecutive records with the embedded engine's `count_text_records`."""

    def __init__(self, groups: Any, samples: int, assembly: str, source: str, chunk: int) -> None:
        self.groups = groups  # a Spark broadcast of (SampleGroups, group names)
        self.samples = samples
        self.assembly = assembly
        self.source = source
        self.chunk = chunk

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        groups, names = self.groups.value
        pending: list[bytes] = []
        number = vid = 0  # of pending[0]
        following: tuple[int, int] | None = None  # record number and vid after the last chunk counted
        for batch in batches:
            columns = [column.to_pylist() for column in batch.columns]
            for record, first, line in zip(*columns, strict=True):
                if pending and (record != number + len(pending) or len(pending) >= self.chunk):
                    produced = yield from self._tables(pending, number, vid, groups, names)
                    following = (number + len(pending), vid + produced)
                    pending = []
                if not pending:
                    if following is not None and following[0] == record and following[1] != first:
                        raise RuntimeError(
                            f"record {record} should start at variant {following[1]}, not {first}"
                        )
                    number, vid = record, first
                pending.append(line)
        if pending:
            yield from self._tables(pending, number, vid, groups, names)

    def _tables(
        self, lines: list[bytes], number: int, vid: int, groups: Any, names: list[tuple[str, str]]
    ) -> Generator[pa.RecordBatch, None, int]:
        """The union rows of the lines' tables; returns how many variants they hold."""
        try:
            runs = count_text_records(
                lines,
                samples=self.samples,
                groups=groups,
                group_names=names,
                assembly=self.assembly,
                first_vid=vid,
                first_number=number,
                source=self.source,
            )
        except GenomeInputError as error:
            raise RuntimeError(_ERROR + json.dumps([error.path, error.line, error.problem])) from None
        produced = 0
        for chrom, tables in runs:
            for table, data in tables.items():
                if data.num_rows:
                    yield _as_union(_KINDS[table], chrom, data)
            produced += tables["variants"].num_rows
        return produced


def _as_union(kind: int, chrom: str, table: pa.Table) -> pa.RecordBatch:
    rows = table.num_rows
    columns = []
    for field in _UNION:
        if field.name == "kind":
            columns.append(pa.array(np.full(rows, kind, dtype=np.int8)))
        elif field.name == "chrom":
            columns.append(pa.repeat(pa.scalar(chrom, pa.string()), rows))
        elif field.name in table.column_names:
            columns.append(table.column(field.name).combine_chunks())
        else:
            columns.append(pa.nulls(rows, field.type))
    return pa.RecordBatch.from_arrays(columns, schema=_UNION)


def _empty(table: str) -> bytes:
    """An empty Parquet file of the table, as the embedded engine writes for a contig without rows."""
    sink = pa.BufferOutputStream()
    pq.write_table(SCHEMAS[table].empty_table(), sink, compression="zstd")
    return sink.getvalue().to_pybytes()


class _HadoopFiles:
    """Files on any Hadoop file system (local, HDFS, S3A…), through the driver's JVM."""

    def __init__(self, spark: "SparkSession") -> None:
        self.jvm: Any = spark.sparkContext._jvm
        self.conf = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[union-attr]
        self._checksummed = self.jvm.java.lang.Class.forName("org.apache.hadoop.fs.ChecksumFileSystem")

    def _path(self, uri: str) -> Any:
        return self.jvm.org.apache.hadoop.fs.Path(uri)

    def _fs(self, path: Any) -> Any:
        fs = path.getFileSystem(self.conf)
        # The local file system hides and moves '.crc' side files; its raw form writes none and shows all.
        return fs.getRawFileSystem() if self._checksummed.isInstance(fs) else fs

    def qualified(self, uri: str) -> str:
        path = self._path(uri)
        return str(self._fs(path).makeQualified(path).toString())

    def exists(self, uri: str) -> bool:
        path = self._path(uri)
        return bool(self._fs(path).exists(path))

    def mkdirs(self, uri: str) -> None:
        path = self._path(uri)
        self._fs(path).mkdirs(path)

    def names(self, uri: str) -> list[str]:
        path = self._path(uri)
        return sorted(str(status.getPath().getName()) for status in self._fs(path).listStatus(path))

    def rename(self, source: str, target: str) -> None:
        path = self._path(source)
        if not self._fs(path).rename(path, self._path(target)):
            raise OSError(f"cannot rename {source} to {target}")

    def delete(self, uri: str) -> None:
        path = self._path(uri)
        self._fs(path).delete(path, True)

    def write(self, uri: str, data: bytes) -> None:
        path = self._path(uri)
        stream = self._fs(path).create(path, False)
        try:
            stream.write(data)
        finally:
            stream.close()

    def sha256(self, uri: str) -> str:
        """The file's SHA-256, computed in the JVM (as the embedded engine records it in the manifest)."""
        path = self._path(uri)
        digest = self.jvm.java.security.MessageDigest.getInstance("SHA-256")
        stream = self.jvm.java.security.DigestInputStream(self._fs(path).open(path), digest)
        try:
            self.jvm.org.apache.commons.io.IOUtils.consume(stream)
        finally:
            stream.close()
        return bytes(digest.digest()).hex()

    def _bgzf_end(self, path: Any) -> bool:
        """Whether the file ends with BGZF's end-of-file block."""
        fs = self._fs(path)
        size = fs.getFileStatus(path).getLen()
        if size < len(bgzf.EOF_BLOCK):
            return False
        stream = fs.open(path)
        try:
            stream.seek(size - len(bgzf.EOF_BLOCK))
            return bytes(max(stream.read(), 0) for _ in bgzf.EOF_BLOCK) == bgzf.EOF_BLOCK
        finally:
            stream.close()

    def header(self, uri: str, name: str) -> list[str]:
        """The header lines up to '#CHROM'; BCF and gzip files Spark would not decompress are refused."""
        from py4j.protocol import Py4JJavaError

        path = self._path(uri)
        fs = self._fs(path)
        if not fs.exists(path) or fs.getFileStatus(path).isDirectory():
            raise GenomeInputError(name, None, "the file does not exist")
        jvm = self.jvm
        raw = jvm.java.io.BufferedInputStream(fs.open(path), 1 << 16)
        lines: list[str] = []
        try:
            raw.mark(16)
            head = bytes(max(raw.read(), 0) for _ in range(16))
            raw.reset()
            compressed = head[:2] == b"\x1f\x8b"
            if head[:4] == b"\x1f\x8b\x08\x04" and head[12:14] == b"BC" and not self._bgzf_end(path):
                raise GenomeInputError(
                    name, None, "the bgzip file is truncated: its end-of-file block is missing"
                )
            stream = jvm.java.util.zip.GZIPInputStream(raw, 1 << 16) if compressed else raw
            reader = jvm.java.io.BufferedReader(jvm.java.io.InputStreamReader(stream, "UTF-8"), 1 << 20)
            while (line := reader.readLine()) is not None:
                if not lines and line.startswith("BCF"):
                    raise GenomeInputError(
                        name,
                        None,
                        "this is a BCF file, which the Spark engine cannot read (Spark splits text): "
                        "convert it to bgzipped VCF with `bcftools view -Oz -o panel.vcf.gz panel.bcf` "
                        "(or to plain VCF with -Ov), or ingest it with the embedded engine",
                    )
                lines.append(line)
                if line.startswith("#CHROM") or not line.startswith("##"):
                    break
        except Py4JJavaError as error:
            problem = f"the gzip file is truncated or corrupt ({error.java_exception})"
            raise GenomeInputError(name, len(lines) + 1, problem) from None
        finally:
            raw.close()
        if not lines or not lines[-1].startswith("#CHROM"):
            raise GenomeInputError(
                name, len(lines) or None, "no '#CHROM' header line: this is not a VCF file"
            )
        if compressed and not uri.endswith(".gz"):
            raise GenomeInputError(
                name,
                None,
                "the file is gzip-compressed, but Spark decompresses only files whose name ends in .gz: "
                "rename it (e.g. panel.vcf.bgz to panel.vcf.gz; bgzip output is gzip)",
            )
        if not compressed and uri.endswith(".gz"):
            raise GenomeInputError(name, None, "the name ends in .gz, but the file is not gzip-compressed")
        return lines


class _Background:
    """One value computed in a daemon thread (the input's checksum, while Spark counts)."""

    def __init__(self, work: Callable[[], str]) -> None:
        self._value: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], str]) -> None:
        try:
            self._value = work()
        except BaseException as error:
            self._error = error

    def result(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def main(argv: list[str] | None = None) -> int:
    """`python -m kiban.genome.engine.spark` (or spark-submit this file): ingest, print the version folder."""
    parser = argparse.ArgumentParser(
        prog="python -m kiban.genome.engine.spark",
        description="Ingest a joint-called VCF with Spark into <output>/<version>/; publish it on the "
        "platform with `kiban genome register <version folder>`.",
    )
    parser.add_argument("vcf", help="VCF, plain or gzip/bgzip (.gz): a local path or a Hadoop URI")
    parser.add_argument("--samples", required=True, help="the sample sheet (TSV), a file on the driver")
    parser.add_argument("--output", required=True, help="where the version folder goes (path or Hadoop URI)")
    parser.add_argument("--dataset", required=True, help="dataset id, e.g. tmm-wgs")
    parser.add_argument("--assembly", default="GRCh38", choices=["GRCh37", "GRCh38"])
    parser.add_argument("--master", help="Spark master URL (default: spark-submit's, else local[*])")
    parser.add_argument("--partitions", type=int, help="counting tasks (default: input blocks or cores)")
    args = parser.parse_args(argv)
    try:
        manifest = ingest_spark(
            args.vcf,
            args.samples,
            output=args.output,
            dataset_id=args.dataset,
            assembly=args.assembly,
            master=args.master,
            partitions=args.partitions,
        )
    except GenomeInputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{args.output.rstrip('/')}/{manifest.version}")
    return 0


if __name__ == "__main__":
    from kiban.genome.engine.spark import main as _main  # the importable module, so workers can unpickle it

    sys.exit(_main())
