"""The columns of variant tables for TSV downloads, and their Parquet file: every row, every stratum's counts.

Column names are fixed English identifiers in both languages, because scripts and other tools read them.
A count that disclosure control masked (selectors.disclosed_variant) is an empty cell, null in Parquet.
"""

import io
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from kiban.core.exports import Column, ColumnKind

from . import engine

COUNT_FIELDS = ("ac", "an", "af", "hom", "het", "hemi")
BATCH_ROWS = 5000
_TEXT, _INTEGER, _DECIMAL = ColumnKind.TEXT, ColumnKind.INTEGER, ColumnKind.DECIMAL
_VARIANT_COLUMNS = (
    Column("variant_id", _TEXT),
    Column("chrom", _TEXT),
    Column("pos", _INTEGER),
    Column("ref", _TEXT),
    Column("alt", _TEXT),
    Column("rsid", _TEXT),
    Column("filter", _TEXT),
    Column("qual", _DECIMAL),
)


def _stratum_columns(strata: dict[str, list[str]]) -> list[tuple[str, str, str, str]]:
    """(column name, stratum, group, count field) for every group of every stratum of the dataset."""
    return [
        (f"{field}_{name}_{group}", name, group, field)
        for name, groups in strata.items()
        for group in groups
        for field in COUNT_FIELDS
    ]


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
    return _DECIMAL if field == "af" else _INTEGER


def variant_columns(strata: dict[str, list[str]]) -> list[Column]:
    """The typed columns of both downloads: the variant, its counts, then each stratum group's counts."""
    return [
        *_VARIANT_COLUMNS,
        *(Column(field, _count_kind(field)) for field in COUNT_FIELDS),
        *(Column(column, _count_kind(field)) for column, *_, field in _stratum_columns(strata)),
    ]


# Parquet keeps the columns' kinds as Arrow types.
_ARROW_TYPES = {_TEXT: pa.string(), _INTEGER: pa.int64(), _DECIMAL: pa.float64()}


def variant_rows(variants: Iterable[engine.Variant], strata: dict[str, list[str]]) -> Iterator[list]:
    """One row per variant, produced as the variants are read (for a streaming response)."""
    stratum_columns = _stratum_columns(strata)
    for variant in variants:
        yield _values(variant, stratum_columns)


def _batch(rows: list[list], schema: pa.Schema) -> pa.RecordBatch:
    columns = [pa.array([row[i] for row in rows], type=schema.field(i).type) for i in range(len(schema))]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def variants_parquet(variants: Iterable[engine.Variant], strata: dict[str, list[str]]) -> bytes:
    """A Parquet file written in batches of rows; AF is null where no allele was called (AN = 0)."""
    stratum_columns = _stratum_columns(strata)
    schema = pa.schema([(column.header, _ARROW_TYPES[column.kind]) for column in variant_columns(strata)])
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
