"""Enumerations of agreements: their kinds, the parties' roles and the states of an agreement."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgreementKind(models.TextChoices):
    NDA = "nda", _("Non-disclosure agreement (NDA)")
    MTA = "mta", _("Material transfer agreement (MTA)")
    DATA_USE = "data_use", _("Data-use agreement")
    FACILITY_TERMS = "facility_terms", _("Facility-use terms")


class PartyRole(models.TextChoices):
    """What an organisation is in an agreement; each kind names the roles it needs."""

    DISCLOSER = "discloser", pgettext_lazy("agreement party", "Discloser")
    RECIPIENT = "recipient", pgettext_lazy("agreement party", "Recipient")
    PROVIDER = "provider", pgettext_lazy("agreement party", "Provider")
    USER = "user", pgettext_lazy("agreement party", "User")


# The roles each kind of agreement needs, each held by at least one party.
KIND_ROLES: dict[str, tuple[str, ...]] = {
    AgreementKind.NDA: (PartyRole.DISCLOSER, PartyRole.RECIPIENT),
    AgreementKind.MTA: (PartyRole.PROVIDER, PartyRole.RECIPIENT),
    AgreementKind.DATA_USE: (PartyRole.PROVIDER, PartyRole.RECIPIENT),
    AgreementKind.FACILITY_TERMS: (PartyRole.PROVIDER, PartyRole.USER),
}


class AgreementState(models.TextChoices):
    """draft → sent for signature → signed → expired or terminated; a draft or a sent one may be withdrawn."""

    DRAFT = "draft", pgettext_lazy("agreement state", "Draft")
    SENT = "sent", pgettext_lazy("agreement state", "Sent for signature")
    SIGNED = "signed", pgettext_lazy("agreement state", "Signed")
    EXPIRED = "expired", pgettext_lazy("agreement state", "Expired")
    TERMINATED = "terminated", pgettext_lazy("agreement state", "Terminated")
    WITHDRAWN = "withdrawn", pgettext_lazy("agreement state", "Withdrawn")


# An agreement in one of these states still stands (or is on its way): only one of a kind may stand between
# the same parties about the same record.
LIVE_STATES = (AgreementState.DRAFT, AgreementState.SENT, AgreementState.SIGNED)
