"""Enumerations of the review engine shared by its models, forms and API."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Aggregation(models.TextChoices):
    """How a round's scores become one figure; "not applicable" values never count."""

    MEAN = "mean", _("Mean")
    MEDIAN = "median", _("Median")
    WEIGHTED_MEAN = "weighted_mean", _("Weighted mean")


class RoundState(models.TextChoices):
    OPEN = "open", _("Open for scoring")
    CLOSED = "closed", _("Closed, awaiting decision")
    DECIDED = "decided", _("Decided")
    CANCELLED = "cancelled", pgettext_lazy("review round", "Cancelled")


UNDECIDED_STATES = [RoundState.OPEN, RoundState.CLOSED]


class Conflict(models.TextChoices):
    """A reviewer's conflict of interest with the item under review."""

    NONE = "none", _("None")
    DETECTED = "detected", _("Detected")
    DECLARED = "declared", _("Declared by the reviewer")
