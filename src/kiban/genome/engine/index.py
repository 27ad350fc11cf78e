"""The serving index: each contig of a dataset version as flat arrays in one uncompressed file that is
memory-mapped, so a point lookup or a region query is a binary search and a few slices, not a scan.

One file per contig, `<root>/cache/<dataset>/<version>/<contig>.idx` (never inside the version folder,
which may be read-only), built from the version's Parquet tables on first use, or eagerly with
`build_index` after an ingest. Layout:

    b"KIBANIDX" | arrays (64-byte aligned, little-endian) | footer JSON | its length (u64) | b"KIBANIDX"

The footer lists each array's offset, dtype and shape, the strata groups, the distinct FILTER lists,
the longest REF, and the size and mtime of the Parquet files it was built from (a mismatch rebuilds it).
Arrays: variant rows in (pos, vid) order, as the Parquet table is: pos, end (pos + len(REF) - 1), vid,
counts (ac, an, hom, het, hemi per row; uint16 when they fit, else int32), af (NaN when AN is 0), qual
and qual_null, filt (an index into the footer's FILTER lists), ref/alt/rsid as offsets plus UTF-8 bytes
(no rsID: an empty string); strata as svid (ascending vids) with scounts (five counts per group per vid,
in the manifest's group order); rs_key/rs_row, the rows with an rsID sorted by its number.

Builds stream the Parquet files a column at a time, so memory stays bounded whatever the contig's size
(only the rsID sort holds a contig's rsID numbers); a file is written under a temporary name and renamed
into place, under an exclusive lock so that several processes starting at once build it once. Opened
indexes are read-only numpy views of the mapping, shared by every thread of a process.
"""

import contextlib
import io
import json
import math
import mmap
import os
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple
from urllib.parse import quote

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from . import storage
from .model import Manifest

try:
    import fcntl
except ImportError:  # not on Windows: builds there are not locked between processes
    fcntl = None  # type: ignore[assignment]

FORMAT = 1
MAGIC = b"KIBANIDX"
ALIGN = 64
BATCH_ROWS = 65_536
COUNT_COLUMNS = ("ac", "an", "hom", "het", "hemi")
_INT32 = (-(2**31), 2**31 - 1)
_UINT16_MAX = 2**16 - 1
_SEPARATOR = "\x1f"  # joins a row's FILTER values into one string while encoding them
_STALE_TEMP_SECONDS = 24 * 3600
_CACHE_ENTRIES = 4096  # opened contig indexes kept per process (mappings cost address space, not memory)


