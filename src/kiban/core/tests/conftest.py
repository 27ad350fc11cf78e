"""Set-up for the core's tests."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default hasher takes most of a second per user; tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
