"""Fixtures of the facility tests: a signed-in researcher."""

import pytest
from django.test import Client

from kiban.core.models import User


@pytest.fixture
def researcher_client(demo_data) -> Client:
    client = Client()
    client.force_login(User.objects.get(username="researcher"))
    return client
