"""Certification records: the function catalogue, rounds, applications and their answers, certificates."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField
from simple_history.models import HistoricalRecords

from kiban.core.fiscal import FiscalYear
from kiban.core.language import is_japanese
from kiban.core.models import Organisation, User
from kiban.submissions.models import Call, Submission

from .choices import (
    CATEGORY_TERMS,
    CLASS_TERMS,
    OUTCOME_YEARS,
    REQUIREMENT_TERMS,
    ApplicationState,
    FunctionCategory,
    FunctionClass,
    OutcomeKind,
    Provision,
    Requirement,
)

# The application's field holding the statement for each requirement.
STATEMENT_FIELDS = {
    Requirement.A: "hub_statement",
    Requirement.B: "organisation_statement",
    Requirement.C: "track_record_statement",
    Requirement.D: "training_statement",
}


class FunctionItem(models.Model):
    """One entry of the source's function table: a class ①②③ item of 組織体制, 人員, 取組 or 取組の成果."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    function_class = models.PositiveSmallIntegerField(_("class"), choices=FunctionClass.choices)
    category = models.CharField(_("column"), max_length=20, choices=FunctionCategory.choices)
    group = models.CharField(
        _("heading (Japanese)"), max_length=60, blank=True, help_text=_("e.g. 専門人材の育成")
    )
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    outcome_kind = models.CharField(
        _("outcome counted"), max_length=30, choices=OutcomeKind.choices, blank=True
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("function item")
        verbose_name_plural = _("function items")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name if is_japanese() else self.name_en

    @property
    def class_term(self) -> str:
        return CLASS_TERMS[FunctionClass(self.function_class)]

    @property
    def category_term(self) -> str:
        return CATEGORY_TERMS[FunctionCategory(self.category)]

    @property
    def class_mark(self) -> str:
        return "①②③"[self.function_class - 1]

    @property
    def may_be_met_through_partners(self) -> bool:
        return self.function_class == FunctionClass.THROUGH_PARTNERS


class CertificationRound(models.Model):
    """A call for certification applications by the ministry, e.g. 2021年度 橋渡し研究支援機関 認定."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title (Japanese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), help_text=_("Outcomes are counted over the five fiscal years before it.")
    )
    opens_on = models.DateField(_("accepts applications from"))
    closes_on = models.DateField(_("accepts applications until"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("certification round")
        verbose_name_plural = _("certification rounds")
        ordering = ["-fiscal_year", "-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("closes_on")), name="round_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title if is_japanese() else self.title_en

    def is_open(self, on: datetime.date) -> bool:
        return self.opens_on <= on <= self.closes_on

    @property
    def outcome_fiscal_years(self) -> list[int]:
        """The last five fiscal years before the round's, oldest first (直近５年間)."""
        return list(range(self.fiscal_year - OUTCOME_YEARS, self.fiscal_year))


class CertificationApplication(Submission):
    """An institution's application for certification in one round, its form mirroring the source's table;
    a request of the lifecycle (kiban.submissions): draft, submitted, perhaps returned for changes and
    resubmitted, under review, then certified (accepted) or not (rejected)."""

    round = models.ForeignKey(
        CertificationRound, verbose_name=_("round"), on_delete=models.PROTECT, related_name="applications"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="certification_applications",
    )
    renews = models.ForeignKey(
        "Certificate",
        verbose_name=_("renews certificate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal_applications",
    )
    state = FSMField(
        _("state"),
        max_length=20,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        protected=True,
    )
    hub_statement = models.TextField(Requirement.A.label, blank=True)
    organisation_statement = models.TextField(Requirement.B.label, blank=True)
    track_record_statement = models.TextField(Requirement.C.label, blank=True)
    training_statement = models.TextField(Requirement.D.label, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("certification application")
        verbose_name_plural = _("certification applications")
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "organisation"], name="application_unique_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.round}"

    def get_absolute_url(self) -> str:
        return reverse("certification:application-detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.state == ApplicationState.DRAFT

    @property
    def statements(self) -> list[tuple[str, str, str]]:
        """Requirements A–D as the source writes them, in the reader's language, and the statement."""
        return [
            (REQUIREMENT_TERMS[requirement], requirement.label, getattr(self, field))
            for requirement, field in STATEMENT_FIELDS.items()
        ]

    # --- what the lifecycle asks of it
    def submission_problems(self) -> list[str]:
        """Requirements A–D stated, every class ①② function in place, someone on the roster for each role
        in place, and the institution's own outcome figures for the last five fiscal years."""
        from . import selectors  # selectors read these models

        return super().submission_problems() + selectors.submission_problems(application=self)

    def applicant_users(self) -> list[User]:
        """The hub staff who work for the applying institution."""
        from kiban.core.selectors import hub_staff_for

        return list(hub_staff_for(organisation_id=self.organisation_id))

    def handler_users(self) -> list[User]:
        """The ministry and the agency, who screen the applications and manage their review."""
        from . import selectors

        return selectors.officials()

    def lifecycle_notice(self, action: str, actor: User) -> tuple[str, str] | None:
        values = {"actor": actor, "organisation": self.organisation.name, "round": self.round.title}
        if action == "submit":
            return (
                _("Certification application submitted: %(organisation)s") % values,
                _("%(actor)s submitted the application of %(organisation)s in “%(round)s”.") % values,
            )
        if action == "resubmit":
            return (
                _("Certification application resubmitted: %(organisation)s") % values,
                _("%(actor)s resubmitted the application of %(organisation)s in “%(round)s”.") % values,
            )
        if action == "return":
            return (
                _("Certification application returned for changes: %(organisation)s") % values,
                self.return_reason,
            )
        if action == "reject":
            return (_("Not certified: %(organisation)s") % values, self.decision_reason)
        return None


class FunctionResponse(models.Model):
    """How the applicant has one function of the table in place, and through which partners (class ②)."""

    application = models.ForeignKey(
        CertificationApplication, on_delete=models.CASCADE, related_name="responses"
    )
    item = models.ForeignKey(
        FunctionItem, verbose_name=_("function"), on_delete=models.PROTECT, related_name="+"
    )
    provision = models.CharField(
        _("in place"), max_length=20, choices=Provision.choices, default=Provision.NOT_IN_PLACE
    )
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partner organisations"), blank=True, related_name="+"
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("How the function is in place; for class ③ what is distinctive."),
    )
    history = HistoricalRecords(m2m_fields=[partners])

    class Meta:
        verbose_name = _("function response")
        verbose_name_plural = _("function responses")
        ordering = ["item__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["application", "item"], name="response_unique_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_provision_display()}"

    @property
    def is_in_place(self) -> bool:
        return self.provision != Provision.NOT_IN_PLACE


class StaffMember(models.Model):
    """One person on the roster in one of the source's roles (人員), with the FTE given to the role."""

    application = models.ForeignKey(CertificationApplication, on_delete=models.CASCADE, related_name="staff")
    role = models.ForeignKey(FunctionItem, verbose_name=_("role"), on_delete=models.PROTECT, related_name="+")
    person_name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("title"), max_length=120, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("works at"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The hub, or for a class ② role one of its partner organisations."),
    )
    fte = models.DecimalField(
        _("FTE"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("The share of a full-time post given to this role, from 0 to 1."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["role__sort_order", "person_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "role", "person_name"], name="staff_unique_role"),
            models.CheckConstraint(condition=models.Q(fte__gte=0, fte__lte=1), name="staff_fte_0_to_1"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.role})"


class ReportedOutcome(models.Model):
    """The institution's own count of one outcome (取組の成果) in one fiscal year, as it states it."""

    application = models.ForeignKey(
        CertificationApplication, on_delete=models.CASCADE, related_name="outcomes"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    kind = models.CharField(_("outcome"), max_length=30, choices=OutcomeKind.choices)
    count = models.PositiveIntegerField(_("count"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reported outcome")
        verbose_name_plural = _("reported outcomes")
        ordering = ["fiscal_year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["application", "fiscal_year", "kind"], name="outcome_unique")
        ]

    def __str__(self) -> str:
        return f"{FiscalYear(self.fiscal_year)} {self.get_kind_display()}: {self.count}"


class TrainingRecord(models.Model):
    """A training programme for specialists or researchers (要綱第３条第１項第４号) the institution ran."""

    application = models.ForeignKey(
        CertificationApplication, on_delete=models.CASCADE, related_name="training"
    )
    item = models.ForeignKey(
        FunctionItem, verbose_name=_("training of"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(pgettext_lazy("training", "programme"), max_length=200)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    trainees = models.PositiveIntegerField(_("trainees"))
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["item__sort_order", "-fiscal_year", "pk"]

    def __str__(self) -> str:
        return self.title


class CertificateQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date) -> "CertificateQuerySet":
        """The certificates that certify on the day: from their first day to their last, both included."""
        return self.filter(valid_from__lte=day, valid_until__gte=day)


class Certificate(models.Model):
    """The minister's certification of an institution (橋渡し研究支援機関), valid from one date to another."""

    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="certificates"
    )
    application = models.OneToOneField(
        CertificationApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    renews = models.ForeignKey(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(
        User, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()
    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-valid_from", "number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__lte=models.F("valid_until")), name="certificate_dates_ordered"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "valid_from", "valid_until"], name="certificate_validity")
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("certification:certificate-detail", args=[self.pk])

    def is_valid_on(self, day: datetime.date) -> bool:
        """A certificate past its end date (or not yet started) certifies nothing."""
        return self.valid_from <= day <= self.valid_until


class CallEntry(models.Model):
    """An institution's entry to a call, accepted only when the institution may enter it."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="certification_entries"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="call_entries"
    )
    title = models.CharField(_("title of the proposal"), max_length=200)
    entered_by = models.ForeignKey(
        User, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("call entry")
        verbose_name_plural = _("call entries")
        ordering = ["-entered_at", "-pk"]

    def __str__(self) -> str:
        return self.title
