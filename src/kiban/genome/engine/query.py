"""Queries over one dataset version: lookups, regions and genes from the serving index (index.py); carriers,
genes' spans and the AF spectrum with DuckDB, reading only the contig partitions a question needs."""

import contextlib
import gc
import itertools
import math
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np

from . import storage
from .alleles import parse_variant_id
from .assembly import chrom_sort_key, normalise_chrom
from .counting import GENOTYPE_NAMES
from .index import ContigIndex, contig_index
from .model import Counts, Filters, Manifest, Page, Variant

# Every query below is constant SQL text with bound parameters (paths included).
_GENE = (
    'SELECT chrom, start, "end" FROM read_parquet(?) '
    "WHERE lower(symbol) = ? OR lower(gene_id) = ? OR lower(split_part(gene_id, '.', 1)) = ?"
)
_CARRIERS = "SELECT sample, gt FROM read_parquet(?) WHERE vid = ? ORDER BY sample"
_SAMPLES = 'SELECT sample FROM read_parquet(?) ORDER BY "index"'
_PARTICIPANTS = (
    'SELECT sample, participant, sex FROM read_parquet(?) WHERE participant IS NOT NULL ORDER BY "index"'
)
_AF_BIN = "count(*) FILTER (WHERE af >= ? AND af < ?)"
_AF_LAST_BIN = "count(*) FILTER (WHERE af >= ? AND af <= ?)"

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
    """One version of one dataset: lookups by id, rsID, region and gene; carriers; the AF spectrum.

    Lookups, regions and genes read the version's serving index (built on first use, see index.py);
    a Dataset may be shared by threads."""

    def __init__(self, root: Path, manifest: Manifest, path: Path) -> None:
        self.root = root
        self.manifest = manifest
        self.path = path
        self._samples: list[str] | None = None
        self._indexes: dict[str, ContigIndex | None] = {}
        # (stratum, its values) in the manifest's order: the order of each index row's strata counts.
        self._layout = [(name, list(values)) for name, values in manifest.strata.items()]

    def __repr__(self) -> str:
        return f"<Dataset {self.manifest.dataset_id} {self.manifest.version}>"

    def chromosomes(self) -> list[str]:
        """The contigs this version holds, in karyotype order."""
        return storage.chromosomes(self.path)

    def _file(self, table: str, chrom: str) -> str | None:
        path = storage.partition_file(self.path, table, chrom)
        return str(path) if path.is_file() else None

    def _index(self, chrom: str) -> ContigIndex | None:
        try:
            return self._indexes[chrom]
        except KeyError:
            found = self._indexes[chrom] = contig_index(self.root, self.manifest, self.path, chrom)
            return found

    def variant(self, variant_id: str) -> Variant | None:
        """The variant 'chrom-pos-ref-alt' (also 'chr1-…', or non-minimal alleles); None if absent."""
        found = self._lookup(variant_id)
        if found is None:
            return None
        chrom, index, row = found
        return self._variants(chrom, index, np.array([row]))[0]

    def _lookup(self, variant_id: str) -> tuple[str, ContigIndex, int] | None:
        parsed = parse_variant_id(variant_id)
        if parsed is None:
            return None
        chrom, pos, ref, alt = parsed
        index = self._index(chrom)
        if index is None:
            return None
        row = index.find(pos, ref, alt)
        return (chrom, index, row) if row >= 0 else None

    def by_rsid(self, rsid: str) -> list[Variant]:
        """Every variant with this rsID (a multi-allelic site gives several), in genome order."""
        rsid = rsid.strip().lower()
        if not rsid.startswith("rs") or not rsid[2:].isdigit():
            return []
        found = []
        for chrom in self.chromosomes():
            index = self._index(chrom)
            if index is not None:
                rows = index.rsid_rows(rsid)
                if rows.size:
                    found += self._variants(chrom, index, rows)
        return found

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
        """Variants overlapping start..end (1-based, inclusive): a deletion that starts before `start`
        but whose REF reaches it counts. In (pos, vid) order; `total` counts them all."""
        if start > end:
            raise ValueError(f"region start {start} is after its end {end}")
        return self._page({normalise_chrom(chrom): [(start, end)]}, filters, offset, limit)

    def gene(self, symbol: str, *, filters: Filters = NO_FILTERS, offset: int = 0, limit: int = 100) -> Page:
        """Variants overlapping the gene's span (symbol or gene id, any case); LookupError if unknown."""
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
        min_af, max_af = _bound(filters.min_af), _bound(filters.max_af)
        selected: list[tuple[str, ContigIndex, np.ndarray]] = []
        total = 0
        for chrom in sorted(intervals, key=chrom_sort_key):
            index = self._index(chrom)
            if index is None:
                continue
            # One pass per merged span (a gene annotated twice on a contig is read once).
            rows = index.select(_merge(intervals[chrom]), min_af, max_af, filters.pass_only)
            if rows.size:
                selected.append((chrom, index, rows))
                total += rows.size
        items: list[Variant] = []
        skip, wanted = offset, limit
        for chrom, index, rows in selected:
            if wanted == 0:
                break
            if skip >= rows.size:
                skip -= rows.size
                continue
            page = rows[skip : skip + wanted]
            skip = 0
            wanted -= page.size
            items += self._variants(chrom, index, page)
        return Page(items=items, total=total, offset=offset, limit=limit)

    def carriers(self, variant_id: str) -> list[tuple[str, str]]:
        """(sample id, 'het' | 'hom' | 'hemi') per sample carrying the alt allele; [] for no such variant."""
        found = self._lookup(variant_id)
        if found is None:
            return []
        chrom, index, row = found
        path = self._file("carriers", chrom)
        if path is None:
            return []
        names = self._sample_names()
        vid = int(index.vid[row])
        return [(names[sample], GENOTYPE_NAMES[gt]) for sample, gt in _fetch(_CARRIERS, [path, vid])]

    def participants(self) -> list[tuple[str, str, str]]:
        """(sample id, participant, sex) for each sample whose sheet named its participant, in VCF order."""
        return [tuple(row) for row in _fetch(_PARTICIPANTS, [str(storage.samples_file(self.path))])]

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

    def _variants(self, chrom: str, index: ContigIndex, rows: np.ndarray) -> list[Variant]:
        """The variants at these index rows, with their counts overall and per stratum."""
        if rows.size < _MANY:
            return self._make_variants(chrom, index, rows)
        with _cyclic_gc_paused():
            return self._make_variants(chrom, index, rows)

    def _make_variants(self, chrom: str, index: ContigIndex, rows: np.ndarray) -> list[Variant]:
        """The value objects are made without their __init__ (which a frozen dataclass runs field by
        field, several times slower): a page of thousands of variants, each with a Counts per stratum
        value, is mostly this. They are equal to what __init__ makes (the tests compare them)."""
        values = index.gather(rows)
        new, assign = object.__new__, object.__setattr__
        ac, an, af, hom, het, hemi = values.counts
        counts = list(map(new, itertools.repeat(Counts, len(ac))))
        states = [
            {"ac": a, "an": b, "af": f if b else None, "hom": c, "het": d, "hemi": e}
            for a, b, f, c, d, e in zip(ac, an, af, hom, het, hemi, strict=True)
        ]
        deque(map(assign, counts, itertools.repeat("__dict__"), states), maxlen=0)
        layout = self._layout
        result = []
        k = 0
        for pos, ref, alt, rsid, qual, filters in zip(
            values.pos, values.ref, values.alt, values.rsid, values.qual, values.filters, strict=True
        ):
            overall = counts[k]
            k += 1
            by_stratum = {}
            for name, names in layout:
                group = {}
                for value in names:
                    group[value] = counts[k]
                    k += 1
                by_stratum[name] = group
            variant = new(Variant)
            state = {
                "chrom": chrom,
                "pos": pos,
                "ref": ref,
                "alt": alt,
                "rsid": rsid,
                "qual": qual,
                "filters": filters,
                "counts": overall,
                "strata": by_stratum,
            }
            assign(variant, "__dict__", state)
            result.append(variant)
        return result


# From this many variants (each a score of objects) a page is made with the cyclic GC paused.
_MANY = 256


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large page of value objects is made: they hold no
    cycles, and each collection would otherwise walk them again (and, now and then, the whole heap).
    Reference counting still frees everything. With threads, whichever paused it resumes it; the
    collector is left alone where something else had already turned it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans merged, so that no variant is listed twice."""
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(spans):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _bound(bound: float | None) -> float | None:
    if bound is not None and not math.isfinite(bound):
        raise ValueError(f"allele-frequency bound {bound!r} is not a number")
    return None if bound is None else float(bound)