class ContigIndex:
    """One contig of one version: read-only arrays over a memory-mapped index file."""

    def __init__(self, chrom: str, buffer: mmap.mmap | bytes, footer: dict[str, Any]) -> None:
        self.chrom = chrom
        self.buffer = buffer
        self.rows: int = footer["rows"]
        self.groups: list[tuple[str, str]] = [(name, value) for name, value in footer["groups"]]
        self.filters: list[tuple[str, ...]] = [tuple(values) for values in footer["filters"]]
        self.pass_code = self.filters.index(("PASS",)) if ("PASS",) in self.filters else -1
        self.maxref: int = footer["maxref"]
        self.source: dict[str, Any] = footer["source"]
        self.bases: dict[str, int] = {}
        arrays = {}
        for name, (offset, dtype, shape) in footer["arrays"].items():
            count = math.prod(shape)
            if offset + count * np.dtype(dtype).itemsize > len(buffer):
                raise ValueError(f"array {name} runs past the end of the index file")
            arrays[name] = np.frombuffer(buffer, dtype=dtype, count=count, offset=offset).reshape(shape)
            self.bases[name] = offset
        self.pos: np.ndarray = arrays["pos"]
        self.end: np.ndarray = arrays["end"]
        self.vid: np.ndarray = arrays["vid"]
        self.counts: np.ndarray = arrays["counts"]
        self.af: np.ndarray = arrays["af"]
        self.qual: np.ndarray = arrays["qual"]
        self.qual_null: np.ndarray = arrays["qual_null"]
        self.filt: np.ndarray = arrays["filt"]
        self.ref_off: np.ndarray = arrays["ref_off"]
        self.alt_off: np.ndarray = arrays["alt_off"]
        self.rsid_off: np.ndarray = arrays["rsid_off"]
        self.svid: np.ndarray = arrays["svid"]
        self.scounts: np.ndarray = arrays["scounts"]
        self.rs_key: np.ndarray = arrays["rs_key"]
        self.rs_row: np.ndarray = arrays["rs_row"]
        if self.pos.size != self.rows or self.ref_off.size != self.rows + 1:
            raise ValueError("the index file's arrays do not match its row count")
        self.ref_base = self.bases["ref_data"]
        self.alt_base = self.bases["alt_data"]
        self.rsid_base = self.bases["rsid_data"]

    def __repr__(self) -> str:
        return f"<ContigIndex {self.chrom} rows={self.rows}>"

    def find(self, pos: int, ref: str, alt: str) -> int:
        """The row of pos-ref-alt (the lowest vid if repeated), or -1."""
        if not _INT32[0] <= pos <= _INT32[1]:
            return -1
        row = int(self.pos.searchsorted(pos))
        if row >= self.rows or self.pos[row] != pos:
            return -1
        wanted_ref, wanted_alt = ref.encode(), alt.encode()
        buffer, ref_off, alt_off = self.buffer, self.ref_off, self.alt_off
        while row < self.rows and self.pos[row] == pos:
            a, b = int(ref_off[row]), int(ref_off[row + 1])
            if buffer[self.ref_base + a : self.ref_base + b] == wanted_ref:
                a, b = int(alt_off[row]), int(alt_off[row + 1])
                if buffer[self.alt_base + a : self.alt_base + b] == wanted_alt:
                    return row
            row += 1
        return -1

    def select(
        self,
        spans: list[tuple[int, int]],
        min_af: float | None = None,
        max_af: float | None = None,
        pass_only: bool = False,
    ) -> np.ndarray:
        """Rows (ascending, so in (pos, vid) order) of variants overlapping any of the sorted, disjoint
        spans (1-based, inclusive) that pass the filters: AF bounds inclusive, an AF-less variant fails
        either bound; pass_only keeps FILTER = PASS alone."""
        parts = []
        for lo, hi in spans:
            # A variant overlaps [lo, hi] when pos <= hi and end >= lo; no REF is longer than maxref,
            # so every such variant starts at or after lo - maxref + 1.
            first = int(self.pos.searchsorted(_clamp(lo - self.maxref + 1)))
            last = int(self.pos.searchsorted(_clamp(hi), side="right"))
            if first >= last:
                continue
            keep = self.end[first:last] >= lo
            if min_af is not None:
                keep &= self.af[first:last] >= min_af
            if max_af is not None:
                keep &= self.af[first:last] <= max_af
            if pass_only:
                keep &= self.filt[first:last] == self.pass_code
            parts.append(np.flatnonzero(keep) + first)
        if not parts:
            return np.empty(0, dtype=np.int64)
        if len(parts) == 1:
            return parts[0]
        # A long deletion can overlap two spans: list it once.
        return np.unique(np.concatenate(parts))

    def rsid_rows(self, rsid: str) -> np.ndarray:
        """Rows (ascending) whose rsID is exactly `rsid` ('rs' and digits)."""
        key = _rsid_key(rsid)
        first = int(self.rs_key.searchsorted(key))
        last = int(self.rs_key.searchsorted(key, side="right"))
        wanted = rsid.encode()
        rows = [int(row) for row in self.rs_row[first:last] if self._rsid_bytes(int(row)) == wanted]
        return np.array(sorted(rows), dtype=np.int64)

    def _rsid_bytes(self, row: int) -> bytes:
        a, b = int(self.rsid_off[row]), int(self.rsid_off[row + 1])
        return self.buffer[self.rsid_base + a : self.rsid_base + b]

    def gather(self, rows: np.ndarray) -> "Rows":
        """The fields of these rows (ascending) as Python values."""
        if rows.size == 1:
            return self._gather_one(int(rows[0]))
        n = rows.size
        # One (ac, an, hom, het, hemi) per Counts: each row's overall counts, then its groups' in order.
        table = np.concatenate(
            [
                self.counts[rows][:, None, :],
                self.strata_counts(self.vid[rows]).reshape(n, len(self.groups), 5),
            ],
            axis=1,
        ).reshape(-1, 5)
        ac, an = table[:, 0], table[:, 1]
        af = np.divide(ac, an, out=np.zeros(ac.size), where=an > 0).tolist()  # as ac / an in Python
        qual = self.qual[rows].tolist()
        no_qual = self.qual_null[rows].tolist()
        return Rows(
            pos=self.pos[rows].tolist(),
            ref=self.strings("ref", rows),
            alt=self.strings("alt", rows),
            rsid=[r or None for r in self.strings("rsid", rows)],
            qual=[None if z else q for q, z in zip(qual, no_qual, strict=True)],
            filters=[self.filters[code] for code in self.filt[rows].tolist()],
            counts=(*table[:, :2].T.tolist(), af, *table[:, 2:].T.tolist()),
        )

    def _gather_one(self, row: int) -> "Rows":
        """gather() for one row, with scalar reads (many times quicker than arrays of one)."""
        overall = self.counts[row].tolist()
        vid = int(self.vid[row])
        at = int(self.svid.searchsorted(vid))
        width = self.scounts.shape[1]
        found = at < self.svid.size and int(self.svid[at]) == vid
        strata = self.scounts[at].tolist() if found else [0] * width
        table = [overall] + [strata[k : k + 5] for k in range(0, width, 5)]
        ac, an, hom, het, hemi = (list(column) for column in zip(*table, strict=True))
        af = [a / b if b else 0.0 for a, b in zip(ac, an, strict=True)]
        return Rows(
            pos=[int(self.pos[row])],
            ref=[self._string(self.ref_off, self.ref_base, row)],
            alt=[self._string(self.alt_off, self.alt_base, row)],
            rsid=[self._string(self.rsid_off, self.rsid_base, row) or None],
            qual=[None if self.qual_null[row] else float(self.qual[row])],
            filters=[self.filters[int(self.filt[row])]],
            counts=(ac, an, af, hom, het, hemi),
        )

    def _string(self, offsets: np.ndarray, base: int, row: int) -> str:
        return self.buffer[base + int(offsets[row]) : base + int(offsets[row + 1])].decode()

    def strata_counts(self, vids: np.ndarray) -> np.ndarray:
        """Per vid, its strata counts (5 per group, the groups in order); zeros for a vid without any."""
        width = self.scounts.shape[1]
        if self.svid.size == 0 or width == 0:
            return np.zeros((vids.size, width), dtype=np.int32)
        at = np.minimum(self.svid.searchsorted(vids), self.svid.size - 1)
        found = self.scounts[at]
        missing = self.svid[at] != vids
        if missing.any():
            found[missing] = 0
        return found

    def strings(self, column: str, rows: np.ndarray) -> list[str]:
        """The column's strings at these rows (ascending)."""
        if rows.size == 0:
            return []
        offsets = getattr(self, f"{column}_off")
        base = self.bases[f"{column}_data"]
        starts = offsets[rows].tolist()
        ends = offsets[rows + 1].tolist()
        first, last = starts[0], ends[-1]
        if last - first <= 64 * len(starts) + 4096:
            # Rows of a region lie close together: decode their span once and slice it, which is
            # character for character when it is ASCII (as bases and rsIDs are).
            text = self.buffer[base + first : base + last].decode()
            if text.isascii():
                return [text[a - first : b - first] for a, b in zip(starts, ends, strict=True)]
        buffer = self.buffer
        return [buffer[base + a : base + b].decode() for a, b in zip(starts, ends, strict=True)]


