"""The access committee through the review engine: the part's biobank's curators manage its round, the
researcher and their institution are conflicted, the decision approves or declines the part."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kiban.biobank_access.choices import PartState
from kiban.biobank_access.demo import _rubric
from kiban.core.choices import Role
from kiban.core.testing import signed_in, user_with_role
from kiban.reviews import services as reviews
from kiban.reviews.choices import Conflict

from .conftest import part_of, submitted, to_conditions_met


def _round(part, curator):
    return reviews.review_round_open(
        target=part, rubric=_rubric(), title="分譲審査", blind=False, due_date=None, actor=curator
    )


def test_only_the_parts_biobank_manages_its_round(world):
    access = submitted(world, [world.bbj, world.tmm])
    bbj = to_conditions_met(part_of(access, world.bbj), world.bbj_curator)
    with pytest.raises(PermissionDenied):
        _round(bbj, world.tmm_curator)
    url = reverse("reviews:round-open", args=["biobank_access", "accesspart", bbj.pk])
    assert signed_in(world.tmm_curator).get(url).status_code == 403
    assert signed_in(world.researcher).get(url).status_code == 403
    assert signed_in(world.bbj_curator).get(url).status_code == 200
    round_ = _round(bbj, world.bbj_curator)
    bbj.refresh_from_db()
    assert bbj.state == PartState.UNDER_REVIEW
    assert signed_in(world.tmm_curator).get(round_.get_absolute_url()).status_code == 403


def test_the_researcher_and_their_institution_are_conflicted(world):
    access = submitted(world, [world.bbj])
    bbj = to_conditions_met(part_of(access, world.bbj), world.bbj_curator)
    round_ = _round(bbj, world.bbj_curator)
    colleague = user_with_role(Role.RESEARCHER, organisation=world.researcher.memberships.get().organisation)
    outsider = user_with_role(Role.RESEARCHER, username="committee_member")
    conflicts = {
        user.username: reviews.reviewer_assign(round=round_, reviewer=user, actor=world.bbj_curator).conflict
        for user in (world.researcher, colleague, outsider)
    }
    assert conflicts == {
        "researcher": Conflict.DETECTED,
        colleague.username: Conflict.DETECTED,
        "committee_member": Conflict.NONE,
    }
