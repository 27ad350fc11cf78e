"""Cryo-EM instruments held by each site, and the counts the source states for each tier."""

import datetime
import secrets

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField
from simple_history.models import HistoricalRecords

from kiban.core.models import Organisation, User
from kiban.core.money import YenField
from kiban.ledger.models import Account, Invoice, Posting
from kiban.submissions.choices import SubmissionState
from kiban.submissions.models import Submission

from .choices import (
    BlockKind,
    BookingState,
    Decision,
    IceQuality,
    NetworkTier,
    ParticleDistribution,
    Results,
    SessionMode,
    TariffUnit,
    UserClass,
    VoltageClass,
)


class InstrumentHolding(models.Model):
    """How many cryo-electron microscopes of one tier and voltage class a site holds."""

    site = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="instrument_holdings")
    tier = models.CharField(_("tier"), max_length=2, choices=NetworkTier.choices)
    voltage = models.CharField(_("voltage"), max_length=3, choices=VoltageClass.choices)
    count = models.PositiveSmallIntegerField(_("instruments"))
    in_service_from_fy = models.PositiveSmallIntegerField(
        _("in service from fiscal year"),
        null=True,
        blank=True,
        help_text=_("Set where the source says 措置予定."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instrument holding")
        verbose_name_plural = _("instrument holdings")
        ordering = ["tier", "-voltage", "site__name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "tier", "voltage"], name="holding_unique"),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="holding_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.tier} {self.get_voltage_display()} ×{self.count}"


class StatedInstrumentCount(models.Model):
    """The number of instruments the source states for a tier and voltage, as of a date."""

    tier = models.CharField(_("tier"), max_length=2, choices=NetworkTier.choices)
    voltage = models.CharField(_("voltage"), max_length=3, choices=VoltageClass.choices)
    stated_count = models.PositiveSmallIntegerField(_("stated count"))
    as_of = models.DateField(_("as of"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stated instrument count")
        verbose_name_plural = _("stated instrument counts")
        constraints = [models.UniqueConstraint(fields=["tier", "voltage"], name="stated_count_unique")]

    def __str__(self) -> str:
        return f"{self.tier} {self.get_voltage_display()}: {self.stated_count}"


# --- instruments
class Instrument(models.Model):
    """One microscope of a site, made from the registry's holding (one record per counted instrument), with
    the rules its bookings follow. The seed names no models or detectors: they stay blank until the site
    enters them."""

    holding = models.ForeignKey(
        InstrumentHolding,
        verbose_name=_("registry holding"),
        on_delete=models.PROTECT,
        related_name="instruments",
    )
    site = models.ForeignKey(Organisation, verbose_name=_("site"), on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("tier"), max_length=2, choices=NetworkTier.choices)
    voltage = models.CharField(_("voltage"), max_length=3, choices=VoltageClass.choices)
    name = models.CharField(_("name"), max_length=120)
    model_name = models.CharField(_("model"), max_length=120, blank=True)
    detector = models.CharField(_("detector"), max_length=120, blank=True)
    autoloader_capacity = models.PositiveSmallIntegerField(
        _("autoloader capacity (grids)"), null=True, blank=True
    )
    remote_capable = models.BooleanField(_("remote operation"), default=False)
    in_service_from_fy = models.PositiveSmallIntegerField(
        _("in service from fiscal year"), null=True, blank=True
    )
    # Booking rules of this instrument.
    min_block_hours = models.PositiveSmallIntegerField(_("shortest booking (hours)"), default=4)
    max_block_hours = models.PositiveSmallIntegerField(_("longest booking (hours)"), default=72)
    booking_notice_hours = models.PositiveSmallIntegerField(_("booking notice (hours)"), default=24)
    cancel_notice_hours = models.PositiveSmallIntegerField(_("cancelling notice (hours)"), default=48)
    horizon_days = models.PositiveSmallIntegerField(_("booking horizon (days)"), default=90)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["tier", "site__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="instrument_unique_name"),
            models.CheckConstraint(
                condition=models.Q(min_block_hours__gte=1, max_block_hours__gte=models.F("min_block_hours")),
                name="instrument_block_bounds",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("facilities:instrument", args=[self.pk])

    @property
    def is_in_service(self) -> bool:
        from kiban.core.fiscal import FiscalYear

        return (
            self.in_service_from_fy is None
            or FiscalYear.of(timezone.localdate()).year >= self.in_service_from_fy
        )


class OutOfService(models.Model):
    """A maintenance or downtime block: nobody books the instrument then."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="blocks")
    kind = models.CharField(_("kind"), max_length=12, choices=BlockKind.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("maintenance or downtime block")
        verbose_name_plural = _("maintenance and downtime blocks")
        ordering = ["instrument", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(starts_at__lt=models.F("ends_at")), name="block_order")
        ]

    def __str__(self) -> str:
        return f"{self.instrument}: {self.get_kind_display()}"


class CompanySlot(models.Model):
    """Time reserved for companies: only company projects book it until the release date, then it is open."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="company_slots")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    release_on = models.DateField(_("open to all from"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("slot reserved for companies")
        verbose_name_plural = _("slots reserved for companies")
        ordering = ["instrument", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="company_slot_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument}: {self.starts_at:%Y-%m-%d}"

    def is_reserved_on(self, day: datetime.date) -> bool:
        return day < self.release_on


class Qualification(models.Model):
    """A user trained and qualified to operate an instrument unassisted, until an expiry date."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+")
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="qualifications")
    qualified_by = models.ForeignKey(
        User, verbose_name=_("qualified by"), on_delete=models.PROTECT, related_name="+"
    )
    qualified_on = models.DateField(_("qualified on"))
    expires_on = models.DateField(_("expires on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["instrument", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "instrument"], name="qualification_unique"),
            models.CheckConstraint(
                condition=models.Q(qualified_on__lt=models.F("expires_on")), name="qualification_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.instrument}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.qualified_on <= day < self.expires_on


# --- projects
class FacilityProject(Submission):
    """A facility-use project (利用課題) of the cryo-EM network: applied for at a site, accepted, then in
    progress while its E1 and E2 days are used; billed to a ledger account (a company's deposit 預託金 or
    an academic budget). `origin` is the record it came from (a BINDS support application), when any."""

    title = models.CharField(_("title"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("user organisation"), on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        Organisation, verbose_name=_("host site"), on_delete=models.PROTECT, related_name="+"
    )
    user_class = models.CharField(_("user class"), max_length=10, choices=UserClass.choices)
    results = models.CharField(_("results"), max_length=12, choices=Results.choices)
    e1_days = models.PositiveSmallIntegerField(_("E1 days allocated"), default=0)
    e2_days = models.PositiveSmallIntegerField(_("E2 days allocated"), default=0)
    billing_account = models.ForeignKey(
        Account, verbose_name=_("billing account"), on_delete=models.PROTECT, related_name="+"
    )
    origin_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")
    state = FSMField(
        _("state"),
        max_length=20,
        choices=SubmissionState.choices,
        default=SubmissionState.DRAFT,
        protected=True,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facility-use project")
        verbose_name_plural = _("facility-use projects")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(e1_days__lte=366, e2_days__lte=366), name="project_days_bounded"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("facilities:project", args=[self.pk])

    @property
    def is_company(self) -> bool:
        return self.user_class == UserClass.COMPANY

    @property
    def is_bookable(self) -> bool:
        return self.state in (SubmissionState.ACCEPTED, SubmissionState.IN_PROGRESS)

    @property
    def origin_url(self) -> str:
        origin = self.origin
        return origin.get_absolute_url() if origin is not None and hasattr(origin, "get_absolute_url") else ""

    def submission_problems(self) -> list[str]:
        problems = super().submission_problems()
        if not self.e1_days and not self.e2_days:
            problems.append(str(_("Ask for at least one E1 or E2 day.")))
        return problems

    def applicant_users(self) -> list[User]:
        return [self.created_by]

    def handler_users(self) -> list[User]:
        from kiban.core.choices import Role
        from kiban.core.selectors import active_users_with_role

        return list(active_users_with_role(Role.FACILITY_OPERATOR, organisation_ids=[self.site_id]))


class Sample(models.Model):
    """A specimen of a project, screened on E1 grids before its E2 time."""

    project = models.ForeignKey(FacilityProject, on_delete=models.CASCADE, related_name="samples")
    name = models.CharField(_("sample"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        ordering = ["project", "name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="sample_unique_per_project")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_go(self) -> bool:
        """An E1 grid of the sample with a "go" (read from the prefetched grids)."""
        return any(grid.decision == Decision.GO for grid in self.grids.all())


class ScreeningExemption(models.Model):
    """The E2 site's documented decision that a sample may have E2 time without an E1 "go"."""

    sample = models.OneToOneField(Sample, on_delete=models.CASCADE, related_name="exemption")
    site = models.ForeignKey(
        Organisation, verbose_name=_("E2 site"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("screening exemption")
        verbose_name_plural = _("screening exemptions")

    def __str__(self) -> str:
        return f"{self.sample}: {self.site}"


# --- bookings
class Booking(models.Model):
    """Time on an instrument for a project: booked, then completed by its session log, cancelled or a
    no-show. Never overlaps another live booking of the instrument (services.booking_create, under a lock
    on the instrument row)."""

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="bookings"
    )
    project = models.ForeignKey(
        FacilityProject, verbose_name=_("project"), on_delete=models.PROTECT, related_name="bookings"
    )
    sample = models.ForeignKey(
        Sample,
        verbose_name=_("sample"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    mode = models.CharField(_("mode"), max_length=8, choices=SessionMode.choices, default=SessionMode.ON_SITE)
    assisted = models.BooleanField(_("assisted session"), default=False)
    operator = models.ForeignKey(
        User,
        verbose_name=_("staff operator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=BookingState.choices, default=BookingState.BOOKED
    )
    booked_by = models.ForeignKey(
        User, verbose_name=_("booked by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="booking_order"
            )
        ]
        indexes = [models.Index(fields=["instrument", "starts_at"], name="booking_instrument_start")]

    def __str__(self) -> str:
        return f"{self.instrument} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("facilities:booking", args=[self.pk])

    @property
    def hours(self) -> int:
        return -(-int((self.ends_at - self.starts_at).total_seconds()) // 3600)

    @property
    def days(self) -> int:
        """Days counted against the allocation: every started 24 hours is a day."""
        return -(-self.hours // 24)


class GridRecord(models.Model):
    """One grid screened at an E1 session: how it was made, what was seen, and the go/no-go for E2."""

    booking = models.ForeignKey(
        Booking, verbose_name=_("E1 screening session"), on_delete=models.PROTECT, related_name="grids"
    )
    sample = models.ForeignKey(
        Sample, verbose_name=_("sample"), on_delete=models.PROTECT, related_name="grids"
    )
    grid_type = models.CharField(_("grid type"), max_length=120)
    blotting = models.CharField(_("blotting conditions"), max_length=300)
    vitrification = models.CharField(_("vitrification conditions"), max_length=300)
    trial_number = models.PositiveSmallIntegerField(_("preparation trial"))
    ice_quality = models.CharField(_("ice quality"), max_length=12, choices=IceQuality.choices)
    particle_distribution = models.CharField(
        _("particle distribution"), max_length=14, choices=ParticleDistribution.choices
    )
    result = models.TextField(_("screening result"))
    decision = models.CharField(_("go / no-go"), max_length=6, choices=Decision.choices)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grid record")
        verbose_name_plural = _("grid records")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trial_number__gte=1, trial_number__lte=999), name="grid_trial_bounded"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sample} #{self.trial_number}"


class UsageSession(models.Model):
    """The session log that closes a booking: what actually happened, and what it costs."""

    booking = models.OneToOneField(Booking, on_delete=models.PROTECT, related_name="session")
    started_at = models.DateTimeField(_("actual start"))
    ended_at = models.DateTimeField(_("actual end"))
    operator = models.ForeignKey(User, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("mode"), max_length=8, choices=SessionMode.choices)
    data_volume_gb = models.PositiveIntegerField(_("data volume (GB)"), default=0)
    dataset_collected = models.BooleanField(_("dataset collected"), default=False)
    outcome = models.TextField(_("outcome"))
    quantity = models.PositiveIntegerField(_("units charged"))
    unit = models.CharField(_("unit"), max_length=4, choices=TariffUnit.choices)
    unit_price_yen = YenField(verbose_name=_("unit price (yen)"))
    charge_yen = YenField(verbose_name=_("charge before tax (yen)"))
    tax_yen = YenField(verbose_name=_("consumption tax (yen)"))
    drawdown = models.OneToOneField(
        Posting, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    logged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(_("logged"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("session log")
        verbose_name_plural = _("session logs")
        ordering = ["started_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(started_at__lt=models.F("ended_at")), name="session_order"
            )
        ]

    def __str__(self) -> str:
        return str(self.booking)


# --- money
class Tariff(models.Model):
    """The price of a tier for a user class and kind of results, per day or hour (before 消費税). The seed
    gives no prices: the demo's are examples and every page that shows them says so."""

    tier = models.CharField(_("tier"), max_length=2, choices=NetworkTier.choices)
    user_class = models.CharField(_("user class"), max_length=10, choices=UserClass.choices)
    results = models.CharField(_("results"), max_length=12, choices=Results.choices)
    unit = models.CharField(_("unit"), max_length=4, choices=TariffUnit.choices)
    price_yen = YenField(verbose_name=_("price (yen)"))
    is_example = models.BooleanField(_("example price"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["tier", "user_class", "results"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "user_class", "results"], name="tariff_unique"),
            models.CheckConstraint(condition=models.Q(price_yen__gte=0), name="tariff_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.tier} {self.get_user_class_display()} {self.get_results_display()}"


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class FeedToken(models.Model):
    """The secret in a private iCalendar feed URL; revoking it stops the URL at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=_feed_token, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user}: {self.token[:6]}…"