class Rows(NamedTuple):
    """Some rows' fields as Python values: a list per field, and the counts as six lists (ac, an, af,
    hom, het, hemi) with one entry per Counts (each row's overall counts, then its groups'); af is
    ac / an, or 0.0 where an is 0."""

    pos: list[int]
    ref: list[str]
    alt: list[str]
    rsid: list[str | None]
    qual: list[float | None]
    filters: list[tuple[str, ...]]
    counts: tuple[list, list, list, list, list, list]


def manifest_groups(manifest: Manifest) -> list[tuple[str, str]]:
    """The strata groups (stratum, value) in the manifest's order: the order of an index's counts."""
    return [(name, value) for name, values in manifest.strata.items() for value in values]


def index_file(root: Path, dataset_id: str, version: str, chrom: str) -> Path:
    return storage.index_dir(root, dataset_id, version) / f"{quote(chrom, safe='')}.idx"


def build_index(root: Path, dataset_id: str, version: str | None = None) -> Path:
    """Build (or check) every contig's index of a version (default: the current one) now, rather than
    on its first query; removes the cached indexes of versions and datasets that no longer exist.
    Returns the version's index folder."""
    root = Path(root)
    if version is None:
        version = storage.current_version(root, dataset_id)
        if version is None:
            raise LookupError(f"Dataset {dataset_id!r} has no current version")
    path = storage.version_dir(root, dataset_id, version)
    manifest = storage.read_manifest(path)
    for chrom in storage.chromosomes(path):
        contig_index(root, manifest, path, chrom)
    tidy(root)
    return storage.index_dir(root, dataset_id, version)


