"""The genome engine: VCF ingest, Parquet storage and DuckDB queries; plain Python that imports no Django.

Names are imported on first use, so that a command that only ingests does not load the query layer
(and one that only queries does not load the readers)."""

import importlib
from typing import Any

_EXPORTS = {
    "Counts": ".model",
    "Dataset": ".query",
    "Filters": ".model",
    "GenomeInputError": ".errors",
    "build_index": ".index",
    "Manifest": ".model",
    "Page": ".model",
    "Variant": ".model",
    "ingest": ".ingestion",
    "list_datasets": ".query",
    "load_genes": ".genes",
    "open_dataset": ".query",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value
