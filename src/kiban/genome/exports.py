"""The columns of variant tables for TSV downloads, and their Parquet file: every row, every stratum's counts.

Column names are fixed English identifiers in both languages, because scripts and other tools read them.
"""

import io
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from kiban.core.exports import Column, ColumnKind

from . import engine

COUNT_FIELDS = ("ac", "an", "af", "hom", "het", "hemi")
BATCH_ROWS = 5000
_VARIANT_FIELDS = ("variant_id", "chrom", "pos", "ref", "alt", "rsid", "filter", "qual")


def _stratum_columns(strata: dict[str, list[str]]) -> list[tuple[str, str, str, str]]:
    """(column name, stratum, group, count field) for every group of every stratum of the dataset."""
    return [
        (f"{field}_{name}_{group}", name, group, field)
        for name, groups in strata.items()
        for group in groups
        for field in COUNT_FIELDS
    ]


def column_names(strata: dict[str, list[str]]) -> list[str]:
    return [*_VARIANT_FIELDS, *COUNT_FIELDS, *(column for column, *_ in _stratum_columns(strata))]


def _values(variant: engine.Variant, stratum_columns) -> list:
    counts = variant.counts
    values = [
        variant.variant_id,
        variant.chrom,
        variant.pos,
        variant.ref,
        variant.alt,
        variant.rsid,
        ";".join(variant.filters),
        variant.qual,
        *(getattr(counts, field) for field in COUNT_FIELDS),
    ]
    for _, name, group, field in stratum_columns:
        group_counts = variant.strata.get(name, {}).get(group)
        values.append(None if group_counts is None else getattr(group_counts, field))
    return values


def _count_kind(field: str) -> ColumnKind:
    return ColumnKind.DECIMAL if field == "af" else ColumnKind.INTEGER


def variant_columns(strata: dict[str, list[str]]) -> list[Column]:
    """The TSV's typed columns, named as column_names() names them."""
    text, integer, decimal = ColumnKind.TEXT, ColumnKind.INTEGER, ColumnKind.DECIMAL
    kinds = [text, text, integer, text, text, text, text, decimal]
    kinds += [_count_kind(field) for field in COUNT_FIELDS]
    kinds += [_count_kind(field) for *_, field in _stratum_columns(strata)]
    return [Column(name, kind) for name, kind in zip(column_names(strata), kinds, strict=True)]


def variant_rows(variants: Iterable[engine.Variant], strata: dict[str, list[str]]) -> Iterator[list]:
    """One row per variant, produced as the variants are read (for a streaming response)."""
    stratum_columns = _stratum_columns(strata)
    for variant in variants:
        yield _values(variant, stratum_columns)


def _count_type(field: str) -> pa.DataType:
    return pa.float64() if field == "af" else pa.int64()


def _batch(rows: list[list], schema: pa.Schema) -> pa.RecordBatch:
    columns = [pa.array([row[i] for row in rows], type=schema.field(i).type) for i in range(len(schema))]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def variants_parquet(variants: Iterable[engine.Variant], strata: dict[str, list[str]]) -> bytes:
    """A Parquet file written in batches of rows; AF is null where no allele was called (AN = 0)."""
    stratum_columns = _stratum_columns(strata)
    schema = pa.schema(
        [
            ("variant_id", pa.string()),
            ("chrom", pa.string()),
            ("pos", pa.int64()),
            ("ref", pa.string()),
            ("alt", pa.string()),
            ("rsid", pa.string()),
            ("filter", pa.string()),
            ("qual", pa.float64()),
            *((field, _count_type(field)) for field in COUNT_FIELDS),
            *((column, _count_type(field)) for column, _, _, field in stratum_columns),
        ]
    )
    buffer = io.BytesIO()
    with pq.ParquetWriter(buffer, schema) as writer:
        rows: list[list] = []
        for variant in variants:
            rows.append(_values(variant, stratum_columns))
            if len(rows) == BATCH_ROWS:
                writer.write_batch(_batch(rows, schema))
                rows = []
        if rows:
            writer.write_batch(_batch(rows, schema))
    return buffer.getvalue()
