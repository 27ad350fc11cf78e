"""Publishing a version folder written elsewhere (by the Spark engine): check its layout, then publish it.

`check_version_folder` refuses anything the queries could misread: a missing or unreadable manifest, tables
whose columns are not the embedded engine's, partitions not named as `storage` names them, a missing sample
table. `register_version` copies (or moves) a checked folder into the genome root through a staging folder
and `storage.publish`, so the version appears complete or not at all.
"""

import json
import os
import shutil
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.parquet as pq

from . import storage
from .assembly import check_assembly
from .errors import GenomeInputError
from .index import build_index
from .ingestion import SCHEMAS
from .model import Manifest

_ENTRIES = {"manifest.json", "samples.parquet", *storage.TABLES}


def register_version(
    root: Path, folder: str | Path, *, dataset_id: str | None = None, move: bool = False
) -> Manifest:
    """Publish the version folder as a version of `dataset_id` (default: the manifest's) and make it
    current; the folder is copied, or renamed when `move` (same file system). Refuses a version the
    dataset already has."""
    folder = Path(folder)
    manifest = check_version_folder(folder)
    if dataset_id is not None and dataset_id != manifest.dataset_id:
        if not storage.valid_dataset_id(dataset_id):
            raise GenomeInputError(
                folder,
                None,
                f"dataset id {dataset_id!r} must be letters, digits, '.', '_' or '-' (at most 100)",
            )
        manifest = replace(manifest, dataset_id=dataset_id)
    root = Path(root)
    target = storage.version_dir(root, manifest.dataset_id, manifest.version)
    if target.exists():
        raise GenomeInputError(
            folder, None, f"dataset {manifest.dataset_id} already has version {manifest.version} ({target})"
        )
    staged = storage.staging_dir(root, manifest.dataset_id)
    staged.parent.mkdir(parents=True, exist_ok=True)
    try:
        if move:
            os.rename(folder, staged)
        else:
            shutil.copytree(folder, staged)
        storage.write_manifest(staged, manifest)
        storage.publish(root, manifest.dataset_id, staged, manifest.version)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    build_index(root, manifest.dataset_id, manifest.version)
    return manifest


def check_version_folder(folder: Path) -> Manifest:
    """The folder's manifest, once the folder is a complete version in the layout of `storage`."""

    def problem(text: str, path: Path = folder) -> GenomeInputError:
        return GenomeInputError(path, None, text)

    if not folder.is_dir():
        raise problem("is not a folder (copy a version folder here first, e.g. with `hdfs dfs -get`)")
    manifest = _read_manifest(folder)
    unexpected = sorted(p.name for p in folder.iterdir() if p.name not in _ENTRIES)
    if unexpected:
        raise problem(f"unexpected entries in a version folder: {', '.join(unexpected)}")
    samples = storage.samples_file(folder)
    if not samples.is_file():
        raise problem("samples.parquet is missing", samples)
    try:
        sample_table = pq.ParquetFile(samples)
        columns = sample_table.schema_arrow.names
        sample_rows = sample_table.metadata.num_rows
    except (OSError, pa.ArrowException) as error:
        raise problem(f"is not a readable Parquet file ({error})", samples) from None
    if "index" not in columns or "sample" not in columns:
        raise problem("has no 'index' and 'sample' columns", samples)
    if sample_rows != manifest.sample_count:
        raise problem(f"lists {sample_rows} samples; the manifest says {manifest.sample_count}", samples)
    chroms = {table: _check_table(folder, table) for table in storage.TABLES}
    for table in ("strata", "carriers"):
        extra = sorted(set(chroms[table]) - set(chroms["variants"]))
        if extra:
            raise problem(f"{table} has contigs that variants lacks: {', '.join(extra)}")
    variants = sum(chroms["variants"].values())
    if variants != manifest.variant_count:
        raise problem(f"variants holds {variants:,} rows; the manifest says {manifest.variant_count:,}")
    return manifest


def _read_manifest(folder: Path) -> Manifest:
    path = storage.manifest_file(folder)
    if not path.is_file():
        raise GenomeInputError(
            folder, None, "has no manifest.json: not a complete version (the manifest is written last)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest.from_json(data)
    except (ValueError, TypeError, AttributeError) as error:
        raise GenomeInputError(path, None, f"cannot be read as a dataset manifest ({error})") from None
    if not storage.valid_version(manifest.version):
        raise GenomeInputError(path, None, f"version {manifest.version!r} is not a 'YYYYMMDDTHHMMSSZ' time")
    if not storage.valid_dataset_id(manifest.dataset_id):
        raise GenomeInputError(path, None, f"dataset id {manifest.dataset_id!r} is not valid")
    if check_assembly(manifest.assembly) != manifest.assembly:
        raise GenomeInputError(path, None, f"assembly {manifest.assembly!r} is not GRCh37 or GRCh38")
    return manifest


def _check_table(folder: Path, table: str) -> dict[str, int]:
    """Rows per contig of one table, once its partitions and columns are checked."""
    base = folder / table
    if not base.exists():
        return {}
    if not base.is_dir():
        raise GenomeInputError(base, None, "is not a folder")
    rows: dict[str, int] = {}
    for partition in sorted(base.iterdir()):
        chrom = storage.partition_chrom(partition.name)
        if not chrom or partition.name != storage.partition_name(chrom):
            named = storage.partition_name(unquote(partition.name) if chrom is None else chrom)
            raise GenomeInputError(
                partition, None, f"is not a partition named as the platform names them ({named})"
            )
        entries = sorted(p.name for p in partition.iterdir()) if partition.is_dir() else []
        if entries != [storage.PARTITION_FILE]:
            raise GenomeInputError(
                partition,
                None,
                f"should hold exactly one file, {storage.PARTITION_FILE}; "
                f"found: {', '.join(entries) or 'none'}",
            )
        rows[chrom] = _check_schema(partition / storage.PARTITION_FILE, table)
    return rows


def _check_schema(path: Path, table: str) -> int:
    """The file's row count, once its columns are the embedded engine's (names and types, in order)."""
    try:
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
    except (OSError, pa.ArrowException) as error:
        raise GenomeInputError(path, None, f"is not a readable Parquet file ({error})") from None
    expected = SCHEMAS[table]
    found = [(field.name, field.type) for field in schema]
    wanted = [(field.name, field.type) for field in expected]
    if found != wanted:
        differences = [f"{name}: {kind}" for name, kind in found if (name, kind) not in wanted] or [
            "columns missing or out of order"
        ]
        raise GenomeInputError(
            path,
            None,
            f"the {table} table's columns differ from the platform's ({'; '.join(map(str, differences))}); "
            f"expected {', '.join(f'{name}: {kind}' for name, kind in wanted)}",
        )
    return parquet.metadata.num_rows
