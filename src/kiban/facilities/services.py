"""Writes of the cryo-EM network: projects, qualifications, blocks, bookings (with every rule checked inside
the inserting transaction, under a lock on the instrument row), grid records, session logs that draw the
deposit down, monthly invoices, and calendar feed tokens. Keyword-only; each audited."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.core.audit import audited_save
from kiban.core.choices import Role
from kiban.core.errors import StateConflict
from kiban.core.inputs import check_text, text_problem
from kiban.core.models import Organisation, User
from kiban.core.money import format_yen
from kiban.core.permissions import require
from kiban.core.selectors import role_organisation_ids
from kiban.ledger import services as ledger
from kiban.ledger.choices import AccountKind
from kiban.ledger.models import Account, Invoice, consumption_tax
from kiban.submissions.choices import SubmissionState
from kiban.submissions.services import submission_start

from .choices import (
    BlockKind,
    BookingState,
    Decision,
    NetworkTier,
    Results,
    SessionMode,
    TariffUnit,
    UserClass,
)
from .models import (
    Booking,
    CompanySlot,
    FacilityProject,
    FeedToken,
    GridRecord,
    Instrument,
    OutOfService,
    Qualification,
    Sample,
    ScreeningExemption,
    Tariff,
    UsageSession,
)

LIVE = (BookingState.BOOKED, BookingState.COMPLETED, BookingState.NO_SHOW)
DEPOSIT_LABEL = "クライオ電顕 預託金"
BUDGET_LABEL = "クライオ電顕 利用予算"
MAX_HOURS = 24 * 14


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _text(value: str, *, message: str, code: str) -> str:
    value = (value or "").strip()
    problem = text_problem(value)
    if problem:
        raise ValidationError(problem, "invalid_text")
    if not value:
        raise ValidationError(message, code)
    return value


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# --- projects
def billing_account_for(*, organisation: Organisation, user_class: str, actor: User) -> Account:
    """The organisation's cryo-EM deposit (預託金, companies) or budget account (academic), opened once."""
    company = user_class == UserClass.COMPANY
    label = DEPOSIT_LABEL if company else BUDGET_LABEL
    account = Account.objects.filter(organisation=organisation, label=label).first()
    if account is None:
        account = ledger.account_open(
            organisation=organisation,
            kind=AccountKind.DEPOSIT if company else AccountKind.BUDGET,
            label=label,
            actor=actor,
            reason=_("Opened for cryo-EM facility use"),
        )
    return account


def project_create(
    *,
    actor: User,
    title: str,
    organisation: Organisation,
    site: Organisation,
    user_class: str,
    results: str,
    e1_days: int = 0,
    e2_days: int = 0,
    billing_account: Account | None = None,
    origin=None,
    reason: str,
) -> FacilityProject:
    """A draft facility-use project of `organisation` at the host `site`, billed to `billing_account` (by
    default the organisation's cryo-EM deposit for a company, its budget account for academic users).
    `origin` is any record it comes from (a BINDS support application); the project page links to it."""
    require(actor, "facilities.add_facilityproject")
    title = _text(title, message=_("Give the project a title."), code="title")
    reason = _text(reason, message=_("Say why the project is created."), code="reason")
    if user_class not in UserClass.values:
        raise ValidationError(_("Unknown user class: %(value)s.") % {"value": user_class}, "user_class")
    if results not in Results.values:
        raise ValidationError(_("Unknown kind of results: %(value)s.") % {"value": results}, "results")
    for days in (e1_days, e2_days):
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 366:
            raise ValidationError(_("Days allocated are whole numbers from 0 to 366."), "days")
    if not Instrument.objects.filter(site=site).exists():
        raise ValidationError(_("%(site)s holds no cryo-EM instrument.") % {"site": site}, "site")
    with transaction.atomic():
        if billing_account is None:
            billing_account = billing_account_for(
                organisation=organisation, user_class=user_class, actor=actor
            )
        elif billing_account.organisation_id != organisation.pk:
            raise ValidationError(
                _("The billing account must be one of %(organisation)s.") % {"organisation": organisation},
                "billing_account",
            )
        project = FacilityProject(
            title=title,
            organisation=organisation,
            site=site,
            user_class=user_class,
            results=results,
            e1_days=e1_days,
            e2_days=e2_days,
            billing_account=billing_account,
            created_by=actor,
        )
        if origin is not None:
            from django.contrib.contenttypes.models import ContentType

            project.origin_type = ContentType.objects.get_for_model(origin)
            project.origin_id = origin.pk
        audited_save(project, actor=actor, reason=reason, full_clean=True)
    return project