def tidy(root: Path, dataset_id: str | None = None) -> None:
    """Remove cached indexes of versions (of one dataset, or all) that no longer exist, and temporary
    files that crashed builds left behind."""
    base = storage.cache_dir(Path(root))
    if not base.is_dir():
        return
    folders = [base / dataset_id] if dataset_id is not None else list(base.iterdir())
    for folder in folders:
        if not folder.is_dir():
            continue
        if not storage.dataset_dir(Path(root), folder.name).is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            continue
        known = set(storage.versions(Path(root), folder.name))
        for version in folder.iterdir():
            if version.is_dir() and version.name not in known:
                shutil.rmtree(version, ignore_errors=True)
            elif version.is_dir():
                _remove_stale_temporaries(version)


def _remove_stale_temporaries(folder: Path) -> None:
    cutoff = time.time() - _STALE_TEMP_SECONDS
    for path in folder.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


# ---------------------------------------------------------------------------------------------------------
# opening, with a process-wide cache


_cache: "OrderedDict[str, ContigIndex | None]" = OrderedDict()
_cache_lock = threading.Lock()
_build_locks: dict[str, threading.Lock] = {}


def contig_index(root: Path, manifest: Manifest, version_path: Path, chrom: str) -> ContigIndex | None:
    """The contig's index, opened once per process and built on first use; None if the version has no
    variants on that contig."""
    target = index_file(root, manifest.dataset_id, manifest.version, chrom)
    key = str(target)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        lock = _build_locks.setdefault(key, threading.Lock())
    with lock:  # one thread per process opens or builds it; the others wait for its answer
        with _cache_lock:
            if key in _cache:
                return _cache[key]
        try:
            found = _open_or_build(Path(root), manifest, Path(version_path), chrom, target)
        finally:
            with _cache_lock:
                _build_locks.pop(key, None)
        with _cache_lock:
            _cache[key] = found
            while len(_cache) > _CACHE_ENTRIES:
                _cache.popitem(last=False)
    return found


def clear_cache() -> None:
    """Forget every opened index in this process (the files stay)."""
    with _cache_lock:
        _cache.clear()


