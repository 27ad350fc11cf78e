"""Translational research seeds registered at a hub, their stage-gates, yearly records and outcomes."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from kiban.core.choices import OrganisationKind
from kiban.core.fiscal import FiscalYear
from kiban.core.icd10 import icd10_description, validate_icd10
from kiban.core.models import Organisation, User
from kiban.core.money import YenField
from kiban.programmes.models import Programme

from .choices import NEXT_STAGE, PIPELINE, GateOutcome, Modality, Origin, OutcomeKind, ProgrammeSlot, Stage

_COMPANIES = {"kind": OrganisationKind.COMPANY}
_HUBS = {"kind": OrganisationKind.TRANSLATIONAL_HUB}


class Seed(FSMModelMixin, models.Model):
    """A research seed registered at a translational research hub, moving through the stages by stage-gates.

    The stage changes only through the transitions below, called from `services.seed_decision_apply`;
    assigning `seed.stage` directly raises AttributeError.
    """

    hub = models.ForeignKey(
        Organisation,
        verbose_name=_("hub"),
        on_delete=models.PROTECT,
        related_name="hub_seeds",
        limit_choices_to=_HUBS,
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    title = models.CharField(_("seed title"), max_length=300)
    summary = models.TextField(_("summary (public)"), help_text=_("Shown to companies looking for seeds."))
    details = models.TextField(
        _("details (confidential)"),
        blank=True,
        help_text=_("Shown to the team, the hub, the agency and the ministry, and to companies with an NDA."),
    )
    pi = models.ForeignKey(
        User, verbose_name=_("principal investigator"), on_delete=models.PROTECT, related_name="seeds_led"
    )
    institution = models.ForeignKey(
        Organisation, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="seeds"
    )
    modality = models.CharField(_("modality"), max_length=20, choices=Modality.choices)
    icd10_code = models.CharField(
        _("target disease (ICD-10)"), max_length=8, validators=[validate_icd10], db_index=True
    )
    disease = models.CharField(_("target disease"), max_length=200, blank=True)
    stage = FSMField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.SEED_A, protected=True)
    stage_entered_on = models.DateField(_("in this stage since"))
    stage_before_suspension = models.CharField(
        _("stage before suspension"), max_length=20, choices=Stage.choices, blank=True
    )
    programme_slot = models.CharField(_("programme slot"), max_length=20, choices=ProgrammeSlot.choices)
    committed_company = models.ForeignKey(
        Organisation,
        verbose_name=_("committed company"),
        help_text=_("For a company-committed seed: the company that will take it over (導出先企業)."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committed_seeds",
        limit_choices_to=_COMPANIES,
    )
    support_from_fy = models.PositiveSmallIntegerField(_("supported from fiscal year"))
    support_to_fy = models.PositiveSmallIntegerField(_("supported to fiscal year"))
    listed_for_matching = models.BooleanField(
        _("listed for companies"),
        default=True,
        help_text=_("Companies may find the public summary and register interest."),
    )
    registered_on = models.DateField(_("registered"))
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # Its NDAs with companies (kind NDA, the hub discloses, the company receives); deleted with the seed.
    agreements = GenericRelation("agreements.Agreement")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seed")
        verbose_name_plural = _("seeds")
        ordering = ["-registered_on", "-pk"]
        indexes = [
            models.Index(fields=["hub", "stage"], name="seed_hub_stage"),
            models.Index(fields=["stage", "modality"], name="seed_stage_modality"),
            models.Index(fields=["-registered_on", "-id"], name="seed_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(support_to_fy__gte=models.F("support_from_fy")),
                name="seed_support_years_in_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(programme_slot=ProgrammeSlot.COMPANY_COMMITTED)
                | models.Q(committed_company__isnull=False),
                name="seed_committed_slot_names_company",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("seeds:detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.support_from_fy and self.support_to_fy and self.support_to_fy < self.support_from_fy:
            errors["support_to_fy"] = _("Support cannot end before it starts.")
        if self.programme_slot == ProgrammeSlot.COMPANY_COMMITTED and not self.committed_company_id:
            errors["committed_company"] = _("Name the company committed to this seed.")
        if self.programme_slot != ProgrammeSlot.COMPANY_COMMITTED and self.committed_company_id:
            errors["committed_company"] = _("Only a company-committed seed names a committed company.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_active(self) -> bool:
        return self.stage in PIPELINE

    @property
    def support_years_label(self) -> str:
        first, last = FiscalYear(self.support_from_fy), FiscalYear(self.support_to_fy)
        return first.label if first == last else f"{first.label} – {last.label}"

    @property
    def icd10_description(self) -> str:
        return icd10_description(self.icd10_code)

    # --- the stage machine: one step up at a time; suspended seeds resume where they were
    @transition(field=stage, source=list(NEXT_STAGE), target=RETURN_VALUE(*PIPELINE[1:]))
    def stage_up(self) -> str:
        return NEXT_STAGE[self.stage]

    @transition(field=stage, source=list(PIPELINE), target=None)
    def keep(self) -> None:
        """A 'continue' decision on an active seed: the stage stays, the decision is recorded."""

    @transition(field=stage, source=list(PIPELINE), target=Stage.SUSPENDED)
    def suspend(self) -> None:
        self.stage_before_suspension = self.stage

    @transition(field=stage, source=Stage.SUSPENDED, target=RETURN_VALUE(*PIPELINE))
    def resume(self) -> str:
        previous, self.stage_before_suspension = self.stage_before_suspension, ""
        return previous

    @transition(field=stage, source=[*PIPELINE, Stage.SUSPENDED], target=Stage.TERMINATED)
    def terminate(self) -> None:
        self.stage_before_suspension = ""


class SeedMember(models.Model):
    """A member of a seed's team besides the principal investigator."""

    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, verbose_name=_("member"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role in the team"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["seed", "pk"]
        constraints = [models.UniqueConstraint(fields=["seed", "user"], name="seed_member_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})" if self.role else str(self.user)


class StageGate(models.Model):
    """One stage-gate decision applied to a seed: the stage before and after, when, by whom and why."""

    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="stage_gates")
    outcome = models.CharField(_("decision"), max_length=20, choices=GateOutcome.choices)
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    decided_on = models.DateField(_("decided"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), editable=False)
    days_in_stage = models.PositiveIntegerField(
        _("days in the stage left"),
        null=True,
        blank=True,
        help_text=_("Empty when the stage did not change."),
    )
    rationale = models.TextField(_("rationale"))
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    review_round = models.ForeignKey(
        "reviews.ReviewRound",
        verbose_name=_("review round"),
        help_text=_("The review engine's round that decided it."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage-gate decision")
        verbose_name_plural = _("stage-gate decisions")
        ordering = ["seed", "decided_on", "pk"]
        indexes = [
            models.Index(fields=["fiscal_year", "outcome"], name="stagegate_fy_outcome"),
            # The time-in-stage medians read the middle rows of each stage in order of days; the count of
            # seeds leaving each stage, by decision, scans the second index alone.
            models.Index(fields=["from_stage", "days_in_stage"], name="stagegate_time_in_stage"),
            models.Index(fields=["from_stage", "outcome", "days_in_stage"], name="stagegate_exits"),
        ]

    def __str__(self) -> str:
        return f"{self.seed}: {self.get_from_stage_display()} → {self.get_to_stage_display()}"

    def save(self, *args, **kwargs):
        self.fiscal_year = FiscalYear.of(self.decided_on).year
        super().save(*args, **kwargs)

    @property
    def changes_stage(self) -> bool:
        return self.from_stage != self.to_stage


class SeedFunding(models.Model):
    """Research funds granted to a seed in one fiscal year under a programme (橋渡し研究プログラム)."""

    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="fundings")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="seed_fundings"
    )
    amount_yen = YenField(verbose_name=_("amount granted (yen)"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("research funds")
        verbose_name_plural = _("research funds")
        ordering = ["seed", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["seed", "fiscal_year", "programme"], name="seed_funding_once_per_fy"
            ),
            models.CheckConstraint(condition=models.Q(amount_yen__gte=0), name="seed_funding_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.seed} {FiscalYear(self.fiscal_year)}"


class Milestone(models.Model):
    """A milestone a seed plans to reach within a fiscal year, and when it was reached."""

    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="milestones")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    title = models.CharField(_("milestone"), max_length=300)
    due_on = models.DateField(_("due"))
    achieved_on = models.DateField(_("achieved"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["seed", "due_on", "pk"]
        indexes = [models.Index(fields=["seed", "fiscal_year"], name="milestone_seed_fy")]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """A progress report on a seed for a fiscal year (年次報告, 中間報告)."""

    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="progress_reports")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    summary = models.TextField(_("progress made"))
    submitted_on = models.DateField(_("submitted"))
    submitted_by = models.ForeignKey(
        User, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["seed", "-submitted_on", "-pk"]
        indexes = [models.Index(fields=["seed", "fiscal_year"], name="progress_seed_fy")]

    def __str__(self) -> str:
        return f"{self.seed} {FiscalYear(self.fiscal_year)} {self.submitted_on}"


class Outcome(models.Model):
    """A result of a seed: a patent filing, a clinical-trial notification, a regulatory application or a
    license-out to a company; counted in the fiscal year of its date."""

    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("kind"), max_length=30, choices=OutcomeKind.choices)
    occurred_on = models.DateField(_("date"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), editable=False)
    title = models.CharField(_("outcome title"), max_length=300)
    reference = models.CharField(
        _("reference number"), max_length=100, blank=True, help_text=_("e.g. 特願2021-012345")
    )
    company = models.ForeignKey(
        Organisation,
        verbose_name=_("licensee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seed_licenses",
        limit_choices_to=_COMPANIES,
    )
    scope = models.TextField(_("scope of the license"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["seed", "-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["kind", "fiscal_year"], name="outcome_kind_fy"),
            models.Index(fields=["kind", "-occurred_on"], name="outcome_kind_latest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=OutcomeKind.LICENSE_OUT) | models.Q(company__isnull=False),
                name="outcome_license_names_company",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def save(self, *args, **kwargs):
        self.fiscal_year = FiscalYear.of(self.occurred_on).year
        super().save(*args, **kwargs)


class CompanyInterest(models.Model):
    """A company's registered interest in a seed it found through the public summaries."""

    seed = models.ForeignKey(Seed, on_delete=models.CASCADE, related_name="interests")
    company = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="seed_interests")
    message = models.TextField(_("message to the hub"), blank=True)
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company interest")
        verbose_name_plural = _("company interests")
        ordering = ["seed", "-registered_at"]
        constraints = [models.UniqueConstraint(fields=["seed", "company"], name="interest_once_per_company")]

    def __str__(self) -> str:
        return f"{self.company} → {self.seed}"