def sample_add(*, project: FacilityProject, name: str, actor: User) -> Sample:
    require(actor, "facilities.change_facilityproject", project)
    name = _text(name, message=_("Name the sample."), code="sample")[:200]
    with transaction.atomic():
        existing = Sample.objects.filter(project=project, name=name).first()
        if existing:
            return existing
        return audited_save(Sample(project=project, name=name), actor=actor, reason=_("Sample added"))


def exemption_grant(*, sample: Sample, actor: User, reason: str) -> ScreeningExemption:
    """The E2 site documents that the sample may have E2 time without an E1 "go"."""
    project = sample.project
    require(actor, "facilities.add_screeningexemption", project)
    reason = _text(reason, message=_("Document why the sample needs no E1 screening."), code="reason")
    if not Instrument.objects.filter(site_id=project.site_id, tier=NetworkTier.E2).exists():
        raise ValidationError(_("Only an E2 site exempts a sample from E1 screening."), "not_e2_site")
    with transaction.atomic():
        if ScreeningExemption.objects.filter(sample=sample).exists():
            raise StateConflict(_("The sample is already exempted."), "exempted")
        exemption = ScreeningExemption(
            sample=sample, site_id=project.site_id, reason=reason, granted_by=actor
        )
        return audited_save(exemption, actor=actor, reason=reason)


# --- instruments
def qualification_grant(
    *, instrument: Instrument, user: User, actor: User, qualified_on: datetime.date, expires_on: datetime.date
) -> Qualification:
    """Qualifies (or requalifies) a user on the instrument until the expiry, naming the qualifying staff."""
    require(actor, "facilities.add_qualification", instrument)
    if expires_on <= qualified_on:
        raise ValidationError(_("A qualification expires after the day it is given."), "expiry")
    with transaction.atomic():
        qualification = (
            Qualification.objects.select_for_update().filter(user=user, instrument=instrument).first()
        )
        qualification = qualification or Qualification(user=user, instrument=instrument)
        qualification.qualified_by = actor
        qualification.qualified_on = qualified_on
        qualification.expires_on = expires_on
        return audited_save(qualification, actor=actor, reason=_("Qualified"), full_clean=True)


