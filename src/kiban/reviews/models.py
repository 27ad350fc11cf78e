"""Review records: rubrics and criteria, review rounds on any model, assignments, scores and decisions."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from kiban.core.language import is_japanese

from .choices import UNDECIDED_STATES, Aggregation, Conflict, RoundState


class Rubric(models.Model):
    """A scoring scheme: criteria on one scale (1–9 as NIH, or 1–5) and how the scores are aggregated."""

    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=9)
    aggregation = models.CharField(
        _("aggregation"), max_length=20, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    higher_is_better = models.BooleanField(
        _("higher is better"), default=False, help_text=_("NIH scores: 1 is exceptional, 9 is poor.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scale_min__lt=models.F("scale_max")), name="rubric_scale_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name if is_japanese() or not self.name_en else self.name_en

    @property
    def in_use(self) -> bool:
        return self.pk is not None and self.rounds.exists()

    def clean(self) -> None:
        if self.scale_min >= self.scale_max:
            raise ValidationError(_("The lowest score must be below the highest."), "scale")
        if self.in_use:
            raise ValidationError(
                _("This rubric is used by a review round and cannot be changed; copy it instead."), "in_use"
            )


class Criterion(models.Model):
    """One thing reviewers score, with its weight in a weighted mean."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["rubric", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="criterion_weight_positive")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name if is_japanese() or not self.name_en else self.name_en

    def clean(self) -> None:
        if self.rubric_id and self.rubric.in_use:
            raise ValidationError(
                _("This rubric is used by a review round and cannot be changed; copy it instead."), "in_use"
            )


class ReviewRound(models.Model):
    """One review of one item (a seed stage-gate, a certification application …) under one rubric."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField(pgettext_lazy("review round", "title"), max_length=200)
    blind = models.BooleanField(_("blind"), default=False, help_text=_("Reviewers do not see who applies."))
    state = FSMField(_("state"), max_length=20, choices=RoundState.choices, default=RoundState.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    reviewed_state = models.CharField(
        _("reviewed state"),
        max_length=40,
        blank=True,
        help_text=_("The item's state (a seed's stage) when the round was opened: what the panel judges."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            # Two undecided rounds on one item could both apply their decision (Seed B → preC → Seed C).
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(state__in=UNDECIDED_STATES),
                name="reviewround_one_undecided_per_item",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:round", args=[self.pk])

    @transition(field=state, source=RoundState.OPEN, target=RoundState.CLOSED)
    def close(self) -> None:
        """No more scores; the panel now decides."""

    @transition(field=state, source=RoundState.CLOSED, target=RoundState.DECIDED)
    def decide(self) -> None:
        """The decision is recorded; the round is final."""

    @transition(field=state, source=UNDECIDED_STATES, target=RoundState.CANCELLED)
    def cancel(self) -> None:
        """Its item was withdrawn or ended before a decision: nobody scores or decides it any more, and a
        new round may be opened on the item (on a resubmission, say)."""


class Assignment(models.Model):
    """A reviewer asked to score a round; a conflicted one stays recorded but sees and scores nothing."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    conflict = models.CharField(
        _("conflict of interest"), max_length=20, choices=Conflict.choices, default=Conflict.NONE
    )
    conflict_reason = models.TextField(_("conflict reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["round", "reviewer__username"]
        constraints = [
            models.UniqueConstraint(fields=["round", "reviewer"], name="assignment_unique_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.round} — {self.reviewer}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:assignment", args=[self.pk])

    @property
    def is_conflicted(self) -> bool:
        return self.conflict != Conflict.NONE

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Score(models.Model):
    """One reviewer's score on one criterion; an empty value means "not applicable"."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.SmallIntegerField(_("score"), null=True, blank=True, help_text=_("Empty: not applicable."))
    comment = models.TextField(_("comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["assignment", "criterion__order", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value if self.value is not None else 'n/a'}"


class Decision(models.Model):
    """The panel's decision on a round, with the written rationale sent to the applicant."""

    round = models.OneToOneField(ReviewRound, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(pgettext_lazy("review decision", "outcome"), max_length=40)
    rationale = models.TextField(_("rationale"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.round}: {self.outcome}"
