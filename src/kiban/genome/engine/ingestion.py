"""Ingest: stream a joint-called VCF/BCF in chunks, count per variant and stratum, write a dataset version."""

import gzip
import hashlib
import re
import shutil
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cyvcf2
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from . import bcf, bgzf, records, storage, vcftext
from .alleles import is_symbolic, minimal_representation
from .assembly import CONTIG_LENGTHS, Ploidy, assembly_of_length, check_assembly, normalise_chrom, ploidy_of
from .counting import END, ChunkCounts, SampleGroups, apply_ploidy, count_chunk, count_sparse, highest_allele
from .errors import GenomeInputError
from .index import build_index
from .model import Manifest
from .records import Irregular, RecordBatch, filters_of
from .samples import SampleSheet, read_sample_sheet

Progress = Callable[[int, int | None], None]

DECOMPRESSION_THREADS = 2  # BGZF blocks inflated in parallel while records are parsed
ROW_GROUP_ROWS = 65_536  # rows per Parquet row group: small enough for position pushdown to skip most
CARRIER_BUFFER_ROWS = 1_000_000

VARIANT_SCHEMA = pa.schema(
    [
        ("vid", pa.int64()),  # the variant key shared by strata and carriers, unique in a version
        ("pos", pa.int32()),
        ("ref", pa.string()),
        ("alt", pa.string()),
        ("rsid", pa.string()),
        ("qual", pa.float64()),
        ("filters", pa.list_(pa.string())),
        ("ac", pa.int32()),
        ("an", pa.int32()),
        ("af", pa.float64()),
        ("hom", pa.int32()),
        ("het", pa.int32()),
        ("hemi", pa.int32()),
    ]
)
STRATA_SCHEMA = pa.schema(
    [
        ("vid", pa.int64()),
        ("stratum", pa.string()),
        ("value", pa.string()),
        ("ac", pa.int32()),
        ("an", pa.int32()),
        ("hom", pa.int32()),
        ("het", pa.int32()),
        ("hemi", pa.int32()),
    ]
)
CARRIER_SCHEMA = pa.schema([("vid", pa.int64()), ("sample", pa.int32()), ("gt", pa.int8())])
SCHEMAS = {"variants": VARIANT_SCHEMA, "strata": STRATA_SCHEMA, "carriers": CARRIER_SCHEMA}

_RSID = re.compile(r"^rs[0-9]+$", re.IGNORECASE)
_GENOTYPE = re.compile(r"^(\.|[0-9]+)([/|](\.|[0-9]+))*$")
_CONTIG = re.compile(r"^##contig=<(.*)>\s*$", re.MULTILINE)


@dataclass
class Source:
    """What we know about the input file before reading its records."""

    path: Path
    is_bcf: bool
    header_lines: int | None  # lines before the first record (None for BCF)
    total_records: int | None  # known for plain-text VCF only
    sha256: str

    def line(self, record_number: int) -> int | None:
        """The line of the n-th record (1-based), for error messages; None for BCF."""
        return None if self.header_lines is None else self.header_lines + record_number

    def where(self, record_number: int) -> str:
        return "" if self.header_lines is not None else f"record {record_number}: "


def ingest(
    vcf_path: str | Path,
    samples_path: str | Path,
    *,
    root: Path,
    dataset_id: str,
    assembly: str,
    progress: Progress | None = None,
) -> Manifest:
    """Ingest one VCF/BCF with its sample sheet as a new version of `dataset_id`; returns its manifest.

    The version is built in a staging folder and renamed into place only when complete, then CURRENT
    is replaced; any failure removes the staging folder and leaves earlier versions as they were.
    """
    path = Path(vcf_path)
    root = Path(root)
    canonical = check_assembly(assembly)
    if canonical is None:
        raise GenomeInputError(path, None, f"assembly {assembly!r} is not supported; use GRCh37 or GRCh38")
    if not storage.valid_dataset_id(dataset_id):
        raise GenomeInputError(
            path, None, f"dataset id {dataset_id!r} must be letters, digits, '.', '_' or '-' (at most 100)"
        )
    sheet = read_sample_sheet(samples_path)
    source = _inspect(path)
    reader = _open(source)
    try:
        return _ingest(source, reader, sheet, root, dataset_id, canonical, progress)
    finally:
        reader.close()


