"""Fixtures of the analysis-funding tests: counts without noise, so that the bounds are the known ones."""

import pytest


@pytest.fixture(autouse=True)
def _exact_counts(settings):
    settings.KIBAN_DISCLOSURE_NOISE_SCALE = 0