def _live_overlaps(instrument: Instrument, starts_at, ends_at, *, exclude: int | None = None):
    bookings = Booking.objects.filter(
        instrument=instrument, state__in=LIVE, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    return bookings.exclude(pk=exclude) if exclude else bookings


def _check_period(starts_at, ends_at) -> None:
    if starts_at >= ends_at:
        raise ValidationError(_("The end must come after the start."), "period")
    if ends_at - starts_at > datetime.timedelta(days=366):
        raise ValidationError(_("A period may not exceed a year."), "period")


def block_add(
    *, instrument: Instrument, kind: str, starts_at, ends_at, note: str = "", actor: User
) -> OutOfService:
    """A maintenance or downtime block; refused while live bookings fall in it (cancel them first)."""
    require(actor, "facilities.change_instrument", instrument)
    _check_period(starts_at, ends_at)
    if kind not in BlockKind.values:
        raise ValidationError(_("Unknown kind of block."), "kind")
    with transaction.atomic():
        Instrument.objects.select_for_update().get(pk=instrument.pk)
        clash = _live_overlaps(instrument, starts_at, ends_at).first()
        if clash:
            raise StateConflict(
                _("The booking of %(start)s falls in this block; cancel it first.")
                % {"start": _local(clash.starts_at)},
                "booked",
            )
        block = OutOfService(
            instrument=instrument,
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            note=check_text(note.strip()),
            created_by=actor,
        )
        return audited_save(block, actor=actor, reason=str(BlockKind(kind).label), full_clean=True)


def company_slot_add(
    *, instrument: Instrument, starts_at, ends_at, release_on: datetime.date, actor: User
) -> CompanySlot:
    require(actor, "facilities.change_instrument", instrument)
    _check_period(starts_at, ends_at)
    slot = CompanySlot(
        instrument=instrument, starts_at=starts_at, ends_at=ends_at, release_on=release_on, created_by=actor
    )
    with transaction.atomic():
        return audited_save(slot, actor=actor, reason=_("Reserved for companies"), full_clean=True)


# --- money
def tariff_for(project: FacilityProject, tier: str) -> Tariff:
    tariff = Tariff.objects.filter(tier=tier, user_class=project.user_class, results=project.results).first()
    if tariff is None:
        raise ValidationError(
            _("No tariff is set for %(tier)s, %(user_class)s, %(results)s; ask the site.")
            % {
                "tier": tier,
                "user_class": UserClass(project.user_class).label,
                "results": Results(project.results).label,
            },
            "no_tariff",
        )
    return tariff


def charge(tariff: Tariff, starts_at, ends_at) -> tuple[int, int, int]:
    """(units, charge before tax, consumption tax) of a period at the tariff: every started hour, or every
    started 24 hours for a price per day."""
    hours = -(-int((ends_at - starts_at).total_seconds()) // 3600)
    units = hours if tariff.unit == TariffUnit.HOUR else -(-hours // 24)
    amount = units * tariff.price_yen
    return units, amount, consumption_tax(amount)


def committed_yen(account: Account) -> int:
    """What the account's booked but not yet logged sessions will cost, tax included, at their tariffs."""
    total = 0
    pending = Booking.objects.filter(
        project__billing_account=account, state=BookingState.BOOKED
    ).select_related("instrument", "project")
    for booking in pending:
        tariff = Tariff.objects.filter(
            tier=booking.instrument.tier,
            user_class=booking.project.user_class,
            results=booking.project.results,
        ).first()
        if tariff:
            _units, amount, tax = charge(tariff, booking.starts_at, booking.ends_at)
            total += amount + tax
    return total


def deposit_top_up(*, account: Account, amount_yen: int, actor: User, booked_on=None, note: str = ""):
    """A payment received into a deposit (預託金)."""
    require(actor, "facilities.manage_billing")
    if account.kind != AccountKind.DEPOSIT:
        raise ValidationError(_("Only a deposit is topped up by a payment."), "not_deposit")
    if isinstance(amount_yen, bool) or not isinstance(amount_yen, int) or amount_yen <= 0:
        raise ValidationError(_("A payment is a positive whole number of yen."), "amount")
    return ledger.posting_create(
        account=account,
        amount_yen=amount_yen,
        description=check_text(note.strip()) or _("Payment received into the deposit"),
        actor=actor,
        booked_on=booked_on,
    )


# --- bookings
def qualification_refusal(*, user: User, instrument: Instrument, on: datetime.date) -> str | None:
    valid = Qualification.objects.filter(
        user=user, instrument=instrument, qualified_on__lte=on, expires_on__gt=on
    ).exists()
    if valid:
        return None
    return _(
        "You are not qualified on %(instrument)s; book an assisted session or ask %(site)s for training"
    ) % {
        "instrument": instrument,
        "site": instrument.site,
    }


def _require_qualified_operator(operator: User, instrument: Instrument, day: datetime.date) -> None:
    if qualification_refusal(user=operator, instrument=instrument, on=day):
        raise ValidationError(
            _("%(operator)s is not qualified on %(instrument)s.")
            % {"operator": operator, "instrument": instrument},
            "operator",
        )


def screening_refusal(*, project: FacilityProject, sample: Sample | None) -> str | None:
    """Why E2 time may not be booked for the sample yet (None: an E1 "go" or an exemption exists)."""
    if sample is None:
        return _("Name the sample screened on E1: E2 time is booked for a sample with an E1 “go”.")
    if sample.project_id != project.pk:
        return _("The sample is not one of this project's.")
    # A "go" counts once its E1 session is logged: not from a cancelled session, nor one still to come.
    goes = GridRecord.objects.filter(
        sample=sample, decision=Decision.GO, booking__instrument__tier=NetworkTier.E1
    )
    if (
        goes.filter(booking__state=BookingState.COMPLETED).exists()
        or ScreeningExemption.objects.filter(sample=sample).exists()
    ):
        return None
    if goes.filter(booking__state=BookingState.BOOKED).exists():
        return _("The E1 “go” for “%(sample)s” counts once its E1 session is logged.") % {"sample": sample}
    return _(
        "E2 time for “%(sample)s” needs an E1 screening with a “go” result, or an exemption "
        "documented by the E2 site; none is recorded."
    ) % {"sample": sample}


def booking_create(
    *,
    actor: User,
    instrument: Instrument,
    project: FacilityProject,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    mode: str = SessionMode.ON_SITE,
    sample: Sample | None = None,
    assisted: bool = False,
    operator: User | None = None,
    now: datetime.datetime | None = None,
) -> Booking:
    """Books time on an instrument for a project. Refused, with the reason, when the project is not accepted,
    the instrument is not in service or outside BINDS, the mode is remote on an instrument without remote
    operation, the block is shorter or longer than the instrument allows, too late or too far ahead, the user
    is not qualified (unless assisted by a qualified staff operator), E2 time has no E1 "go" for the sample,
    the project's days on the tier are used up, the time overlaps a booking, a block or a slot reserved for
    companies (for academic projects), or the billing account cannot cover it. The checks that depend on other
    bookings run inside the inserting transaction under a lock on the instrument row."""
    require(actor, "facilities.add_booking", project)
    now = _now(now)
    if not project.is_bookable:
        raise StateConflict(
            _("Only an accepted project books time; this one is %(state)s.")
            % {"state": project.get_state_display().lower()},
            "not_accepted",
        )
    if instrument.tier == NetworkTier.F1:
        raise ValidationError(_("F1 instruments are outside BINDS and are not booked here."), "outside_binds")
    if not instrument.is_in_service:
        raise ValidationError(
            _("%(instrument)s is in service from fiscal year %(year)s.")
            % {"instrument": instrument, "year": instrument.in_service_from_fy},
            "not_in_service",
        )
    if mode not in SessionMode.values:
        raise ValidationError(_("Unknown mode."), "mode")
    if mode == SessionMode.REMOTE and not instrument.remote_capable:
        raise ValidationError(
            _("%(instrument)s cannot be operated remotely.") % {"instrument": instrument}, "remote"
        )
    if starts_at >= ends_at:
        raise ValidationError(_("The end must come after the start."), "period")
    hours = (ends_at - starts_at).total_seconds() / 3600
    if not instrument.min_block_hours <= hours <= instrument.max_block_hours:
        raise ValidationError(
            _("%(instrument)s is booked for %(min)s to %(max)s hours at a time; this is %(hours)s.")
            % {
                "instrument": instrument,
                "min": instrument.min_block_hours,
                "max": instrument.max_block_hours,
                "hours": f"{hours:g}",
            },
            "block_length",
        )
    if starts_at < now + datetime.timedelta(hours=instrument.booking_notice_hours):
        raise ValidationError(
            _("%(instrument)s is booked at least %(hours)s hours ahead.")
            % {"instrument": instrument, "hours": instrument.booking_notice_hours},
            "notice",
        )
    if starts_at > now + datetime.timedelta(days=instrument.horizon_days):
        raise ValidationError(
            _("%(instrument)s is booked at most %(days)s days ahead.")
            % {"instrument": instrument, "days": instrument.horizon_days},
            "horizon",
        )
    day = timezone.localtime(starts_at).date()
    if assisted:
        if operator is None:
            raise ValidationError(_("An assisted session names the qualified staff operator."), "operator")
        if instrument.site_id not in role_organisation_ids(user=operator, role=Role.FACILITY_OPERATOR):
            raise ValidationError(
                _("%(operator)s is not a staff operator of %(site)s.")
                % {"operator": operator, "site": instrument.site},
                "operator",
            )
        _require_qualified_operator(operator, instrument, day)
    else:
        operator = None
        refusal = qualification_refusal(user=actor, instrument=instrument, on=day)
        if refusal:
            raise ValidationError(refusal, "not_qualified")
    if instrument.tier == NetworkTier.E2:
        refusal = screening_refusal(project=project, sample=sample)
        if refusal:
            raise ValidationError(refusal, "not_screened")
    elif sample is not None and sample.project_id != project.pk:
        raise ValidationError(_("The sample is not one of this project's."), "sample")
    tariff = tariff_for(project, instrument.tier)
    _units, amount, tax = charge(tariff, starts_at, ends_at)
    booking = Booking(
        instrument=instrument,
        project=project,
        sample=sample,
        starts_at=starts_at,
        ends_at=ends_at,
        mode=mode,
        assisted=assisted,
        operator=operator,
        booked_by=actor,
    )
    with transaction.atomic():
        # The lock: two bookings of one instrument are checked and inserted one after the other.
        Instrument.objects.select_for_update().get(pk=instrument.pk)
        clash = _live_overlaps(instrument, starts_at, ends_at).first()
        if clash:
            raise StateConflict(
                _("%(instrument)s is already booked from %(start)s to %(end)s.")
                % {"instrument": instrument, "start": _local(clash.starts_at), "end": _local(clash.ends_at)},
                "overlap",
            )
        block = instrument.blocks.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).first()
        if block:
            raise StateConflict(
                _("%(instrument)s is out of service (%(kind)s) from %(start)s to %(end)s.")
                % {
                    "instrument": instrument,
                    "kind": block.get_kind_display().lower(),
                    "start": _local(block.starts_at),
                    "end": _local(block.ends_at),
                },
                "out_of_service",
            )
        if not project.is_company:
            slot = instrument.company_slots.filter(
                starts_at__lt=ends_at, ends_at__gt=starts_at, release_on__gt=timezone.localdate(now)
            ).first()
            if slot:
                raise StateConflict(
                    _("This time is reserved for company projects until %(day)s.")
                    % {"day": slot.release_on.isoformat()},
                    "company_reserved",
                )
        allocated = project.e2_days if instrument.tier == NetworkTier.E2 else project.e1_days
        used = sum(
            b.days
            for b in Booking.objects.filter(project=project, instrument__tier=instrument.tier, state__in=LIVE)
        )
        if used + booking.days > allocated:
            raise ValidationError(
                _(
                    "The project has %(allocated)s %(tier)s days; %(used)s are booked and this booking "
                    "needs %(days)s."
                )
                % {"allocated": allocated, "tier": instrument.tier, "used": used, "days": booking.days},
                "quota",
            )
        account = Account.objects.select_for_update().get(pk=project.billing_account_id)
        committed = committed_yen(account)
        if not account.may_go_negative and account.balance_yen - committed < amount + tax:
            raise ValidationError(
                _(
                    "%(account)s cannot cover this booking: its balance is %(balance)s, %(committed)s is "
                    "committed to sessions already booked, and this one costs %(cost)s (example tariff, "
                    "tax included)."
                )
                % {
                    "account": account,
                    "balance": format_yen(account.balance_yen),
                    "committed": format_yen(committed),
                    "cost": format_yen(amount + tax),
                },
                "not_covered",
            )
        audited_save(booking, actor=actor, reason=_("Booked"), full_clean=True)
    return booking


def _locked_booking(booking: Booking) -> Booking:
    locked = (
        Booking.objects.select_for_update().select_related("instrument__site", "project").get(pk=booking.pk)
    )
    if locked.state != BookingState.BOOKED:
        raise StateConflict(
            _("The booking is %(state)s already.") % {"state": locked.get_state_display().lower()},
            "booking_closed",
        )
    return locked


def booking_cancel(
    *, booking: Booking, actor: User, reason: str, now: datetime.datetime | None = None
) -> Booking:
    """Cancels a booking; users before the instrument's cancelling notice, the site's operators at any
    time."""
    require(actor, "facilities.cancel_booking", booking)
    reason = _text(reason, message=_("Say why the booking is cancelled."), code="reason")[:300]
    now = _now(now)
    with transaction.atomic():
        booking = _locked_booking(booking)
        if booking.grids.exists():
            raise StateConflict(
                _("Grids were screened at this session: log it rather than cancel it."), "has_grids"
            )
        operator = booking.instrument.site_id in role_organisation_ids(
            user=actor, role=Role.FACILITY_OPERATOR
        )
        deadline = booking.starts_at - datetime.timedelta(hours=booking.instrument.cancel_notice_hours)
        if not operator and now > deadline:
            raise ValidationError(
                _("Bookings of %(instrument)s are cancelled at least %(hours)s hours ahead; ask %(site)s.")
                % {
                    "instrument": booking.instrument,
                    "hours": booking.instrument.cancel_notice_hours,
                    "site": booking.instrument.site,
                },
                "cancel_notice",
            )
        booking.state = BookingState.CANCELLED
        booking.cancelled_at = now
        booking.cancel_reason = reason
        audited_save(booking, actor=actor, reason=_("Cancelled: %(reason)s") % {"reason": reason})
    return booking


def booking_no_show(*, booking: Booking, actor: User, now: datetime.datetime | None = None) -> Booking:
    """The site records that nobody came; the time is not charged and stays taken."""
    require(actor, "facilities.add_usagesession", booking)
    with transaction.atomic():
        booking = _locked_booking(booking)
        if _now(now) < booking.starts_at:
            raise ValidationError(_("A no-show is recorded once the booking has started."), "not_started")
        booking.state = BookingState.NO_SHOW
        audited_save(booking, actor=actor, reason=_("No-show"))
    return booking


def grid_record_add(*, booking: Booking, sample: Sample, actor: User, **fields) -> GridRecord:
    """A grid screened at an E1 session: preparation, what was seen, and the go/no-go for E2."""
    require(actor, "facilities.add_gridrecord", booking)
    if booking.instrument.tier != NetworkTier.E1:
        raise ValidationError(_("Grids are screened at an E1 session."), "not_e1")
    if booking.state not in (BookingState.BOOKED, BookingState.COMPLETED):
        raise StateConflict(
            _("The session was %(state)s.") % {"state": booking.get_state_display().lower()}, "closed"
        )
    if booking.state == BookingState.BOOKED and booking.starts_at > timezone.now():
        raise ValidationError(_("A grid is recorded once its E1 session has started."), "not_started")
    if sample.project_id != booking.project_id:
        raise ValidationError(_("The sample is not one of this project's."), "sample")
    for name in ("grid_type", "blotting", "vitrification", "result"):
        fields[name] = check_text(str(fields.get(name, "")).strip())
    record = GridRecord(booking=booking, sample=sample, recorded_by=actor, **fields)
    with transaction.atomic():
        return audited_save(record, actor=actor, reason=_("Grid screened"), full_clean=True)


def session_log(
    *,
    booking: Booking,
    actor: User,
    started_at: datetime.datetime,
    ended_at: datetime.datetime,
    operator: User,
    mode: str,
    data_volume_gb: int,
    outcome: str,
    dataset_collected: bool = False,
) -> UsageSession:
    """Closes a booking with what happened; charges the actual time at the project's tariff (consumption tax
    added) to its billing account, refused when the account cannot cover it, and starts an accepted
    project."""
    require(actor, "facilities.add_usagesession", booking)
    outcome = _text(outcome, message=_("Say what the session gave."), code="outcome")
    if started_at >= ended_at:
        raise ValidationError(_("The end must come after the start."), "period")
    if started_at > timezone.now():
        raise ValidationError(_("A session is logged once it has started."), "not_started")
    if ended_at - started_at > datetime.timedelta(hours=MAX_HOURS):
        raise ValidationError(_("A session may not exceed 14 days."), "period")
    if mode not in SessionMode.values:
        raise ValidationError(_("Unknown mode."), "mode")
    if (
        isinstance(data_volume_gb, bool)
        or not isinstance(data_volume_gb, int)
        or not 0 <= data_volume_gb <= 10**7
    ):
        raise ValidationError(_("The data volume is a whole number of GB up to 10,000,000."), "data_volume")
    _require_qualified_operator(operator, booking.instrument, timezone.localtime(started_at).date())
    with transaction.atomic():
        booking = _locked_booking(booking)
        project = booking.project
        tariff = tariff_for(project, booking.instrument.tier)
        units, amount, tax = charge(tariff, started_at, ended_at)
        session = UsageSession(
            booking=booking,
            started_at=started_at,
            ended_at=ended_at,
            operator=operator,
            mode=mode,
            data_volume_gb=data_volume_gb,
            dataset_collected=dataset_collected,
            outcome=outcome,
            quantity=units,
            unit=tariff.unit,
            unit_price_yen=tariff.price_yen,
            charge_yen=amount,
            tax_yen=tax,
            logged_by=actor,
        )
        audited_save(session, actor=actor, reason=_("Session logged"), full_clean=True)
        if amount:
            session.drawdown = ledger.posting_create(
                account=project.billing_account,
                amount_yen=-(amount + tax),
                description=_(
                    "%(instrument)s session of %(day)s (%(units)s %(unit)s, example tariff, tax included)"
                )
                % {
                    "instrument": booking.instrument,
                    "day": _local(started_at),
                    "units": units,
                    "unit": TariffUnit(tariff.unit).label,
                },
                actor=actor,
                booked_on=timezone.localtime(ended_at).date(),
                source=session,
            )
            audited_save(session, actor=actor, reason=_("Deposit drawn down"), update_fields=["drawdown"])
        booking.state = BookingState.COMPLETED
        audited_save(booking, actor=actor, reason=_("Session logged"), update_fields=["state"])
        if project.state == SubmissionState.ACCEPTED:
            submission_start(submission=project, actor=actor)
    return session


# --- monthly invoices
def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        raise ValidationError(_("Give a month between 2000-01 and 2100-12."), "month")
    return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])


