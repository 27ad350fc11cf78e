"""Project-wide pytest set-up: tests run tasks immediately and keep uploaded files in a temporary folder."""

import pytest


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KIBAN_GENOME_ROOT = tmp_path / "genome"
    settings.LANGUAGE_CODE = "en"
    # The production hasher takes most of a second per user; tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def demo_data(db):
    """The organisations, demo users, programmes and cryo-EM sites, through the loaders the apps register
    for `kiban demo`. Tests needing the seeds, certification or the genome panel load those as well
    (`kiban.core.registry.load_demo("seeds")`): they take far longer."""
    from kiban.core.registry import load_demo

    load_demo("programmes", "facilities")
