"""The one place that knows the storage layout: dataset, version, partition and gene-annotation paths."""

import json
import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, unquote

from .assembly import chrom_sort_key
from .model import Manifest

TABLES = ("variants", "strata", "carriers")
_DATASET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_VERSION = re.compile(r"^[0-9]{8}T[0-9]{6}Z$")
VERSION_FORMAT = "%Y%m%dT%H%M%SZ"


def valid_dataset_id(dataset_id: str) -> bool:
    return bool(_DATASET_ID.match(dataset_id))


def valid_version(version: str) -> bool:
    return bool(_VERSION.match(version))


def datasets_dir(root: Path) -> Path:
    return Path(root) / "datasets"


def dataset_dir(root: Path, dataset_id: str) -> Path:
    return datasets_dir(root) / dataset_id


def version_dir(root: Path, dataset_id: str, version: str) -> Path:
    return dataset_dir(root, dataset_id) / version


def current_file(root: Path, dataset_id: str) -> Path:
    return dataset_dir(root, dataset_id) / "CURRENT"


def cache_dir(root: Path) -> Path:
    """Derived files that can be rebuilt from the datasets at any time (serving indexes)."""
    return Path(root) / "cache"


def index_dir(root: Path, dataset_id: str, version: str) -> Path:
    """A version's serving index: outside the version folder, which may be read-only."""
    return cache_dir(root) / dataset_id / version


def genes_file(root: Path, assembly: str) -> Path:
    return Path(root) / "genes" / f"{assembly}.parquet"


PARTITION_FILE = "part-0.parquet"  # the one file of each table's contig partition


def partition_name(chrom: str) -> str:
    """'chrom=<contig>', the contig quoted: names such as 'HLA-A*01:01' hold characters that mean
    something to globs and shells."""
    return f"chrom={quote(chrom, safe='')}"


def partition_chrom(name: str) -> str | None:
    """The contig of a partition folder's name; None for a name that is not a partition's."""
    return unquote(name.removeprefix("chrom=")) if name.startswith("chrom=") else None


def partition_dir(version_path: Path, table: str, chrom: str) -> Path:
    return version_path / table / partition_name(chrom)


def partition_file(version_path: Path, table: str, chrom: str) -> Path:
    return partition_dir(version_path, table, chrom) / PARTITION_FILE


def samples_file(version_path: Path) -> Path:
    return version_path / "samples.parquet"


def manifest_file(version_path: Path) -> Path:
    return version_path / "manifest.json"


def chromosomes(version_path: Path) -> list[str]:
    """The contigs a version holds, in karyotype order."""
    base = version_path / "variants"
    if not base.is_dir():
        return []  # a VCF without records gives an empty version
    names = [chrom for p in base.iterdir() if (chrom := partition_chrom(p.name)) is not None]
    return sorted(names, key=chrom_sort_key)


def read_manifest(version_path: Path) -> Manifest:
    return Manifest.from_json(json.loads(manifest_file(version_path).read_text(encoding="utf-8")))


def manifest_text(manifest: Manifest) -> str:
    """manifest.json's text (UTF-8), the same whichever engine writes it."""
    return json.dumps(manifest.to_json(), indent=2, ensure_ascii=False) + "\n"


def write_manifest(version_path: Path, manifest: Manifest) -> None:
    manifest_file(version_path).write_text(manifest_text(manifest), encoding="utf-8")


def current_version(root: Path, dataset_id: str) -> str | None:
    try:
        version = current_file(root, dataset_id).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return version or None


def versions(root: Path, dataset_id: str) -> list[str]:
    """Complete versions (those with a manifest), oldest first."""
    base = dataset_dir(root, dataset_id)
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if _VERSION.match(p.name) and manifest_file(p).is_file())


def next_version(root: Path, dataset_id: str, now: datetime) -> str:
    """A timestamp version, one second past the newest existing one if ingests come within a second."""
    existing = versions(root, dataset_id)
    moment = now.astimezone(UTC).replace(microsecond=0)
    if existing:
        latest = datetime.strptime(existing[-1], VERSION_FORMAT).replace(tzinfo=UTC)
        moment = max(moment, latest + timedelta(seconds=1))
    return moment.strftime(VERSION_FORMAT)


def staging_dir(root: Path, dataset_id: str) -> Path:
    return dataset_dir(root, dataset_id) / f".tmp-{uuid.uuid4().hex}"


def publish(root: Path, dataset_id: str, staged: Path, version: str) -> None:
    """Rename a complete staged version into place, then point CURRENT at it; each step is atomic."""
    os.rename(staged, version_dir(root, dataset_id, version))
    pointer = dataset_dir(root, dataset_id) / f".CURRENT-{uuid.uuid4().hex}"
    with open(pointer, "w", encoding="utf-8") as handle:
        handle.write(version + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, current_file(root, dataset_id))