def invoices_issue_month(
    *, site: Organisation, year: int, month: int, actor: User, issued_on=None
) -> list[Invoice]:
    """Issues the site's invoices for a month: one per billing account with logged, not yet invoiced sessions
    on the site's instruments; each line a session at its tariff, consumption tax on the invoice. The
    sessions' draw-downs are put back in the same transaction, so that the account is charged once:
    by the invoice."""
    require(actor, "facilities.manage_billing")
    if site.pk not in role_organisation_ids(user=actor, role=Role.FACILITY_OPERATOR):
        raise ValidationError(_("You invoice only for the site you operate."), "not_site")
    first, last = month_bounds(year, month)
    invoices = []
    with transaction.atomic():
        sessions = (
            UsageSession.objects.select_for_update(of=("self",))
            .filter(
                booking__instrument__site=site,
                invoice__isnull=True,
                charge_yen__gt=0,
                ended_at__date__gte=first,
                ended_at__date__lte=last,
            )
            .select_related("booking__instrument", "booking__project__billing_account", "drawdown")
            .order_by("booking__project__billing_account_id", "started_at")
        )
        by_account: dict[int, list[UsageSession]] = {}
        for session in sessions:
            by_account.setdefault(session.booking.project.billing_account_id, []).append(session)
        for items in by_account.values():
            account = items[0].booking.project.billing_account
            invoice = ledger.invoice_create(
                issuer=site,
                account=account,
                period_start=first,
                period_end=last,
                actor=actor,
                note=_("Cryo-EM facility use. Tariffs are examples."),
            )
            drawn = 0
            for session in items:
                ledger.invoice_line_add(
                    invoice=invoice,
                    description=f"{session.booking.instrument} {_local(session.started_at)} — "
                    f"{session.booking.project} ({TariffUnit(session.unit).label})",
                    quantity=session.quantity,
                    unit_price_yen=session.unit_price_yen,
                    actor=actor,
                )
                drawn += -session.drawdown.amount_yen if session.drawdown else 0
            if drawn:
                ledger.posting_create(
                    account=account,
                    amount_yen=drawn,
                    description=_("Session draw-downs of %(month)s settled by the invoice")
                    % {"month": f"{year}-{month:02d}"},
                    actor=actor,
                    booked_on=issued_on,
                    invoice=invoice,
                )
            invoice = ledger.invoice_issue(invoice=invoice, actor=actor, issued_on=issued_on)
            UsageSession.objects.filter(pk__in=[s.pk for s in items]).update(invoice=invoice)
            invoices.append(invoice)
    return invoices


# --- feeds
def feed_token_create(*, actor: User) -> FeedToken:
    require(actor, "facilities.add_feedtoken")
    with transaction.atomic():
        return audited_save(FeedToken(user=actor), actor=actor, reason=_("Calendar feed made"))


def feed_token_revoke(*, token: FeedToken, actor: User) -> FeedToken:
    if token.user_id != actor.pk:
        raise ValidationError(_("You may revoke only your own feeds."), "not_own")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        audited_save(token, actor=actor, reason=_("Calendar feed revoked"), update_fields=["revoked_at"])
    return token


def used_days(project: FacilityProject) -> dict[str, int]:
    """Days booked (live bookings) per tier."""
    rows = Booking.objects.filter(project=project, state__in=LIVE).select_related("instrument")
    used = {NetworkTier.E1: 0, NetworkTier.E2: 0}
    for booking in rows:
        used[booking.instrument.tier] = used.get(booking.instrument.tier, 0) + booking.days
    return used
