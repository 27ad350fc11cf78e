"""The genome engine: VCF ingest, Parquet storage and DuckDB queries; plain Python that imports no Django."""

from .errors import GenomeInputError
from .genes import load_genes
from .ingestion import ingest
from .model import Counts, Filters, Manifest, Page, Variant
from .query import Dataset, list_datasets, open_dataset

__all__ = [
    "Counts",
    "Dataset",
    "Filters",
    "GenomeInputError",
    "Manifest",
    "Page",
    "Variant",
    "ingest",
    "list_datasets",
    "load_genes",
    "open_dataset",
]
