"""Queries over one dataset version with DuckDB, reading only the contig partitions a question needs."""

import itertools
import math
import threading
from pathlib import Path

import duckdb

from . import storage
from .alleles import parse_variant_id
from .assembly import chrom_sort_key, normalise_chrom
from .counting import GENOTYPE_NAMES
from .model import Counts, Filters, Manifest, Page, Variant

# Every query below is constant SQL text with bound parameters (paths included): DuckDB still pushes
# parameter filters into the Parquet scan, so row groups outside a position span are never read.
_BY_ID = (
    "SELECT vid, pos, ref, alt, rsid, qual, filters, ac, an, hom, het, hemi FROM read_parquet(?) "
    "WHERE pos = ? AND ref = ? AND alt = ? ORDER BY vid LIMIT 1"
)
_BY_RSID = (
    "SELECT filename, vid, pos, ref, alt, rsid, qual, filters, ac, an, hom, het, hemi "
    "FROM read_parquet(?, filename = true) WHERE rsid = ?"
)
_SPAN = (
    "SELECT ? AS contig, vid, pos, ref, alt, rsid, qual, filters, ac, an, hom, het, hemi "
    "FROM read_parquet(?) WHERE pos BETWEEN ? AND ?"
)
_GENE = (
    'SELECT chrom, start, "end" FROM read_parquet(?) '
    "WHERE lower(symbol) = ? OR lower(gene_id) = ? OR lower(split_part(gene_id, '.', 1)) = ?"
)
_CARRIERS = "SELECT sample, gt FROM read_parquet(?) WHERE vid = ? ORDER BY sample"
_SAMPLES = 'SELECT sample FROM read_parquet(?) ORDER BY "index"'
# The BETWEEN lets the scan skip row groups by their statistics; the list then picks the rows.
_STRATA = (
    "SELECT vid, stratum, value, ac, an, hom, het, hemi FROM read_parquet(?) "
    "WHERE vid BETWEEN ? AND ? AND list_contains(?, vid)"
)
_AF_BIN = "count(*) FILTER (WHERE af >= ? AND af < ?)"
_AF_LAST_BIN = "count(*) FILTER (WHERE af >= ? AND af <= ?)"
_MIN_AF, _MAX_AF = " AND af >= ?", " AND af <= ?"
_PASS_ONLY = " AND len(filters) = 1 AND filters[1] = 'PASS'"

NO_FILTERS = Filters()

_lock = threading.Lock()
_connection: duckdb.DuckDBPyConnection | None = None


def _fetch(sql: str, params: list[object]) -> list[tuple]:
    """Run one query on a cursor of a shared in-memory DuckDB (a cursor per call is thread-safe)."""
    global _connection
    with _lock:
        if _connection is None:
            _connection = duckdb.connect()
        cursor = _connection.cursor()
    try:
        return cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()


def list_datasets(root: Path) -> list[Manifest]:
    """The current version of each dataset, by dataset id."""
    base = storage.datasets_dir(Path(root))
    if not base.is_dir():
        return []
    manifests = []
    for folder in sorted(base.iterdir()):
        version = storage.current_version(Path(root), folder.name)
        if version and storage.manifest_file(folder / version).is_file():
            manifests.append(storage.read_manifest(folder / version))
    return manifests


def open_dataset(root: Path, dataset_id: str, version: str | None = None) -> "Dataset":
    """The given (default: current) version of a dataset; LookupError with a readable message if absent."""
    root = Path(root)
    if not storage.valid_dataset_id(dataset_id) or not storage.dataset_dir(root, dataset_id).is_dir():
        raise LookupError(f"No dataset {dataset_id!r}")
    if version is None:
        version = storage.current_version(root, dataset_id)
        if version is None:
            raise LookupError(f"Dataset {dataset_id!r} has no current version")
    known = storage.versions(root, dataset_id)
    if version not in known:
        raise LookupError(
            f"Dataset {dataset_id!r} has no version {version!r}; versions: {', '.join(known) or 'none'}"
        )
    path = storage.version_dir(root, dataset_id, version)
    return Dataset(root, storage.read_manifest(path), path)


