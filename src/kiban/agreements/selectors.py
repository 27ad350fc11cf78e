"""Reads of agreements, filtered to what the asking user may see."""

from django.db import models

from kiban.core.models import User
from kiban.core.rules import is_agency_officer, is_auditor

from .models import Agreement, AgreementParty
from .rules import acting_for_ids


def agreements_visible_to(user: User) -> models.QuerySet[Agreement]:
    """The agreements the user may read: those an organisation they act for (`rules.acting_for_ids`) is party
    to; all of them for the funding agency's officers and auditors (the rule `agreements.view_agreement`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Agreement.objects.none()
    if is_agency_officer(user) or is_auditor(user):
        return Agreement.objects.all()
    return Agreement.objects.with_party(acting_for_ids(user))


def agreement_list(*, user: User, about: models.Model | None = None, kind: str | None = None):
    """The visible agreements (about one record, of one kind, when given), newest first, with the parties
    and the signed file joined."""
    agreements = agreements_visible_to(user)
    if about is not None:
        agreements = agreements.about(about)
    if kind is not None:
        agreements = agreements.filter(kind=kind)
    return agreements.select_related("signed_file", "created_by").prefetch_related(
        models.Prefetch("parties", AgreementParty.objects.select_related("organisation"))
    )
