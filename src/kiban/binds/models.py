"""BINDS support: units and their menu, unit membership, support applications with their requested items in
order, the support tasks accepted items become, the message thread, progress reports and outcomes."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from kiban.core.language import is_japanese
from kiban.core.models import Organisation, User
from kiban.submissions.choices import SubmissionState
from kiban.submissions.models import Submission

from .choices import (
    DECIDED_ITEM_STATES,
    Funding,
    ItemState,
    OutcomeKind,
    ScreeningDecision,
    TaskState,
    UnitRole,
)
from .identifiers import outcome_identifier_problem, validate_uniprot

# A progress report is due this many days after support started or after the last report.
REPORT_INTERVAL_DAYS = 180
MAX_DAYS = 365


class Bilingual:
    """Records with Japanese `name`/`description` and English `name_en`/`description_en`."""

    @property
    def display_name(self) -> str:
        return self.name if is_japanese() or not self.name_en else self.name_en

    @property
    def display_description(self) -> str:
        return self.description if is_japanese() or not self.description_en else self.description_en


class SupportUnit(Bilingual, models.Model):
    """A BINDS support unit (構造解析ユニット …), or the headquarters (ヘッドクォーター) with its PS/PO."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description = models.TextField(_("what it supports (Japanese)"), blank=True)
    description_en = models.TextField(_("what it supports (English)"), blank=True)
    is_headquarters = models.BooleanField(_("headquarters"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support unit")
        verbose_name_plural = _("support units")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_headquarters"],
                condition=models.Q(is_headquarters=True),
                name="binds_one_headquarters",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("binds:unit-detail", args=[self.code])


class UnitMember(models.Model):
    """A person's role in a unit (lead, staff) or at headquarters (PS, PO); not a core role."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="binds_units")
    unit = models.ForeignKey(SupportUnit, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("role"), max_length=10, choices=UnitRole.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit member")
        verbose_name_plural = _("unit members")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="binds_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.unit} ({self.get_role_display()})"


class MenuItem(Bilingual, models.Model):
    """One support a unit offers (膜タンパク質の発現 …): who delivers it, what the applicant provides and how
    long it usually takes (an example figure where the source gives none)."""

    unit = models.ForeignKey(SupportUnit, on_delete=models.PROTECT, related_name="menu_items")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    applicant_provides = models.TextField(_("what the applicant provides (Japanese)"), blank=True)
    applicant_provides_en = models.TextField(_("what the applicant provides (English)"), blank=True)
    turnaround_weeks = models.PositiveSmallIntegerField(
        _("typical turnaround (weeks)"), null=True, blank=True, validators=[MaxValueValidator(520)]
    )
    turnaround_is_example = models.BooleanField(
        _("turnaround is an example figure"), default=True, help_text=_("The source gives no figure.")
    )
    is_cryo_em = models.BooleanField(
        _("cryo-EM support"), default=False, help_text=_("Requests carry E1 and E2 days for the facilities.")
    )
    institutions = models.ManyToManyField(
        Organisation, verbose_name=_("delivering institutions"), blank=True, related_name="binds_menu_items"
    )
    staff = models.ManyToManyField(User, verbose_name=_("staff"), blank=True, related_name="binds_menu_items")
    delivery_is_example = models.BooleanField(
        _("institutions and staff are examples"), default=True, help_text=_("The source names none.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support menu item")
        verbose_name_plural = _("support menu items")
        ordering = ["unit__sort_order", "sort_order", "code"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("binds:menu-detail", args=[self.code])

    @property
    def display_provides(self) -> str:
        if is_japanese() or not self.applicant_provides_en:
            return self.applicant_provides
        return self.applicant_provides_en


class SupportApplication(Submission):
    """One researcher's application for support across units (支援申請), its items in an intended order."""

    state = FSMField(
        _("state"),
        max_length=20,
        choices=SubmissionState.choices,
        default=SubmissionState.DRAFT,
        protected=True,
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("applicant's institution"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    research_summary = models.TextField(_("research summary"), blank=True)
    target_name = models.CharField(_("target (e.g. protein name)"), max_length=200, blank=True)
    uniprot_accession = models.CharField(
        _("UniProt accession"), max_length=10, blank=True, validators=[validate_uniprot]
    )
    funding = models.CharField(_("funding of the work"), max_length=10, choices=Funding.choices, blank=True)
    funding_detail = models.CharField(_("grant (name or number)"), max_length=200, blank=True)
    young_researcher = models.BooleanField(_("young researcher"), default=False)
    confidential = models.BooleanField(
        _("confidential"),
        default=False,
        help_text=_("Only the units involved and headquarters read the summary."),
    )
    reminded_for = models.DateField(_("last reminded of the report due on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support application")
        verbose_name_plural = _("support applications")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("binds:application-detail", args=[self.pk])

    def submission_problems(self) -> list[str]:
        problems = super().submission_problems()
        if not self.research_summary.strip():
            problems.append(str(_("Write the research summary.")))
        if not self.target_name.strip():
            problems.append(str(_("Name the target (for example the protein).")))
        if not self.funding:
            problems.append(str(_("Say which funding supports the work.")))
        items = list(self.items.select_related("menu_item"))
        if not items:
            problems.append(str(_("Request at least one support item.")))
        for item in items:
            if item.menu_item.is_cryo_em and not (item.e1_days or item.e2_days):
                problems.append(
                    str(_("Give the E1 or E2 days requested for “%(item)s”.") % {"item": item.menu_item})
                )
        return problems

    def applicant_users(self) -> list[User]:
        return super().applicant_users()

    def handler_users(self) -> list[User]:
        """Headquarters (PS/PO) is told of submissions, resubmissions and withdrawals."""
        return list(User.objects.filter(binds_units__unit__is_headquarters=True, is_active=True).distinct())

    @property
    def is_draft(self) -> bool:
        return self.state == SubmissionState.DRAFT

    def unit_ids(self) -> set[int]:
        return {item.unit_id for item in self.items.all() if item.unit_id}


class RequestedItem(models.Model):
    """One support requested on an application: its place in the order, the hand-off to the next unit, the
    unit headquarters routed it to and that unit's screening decision."""

    application = models.ForeignKey(SupportApplication, on_delete=models.CASCADE, related_name="items")
    menu_item = models.ForeignKey(
        MenuItem, verbose_name=_("support"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    handoff_note = models.CharField(
        _("hand-off to the next step"), max_length=300, blank=True, help_text=_("e.g. purified protein, 2 mg")
    )
    e1_days = models.PositiveSmallIntegerField(
        _("E1 days requested"), default=0, validators=[MaxValueValidator(MAX_DAYS)]
    )
    e2_days = models.PositiveSmallIntegerField(
        _("E2 days requested"), default=0, validators=[MaxValueValidator(MAX_DAYS)]
    )
    state = FSMField(_("state"), max_length=20, choices=ItemState.choices, default=ItemState.REQUESTED)
    unit = models.ForeignKey(
        SupportUnit,
        verbose_name=_("routed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    routed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=ScreeningDecision.choices, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    changes = models.TextField(_("changes to the request"), blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("requested support item")
        verbose_name_plural = _("requested support items")
        ordering = ["application", "position"]
        constraints = [
            models.UniqueConstraint(fields=["application", "position"], name="binds_item_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.menu_item}"

    def get_absolute_url(self) -> str:
        return reverse("binds:application-detail", args=[self.application_id]) + f"#item-{self.pk}"

    def clean(self) -> None:
        if not self.menu_item.is_cryo_em and (self.e1_days or self.e2_days):
            raise ValidationError(_("E1 and E2 days are asked for only with cryo-EM support."), "not_cryo_em")

    # --- transitions; call them through services, which check, lock, audit and notify
    @transition(field="state", source=ItemState.REQUESTED, target=ItemState.ROUTED)
    def route(self) -> None:
        """Headquarters sends the item to the unit that will screen it."""

    @transition(field="state", source=ItemState.ROUTED, target=ItemState.UNDER_REVIEW)
    def start_review(self) -> None:
        """The unit scores it through the review engine."""

    @transition(field="state", source=[ItemState.ROUTED, ItemState.UNDER_REVIEW], target=ItemState.ACCEPTED)
    def accept(self) -> None:
        """The unit will give the support (possibly with changes)."""

    @transition(field="state", source=[ItemState.ROUTED, ItemState.UNDER_REVIEW], target=ItemState.DECLINED)
    def decline(self) -> None:
        """The unit will not give this support; the rest of the application stands."""

    @transition(
        field="state",
        source=[ItemState.REQUESTED, ItemState.ROUTED, ItemState.UNDER_REVIEW],
        target=ItemState.REQUESTED,
    )
    def send_back(self) -> None:
        """The application was returned for changes: the item is routed again after resubmission."""

    @transition(
        field="state",
        source=[ItemState.REQUESTED, ItemState.ROUTED, ItemState.UNDER_REVIEW],
        target=ItemState.WITHDRAWN,
    )
    def withdraw(self) -> None:
        """The applicant withdrew the application."""

    @property
    def is_decided(self) -> bool:
        return self.state in DECIDED_ITEM_STATES


class SupportTask(models.Model):
    """The support an accepted item becomes: who is responsible, planned and actual dates, and whether the
    previous unit's hand-off (its input) is ready."""

    item = models.OneToOneField(RequestedItem, on_delete=models.CASCADE, related_name="task")
    state = FSMField(_("state"), max_length=20, choices=TaskState.choices, default=TaskState.WAITING)
    responsible = models.ForeignKey(
        User,
        verbose_name=_("responsible staff"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    input_ready_at = models.DateTimeField(_("input ready"), null=True, blank=True)
    result_note = models.TextField(_("what is handed on"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support task")
        verbose_name_plural = _("support tasks")
        ordering = ["item__application", "item__position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__isnull=True)
                | models.Q(planned_start__isnull=True)
                | models.Q(planned_start__lte=models.F("planned_end")),
                name="binds_task_planned_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(actual_end__isnull=True)
                | models.Q(actual_start__isnull=True)
                | models.Q(actual_start__lte=models.F("actual_end")),
                name="binds_task_actual_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.item)

    @transition(field="state", source=TaskState.WAITING, target=TaskState.READY)
    def make_ready(self) -> None:
        """The previous unit handed its result on (or the task is the first in the order)."""

    @transition(field="state", source=TaskState.READY, target=TaskState.IN_PROGRESS)
    def start(self) -> None:
        """The unit starts the support."""

    @transition(field="state", source=TaskState.IN_PROGRESS, target=TaskState.DONE)
    def finish(self) -> None:
        """The unit finished and hands on to the next one."""


class Message(models.Model):
    """One message of an application's thread (applicant, involved units and headquarters)."""

    application = models.ForeignKey(SupportApplication, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class ProgressReport(models.Model):
    """A progress report on the support received."""

    application = models.ForeignKey(SupportApplication, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField(_("progress"))
    is_final = models.BooleanField(_("final report"), default=False)
    submitted_on = models.DateField(_("reported on"), default=timezone.localdate)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["-submitted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.application} {self.submitted_on}"


class Outcome(models.Model):
    """A paper, patent or deposited structure that came of the support, with the BINDS acknowledgement."""

    application = models.ForeignKey(SupportApplication, on_delete=models.CASCADE, related_name="outcomes")
    unit = models.ForeignKey(
        SupportUnit,
        verbose_name=_("unit whose support it used"),
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OutcomeKind.choices)
    identifier = models.CharField(_("identifier"), max_length=200)
    title = models.CharField(_("title"), max_length=300, blank=True)
    acknowledges_binds = models.BooleanField(_("acknowledges BINDS support"), default=False)
    reported_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reported_on = models.DateField(_("reported on"), default=timezone.localdate)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-reported_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind", "identifier"], name="binds_outcome_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.identifier}"

    def clean(self) -> None:
        problem = outcome_identifier_problem(self.kind, self.identifier)
        if problem:
            raise ValidationError({"identifier": problem})

    @property
    def link(self) -> str:
        """Where the identifier resolves (doi.org, RCSB, EMDB), or nothing for patents and others."""
        if self.kind == OutcomeKind.PAPER:
            return f"https://doi.org/{self.identifier}"
        if self.kind == OutcomeKind.PDB:
            return f"https://www.rcsb.org/structure/{self.identifier}"
        if self.kind == OutcomeKind.EMDB:
            return f"https://www.ebi.ac.uk/emdb/{self.identifier}"
        return ""


def report_due_on(application: SupportApplication, last_report: datetime.date | None) -> datetime.date | None:
    """When the next progress report is due: REPORT_INTERVAL_DAYS after support started or after the last
    report; none before support starts or after a final report."""
    if application.started_at is None:
        return None
    base = max(filter(None, [application.started_at.date(), last_report]))
    return base + datetime.timedelta(days=REPORT_INTERVAL_DAYS)