class Dataset:
    """One version of one dataset: lookups by id, rsID, region and gene; carriers; the AF spectrum."""

    def __init__(self, root: Path, manifest: Manifest, path: Path) -> None:
        self.root = root
        self.manifest = manifest
        self.path = path
        self._samples: list[str] | None = None

    def __repr__(self) -> str:
        return f"<Dataset {self.manifest.dataset_id} {self.manifest.version}>"

    def chromosomes(self) -> list[str]:
        """The contigs this version holds, in karyotype order."""
        return storage.chromosomes(self.path)

    def _file(self, table: str, chrom: str) -> str | None:
        path = storage.partition_file(self.path, table, chrom)
        return str(path) if path.is_file() else None

    def variant(self, variant_id: str) -> Variant | None:
        """The variant 'chrom-pos-ref-alt' (also 'chr1-…', or non-minimal alleles); None if absent."""
        rows = self._lookup(variant_id)
        return self._variants(rows)[0] if rows else None

    def _lookup(self, variant_id: str) -> list[tuple[str, tuple]]:
        parsed = parse_variant_id(variant_id)
        if parsed is None:
            return []
        chrom, pos, ref, alt = parsed
        path = self._file("variants", chrom)
        if path is None:
            return []
        return [(chrom, row) for row in _fetch(_BY_ID, [path, pos, ref, alt])]

    def by_rsid(self, rsid: str) -> list[Variant]:
        """Every variant with this rsID (a multi-allelic site gives several), in genome order."""
        rsid = rsid.strip().lower()
        files = {path: c for c in self.chromosomes() if (path := self._file("variants", c))}
        if not rsid.startswith("rs") or not rsid[2:].isdigit() or not files:
            return []
        rows = _fetch(_BY_RSID, [list(files), rsid])
        found = [(files[row[0]], row[1:]) for row in rows]
        return self._variants(sorted(found, key=lambda r: (chrom_sort_key(r[0]), r[1][1], r[1][0])))

    def region(
        self,
        chrom: str,
        start: int,
        end: int,
        *,
        filters: Filters = NO_FILTERS,
        offset: int = 0,
        limit: int = 100,
    ) -> Page:
        """Variants with start <= pos <= end (1-based, inclusive), by position; `total` counts them all."""
        if start > end:
            raise ValueError(f"region start {start} is after its end {end}")
        return self._page({normalise_chrom(chrom): [(start, end)]}, filters, offset, limit)

    def gene(self, symbol: str, *, filters: Filters = NO_FILTERS, offset: int = 0, limit: int = 100) -> Page:
        """Variants within the gene's span (symbol or gene id, any case); LookupError if unknown."""
        assembly = self.manifest.assembly
        genes = storage.genes_file(self.root, assembly)
        if not genes.is_file():
            raise LookupError(f"No gene annotation for {assembly} has been loaded (kiban genome load-genes)")
        wanted = symbol.strip().lower()
        rows = _fetch(_GENE, [str(genes), wanted, wanted, wanted])
        if not rows:
            raise LookupError(f"No gene {symbol.strip()!r} in {assembly} annotation")
        intervals: dict[str, list[tuple[int, int]]] = {}
        for chrom, start, end in rows:
            intervals.setdefault(chrom, []).append((start, end))
        return self._page(intervals, filters, offset, limit)

    def _page(
        self, intervals: dict[str, list[tuple[int, int]]], filters: Filters, offset: int, limit: int
    ) -> Page:
        if offset < 0 or limit < 1:
            raise ValueError("offset must be 0 or more and limit 1 or more")
        condition, condition_params = _filter_sql(filters)
        parts: list[str] = []
        params: list[object] = []
        chroms: list[str] = []
        for chrom in sorted(intervals, key=chrom_sort_key):
            path = self._file("variants", chrom)
            if path is None:
                continue
            # One scan per merged span (a gene annotated twice on a contig is read once).
            for lo, hi in _merge(intervals[chrom]):
                parts.append(_SPAN + condition)
                params += [len(chroms), path, lo, hi, *condition_params]
            chroms.append(chrom)
        if not parts:
            return Page(items=[], total=0, offset=offset, limit=limit)
        union = " UNION ALL ".join(parts)
        # The SQL is built from the constant fragments above only; every value is a bound parameter.
        total = _fetch("SELECT count(*) FROM (" + union + ")", params)[0][0]  # noqa: S608
        rows = []
        if offset < total:
            ordered = "SELECT * FROM (" + union + ") ORDER BY contig, pos, vid LIMIT ? OFFSET ?"  # noqa: S608
            rows = _fetch(ordered, [*params, limit, offset])
        items = self._variants([(chroms[row[0]], row[1:]) for row in rows])
        return Page(items=items, total=int(total), offset=offset, limit=limit)

    def carriers(self, variant_id: str) -> list[tuple[str, str]]:
        """(sample id, 'het' | 'hom' | 'hemi') per sample carrying the alt allele; [] for no such variant."""
        found = self._lookup(variant_id)
        if not found:
            return []
        chrom, row = found[0]
        path = self._file("carriers", chrom)
        if path is None:
            return []
        names = self._sample_names()
        return [(names[sample], GENOTYPE_NAMES[gt]) for sample, gt in _fetch(_CARRIERS, [path, row[0]])]

    def _sample_names(self) -> list[str]:
        if self._samples is None:
            rows = _fetch(_SAMPLES, [str(storage.samples_file(self.path))])
            self._samples = [sample for (sample,) in rows]
        return self._samples

    def af_spectrum(self, bins: list[float]) -> list[tuple[float, float, int]]:
        """(lo, hi, variants with lo <= AF < hi) per bin, the last bin closed: [lo, hi]. AF-less
        variants (no called alleles) are not counted; AC = 0 variants fall in a bin starting at 0."""
        edges = [float(b) for b in bins]
        spans = list(itertools.pairwise(edges))
        if not spans or any(lo >= hi or not math.isfinite(lo) or not math.isfinite(hi) for lo, hi in spans):
            raise ValueError("bins must be at least two increasing, finite edges")
        files = [path for c in self.chromosomes() if (path := self._file("variants", c))]
        if not files:
            return [(lo, hi, 0) for lo, hi in spans]
        columns = ", ".join([_AF_BIN] * (len(spans) - 1) + [_AF_LAST_BIN])
        query = "SELECT " + columns + " FROM read_parquet(?)"  # noqa: S608 (constant fragments)
        row = _fetch(query, [*itertools.chain(*spans), files])[0]
        return [(lo, hi, int(n)) for (lo, hi), n in zip(spans, row, strict=True)]

    def _variants(self, rows: list[tuple[str, tuple]]) -> list[Variant]:
        """Variants from (chrom, variant row) pairs, with their strata read in one query per contig."""
        strata: dict[int, dict[str, dict[str, Counts]]] = {}
        by_chrom: dict[str, list[int]] = {}
        for chrom, row in rows:
            by_chrom.setdefault(chrom, []).append(int(row[0]))
        for chrom, vids in by_chrom.items():
            path = self._file("strata", chrom)
            if path is None:
                continue
            for vid, stratum, value, ac, an, hom, het, hemi in _fetch(
                _STRATA, [path, min(vids), max(vids), vids]
            ):
                strata.setdefault(vid, {}).setdefault(stratum, {})[value] = Counts.of(ac, an, hom, het, hemi)
        empty = Counts.of(0, 0, 0, 0, 0)
        result = []
        for chrom, (vid, pos, ref, alt, rsid, qual, filters, ac, an, hom, het, hemi) in rows:
            stored = strata.get(int(vid), {})
            result.append(
                Variant(
                    chrom=chrom,
                    pos=int(pos),
                    ref=ref,
                    alt=alt,
                    rsid=rsid,
                    qual=qual,
                    filters=tuple(filters),
                    counts=Counts.of(ac, an, hom, het, hemi),
                    strata={
                        name: {value: stored.get(name, {}).get(value, empty) for value in values}
                        for name, values in self.manifest.strata.items()
                    },
                )
            )
        return result


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans merged, so that no variant is listed twice."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _filter_sql(filters: Filters) -> tuple[str, list[object]]:
    """The filters as SQL conditions with placeholders, and their parameters."""
    sql, params = "", []
    for bound, condition in ((filters.min_af, _MIN_AF), (filters.max_af, _MAX_AF)):
        if bound is not None:
            if not math.isfinite(bound):
                raise ValueError(f"allele-frequency bound {bound!r} is not a number")
            sql += condition
            params.append(float(bound))
    if filters.pass_only:
        sql += _PASS_ONLY
    return sql, params
