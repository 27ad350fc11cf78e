"""Fixtures of the facility tests: a signed-in researcher."""

import pytest
from django.test import Client

from kiban.core.models import User
from kiban.core.testing import signed_in


@pytest.fixture
def researcher_client(demo_data) -> Client:
    return signed_in(User.objects.get(username="researcher"))
