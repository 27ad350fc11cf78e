"""The demo data works as the pages suggest: a published call whose funded genomes are in the sequencing
progress, a reviewed call whose allocation shows a tie and a partial award, an open call to propose to."""

import pytest

from kiban.analysis_funding import selectors, services
from kiban.analysis_funding.demo import OPEN, PUBLISHED, REVIEWED
from kiban.analysis_funding.models import AnalysisCall, Proposal
from kiban.core.models import User
from kiban.core.registry import load_demo
from kiban.core.testing import signed_in
from kiban.sequencing.selectors import funded_plans

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_allocates_as_described(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo("analysis_funding")
    load_demo("analysis_funding")  # again: nothing changes
    assert Proposal.objects.count() == 8

    # The published call: 200 WGS and 400 WES genomes planned for the government
    [plan] = funded_plans()
    assert (plan.funder, plan.genomes, plan.proposals) == ("government", 600, 2)

    # The reviewed call, computed: a tie at 4.33 (the lower request first) and a partial award
    reviewed = AnalysisCall.objects.get(call__title=REVIEWED)
    officer = User.objects.get(username="agency_officer")
    allocation = services.allocation_compute(analysis_call=reviewed, actor=officer)
    lines = [
        (line.rank, str(line.score), line.allocated_samples, line.reason)
        for line in selectors.lines_of(allocation)
    ]
    assert lines == [
        (1, "4.67", 300, "funded"),
        (2, "4.33", 250, "funded"),
        (3, "4.33", 600, "funded"),
        (4, "4.00", 150, "partial"),
        (5, "3.00", 0, "budget_spent"),
    ]
    assert sum(line.allocated_yen for line in selectors.lines_of(allocation)) == reviewed.budget_yen

    # The open call takes the researcher's proposal
    researcher = User.objects.get(username="researcher")
    open_call = AnalysisCall.objects.get(call__title=OPEN)
    page = signed_in(researcher).get(f"/biobank/analysis-calls/{open_call.call_id}/proposals/new/")
    assert page.status_code == 200
    assert (
        signed_in(officer).get(f"/biobank/analysis-calls/{reviewed.call_id}/allocation/").status_code == 200
    )
    assert AnalysisCall.objects.get(call__title=PUBLISHED).allocation.state == "published"
