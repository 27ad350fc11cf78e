"""A request of an imaginary system that uses every state of the lifecycle; its tables exist only in tests.
Imported only by conftest's django_db_setup (which creates the tables) and the fixtures after it."""

import rules
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kiban.core.choices import Role
from kiban.core.models import Organisation, User
from kiban.core.permissions import register_refusals
from kiban.core.rules import has_role, is_signed_in
from kiban.submissions.models import Call, Submission
from kiban.submissions.services import ACTIONS


class Proposal(Submission):
    """A proposal to a call: the applicant's organisation, a title that must be given before submission."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        app_label = "submissions"
        managed = False  # no migration; conftest creates the table (and the test DB serializer skips it)

    def __str__(self) -> str:
        return self.title or f"Proposal {self.pk}"

    def submission_problems(self) -> list[str]:
        problems = super().submission_problems()
        if not self.title:
            problems.append(str(_("Give the proposal a title.")))
        return problems

    def handler_users(self) -> list[User]:
        return list(User.objects.filter(memberships__role=Role.AGENCY_OFFICER))


Proposal.history.model._meta.managed = False
# No foreign-key constraints in the database: a flush (TRUNCATE on PostgreSQL) of the tables Django manages
# would otherwise be refused because this unmanaged table refers to them.
for model in (Proposal, Proposal.history.model):
    for field in model._meta.concrete_fields:
        if field.is_relation:
            field.db_constraint = False


@rules.predicate
def is_creator(user, proposal) -> bool:
    return proposal is not None and proposal.created_by_id == user.pk


for verb in ("submit", "withdraw"):
    rules.set_perm(f"submissions.{verb}_proposal", is_signed_in & is_creator)
for verb in ("return", "review", "decide", "start", "complete"):
    rules.set_perm(f"submissions.{verb}_proposal", is_signed_in & has_role(Role.AGENCY_OFFICER))
# The generic sentences, as a system registers its own (tests/test_refusals.py wants one per permission).
register_refusals(
    {
        f"submissions.{ACTIONS[action].verb}_proposal": ACTIONS[action].forbidden
        for action in ("submit", "withdraw", "return", "review", "accept", "start", "complete")
    }
)
