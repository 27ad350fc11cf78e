"""Gene annotation: read GTF, GFF3 or BED into root/genes/<assembly>.parquet for gene queries."""

import gzip
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.parquet as pq

from . import bgzf, storage
from .assembly import check_assembly, chrom_sort_key, normalise_chrom
from .errors import GenomeInputError

GENE_SCHEMA = pa.schema(
    [
        ("symbol", pa.string()),
        ("gene_id", pa.string()),
        ("chrom", pa.string()),
        ("start", pa.int64()),  # 1-based, inclusive
        ("end", pa.int64()),
        ("strand", pa.string()),
    ]
)
_GFF3_GENE_TYPES = {"gene", "ncrna_gene", "pseudogene"}
_GTF_ATTRIBUTE = re.compile(r'\s*([^\s";]+)\s+"?([^";]*)"?\s*;?')

Gene = tuple[str, str, str, int, int, str]


def load_genes(path: str | Path, *, root: Path, assembly: str) -> int:
    """Replace the gene annotation of `assembly` with the genes in a GTF, GFF3 or BED file (plain or
    gzipped); returns the number of genes loaded."""
    path = Path(path)
    canonical = check_assembly(assembly)
    if canonical is None:
        raise GenomeInputError(path, None, f"assembly {assembly!r} is not supported; use GRCh37 or GRCh38")
    if not path.is_file():
        raise GenomeInputError(path, None, "the file does not exist")
    kind = _kind(path)
    reader = {"gtf": _read_gtf, "gff3": _read_gff3, "bed": _read_bed}[kind]
    genes = sorted(reader(path), key=lambda g: (chrom_sort_key(g[2]), g[3], g[4], g[0]))
    if not genes:
        raise GenomeInputError(path, None, f"no genes found in this {kind.upper()} file")
    table = pa.table(
        {name: [g[i] for g in genes] for i, name in enumerate(GENE_SCHEMA.names)}, schema=GENE_SCHEMA
    )
    target = storage.genes_file(Path(root), canonical)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
    try:
        pq.write_table(table, staged, compression="zstd")
        os.replace(staged, target)  # readers see the old annotation or the new one, never half of one
    finally:
        staged.unlink(missing_ok=True)
    return len(genes)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    opener = gzip.open if bgzf.is_gzip(path) else open
    number = 0
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):  # number is read in the except clause
                yield number, line.rstrip("\r\n")
    except (OSError, EOFError) as error:
        raise GenomeInputError(path, number + 1, f"the gzip file is truncated or corrupt ({error})") from None


def _kind(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    for suffix, kind in ((".gtf", "gtf"), (".gff3", "gff3"), (".gff", "gff3"), (".bed", "bed")):
        if name.endswith(suffix):
            return kind
    for _, line in _lines(path):
        if not line or line.startswith(("#", "track", "browser")):
            continue
        fields = line.split("\t")
        if len(fields) == 9 and 'gene_id "' in fields[8]:
            return "gtf"
        if len(fields) == 9 and "=" in fields[8]:
            return "gff3"
        if len(fields) >= 3 and fields[1].isdigit() and fields[2].isdigit():
            return "bed"
        break
    raise GenomeInputError(path, None, "cannot tell the format: name the file .gtf, .gff3 or .bed")


def _span(path: Path, number: int, start: str, end: str) -> tuple[int, int]:
    if not start.isdigit() or not end.isdigit() or int(start) > int(end) or int(start) < 1:
        raise GenomeInputError(path, number, f"start {start!r} and end {end!r} are not a valid 1-based span")
    return int(start), int(end)


def _columns(path: Path, number: int, line: str, count: int) -> list[str]:
    fields = line.split("\t")
    if len(fields) < count:
        raise GenomeInputError(path, number, f"expected {count} tab-separated columns, found {len(fields)}")
    return fields


def _read_gtf(path: Path) -> list[Gene]:
    genes: list[Gene] = []
    # Without 'gene' records (some GTFs list transcripts and exons only) a gene spans its features.
    spans: dict[str, list] = {}
    for number, line in _lines(path):
        if not line.strip() or line.startswith("#"):
            continue
        chrom, _, feature, start, end, _, strand, _, attributes = _columns(path, number, line, 9)[:9]
        lo, hi = _span(path, number, start, end)
        values = dict(_GTF_ATTRIBUTE.findall(attributes))
        gene_id = values.get("gene_id")
        if not gene_id:
            raise GenomeInputError(path, number, "the attributes have no gene_id")
        symbol = values.get("gene_name") or values.get("gene_symbol") or gene_id
        if feature == "gene":
            genes.append((symbol, gene_id, normalise_chrom(chrom), lo, hi, strand))
        else:
            known = spans.get(gene_id)
            if known is None:
                spans[gene_id] = [symbol, gene_id, normalise_chrom(chrom), lo, hi, strand]
            else:
                known[3], known[4] = min(known[3], lo), max(known[4], hi)
    return genes or [tuple(span) for span in spans.values()]  # type: ignore[misc]


def _read_gff3(path: Path) -> list[Gene]:
    genes: list[Gene] = []
    for number, line in _lines(path):
        if line.startswith("##FASTA"):
            break
        if not line.strip() or line.startswith("#"):
            continue
        chrom, _, feature, start, end, _, strand, _, attributes = _columns(path, number, line, 9)[:9]
        if feature.lower() not in _GFF3_GENE_TYPES:
            continue
        lo, hi = _span(path, number, start, end)
        values = {
            key.strip(): unquote(value.strip())
            for key, _, value in (part.partition("=") for part in attributes.split(";") if "=" in part)
        }
        gene_id = values.get("gene_id") or values.get("ID", "").removeprefix("gene:")
        symbol = values.get("Name") or values.get("gene_name") or values.get("gene") or gene_id
        if not symbol:
            raise GenomeInputError(path, number, "the gene has no Name, gene_name or ID attribute")
        genes.append((symbol, gene_id or symbol, normalise_chrom(chrom), lo, hi, strand))
    return genes


def _read_bed(path: Path) -> list[Gene]:
    genes: list[Gene] = []
    for number, line in _lines(path):
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        fields = _columns(path, number, line, 4)
        if not fields[1].isdigit():
            raise GenomeInputError(path, number, f"start {fields[1]!r} is not a whole number")
        # BED starts are 0-based and ends exclusive: [start, end) is 1-based [start + 1, end].
        lo, hi = _span(path, number, str(int(fields[1]) + 1), fields[2])
        strand = fields[5] if len(fields) > 5 and fields[5] in ("+", "-") else "."
        genes.append((fields[3], fields[3], normalise_chrom(fields[0]), lo, hi, strand))
    return genes
