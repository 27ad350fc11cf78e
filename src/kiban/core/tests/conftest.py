"""Users shared by the core's tests."""

import pytest

from kiban.core.models import User


@pytest.fixture
def alice(db) -> User:
    return User.objects.create_user(
        "alice", "alice@example.jp", "pw-for-tests-only", display_name="山田 花子"
    )


@pytest.fixture
def bob(db) -> User:
    return User.objects.create_user("bob", "bob@example.jp", "pw-for-tests-only")
