"""Enumerations of access requests to the biobanks (分譲): the states of a request's part at one biobank, the
steps recorded on its timeline, and the committee's possible decisions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PartState(models.TextChoices):
    """draft → submitted → checking availability → available / unavailable → access conditions indicated →
    conditions met → under the committee's review → approved / declined → made available / shipped; any part
    still open is withdrawn with the request. One part per biobank, each on its own."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHECKING = "checking", _("Checking availability")
    AVAILABLE = "available", pgettext_lazy("access part", "Available")
    UNAVAILABLE = "unavailable", _("Unavailable")
    CONDITIONS = "conditions", _("Access conditions indicated")
    CONDITIONS_MET = "conditions_met", _("Conditions met")
    UNDER_REVIEW = "under_review", _("Under the committee's review")
    APPROVED = "approved", pgettext_lazy("access part", "Approved")
    DECLINED = "declined", pgettext_lazy("access part", "Declined")
    PROVIDED = "provided", _("Made available / shipped")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A part in one of these states has ended: nothing more happens to it.
ENDED_PART_STATES = (PartState.UNAVAILABLE, PartState.DECLINED, PartState.PROVIDED, PartState.WITHDRAWN)
# Decided by the biobank: the request is decided once every part is (approved ones count as decided).
DECIDED_PART_STATES = (PartState.UNAVAILABLE, PartState.DECLINED, PartState.APPROVED, PartState.PROVIDED)
# The biobank owes the next step (the researcher owes it while access conditions are pending, and while an
# approved part's agreement waits for their institution's signature: AccessPart.biobank_owes): reminders and
# the desk's overdue marking count the days a part has waited in one of these since its last step (an
# agreement sent or signed is a step).
BIOBANK_OWES_STATES = (
    PartState.SUBMITTED,
    PartState.CHECKING,
    PartState.AVAILABLE,
    PartState.CONDITIONS_MET,
    PartState.UNDER_REVIEW,
    PartState.APPROVED,
)


class PartStep(models.TextChoices):
    """What happened to a part, as its timeline names it (in the reader's language, whoever acted)."""

    SUBMITTED = "submitted", _("Request received")
    CHECKING = "checking", _("Started checking availability")
    AVAILABLE = "available", _("Samples or data available")
    UNAVAILABLE = "unavailable", _("Samples or data unavailable")
    CONDITIONS = "conditions", _("Access conditions indicated")
    CONDITIONS_MET = "conditions_met", _("Access conditions met")
    REVIEW = "review", _("Committee review opened")
    APPROVED = "approved", _("Approved by the committee")
    DECLINED = "declined", _("Declined by the committee")
    AGREEMENT_SENT = "agreement_sent", _("Agreement sent for signature")
    AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
    PROVIDED = "provided", _("Made available / shipped")
    WITHDRAWN = "withdrawn", _("Withdrawn by the researcher")
    REMINDED = "reminded", _("Reminder sent to the biobank")


class CommitteeDecision(models.TextChoices):
    """What a biobank's access committee (試料・情報分譲審査会) decides on a part."""

    APPROVE = "approve", pgettext_lazy("access committee", "Approve")
    DECLINE = "decline", pgettext_lazy("access committee", "Decline")


class Overall(models.TextChoices):
    """The request as a whole, read from its parts (selectors.overall_of states the rule)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_PROGRESS = "in_progress", _("Being handled by the biobanks")
    PARTLY_APPROVED = "partly_approved", _("Approved by at least one biobank")
    CLOSED = "closed", pgettext_lazy("access request", "Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
