"""Schemathesis over every operation of the API, in-process: no 5xx, and every answer as the schema documents.

The WSGI application runs in the test's thread, so it sees the test's transaction: the demo data (loaded once
for the module) and whatever earlier examples of the same test wrote. Each operation is fuzzed anonymously and
with a hub staff member's API token. KIBAN_FUZZ_EXAMPLES sets the examples per operation (a small number
here, so the module takes a couple of minutes; more for a longer local run); the run is deterministic.
"""

import os

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kiban.core.models import User
from kiban.core.services import api_token_create
from kiban.core.testing import demo_fixture
from kiban.genome.tests.small_panel import ingest_small_panel

EXAMPLES = int(os.environ.get("KIBAN_FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CALLERS = ("anonymous", "hub_staff")

application = WSGIHandler()
# Values that once reached the database or a parser unchecked (issue 10), drawn now and then in place of a
# generated one: digits that str.isdigit() accepts and int() refuses, integers past 64 bits, NUL, a fiscal
# year of 5,000 digits, an era year past the era's end.
HOSTILE_TEXT = ["³", "①", "٣", "a\x00b", "9" * 5000, "平成99年度", "昭和99年度", "0" * 30 + "1"]
HOSTILE_INTEGERS = [2**63, -(2**63) - 1, 10**20, 2**31, -1, 0]
config = schemathesis.Config.from_dict(
    {
        "seed": 20261202,
        "dictionaries": {
            "hostile-text": {"values": HOSTILE_TEXT},
            "hostile-integers": {"values": HOSTILE_INTEGERS},
        },
        "generation": {
            "mode": "all",
            "deterministic": True,
            "max-examples": EXAMPLES,
            "dictionaries": {
                "string": {"dictionary": "hostile-text", "probability": 0.5},
                "integer": {"dictionary": "hostile-integers", "probability": 0.5},
            },
        },
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=config)

# A hostile value drawn for the session cookie makes it longer than a browser keeps; the server still answers.
pytestmark = pytest.mark.filterwarnings("ignore:The 'sessionid' cookie is too large:UserWarning")

_demo = demo_fixture("core", "programmes", "facility_operations", "seeds", "certification")


@pytest.fixture(scope="module")
def _panel_root(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-panel")
    ingest_small_panel(folder / "input", folder / "genome")
    return folder / "genome"


@pytest.fixture
def _in_process(settings, _panel_root):
    """The application keeps the test's database connection between requests, as Django's test client does."""
    settings.KIBAN_GENOME_ROOT = _panel_root
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=CALLERS)
def headers(request, _demo, db, _in_process):
    _demo.ready()
    if request.param == "anonymous":
        return {}
    _token, key = api_token_create(user=User.objects.get(username=request.param), name="fuzz")
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
)
def test_api_fuzz(case, headers):
    case.call_and_validate(headers=headers, checks=CHECKS)