def _open_or_build(
    root: Path, manifest: Manifest, version_path: Path, chrom: str, target: Path
) -> ContigIndex | None:
    variants = storage.partition_file(version_path, "variants", chrom)
    try:
        if not variants.is_file():
            return None
    except OSError:  # a contig name no file could have (too long, say)
        return None
    strata = storage.partition_file(version_path, "strata", chrom)
    expected = {"variants": _stamp(variants), "strata": _stamp(strata) if strata.is_file() else None}
    groups = manifest_groups(manifest)
    found = _open(target, chrom, expected, groups)
    if found is not None:
        return found
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = open(target.with_name(f".{target.name}.lock"), "a+b")  # closed by _locked
    except OSError:
        # No writable cache (a read-only root): serve from an index built in memory.
        memory = io.BytesIO()
        _build(variants, strata if strata.is_file() else None, chrom, groups, expected, memory)
        return _from_buffer(chrom, memory.getvalue())
    with _locked(lock):
        found = _open(target, chrom, expected, groups)  # another process may have built it meanwhile
        if found is not None:
            return found
        temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            with open(temporary, "wb") as handle:
                _build(variants, strata if strata.is_file() else None, chrom, groups, expected, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
    tidy(root, manifest.dataset_id)
    found = _open(target, chrom, expected, groups)
    if found is None:
        raise RuntimeError(f"the index {target} was built but cannot be opened")
    return found


@contextlib.contextmanager
def _locked(handle: BinaryIO) -> Iterator[None]:
    """An exclusive lock on an open file, between processes (and threads: each opened it itself)."""
    try:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # closing releases the lock


def _stamp(path: Path) -> list[int]:
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def _open(
    target: Path, chrom: str, expected: dict[str, Any], groups: list[tuple[str, str]]
) -> ContigIndex | None:
    """The index at target if it is complete and was built from these Parquet files; else None."""
    try:
        with open(target, "rb") as handle:
            buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # absent or unreadable; ValueError: an empty file cannot be mapped
        return None
    try:
        index = _from_buffer(chrom, buffer)
    except (ValueError, KeyError, TypeError):
        return None  # truncated or from another format version: rebuild it
    if index.source != expected or index.groups != groups:
        return None
    return index


def _from_buffer(chrom: str, buffer: mmap.mmap | bytes) -> ContigIndex:
    tail = len(MAGIC) + 8
    if len(buffer) < 2 * len(MAGIC) + 8 or buffer[: len(MAGIC)] != MAGIC or buffer[-len(MAGIC) :] != MAGIC:
        raise ValueError("not a complete index file")
    size = int.from_bytes(buffer[-tail : -len(MAGIC)], "little")
    footer = json.loads(bytes(buffer[-tail - size : -tail]).decode())
    if footer.get("format") != FORMAT or footer.get("chrom") != chrom:
        raise ValueError("an index of another format or contig")
    return ContigIndex(chrom, buffer, footer)


def _clamp(value: int) -> int:
    return min(max(value, _INT32[0]), _INT32[1])


def _rsid_key(rsid: str) -> int:
    """The number of 'rs123' (123); -1 for a number too long for int64 (those rows are compared as text)."""
    digits = rsid[2:]
    return int(digits) if 0 < len(digits) <= 18 and digits.isdigit() else -1


# ---------------------------------------------------------------------------------------------------------
# building


class _Writer:
    """Appends aligned arrays to a binary file, then the footer that says where each one is."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.at = 0
        self.arrays: dict[str, list[Any]] = {}
        self._write(MAGIC)

    def _write(self, data: bytes | memoryview) -> None:
        self.handle.write(data)
        self.at += len(data)

    def array(self, name: str, dtype: str, chunks: Iterable[np.ndarray], width: int | None = None) -> None:
        self._write(b"\0" * (-self.at % ALIGN))
        start, rows = self.at, 0
        for chunk in chunks:
            data = np.ascontiguousarray(chunk, dtype=dtype)
            self._write(memoryview(data.reshape(-1).view(np.uint8)))
            rows += data.shape[0]
        self.arrays[name] = [start, np.dtype(dtype).str, [rows] if width is None else [rows, width]]

    def finish(self, footer: dict[str, Any]) -> None:
        text = json.dumps({**footer, "arrays": self.arrays}, separators=(",", ":")).encode()
        self._write(text)
        self._write(len(text).to_bytes(8, "little"))
        self._write(MAGIC)


class _Source:
    """A table's columns a batch at a time, in row order: from a Parquet file, or from a table."""

    def __init__(self, parquet: pq.ParquetFile | None = None, table: pa.Table | None = None) -> None:
        self.parquet, self.table = parquet, table

    def batches(self, columns: list[str]) -> Iterator[pa.RecordBatch]:
        if self.table is not None:
            yield from self.table.select(columns).to_batches(max_chunksize=BATCH_ROWS)
        else:
            assert self.parquet is not None
            yield from self.parquet.iter_batches(batch_size=BATCH_ROWS, columns=columns, use_threads=False)

    def column(self, name: str) -> Iterator[pa.Array]:
        for batch in self.batches([name]):
            yield batch.column(0)


def _build(
    variants_path: Path,
    strata_path: Path | None,
    chrom: str,
    groups: list[tuple[str, str]],
    source_stamp: dict[str, Any],
    handle: BinaryIO,
) -> None:
    parquet = pq.ParquetFile(variants_path)
    source = _Source(parquet=parquet)
    ordered, maxref = _check_order(source)
    if not ordered:  # not written by our ingest: sort it in memory
        table = parquet.read().sort_by([("pos", "ascending"), ("vid", "ascending")])
        source = _Source(table=table)
    writer = _Writer(handle)
    writer.array("pos", "<i4", (_numbers(c, 0) for c in source.column("pos")))
    writer.array(
        "end",
        "<i4",
        (_numbers(b.column(0), 0) + _lengths(b.column(1)) - 1 for b in source.batches(["pos", "ref"])),
    )
    writer.array("vid", "<i8", (_numbers(c, 0) for c in source.column("vid")))
    writer.array(
        "counts",
        _count_dtype(parquet),
        (
            np.column_stack([_numbers(b.column(i), 0) for i in range(5)])
            for b in source.batches(list(COUNT_COLUMNS))
        ),
        width=5,
    )
    writer.array("af", "<f8", (_numbers(c, math.nan) for c in source.column("af")))
    writer.array("qual", "<f8", (_numbers(c, math.nan) for c in source.column("qual")))
    writer.array(
        "qual_null", "|u1", (c.is_null().to_numpy(zero_copy_only=False) for c in source.column("qual"))
    )
    filters: dict[tuple[str, ...], int] = {}
    writer.array("filt", "<i4", (_filter_codes(c, filters) for c in source.column("filters")))
    for column in ("ref", "alt", "rsid"):
        _strings(writer, column, source)
    keys, rows = _rsid_keys(source)
    order = np.lexsort((rows, keys))
    writer.array("rs_key", "<i8", [keys[order]])
    writer.array("rs_row", "<i8", [rows[order]])
    _strata(writer, strata_path, groups)
    writer.finish(
        {
            "format": FORMAT,
            "chrom": chrom,
            "rows": parquet.metadata.num_rows,
            "groups": [list(group) for group in groups],
            "filters": [list(values) for values in sorted(filters, key=filters.__getitem__)],
            "maxref": maxref,
            "source": source_stamp,
        }
    )


def _numbers(array: pa.Array | pa.ChunkedArray, missing: float) -> np.ndarray:
    if array.null_count:
        array = pc.fill_null(array, missing)
    return array.to_numpy(zero_copy_only=False)


def _lengths(array: pa.Array) -> np.ndarray:
    return _numbers(pc.binary_length(array), 0).astype(np.int64)


def _check_order(source: _Source) -> tuple[bool, int]:
    """Whether the rows are in (pos, vid) order, and the longest REF (at least 1)."""
    ordered, maxref = True, 1
    last: tuple[int, int] | None = None
    for batch in source.batches(["pos", "vid", "ref"]):
        if batch.num_rows == 0:
            continue
        pos = _numbers(batch.column(0), 0).astype(np.int64)
        vid = _numbers(batch.column(1), 0).astype(np.int64)
        maxref = max(maxref, int(_lengths(batch.column(2)).max()))
        if last is not None:
            pos, vid = np.r_[last[0], pos], np.r_[last[1], vid]
        step = np.diff(pos)
        if ((step < 0) | ((step == 0) & (np.diff(vid) <= 0))).any():
            ordered = False
        last = (int(pos[-1]), int(vid[-1]))
    return ordered, maxref


def _filter_codes(array: pa.Array, codes: dict[tuple[str, ...], int]) -> np.ndarray:
    joined = pc.fill_null(pc.binary_join(array, _SEPARATOR), "")
    encoded = joined.dictionary_encode()
    lookup = np.array(
        [codes.setdefault(tuple(text.split(_SEPARATOR)) if text else (), len(codes))
         for text in encoded.dictionary.to_pylist()],
        dtype=np.int32,
    )  # fmt: skip
    return lookup[encoded.indices.to_numpy(zero_copy_only=False)]


def _strings(writer: _Writer, column: str, source: _Source) -> None:
    """Offsets (n + 1, int64) and then the UTF-8 bytes of a string column; null is the empty string."""

    def offsets() -> Iterator[np.ndarray]:
        total = 0
        yield np.zeros(1, dtype=np.int64)
        for array in source.column(column):
            ends = np.cumsum(_lengths(array)) + total
            if ends.size:
                total = int(ends[-1])
            yield ends

    def data() -> Iterator[np.ndarray]:
        for array in source.column(column):
            array = pc.fill_null(array, "").cast(pa.large_string())
            if len(array) == 0:
                continue
            bounds = np.frombuffer(array.buffers()[1], dtype=np.int64)[
                array.offset : array.offset + len(array) + 1
            ]
            buffer = array.buffers()[2]
            if buffer is None:
                continue
            yield np.frombuffer(buffer, dtype=np.uint8)[bounds[0] : bounds[-1]]

    writer.array(f"{column}_off", "<i8", offsets())
    writer.array(f"{column}_data", "|u1", data())


def _rsid_keys(source: _Source) -> tuple[np.ndarray, np.ndarray]:
    """(key, row) for every row with an rsID: the key is its number (-1 when too long for int64)."""
    keys, rows = [], []
    start = 0
    for array in source.column("rsid"):
        present = _numbers(pc.is_valid(array), False) & (_lengths(array) > 0)
        found = np.flatnonzero(present)
        if found.size:
            values = pc.take(array, pa.array(found))
            short = pc.match_substring_regex(values, r"^rs[0-9]{1,18}$")
            digits = pc.if_else(short, pc.utf8_slice_codeunits(values, 2), "-1")
            keys.append(_numbers(pc.cast(digits, pa.int64()), -1))
            rows.append(found + start)
        start += len(array)
    if not keys:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(keys).astype(np.int64), np.concatenate(rows).astype(np.int64)


def _strata(writer: _Writer, path: Path | None, groups: list[tuple[str, str]]) -> None:
    """svid and scounts: per vid, 5 counts per group. Our ingest writes each vid's rows together, in
    vid order and group order; that is streamed. Any other layout is gathered in memory."""
    width = 5 * len(groups)
    if path is None or not groups:
        writer.array("svid", "<i8", [])
        writer.array("scounts", "<u2", [], width=width)
        return
    source = _Source(parquet=pq.ParquetFile(path))
    code_of = {group: code for code, group in enumerate(groups)}
    if _regular_strata(source, code_of):
        writer.array("svid", "<i8", (vids for vids, _ in _strata_blocks(source, len(groups))))
        assert source.parquet is not None
        writer.array(
            "scounts",
            _count_dtype(source.parquet),
            (counts for _, counts in _strata_blocks(source, len(groups))),
            width=width,
        )
        return
    table = source.parquet.read() if source.parquet is not None else pa.table({})
    codes = _group_codes(table.column("stratum"), table.column("value"), code_of)
    known = codes >= 0
    vids = _numbers(table.column("vid"), 0).astype(np.int64)[known]
    codes = codes[known]
    svid, at = np.unique(vids, return_inverse=True)
    scounts = np.zeros((svid.size, width), dtype=np.int32)
    for i, column in enumerate(COUNT_COLUMNS):
        scounts[at, codes * 5 + i] = _numbers(table.column(column), 0)[known]
    writer.array("svid", "<i8", [svid])
    small = scounts.size == 0 or (scounts.min() >= 0 and scounts.max() <= _UINT16_MAX)
    writer.array("scounts", "<u2" if small else "<i4", [scounts], width=width)


def _count_dtype(parquet: pq.ParquetFile) -> str:
    """uint16 for the counts when the file's statistics show they all fit (AN <= 65,535: up to some
    32,000 diploid samples), halving the index's largest arrays; else int32."""
    metadata = parquet.metadata
    names = [metadata.schema.column(i).name for i in range(metadata.num_columns)]
    for group in range(metadata.num_row_groups):
        for column in COUNT_COLUMNS:
            statistics = metadata.row_group(group).column(names.index(column)).statistics
            if statistics is None or not statistics.has_min_max:
                return "<i4"
            if statistics.min < 0 or statistics.max > _UINT16_MAX:
                return "<i4"
    return "<u2"


def _group_codes(stratum: Any, value: Any, code_of: dict[tuple[str, str], int]) -> np.ndarray:
    """Each row's group number in the manifest order, or -1 for a group the manifest does not list."""
    joined = pc.binary_join_element_wise(
        pc.fill_null(stratum, ""), pc.fill_null(value, ""), _SEPARATOR
    ).dictionary_encode()
    if isinstance(joined, pa.ChunkedArray):
        joined = joined.combine_chunks()
    lookup = np.array(
        [code_of.get(tuple(text.split(_SEPARATOR, 1)), -1) for text in joined.dictionary.to_pylist()] or [-1],
        dtype=np.int64,
    )
    return lookup[joined.indices.to_numpy(zero_copy_only=False)]


def _regular_strata(source: _Source, code_of: dict[tuple[str, str], int]) -> bool:
    """Whether every vid has one row per group, in group order, and the vids ascend."""
    size = len(code_of)
    row = 0
    previous = -1
    for batch in source.batches(["vid", "stratum", "value"]):
        count = batch.num_rows
        if count == 0:
            continue
        codes = _group_codes(batch.column(1), batch.column(2), code_of)
        if (codes != (np.arange(row, row + count) % size)).any():
            return False
        vids = np.r_[previous, _numbers(batch.column(0), -1).astype(np.int64)]
        starts = (np.arange(row, row + count) % size) == 0
        steps = np.diff(vids)
        if (steps[starts] <= 0).any() or (steps[~starts] != 0).any():
            return False
        previous = int(vids[-1])
        row += count
    return row % size == 0


def _strata_blocks(source: _Source, size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(vids, counts) for whole vids at a time from a regular strata table."""
    carry_vid = np.empty(0, dtype=np.int64)
    carry = np.empty((0, 5), dtype=np.int32)
    for batch in source.batches(["vid", *COUNT_COLUMNS]):
        vid = np.r_[carry_vid, _numbers(batch.column(0), 0).astype(np.int64)]
        counts = np.vstack(
            [carry, np.column_stack([_numbers(batch.column(i), 0) for i in range(1, 6)]).astype(np.int32)]
        )
        whole = (len(vid) // size) * size
        if whole:
            yield vid[:whole:size], counts[:whole].reshape(-1, 5 * size)
        carry_vid, carry = vid[whole:], counts[whole:]
