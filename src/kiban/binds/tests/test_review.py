"""A unit that scores its requests does so through the review engine: its lead opens a round on the item,
a reviewer from the applicant's institution is conflicted, and the round's decision is the unit's."""

import pytest
from django.core.exceptions import PermissionDenied

from kiban.binds.choices import ItemState
from kiban.core.choices import Role
from kiban.core.models import Organisation
from kiban.core.testing import user_with_role
from kiban.reviews import services as reviews


@pytest.fixture
def rubric(db):
    return reviews.rubric_create(name="支援の妥当性", criteria=[{"name": "妥当性", "name_en": "Soundness"}])


def test_a_review_decision_accepts_the_item(routed, people, rubric):
    item = routed.items.get(menu_item__code="docking")
    with pytest.raises(PermissionDenied):
        reviews.review_round_open(
            target=item, rubric=rubric, title="R", blind=False, due_date=None, actor=people.structure
        )
    round_ = reviews.review_round_open(
        target=item, rubric=rubric, title="インシリコ審査", blind=False, due_date=None, actor=people.insilico
    )
    item.refresh_from_db()
    routed.refresh_from_db()
    assert item.state == ItemState.UNDER_REVIEW
    assert routed.state == "under_review"
    colleague = user_with_role(Role.RESEARCHER, organisation=routed.organisation, username="colleague")
    assert reviews.reviewer_assign(round=round_, reviewer=colleague, actor=people.insilico).is_conflicted
    elsewhere = Organisation.objects.create(name="別の大学", kind="university")
    reviewer = user_with_role(Role.RESEARCHER, organisation=elsewhere, username="outside_reviewer")
    assignment = reviews.reviewer_assign(round=round_, reviewer=reviewer, actor=people.insilico)
    criterion = rubric.criteria.get()
    reviews.scores_submit(assignment=assignment, values={criterion.pk: 8}, actor=reviewer)
    reviews.review_round_close(round=round_, actor=people.insilico)
    reviews.decision_record(round=round_, outcome="accept", rationale="実施可能", actor=people.insilico)
    item.refresh_from_db()
    assert item.state == ItemState.ACCEPTED
    assert item.decision_reason == "実施可能"
    assert item.task.state == "waiting"