def _ingest(
    source: "Source",
    reader: cyvcf2.VCF,
    sheet: SampleSheet,
    root: Path,
    dataset_id: str,
    assembly: str,
    progress: Progress | None,
) -> Manifest:
    samples = list(reader.samples)
    check_contigs(source.path, reader.raw_header, assembly, lambda text: _header_line(source, text))
    check_samples(source.path, source.header_lines, samples, sheet)
    staged = storage.staging_dir(root, dataset_id)
    staged.mkdir(parents=True)
    try:
        variant_count = _stream(source, reader, sheet, samples, assembly, staged, progress)
        _write_samples(staged, samples, sheet)
        now = datetime.now(UTC)
        version = storage.next_version(root, dataset_id, now)
        manifest = Manifest(
            dataset_id=dataset_id,
            version=version,
            assembly=assembly,
            sample_count=len(samples),
            variant_count=variant_count,
            strata=sheet.strata,
            source_name=source.path.name,
            source_sha256=source.sha256,
            created_at=now.isoformat(timespec="seconds"),
            engine="duckdb",
        )
        storage.write_manifest(staged, manifest)
        storage.publish(root, dataset_id, staged, version)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    build_index(root, dataset_id, version)  # the version's first queries need not wait for it
    return manifest


def _inspect(path: Path) -> Source:
    if not path.is_file():
        raise GenomeInputError(path, None, "the file does not exist")
    if bgzf.is_bgzf(path) and not bgzf.has_eof_block(path):
        raise GenomeInputError(path, None, "the bgzip file is truncated: its end-of-file block is missing")
    compressed = bgzf.is_gzip(path)
    try:
        with _open_bytes(path, compressed) as handle:
            is_bcf = handle.read(3) == b"BCF"
    except (OSError, EOFError, zlib.error) as error:
        raise GenomeInputError(path, None, f"the gzip file is truncated or corrupt ({error})") from None
    header_lines = None if is_bcf else _count_header_lines(path, compressed)
    digest = hashlib.sha256()
    newlines = 0
    last = b"\n"
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            if not compressed:
                newlines += block.count(b"\n")
                last = block[-1:]
    total = None
    if not compressed and header_lines is not None:
        total = newlines - header_lines + (0 if last == b"\n" else 1)
    return Source(path, is_bcf, header_lines, total, digest.hexdigest())


def _open_bytes(path: Path, compressed: bool) -> Any:
    return gzip.open(path, "rb") if compressed else open(path, "rb")


def _count_header_lines(path: Path, compressed: bool) -> int:
    """Lines up to and including '#CHROM': htslib's own header text is rewritten, so count the file's."""
    count = 0
    try:
        with _open_bytes(path, compressed) as handle:
            for line in handle:
                count += 1
                if line.startswith(b"#CHROM"):
                    return count
                if not line.startswith(b"##"):
                    break
    except (OSError, EOFError, zlib.error) as error:
        raise GenomeInputError(path, count + 1, f"the gzip file is truncated or corrupt ({error})") from None
    raise GenomeInputError(path, count or None, "no '#CHROM' header line: this is not a VCF file")


def _open(source: Source) -> cyvcf2.VCF:
    try:
        return cyvcf2.VCF(str(source.path), gts012=False, lazy=True)
    except OSError:
        raise GenomeInputError(source.path, None, "htslib cannot read this as a VCF or BCF file") from None


def check_contigs(path: Path | str, header: str, assembly: str, line_of: Callable[[str], int | None]) -> None:
    """Contig lengths in the header must be those of the chosen assembly (a cheap wrong-reference test);
    `line_of` finds the line of a header line in the file, for the error."""
    for match in _CONTIG.finditer(header):
        fields = dict(
            part.split("=", 1) for part in re.split(r",(?=[A-Za-z_]+=)", match.group(1)) if "=" in part
        )
        chrom = normalise_chrom(fields.get("ID", ""))
        length = fields.get("length", "")
        expected = CONTIG_LENGTHS[assembly].get(chrom)
        if expected is None or not length.isdigit() or int(length) == expected:
            continue
        line = line_of(match.group(0))
        other = assembly_of_length(chrom, int(length))
        if other is not None:
            problem = (
                f"contig {fields['ID']} has length {length}, which is {other}, not {assembly}: "
                f"wrong assembly (ingest with assembly {other}, or use a VCF aligned to {assembly})"
            )
        else:
            problem = (
                f"contig {fields['ID']} has length {length}, but {assembly} chromosome {chrom} has "
                f"length {expected}: the VCF was aligned to another reference"
            )
        raise GenomeInputError(path, line, problem)


