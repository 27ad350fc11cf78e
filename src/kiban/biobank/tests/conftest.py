"""Fixtures of the biobank tests, on the small world of kiban.biobank.tests.small_world."""

from pathlib import Path

import pytest

from kiban.core.choices import Role
from kiban.core.models import User
from kiban.core.testing import user_with_role

from .small_world import PANEL, build_world, ingest_panel


@pytest.fixture
def curator(db) -> User:
    return User.objects.filter(username="user_biobank_curator").first() or user_with_role(
        Role.BIOBANK_CURATOR
    )


@pytest.fixture
def world(db, curator):
    return build_world(curator)


@pytest.fixture(scope="session")
def panel_root(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("biobank-panel")
    ingest_panel(folder, folder / "genome")
    return folder / "genome"


@pytest.fixture
def panel(settings, panel_root, world):
    """The panel, linked to the TMM participants."""
    from kiban.biobank.linking import link_dataset

    settings.KIBAN_GENOME_ROOT = panel_root
    link_dataset(dataset_id=PANEL, biobank=world["tmm"])
    return PANEL
