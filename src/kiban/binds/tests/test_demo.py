"""The demo data: loads twice without change, and every dashboard figure has something to show."""

import pytest

from kiban.binds import selectors
from kiban.binds.models import Outcome, SupportApplication
from kiban.core.registry import load_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_idempotently_and_fills_the_dashboard():
    load_demo("binds")
    count = SupportApplication.objects.count()
    load_demo("binds")
    assert SupportApplication.objects.count() == count
    states = set(SupportApplication.objects.values_list("state", flat=True))
    assert {"draft", "submitted", "returned", "accepted", "rejected", "in_progress", "completed"} <= states
    board = selectors.dashboard()
    assert board.cross_unit >= 1 and board.young >= 1 and board.outside_amed >= 1
    assert board.acceptance_median is not None and board.first_support_median is not None
    assert Outcome.objects.filter(kind="pdb", identifier="7K3G").exists()
    assert any(
        selectors.report_due(application=a) for a in SupportApplication.objects.filter(state="in_progress")
    )
