"""Enumerations of the request lifecycle: the states every submission passes through."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionState(models.TextChoices):
    """draft → submitted → (returned → resubmitted) → under review → accepted / rejected / withdrawn →
    in progress → completed. A system may name the states in its own words (certification says
    "Certified" for accepted) but keeps these values."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


# States in which the applicant may still change the request.
EDITABLE_STATES = (SubmissionState.DRAFT, SubmissionState.RETURNED)
# States in which the request waits for screening, review or a decision.
PENDING_STATES = (SubmissionState.SUBMITTED, SubmissionState.RESUBMITTED, SubmissionState.UNDER_REVIEW)
