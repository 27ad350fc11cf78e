"""Fixtures of the reference panel page and API tests: the small panel of small_panel.py, ingested once."""

from pathlib import Path

import pytest

from kiban.genome import engine
from kiban.genome.datasets import genome_root

from .small_panel import DATASET, ingest_small_panel


@pytest.fixture(scope="session")
def small_panel_root(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small-panel")
    root = folder / "genome"
    ingest_small_panel(folder / "input", root)
    return root


@pytest.fixture
def small_panel(settings, small_panel_root) -> engine.Manifest:
    """The small panel, ingested once per test run and only read by the tests that use it."""
    settings.KIBAN_GENOME_ROOT = small_panel_root
    return engine.open_dataset(genome_root(), DATASET).manifest
