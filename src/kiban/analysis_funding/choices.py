"""Enumerations of analysis funding: assays offered, tie-break rules, allocation states and outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import allocation


class Assay(models.TextChoices):
    """What stored samples are turned into; WGS and WES count as genomes in the sequencing progress."""

    WGS = "wgs", _("Whole-genome sequencing (WGS)")
    WES = "wes", _("Whole-exome sequencing (WES)")
    SNP_ARRAY = "snp_array", _("SNP array")
    METHYLATION = "methylation", _("Methylation array")
    RNA_SEQ = "rna_seq", _("RNA sequencing")
    PROTEOME = "proteome", _("Proteome")
    METABOLOME = "metabolome", _("Metabolome")


# One funded sample of these assays is one planned genome (sequencing progress, S6).
GENOME_ASSAYS = frozenset({Assay.WGS, Assay.WES})


class TieBreak(models.TextChoices):
    """How proposals with the same score (at two decimals, as shown) are ordered; the proposal's number
    decides any tie left, so the order is always the same."""

    LOWER_REQUEST = allocation.LOWER_REQUEST, _("Lower requested amount first, then earlier submission")
    EARLIER_SUBMISSION = allocation.EARLIER_SUBMISSION, _("Earlier submission first, then lower amount")


class AllocationState(models.TextChoices):
    """draft (computed, may be computed again) → approved (by a programme officer; frozen) → published
    (proposals decided; funded ones public and planned in the sequencing progress)."""

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class LineReason(models.TextChoices):
    """Why a proposal got what it got in an allocation."""

    FUNDED = allocation.FUNDED, _("Funded in full")
    PARTIAL = allocation.PARTIAL, _("Funded in part")
    DOES_NOT_FIT = allocation.DOES_NOT_FIT, _("Does not fit in what is left")
    BELOW_ONE_SAMPLE = allocation.BELOW_ONE_SAMPLE, _("What is left does not pay one sample")
    BUDGET_SPENT = allocation.BUDGET_SPENT, _("Budget spent")
    NOT_SCORED = allocation.NOT_SCORED, _("No submitted review")


class ReviewOutcome(models.TextChoices):
    """The review round's decision, recorded when the allocation is published."""

    FUNDED = "funded", _("Funded")
    NOT_FUNDED = "not_funded", _("Not funded")