def _header_line(source: Source, text: str) -> int | None:
    """htslib rewrites the header it returns, so the file is read again for the line's number."""
    if source.is_bcf:
        return None
    with _open_bytes(source.path, bgzf.is_gzip(source.path)) as handle:
        for number, line in enumerate(handle, start=1):
            if line.decode(errors="replace").strip() == text.strip():
                return number
            if line.startswith(b"#CHROM"):
                break
    return None


def check_samples(path: Path | str, chrom_line: int | None, samples: list[str], sheet: SampleSheet) -> None:
    """Every VCF sample is in the sheet and every sheet sample in the VCF (`chrom_line`: the #CHROM line)."""
    if not samples:
        raise GenomeInputError(
            path,
            chrom_line,
            "the VCF has no sample columns; a sites-only VCF has no genotypes to count",
        )
    listed = set(sheet.line_of)
    missing = [s for s in samples if s not in listed]
    if missing:
        raise GenomeInputError(
            path,
            chrom_line,
            f"{len(missing)} sample(s) in the VCF are missing from the sample sheet {sheet.path}: "
            + _names(missing),
        )
    present = set(samples)
    absent = [s for s in sheet.line_of if s not in present]
    if absent:
        raise GenomeInputError(
            sheet.path,
            sheet.line_of[absent[0]],
            f"{len(absent)} sample(s) in the sample sheet are not in the VCF {path}: " + _names(absent),
        )


def _names(names: list[str], shown: int = 10) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def sample_groups(samples: list[str], sheet: SampleSheet) -> tuple[SampleGroups, list[tuple[str, str]]]:
    """The groups counted (row 0: every sample, then one per stratum value) and their (stratum, value)."""
    masks = sheet.stratum_masks(samples)
    sex = np.array([sheet.sex[s] for s in samples])
    groups = SampleGroups.of(sex == "XX", sex == "XY", [mask for _, _, mask in masks])
    return groups, [(name, value) for name, value, _ in masks]


def _records(source: Source, reader: cyvcf2.VCF, samples: int) -> Iterator[tuple[int, cyvcf2.Variant]]:
    """(record number, record); htslib's parse failures become GenomeInputErrors with a diagnosis."""
    iterator = iter(reader)
    number = 0
    while True:
        try:
            record = next(iterator)
        except StopIteration:
            return
        except Exception as error:
            raise _diagnose(source, number + 1, samples) from error
        number += 1
        yield number, record


def _stream(
    source: Source,
    reader: cyvcf2.VCF,
    sheet: SampleSheet,
    samples: list[str],
    assembly: str,
    staged: Path,
    progress: Progress | None,
) -> int:
    """Count every record into staged Parquet shards; returns the number of variants written.

    The fast readers (ours, `bcf` and `vcftext`) are tried first; input they do not handle is read
    again from the start through htslib (cyvcf2), which also names the line of any malformed record.
    """
    groups, group_names = sample_groups(samples, sheet)
    counter = _Counter(source, len(samples), groups, group_names, assembly)
    if progress:
        progress(0, source.total_records)
    fast = bcf.batches if source.is_bcf else vcftext.batches
    try:
        batches = fast(bgzf.decompressed(source.path, threads=DECOMPRESSION_THREADS), len(samples))
        return _count_batches(batches, counter, staged, progress, source.total_records)
    except (Irregular, bgzf.Unreadable):
        shutil.rmtree(staged / "staging", ignore_errors=True)
    return _count_batches(_htslib_batches(source, reader, len(samples)), counter, staged, progress, None)


def _count_batches(
    batches: Iterator[RecordBatch],
    counter: "_Counter",
    staged: Path,
    progress: Progress | None,
    total: int | None,
) -> int:
    """Counting and writing run in a second thread while this one reads the next batch."""
    writer = _StagedWriter(staged / "staging")
    done = 0
    pool = ThreadPoolExecutor(max_workers=1)
    pending: deque[Future[int]] = deque()
    try:
        for batch in batches:
            pending.append(pool.submit(counter.write, batch, writer))
            if len(pending) > 1:
                done = pending.popleft().result()
                if progress:
                    progress(done, total)
        while pending:
            done = pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)  # a batch being counted finishes before the writer closes
        writer.close()
    if progress:
        progress(done, done)
    writer.finish(staged)
    return writer.variant_count


