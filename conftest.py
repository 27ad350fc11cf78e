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
    """The full demo data set, as `kiban demo` loads it."""
    from kiban.core.demo import load_core
    from kiban.facilities.demo import load_facilities
    from kiban.programmes.demo import load_programmes

    load_core()
    load_programmes()
    load_facilities()
