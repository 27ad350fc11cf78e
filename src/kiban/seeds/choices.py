"""Enumerations of translational research seeds: stages, programme slots, modalities, outcomes."""

from itertools import pairwise

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Where a seed stands in the pipeline (シーズA → preB → シーズB → preC → シーズC), or why it stopped."""

    SEED_A = "seed_a", _("Seed A")
    PRE_B = "pre_b", _("preB")
    SEED_B = "seed_b", _("Seed B")
    PRE_C = "pre_c", _("preC")
    SEED_C = "seed_c", _("Seed C")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


# The development stages in order; a stage-up moves exactly one step along this list.
PIPELINE = (Stage.SEED_A, Stage.PRE_B, Stage.SEED_B, Stage.PRE_C, Stage.SEED_C)
NEXT_STAGE = dict(pairwise(PIPELINE))


class ProgrammeSlot(models.TextChoices):
    """The funding slot (枠) a seed is supported in."""

    SEED_A = "seed_a", _("Seed A")
    PRE_B = "pre_b", _("preB")
    SEED_B = "seed_b", _("Seed B")
    PRE_C = "pre_c", _("preC")
    SEED_C = "seed_c", _("Seed C")
    INTERDISCIPLINARY = "interdisciplinary", _("Interdisciplinary (異分野融合型)")
    COMPANY_COMMITTED = "company_committed", _("Company-committed seed (導出先企業が明確)")


class Modality(models.TextChoices):
    DRUG = "drug", _("Drug")
    DEVICE = "device", _("Medical device")
    REGENERATIVE = "regenerative", _("Regenerative medicine")
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    OTHER = "other", _("Other")


class Origin(models.TextChoices):
    """Whether the seed comes from the hub itself (or its sharing institutions) or from outside it."""

    INSIDE = "inside", _("Inside the hub")
    OUTSIDE = "outside", _("Outside the hub")


class GateOutcome(models.TextChoices):
    """What a stage-gate decision may decide; the review engine offers these to the panel."""

    STAGE_UP = "stage_up", _("Stage up")
    CONTINUE = "continue", _("Continue")
    SUSPEND = "suspend", _("Suspend")
    TERMINATE = "terminate", _("Terminate")


class OutcomeKind(models.TextChoices):
    """A result a seed achieves; three of them are what hub certification counts (取組の成果)."""

    PATENT_FILING = "patent_filing", _("Patent filing")
    TRIAL_NOTIFICATION = "trial_notification", _("Clinical-trial notification (治験届)")
    APPROVAL_APPLICATION = "approval_application", _("Regulatory application (承認・認証申請)")
    LICENSE_OUT = "license_out", _("License-out (導出)")


# The outcomes hub certification counts over the last five fiscal years.
CERTIFICATION_OUTCOME_KINDS = (
    OutcomeKind.TRIAL_NOTIFICATION,
    OutcomeKind.LICENSE_OUT,
    OutcomeKind.APPROVAL_APPLICATION,
)
