"""Analysis funding (解析費配分): a call's settings and assays, proposals to turn samples into data, and the
allocation of the budget by merit with one line per proposal."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from kiban.biobank.choices import MaterialType
from kiban.biobank.models import SavedSearch
from kiban.core.models import Organisation, User
from kiban.core.money import YenField
from kiban.reviews.models import Rubric
from kiban.sequencing.choices import Funder
from kiban.submissions.models import Call, Submission

from .choices import AllocationState, Assay, LineReason, TieBreak

# The most samples one proposal may ask for: far above any biobank's set, small enough for any sum.
MAX_SAMPLES = 200_000


class AnalysisCall(models.Model):
    """The settings of one analysis-funding call (the call itself, its window and eligibility, is
    kiban.submissions.Call with system "analysis_funding")."""

    call = models.OneToOneField(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="analysis_funding"
    )
    budget_yen = YenField(verbose_name=_("budget (yen)"))
    funder = models.CharField(_("funder"), max_length=20, choices=Funder.choices)
    partial_funding = models.BooleanField(
        _("partial funding allowed"),
        default=False,
        help_text=_("The last proposal funded may get what is left, in whole samples."),
    )
    blind_review = models.BooleanField(
        _("blind review"),
        default=True,
        help_text=_("Reviewers do not see the proposer's name or organisation."),
    )
    tie_break = models.CharField(
        _("tie-break rule"), max_length=30, choices=TieBreak.choices, default=TieBreak.LOWER_REQUEST
    )
    rubric = models.ForeignKey(Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="+")
    example_costs = models.BooleanField(
        _("costs are example figures"),
        default=False,
        help_text=_("Shown with the costs, when they are illustrations rather than quoted prices."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("analysis funding call")
        verbose_name_plural = _("analysis funding calls")
        constraints = [
            models.CheckConstraint(condition=models.Q(budget_yen__gt=0), name="analysis_call_budget_positive")
        ]

    def __str__(self) -> str:
        return str(self.call)

    def get_absolute_url(self) -> str:
        return reverse("analysis_funding:call-detail", args=[self.call_id])


class AssayOffer(models.Model):
    """An assay a call pays for, from one material, at a cost per sample."""

    analysis_call = models.ForeignKey(AnalysisCall, on_delete=models.CASCADE, related_name="assays")
    assay = models.CharField(_("assay"), max_length=20, choices=Assay.choices)
    material = models.CharField(
        _("material"),
        max_length=20,
        choices=MaterialType.choices,
        help_text=_("The stored material the assay is made from; the sample set is counted for it."),
    )
    cost_per_sample_yen = YenField(verbose_name=_("cost per sample (yen)"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assay offered")
        verbose_name_plural = _("assays offered")
        ordering = ["analysis_call", "assay"]
        constraints = [
            models.UniqueConstraint(fields=["analysis_call", "assay"], name="assay_offer_unique"),
            models.CheckConstraint(
                condition=models.Q(cost_per_sample_yen__gt=0), name="assay_offer_cost_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.get_assay_display()


class Proposal(Submission):
    """A researcher's proposal to turn a sample set (their saved search, counts only) into data with one
    assay; requested amount = samples × the assay's cost per sample."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="analysis_proposals"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    sample_set = models.ForeignKey(
        SavedSearch,
        verbose_name=_("sample set"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("One of your saved biobank searches."),
    )
    # What the sample set was when the proposal was last saved: kept if the saved search is deleted.
    sample_set_name = models.CharField(_("sample set name"), max_length=120, blank=True)
    sample_set_criteria = models.JSONField(_("sample set criteria"), default=dict, blank=True)
    sample_set_count = models.PositiveIntegerField(
        _("participants with the material, as the proposer saw them"),
        null=True,
        blank=True,
        help_text=_("Under disclosure control; empty when the count was masked."),
    )
    assay = models.CharField(_("assay"), max_length=20, choices=Assay.choices)
    samples = models.PositiveIntegerField(_("samples"))
    cost_per_sample_yen = YenField(verbose_name=_("cost per sample (yen)"))
    scientific_case = models.TextField(_("scientific case"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("analysis proposal")
        verbose_name_plural = _("analysis proposals")
        ordering = ["call", "submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(samples__gte=1, samples__lte=MAX_SAMPLES), name="proposal_samples_bounded"
            ),
            models.CheckConstraint(
                condition=models.Q(cost_per_sample_yen__gt=0), name="proposal_cost_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("analysis_funding:proposal-detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"AF-{self.pk:05d}" if self.pk else ""

    @property
    def requested_yen(self) -> int:
        return self.samples * self.cost_per_sample_yen

    def submission_problems(self) -> list[str]:
        problems = super().submission_problems()
        if not self.title.strip():
            problems.append(str(_("Give the proposal a title.")))
        if not self.scientific_case.strip():
            problems.append(
                str(_("Write the scientific case: what the data will answer and why it matters."))
            )
        if self.sample_set_id is None:
            problems.append(str(_("Choose the sample set (one of your saved biobank searches).")))
        return problems

    def applicant_users(self) -> list[User]:
        return list({u.pk: u for u in super().applicant_users()}.values())

    def handler_users(self) -> list[User]:
        from kiban.core.choices import Role
        from kiban.core.selectors import active_users_with_role

        return list(active_users_with_role(Role.AGENCY_OFFICER))


class Allocation(FSMModelMixin, models.Model):
    """The budget of one call shared out by merit, one line per proposal; computed as a draft (again as
    often as needed), approved by a programme officer (frozen), then published."""

    analysis_call = models.OneToOneField(
        AnalysisCall, verbose_name=_("call"), on_delete=models.PROTECT, related_name="allocation"
    )
    state = FSMField(
        _("state"),
        max_length=20,
        choices=AllocationState.choices,
        default=AllocationState.DRAFT,
        protected=True,
    )
    # The call's settings the allocation was computed under.
    budget_yen = YenField(verbose_name=_("budget (yen)"))
    partial_funding = models.BooleanField(_("partial funding allowed"))
    tie_break = models.CharField(_("tie-break rule"), max_length=30, choices=TieBreak.choices)
    higher_is_better = models.BooleanField(_("higher score is better"))
    computed_by = models.ForeignKey(
        User, verbose_name=_("computed by"), on_delete=models.PROTECT, related_name="+"
    )
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    approved_by = models.ForeignKey(
        User, verbose_name=_("approved by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    published_by = models.ForeignKey(
        User,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")

    def __str__(self) -> str:
        return str(_("Allocation of %(call)s") % {"call": self.analysis_call})

    def get_absolute_url(self) -> str:
        return reverse("analysis_funding:allocation", args=[self.analysis_call.call_id])

    def clean_fields(self, exclude=None) -> None:
        # Cleaning writes each value back, which the protected state refuses; only transitions set it.
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @transition(field=state, source=AllocationState.DRAFT, target=AllocationState.APPROVED)
    def approve(self) -> None:
        """A programme officer approves the draft; it can no longer be computed again."""

    @transition(field=state, source=AllocationState.APPROVED, target=AllocationState.PUBLISHED)
    def publish(self) -> None:
        """The proposals are decided and the funded ones made public."""


class AllocationLine(models.Model):
    """What one proposal got in an allocation: its rank and score, requested and allocated, and why."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="lines")
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.PROTECT, related_name="allocation_lines"
    )
    position = models.PositiveIntegerField(_("position"))
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    requested_yen = YenField(verbose_name=_("requested (yen)"))
    allocated_yen = YenField(verbose_name=_("allocated (yen)"))
    allocated_samples = models.PositiveIntegerField(_("samples funded"))
    remaining_before_yen = YenField(verbose_name=_("left before its turn (yen)"))
    reason = models.CharField(_("why"), max_length=20, choices=LineReason.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")
        ordering = ["allocation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "proposal"], name="allocation_line_unique"),
            models.CheckConstraint(
                condition=models.Q(allocated_yen__gte=0, allocated_yen__lte=models.F("requested_yen")),
                name="allocation_line_within_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.allocated_yen}"

    def clean(self) -> None:
        if self.allocated_yen > self.requested_yen:
            raise ValidationError(_("A proposal cannot get more than it asked for."), "over_request")

    @property
    def is_funded(self) -> bool:
        return self.allocated_yen > 0
