"""Reads of the cryo-EM network: holdings grouped by tier and voltage beside the stated counts."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from kiban.core.choices import Role
from kiban.core.models import Organisation, User
from kiban.core.selectors import active_users_with_role, member_organisation_ids, role_organisation_ids

from .choices import BookingState, NetworkTier, VoltageClass
from .models import (
    Booking,
    FacilityProject,
    GridRecord,
    Instrument,
    InstrumentHolding,
    StatedInstrumentCount,
    UsageSession,
)


@dataclass
class TierGroup:
    tier: str
    voltage: str
    holdings: list[InstrumentHolding]
    stated_count: int | None

    @property
    def itemised_count(self) -> int:
        return sum(h.count for h in self.holdings)

    @property
    def difference(self) -> int | None:
        return None if self.stated_count is None else self.itemised_count - self.stated_count

    @property
    def label(self) -> str:
        return f"{NetworkTier(self.tier).label}, {VoltageClass(self.voltage).label}"


def cryo_em_network() -> list[TierGroup]:
    """Every tier and voltage class with its sites: two queries whatever the number of sites."""
    stated = {(s.tier, s.voltage): s.stated_count for s in StatedInstrumentCount.objects.all()}
    grouped: dict[tuple[str, str], list[InstrumentHolding]] = defaultdict(list)
    for holding in InstrumentHolding.objects.select_related("site"):
        grouped[(holding.tier, holding.voltage)].append(holding)
    keys = [
        (t, v)
        for t in NetworkTier.values
        for v in VoltageClass.values
        if (t, v) in grouped or (t, v) in stated
    ]
    return [TierGroup(t, v, grouped.get((t, v), []), stated.get((t, v))) for t, v in keys]


# --- instruments and calendars
def instrument_list() -> QuerySet[Instrument]:
    return Instrument.objects.select_related("site")


def operated_site_ids(user: User) -> frozenset[int]:
    return role_organisation_ids(user=user, role=Role.FACILITY_OPERATOR)


def site_operators(site_id: int) -> QuerySet[User]:
    return active_users_with_role(Role.FACILITY_OPERATOR, organisation_ids=[site_id]).order_by("username")


def visible_project_ids(user: User) -> QuerySet:
    return project_list(user=user).values("pk")


def project_list(*, user: User) -> QuerySet[FacilityProject]:
    """The user's own projects (prepared by them or their organisation's) and those hosted by sites they
    operate."""
    if not user.is_authenticated:
        return FacilityProject.objects.none()
    return FacilityProject.objects.filter(
        Q(created_by=user)
        | Q(organisation_id__in=member_organisation_ids(user=user))
        | Q(site_id__in=operated_site_ids(user))
    ).select_related("organisation", "site", "billing_account")


def projects_from(origins) -> dict[int, FacilityProject]:
    """The facility project each of `origins` (records of one model, e.g. BINDS support items) led to."""
    from django.contrib.contenttypes.models import ContentType

    origins = list(origins)
    if not origins:
        return {}
    projects = FacilityProject.objects.filter(
        origin_type=ContentType.objects.get_for_model(origins[0]), origin_id__in=[o.pk for o in origins]
    ).select_related("site")
    return {project.origin_id: project for project in projects}


def bookable_projects(*, user: User) -> QuerySet[FacilityProject]:
    from kiban.submissions.choices import SubmissionState

    return project_list(user=user).filter(state__in=[SubmissionState.ACCEPTED, SubmissionState.IN_PROGRESS])


def booking_list(*, user: User) -> QuerySet[Booking]:
    return Booking.objects.filter(
        Q(project__in=visible_project_ids(user)) | Q(instrument__site_id__in=operated_site_ids(user))
    ).select_related("instrument__site", "project", "sample")


@dataclass
class CalendarEntry:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    label: str
    css: str
    url: str = ""


@dataclass
class CalendarDay:
    day: datetime.date
    entries: list[CalendarEntry] = field(default_factory=list)


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_calendar(*, instrument: Instrument, start: datetime.date, user: User) -> list[CalendarDay]:
    """Seven days from `start`: bookings (the user's own and, for the site's operators, every one with its
    project; any other only as "booked"), maintenance and downtime, and slots reserved for companies."""
    from django.utils.translation import gettext as _

    zone = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time(), tzinfo=zone)
    end = begin + datetime.timedelta(days=7)
    mine = set(visible_project_ids(user).values_list("pk", flat=True))
    operator = instrument.site_id in operated_site_ids(user)
    entries: list[CalendarEntry] = []
    bookings = instrument.bookings.filter(
        starts_at__lt=end,
        ends_at__gt=begin,
        state__in=[BookingState.BOOKED, BookingState.COMPLETED, BookingState.NO_SHOW],
    ).select_related("project")
    for booking in bookings:
        if operator or booking.project_id in mine:
            label = f"{booking.project} ({booking.get_state_display()})"
            entries.append(
                CalendarEntry(
                    booking.starts_at, booking.ends_at, label, "booking-own", booking.get_absolute_url()
                )
            )
        else:
            entries.append(CalendarEntry(booking.starts_at, booking.ends_at, _("booked"), "booking-busy"))
    for block in instrument.blocks.filter(starts_at__lt=end, ends_at__gt=begin):
        entries.append(CalendarEntry(block.starts_at, block.ends_at, block.get_kind_display(), "block"))
    today = timezone.localdate()
    for slot in instrument.company_slots.filter(starts_at__lt=end, ends_at__gt=begin, release_on__gt=today):
        label = _("Reserved for companies until %(day)s") % {"day": slot.release_on.isoformat()}
        entries.append(CalendarEntry(slot.starts_at, slot.ends_at, label, "company-slot"))
    days = [CalendarDay(start + datetime.timedelta(days=n)) for n in range(7)]
    for entry in sorted(entries, key=lambda e: e.starts_at):
        first = max(timezone.localtime(entry.starts_at).date(), start)
        last = min(timezone.localtime(entry.ends_at - datetime.timedelta(seconds=1)).date(), days[-1].day)
        for calendar_day in days:
            if first <= calendar_day.day <= last:
                calendar_day.entries.append(entry)
    return days


# --- turnaround
BASELINE_SESSIONS, BASELINE_DAYS = 7, 8  # the seed: preliminary work takes 7 sessions / 8 days
GOAL_SESSIONS, GOAL_DAYS = 1, 1  # the goal: 1 session / 1 day


@dataclass
class ProjectTurnaround:
    project: FacilityProject
    first_grid: datetime.datetime | None
    first_dataset: datetime.datetime | None
    sessions: int | None
    days: int | None


@dataclass
class SiteQueue:
    site: Organisation
    waits: list[int]

    @property
    def mean_days(self) -> float | None:
        return sum(self.waits) / len(self.waits) if self.waits else None


def project_turnaround(projects) -> list[ProjectTurnaround]:
    """Per project: the sessions and days from its first screened grid to its first E2 dataset."""
    projects = list(projects)
    ids = [p.pk for p in projects]
    first_grid = dict(
        GridRecord.objects.filter(sample__project_id__in=ids)
        .values_list("sample__project_id")
        .annotate(first=Min("booking__starts_at"))
    )
    first_dataset = dict(
        UsageSession.objects.filter(
            booking__project_id__in=ids, dataset_collected=True, booking__instrument__tier=NetworkTier.E2
        )
        .values_list("booking__project_id")
        .annotate(first=Min("ended_at"))
    )
    sessions = defaultdict(list)
    for project_id, started in UsageSession.objects.filter(booking__project_id__in=ids).values_list(
        "booking__project_id", "started_at"
    ):
        sessions[project_id].append(started)
    rows = []
    for project in projects:
        grid, dataset = first_grid.get(project.pk), first_dataset.get(project.pk)
        count = days = None
        if grid and dataset and dataset >= grid:
            count = sum(1 for started in sessions[project.pk] if grid <= started <= dataset)
            days = (timezone.localtime(dataset).date() - timezone.localtime(grid).date()).days + 1
        rows.append(ProjectTurnaround(project, grid, dataset, count, days))
    return rows


def site_queues() -> list[SiteQueue]:
    """Per site: the days from each project's request (its submission) to its first session at the site."""
    first = (
        Booking.objects.exclude(state=BookingState.CANCELLED)
        .values_list("project_id", "instrument__site_id")
        .annotate(first=Min("starts_at"))
    )
    submitted = dict(
        FacilityProject.objects.filter(submitted_at__isnull=False).values_list("pk", "submitted_at")
    )
    waits = defaultdict(list)
    for project_id, site_id, start in first:
        if project_id in submitted:
            waits[site_id].append(
                max(
                    0,
                    (
                        timezone.localtime(start).date() - timezone.localtime(submitted[project_id]).date()
                    ).days,
                )
            )
    sites = Organisation.objects.in_bulk(list(waits))
    return sorted((SiteQueue(sites[pk], w) for pk, w in waits.items()), key=lambda q: q.site.name)
