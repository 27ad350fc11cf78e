"""The one place where the web app finds the genome engine's data: paths and dataset look-ups."""

from pathlib import Path

from django.conf import settings
from django.http import Http404

from . import engine


def genome_root() -> Path:
    return Path(settings.KIBAN_GENOME_ROOT)


def dataset_or_404(dataset_id: str, version: str | None = None) -> "engine.Dataset":
    try:
        return engine.open_dataset(genome_root(), dataset_id, version)
    except LookupError as error:
        raise Http404(str(error)) from error


def all_datasets() -> list["engine.Manifest"]:
    return engine.list_datasets(genome_root())