def _htslib_batches(source: Source, reader: cyvcf2.VCF, samples: int) -> Iterator[RecordBatch]:
    """Batches read through cyvcf2, for any input the fast readers leave."""
    per_batch = max(16, records.CALLS_PER_BATCH // samples)
    batch = RecordBatch(samples)
    for number, record in _records(source, reader, samples):
        alts = record.ALT
        if not alts:
            continue  # ALT '.': a reference-only site is not a variant
        try:
            genotype = record.genotype
        except Exception:
            genotype = None
        if genotype is None:
            raise GenomeInputError(
                source.path,
                source.line(number),
                f"{source.where(number)}the record at {record.CHROM}:{record.POS} has no GT (genotype) field",
            )
        calls = genotype.array()[:, :-1]
        if calls.shape[1] > 2 or calls.max(initial=0) > 127:
            raise GenomeInputError(
                source.path,
                source.line(number),
                f"{source.where(number)}the record at {record.CHROM}:{record.POS} has calls of more than "
                "two alleles or allele numbers above 127, which are not supported",
            )
        first = calls[:, 0]
        second = calls[:, 1] if calls.shape[1] == 2 else np.full(samples, END, dtype=calls.dtype)
        batch.chrom.append(record.CHROM)
        batch.pos.append(record.POS)
        batch.ref.append(record.REF)
        batch.alts.append(alts)
        batch.ids.append(record.ID)
        batch.qual.append(record.QUAL)
        batch.filters.append(filters_of(list(record.FILTERS)))
        batch.number.append(number)
        listed = np.flatnonzero((first != 0) | (second != 0))
        batch.add_calls(listed, first[listed].astype(np.int8), second[listed].astype(np.int8))
        if len(batch) >= per_batch:
            yield batch
            batch = RecordBatch(samples)
    if len(batch):
        yield batch


def _rsid(identifier: str | None) -> str | None:
    for token in (identifier or "").split(";"):
        if _RSID.match(token):
            return "rs" + token[2:]
    return None


def split_rows(line: bytes) -> int:
    """How many biallelic rows a VCF data line gives (0 for ALT '.', or a line too short to have one)."""
    columns = line.split(b"\t", 5)
    if len(columns) < 5 or columns[4] == b".":
        return 0
    return columns[4].count(b",") + 1


def count_text_records(
    lines: list[bytes],
    *,
    samples: int,
    groups: SampleGroups,
    group_names: list[tuple[str, str]],
    assembly: str,
    first_vid: int,
    first_number: int,
    source: str,
) -> list[tuple[str, dict[str, pa.Table]]]:
    """Consecutive VCF data lines counted as the embedded ingest counts them (for engines that split
    a file among workers): per-contig runs in record order, variant ids from `first_vid`."""

    def error(number: int, problem: str) -> GenomeInputError:
        return GenomeInputError(Path(source), None, f"record {number}: {problem}")

    try:
        batch = vcftext.parse_lines(lines, samples, first_number)
    except Irregular as irregular:
        raise error(first_number, f"cannot be read ({irregular})") from None
    counter = _Counter(None, samples, groups, group_names, assembly, error=error)
    return counter.count(batch, first_vid)


class _Counter:
    """Counts batches into the three tables; the same code serves the embedded and the Spark engine."""

    def __init__(
        self,
        source: Source | None,
        samples: int,
        groups: SampleGroups,
        group_names: list[tuple[str, str]],
        assembly: str,
        error: Callable[[int, str], GenomeInputError] | None = None,
    ) -> None:
        self.source = source
        self.samples = samples
        self.groups = groups
        self.group_names = group_names
        self.assembly = assembly
        self.error = error
        self.chroms: dict[str, str] = {}  # raw contig name -> normalised

    def write(self, batch: RecordBatch, writer: "_StagedWriter") -> int:
        """Count a batch and append its tables to the writer; returns the last record number."""
        for chrom, tables in self.count(batch, writer.variant_count):
            for table, data in tables.items():
                writer.append(table, chrom, data)
            writer.variant_count += tables["variants"].num_rows
        return batch.number[-1]

    def _problem(self, number: int, problem: str) -> GenomeInputError:
        if self.error is not None:
            return self.error(number, problem)
        assert self.source is not None
        return GenomeInputError(
            self.source.path, self.source.line(number), f"{self.source.where(number)}{problem}"
        )

    def _bad_record(self, number: int) -> GenomeInputError:
        if self.error is not None:
            return self.error(number, "malformed record (contig, POS or REF)")
        assert self.source is not None
        return _diagnose(self.source, number, self.samples)

    def count(self, batch: RecordBatch, first_vid: int) -> list[tuple[str, dict[str, pa.Table]]]:
        chroms = []
        for raw, pos, ref, number in zip(batch.chrom, batch.pos, batch.ref, batch.number, strict=True):
            chrom = self.chroms.get(raw)
            if chrom is None:
                chrom = "" if any(c.isspace() for c in raw) else normalise_chrom(raw)
                self.chroms[raw] = chrom
            if not chrom or pos < 1 or is_symbolic(ref):
                raise self._bad_record(number)
            chroms.append(chrom)
        calls = batch.calls()
        n_alt = np.array([len(alts) for alts in batch.alts], dtype=np.int64)
        highest = highest_allele(calls)
        invalid = np.flatnonzero(highest > n_alt)  # htslib accepts '0/5' with one alt
        if invalid.size:
            i = invalid[0]
            raise self._problem(
                batch.number[i],
                f"a genotype refers to allele {highest[i]}, but the record at "
                f"{chroms[i]}:{batch.pos[i]} has {n_alt[i]} alternate allele(s)",
            )
        ploidy = np.full(len(batch), Ploidy.DIPLOID)
        for i, chrom in enumerate(chroms):
            if chrom in ("X", "Y", "MT"):  # every other contig is diploid
                ploidy[i] = ploidy_of(chrom, batch.pos[i], self.assembly)
        # Runs of diploid records are counted from their sparse calls; hemizygous regions densely.
        kinds = ploidy != Ploidy.DIPLOID
        edges = np.flatnonzero(kinds[1:] != kinds[:-1]) + 1
        runs = []
        vid = first_vid
        for start, stop in zip(np.r_[0, edges].tolist(), np.r_[edges, len(batch)].tolist(), strict=True):
            part = calls.select(start, stop)
            if kinds[start]:
                genotypes = apply_ploidy(part.dense(), ploidy[start:stop], self.groups)
                counts = count_chunk(genotypes, n_alt[start:stop], self.groups)
            else:
                counts = count_sparse(part, n_alt[start:stop], self.groups)
            runs += self._tables(batch, chroms, start, counts, vid)
            vid += len(counts.record)
        return runs

    def _tables(
        self, batch: RecordBatch, chroms: list[str], offset: int, counts: ChunkCounts, first_vid: int
    ) -> list[tuple[str, dict[str, pa.Table]]]:
        rows = len(counts.record)
        vid = np.arange(first_vid, first_vid + rows, dtype=np.int64)
        record = (counts.record + offset).tolist()
        pos = np.empty(rows, dtype=np.int32)
        refs, alts = [], []
        for e, (r, k) in enumerate(zip(record, counts.alt.tolist(), strict=True)):
            pos[e], ref, alt = minimal_representation(batch.pos[r], batch.ref[r], batch.alts[r][k - 1])
            refs.append(ref)
            alts.append(alt)
        an, ac = counts.an[:, 0], counts.ac[:, 0]
        af = np.divide(ac, an, out=np.zeros(rows), where=an > 0)
        variants = pa.table(
            {
                "vid": vid,
                "pos": pos,
                "ref": refs,
                "alt": alts,
                "rsid": [_rsid(batch.ids[r]) for r in record],
                "qual": [batch.qual[r] for r in record],
                "filters": [batch.filters[r] for r in record],
                "ac": ac,
                "an": an,
                "af": pa.array(af, mask=an == 0),
                "hom": counts.hom[:, 0],
                "het": counts.het[:, 0],
                "hemi": counts.hemi[:, 0],
            },
            schema=VARIANT_SCHEMA,
        )
        n_groups = len(self.group_names)
        group_of_row = np.tile(np.arange(n_groups), rows)
        strata = pa.table(
            {
                "vid": np.repeat(vid, n_groups),
                "stratum": pa.array([name for name, _ in self.group_names]).take(group_of_row),
                "value": pa.array([value for _, value in self.group_names]).take(group_of_row),
                **{
                    column: getattr(counts, column)[:, 1:].reshape(-1)
                    for column in ("ac", "an", "hom", "het", "hemi")
                },
            },
            schema=STRATA_SCHEMA,
        )
        carriers = pa.table(
            {
                "vid": vid[counts.carrier_row],
                "sample": counts.carrier_sample.astype(np.int32),
                "gt": counts.carrier_code,
            },
            schema=CARRIER_SCHEMA,
        )
        # Rows are in record order, so each contig is a run.
        chrom_of_row = np.array([chroms[r] for r in record], dtype=object)
        boundaries = np.flatnonzero(chrom_of_row[1:] != chrom_of_row[:-1]) + 1
        carrier_bounds = np.searchsorted(counts.carrier_row, np.r_[0, boundaries, rows])
        runs = []
        for i, (start, stop) in enumerate(zip(np.r_[0, boundaries], np.r_[boundaries, rows], strict=True)):
            if start == stop:
                continue
            runs.append(
                (
                    chrom_of_row[start],
                    {
                        "variants": variants.slice(start, stop - start),
                        "strata": strata.slice(start * n_groups, (stop - start) * n_groups),
                        "carriers": carriers.slice(
                            carrier_bounds[i], carrier_bounds[i + 1] - carrier_bounds[i]
                        ),
                    },
                )
            )
        return runs


class _StagedWriter:
    """Appends per-contig shards while streaming; `finish` writes one sorted file per partition.

    A contig that comes back later in the file (unsorted input) starts a new shard, so at most one
    Parquet writer per table is open at a time and memory stays bounded.
    """

    def __init__(self, base: Path) -> None:
        self.base = base
        self.shards: dict[tuple[str, str], list[Path]] = {}
        self.open: dict[str, tuple[str, pq.ParquetWriter, list[pa.Table], int]] = {}
        self.variant_count = 0

    def append(self, table: str, chrom: str, data: pa.Table) -> None:
        current = self.open.get(table)
        if current is None or current[0] != chrom:
            self._close(table)
            shards = self.shards.setdefault((table, chrom), [])
            path = storage.partition_dir(self.base, table, chrom) / f"shard-{len(shards):05d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            shards.append(path)
            current = (chrom, _parquet_writer(path, table), [], 0)
        chrom, parquet, pending, rows = current
        pending.append(data)
        rows += data.num_rows
        limit = CARRIER_BUFFER_ROWS if table == "carriers" else ROW_GROUP_ROWS
        if rows >= limit:
            parquet.write_table(pa.concat_tables(pending), row_group_size=limit)
            pending, rows = [], 0
        self.open[table] = (chrom, parquet, pending, rows)

    def _close(self, table: str) -> None:
        current = self.open.pop(table, None)
        if current is not None:
            _, parquet, pending, _ = current
            if pending:
                parquet.write_table(pa.concat_tables(pending))
            parquet.close()

    def close(self) -> None:
        for table in list(self.open):
            self._close(table)

    def finish(self, version_path: Path) -> None:
        """Sort variants by position (normalisation and unsorted input can reorder them); strata and
        carriers are already in key order when a contig came in one run."""
        # A fixed memory limit makes DuckDB spill to disk rather than grow with the contig's size.
        config = {
            "temp_directory": str(self.base / "duckdb-tmp"),
            "preserve_insertion_order": False,
            "memory_limit": "256MB",
            "threads": 2,
        }
        import duckdb  # imported here: only this last step needs it, and an ingest starts faster without

        connection = duckdb.connect(config=config)
        for (table, chrom), shards in sorted(self.shards.items()):
            target = storage.partition_file(version_path, table, chrom)
            target.parent.mkdir(parents=True, exist_ok=True)
            if table != "variants":
                _concatenate(shards, target, table)  # vids only grow through the file
                continue
            # DuckDB sorts out of core (spilling to temp_directory), so a large contig fits in memory;
            # pyarrow writes the sorted rows with the declared schema (DuckDB would mark null-free
            # columns required, so two versions' schemas could differ).
            relation = connection.read_parquet([str(p) for p in shards]).order("pos, vid")
            with _parquet_writer(target, table) as writer:
                for batch in relation.to_arrow_reader(ROW_GROUP_ROWS):
                    writer.write_table(pa.Table.from_batches([batch]).cast(SCHEMAS[table]))
        connection.close()
        shutil.rmtree(self.base, ignore_errors=True)


def _parquet_writer(path: Path, table: str) -> pq.ParquetWriter:
    """Carriers are sorted by vid, then sample: delta encoding stores each as the (small) step from
    the previous one, which makes them several times smaller than dictionary encoding does."""
    options: dict[str, Any] = {}
    if table == "carriers":
        options = {
            "use_dictionary": ["gt"],
            "column_encoding": {"vid": "DELTA_BINARY_PACKED", "sample": "DELTA_BINARY_PACKED"},
        }
    return pq.ParquetWriter(path, SCHEMAS[table], compression="zstd", **options)


def _concatenate(shards: list[Path], target: Path, table: str) -> None:
    if len(shards) == 1:
        shards[0].rename(target)
        return
    with _parquet_writer(target, table) as writer:
        for shard in shards:
            source = pq.ParquetFile(shard)
            for group in range(source.num_row_groups):
                writer.write_table(source.read_row_group(group))


def _write_samples(version_path: Path, samples: list[str], sheet: SampleSheet) -> None:
    pq.write_table(samples_table(samples, sheet), storage.samples_file(version_path), compression="zstd")


def samples_table(samples: list[str], sheet: SampleSheet) -> pa.Table:
    """samples.parquet: each sample's index in the VCF, its id, sex, participant and strata."""
    columns: dict[str, Any] = {
        "index": pa.array(range(len(samples)), type=pa.int32()),
        "sample": samples,
        "sex": [sheet.sex[s] for s in samples],
        "participant": [sheet.participant[s] for s in samples],
    }
    for name, values in sheet.groups.items():
        columns[name] = [values[s] or None for s in samples]
    return pa.table(columns)


def _diagnose(source: Source, number: int, samples: int) -> GenomeInputError:
    """htslib says only that a record failed to parse: re-read that line to say what is wrong with it."""
    if source.is_bcf:
        return GenomeInputError(
            source.path, None, f"record {number} cannot be read: the BCF file is truncated or corrupt"
        )
    target = source.line(number)
    assert target is not None
    compressed = bgzf.is_gzip(source.path)
    if compressed:
        # htslib may stop a little before the damage; decompress it all to see whether that is the cause.
        complete = _gzip_damage(source.path)
        if complete is not None:
            return GenomeInputError(
                source.path,
                complete + 1,
                f"the gzip file is truncated or corrupt: decompression fails after line {complete}",
            )
    text = None
    with _open_bytes(source.path, compressed) as handle:
        for reached, raw in enumerate(handle, start=1):
            if reached == target:
                text = raw.decode(errors="replace").rstrip("\r\n")
                break
    if text is None:
        return GenomeInputError(source.path, target, "the file ends in the middle of a record")
    return GenomeInputError(source.path, target, "malformed line: " + _line_problem(text, samples))


def _gzip_damage(path: Path) -> int | None:
    """None when every gzip member decompresses to its end; else the complete lines before the damage."""
    lines = 0
    decompressor = zlib.decompressobj(wbits=31)
    inside = False  # whether the current member has started but not ended
    with open(path, "rb") as handle:
        try:
            while block := handle.read(1 << 20):
                while block:
                    inside = True
                    lines += decompressor.decompress(block).count(b"\n")
                    block = b""
                    if decompressor.eof:  # a member ends; BGZF is a series of members
                        inside = False
                        block = decompressor.unused_data
                        decompressor = zlib.decompressobj(wbits=31)
        except zlib.error:
            return lines
    return lines if inside else None


def _line_problem(text: str, samples: int) -> str:
    fields = text.split("\t")
    expected = 9 + samples
    if len(fields) < 8:
        return f"expected {expected} tab-separated columns, found {len(fields)}"
    chrom, pos, _, ref = fields[:4]
    if not chrom or any(c.isspace() for c in chrom):
        return f"contig name {chrom!r} is empty or contains spaces"
    if not pos.isdigit() or int(pos) < 1:
        return f"POS {pos!r} is not a positive whole number"
    if is_symbolic(ref):
        return f"REF {ref!r} is not a sequence of bases"
    if len(fields) != expected:
        return f"expected {expected} tab-separated columns (9 + {samples} samples), found {len(fields)}"
    keys = fields[8].split(":")
    if "GT" not in keys:
        return "the record has no GT (genotype) field"
    index = keys.index("GT")
    for column, value in enumerate(fields[9:], start=10):
        parts = value.split(":")
        genotype = parts[index] if index < len(parts) else "."
        if not _GENOTYPE.match(genotype):
            return f"genotype {genotype!r} in column {column} is not valid"
    return "htslib cannot parse this record"
