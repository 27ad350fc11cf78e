"""Cryo-EM network API: instruments, projects, E1 screenings, bookings (made and cancelled under the same
rules as the pages) and session logs, each list filtered to what the asking user may see."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from kiban.core.apikit import WRITE_REFUSALS, ApiError, Page, Rows, responses
from kiban.core.inputs import Count, Id
from kiban.core.models import Organisation, User
from kiban.core.permissions import require

from . import selectors, services
from .choices import Decision, IceQuality, ParticleDistribution, Results, SessionMode, UserClass
from .models import Booking, FacilityProject, GridRecord, Instrument, Sample, UsageSession

router = Router(tags=["cryo-EM network (S4)"])


class InstrumentOut(Schema):
    id: int
    name: str
    site_id: int
    site: str
    tier: str
    voltage: str
    model: str
    detector: str
    autoloader_capacity: int | None
    remote_capable: bool
    in_service_from_fy: int | None
    min_block_hours: int
    max_block_hours: int
    booking_notice_hours: int
    cancel_notice_hours: int
    horizon_days: int


class ProjectOut(Schema):
    id: int
    title: str
    organisation_id: int
    site_id: int
    user_class: str
    results: str
    state: str
    e1_days: int
    e2_days: int
    billing_account_id: int
    balance_yen: int
    samples: list[str]


class ProjectIn(Schema):
    title: str
    organisation_id: Id
    site_id: Id
    user_class: UserClass
    results: Results
    e1_days: Count = 0
    e2_days: Count = 0
    reason: str


class SampleIn(Schema):
    name: str


class ScreeningOut(Schema):
    id: int
    booking_id: int
    sample: str
    grid_type: str
    blotting: str
    vitrification: str
    trial_number: int
    ice_quality: str
    particle_distribution: str
    result: str
    decision: str
    recorded_at: datetime.datetime


class ScreeningIn(Schema):
    booking_id: Id
    sample: str
    grid_type: str
    blotting: str
    vitrification: str
    trial_number: Count
    ice_quality: IceQuality
    particle_distribution: ParticleDistribution
    result: str
    decision: Decision


class BookingOut(Schema):
    id: int
    instrument_id: int
    project_id: int | None
    label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    mode: str
    assisted: bool
    state: str


class BookingIn(Schema):
    instrument_id: Id
    project_id: Id
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    mode: SessionMode = SessionMode.ON_SITE
    sample: str = ""
    assisted: bool = False
    operator_id: Id | None = None


class CancelIn(Schema):
    reason: str


class SessionOut(Schema):
    id: int
    booking_id: int
    started_at: datetime.datetime
    ended_at: datetime.datetime
    operator_id: int
    mode: str
    data_volume_gb: int
    dataset_collected: bool
    outcome: str
    quantity: int
    unit: str
    unit_price_yen: int
    charge_yen: int
    tax_yen: int
    example_tariff: bool = True


class SessionIn(Schema):
    booking_id: Id
    started_at: datetime.datetime
    ended_at: datetime.datetime
    operator_id: Id
    mode: SessionMode
    data_volume_gb: Count = 0
    dataset_collected: bool = False
    outcome: str


def _moment(value: datetime.datetime, name: str) -> datetime.datetime:
    """An aware datetime within 2000–2100 (a naive one is read in Japan's time zone), else a 400."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=timezone.get_current_timezone())
    if not 2000 <= value.year <= 2100:
        raise ApiError(400, _("%(name)s must fall between 2000 and 2100.") % {"name": name}, "out_of_range")
    return value


def _instrument_out(i: Instrument) -> dict:
    return {
        "id": i.pk,
        "name": i.name,
        "site_id": i.site_id,
        "site": i.site.name,
        "tier": i.tier,
        "voltage": i.voltage,
        "model": i.model_name,
        "detector": i.detector,
        "autoloader_capacity": i.autoloader_capacity,
        "remote_capable": i.remote_capable,
        "in_service_from_fy": i.in_service_from_fy,
        "min_block_hours": i.min_block_hours,
        "max_block_hours": i.max_block_hours,
        "booking_notice_hours": i.booking_notice_hours,
        "cancel_notice_hours": i.cancel_notice_hours,
        "horizon_days": i.horizon_days,
    }


def project_out(p: FacilityProject) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "organisation_id": p.organisation_id,
        "site_id": p.site_id,
        "user_class": p.user_class,
        "results": p.results,
        "state": p.state,
        "e1_days": p.e1_days,
        "e2_days": p.e2_days,
        "billing_account_id": p.billing_account_id,
        "balance_yen": p.billing_account.balance_yen,
        "samples": [s.name for s in p.samples.all()],
    }


def _booking_out(b: Booking, *, user, visible: set[int], operated: frozenset[int]) -> dict:
    """Another's booking shows only as "booked", with no project."""
    shown = b.project_id in visible or b.instrument.site_id in operated
    return {
        "id": b.pk,
        "instrument_id": b.instrument_id,
        "project_id": b.project_id if shown else None,
        "label": str(b.project) if shown else _("booked"),
        "starts_at": b.starts_at,
        "ends_at": b.ends_at,
        "mode": b.mode if shown else "",
        "assisted": b.assisted if shown else False,
        "state": b.state,
    }


def _screening_out(g: GridRecord) -> dict:
    return {
        "id": g.pk,
        "booking_id": g.booking_id,
        "sample": g.sample.name,
        "grid_type": g.grid_type,
        "blotting": g.blotting,
        "vitrification": g.vitrification,
        "trial_number": g.trial_number,
        "ice_quality": g.ice_quality,
        "particle_distribution": g.particle_distribution,
        "result": g.result,
        "decision": g.decision,
        "recorded_at": g.recorded_at,
    }


def _session_out(s: UsageSession) -> dict:
    fields = (
        "started_at",
        "ended_at",
        "operator_id",
        "mode",
        "data_volume_gb",
        "dataset_collected",
        "outcome",
    )
    money = ("quantity", "unit", "unit_price_yen", "charge_yen", "tax_yen")
    return {"id": s.pk, "booking_id": s.booking_id, **{f: getattr(s, f) for f in fields + money}}


def _booking(request, booking_id: int) -> Booking:
    booking = get_object_or_404(Booking.objects.select_related("instrument", "project"), pk=booking_id)
    require(request.user, "facilities.view_booking", booking)
    return booking


@router.get("/instruments", response=responses(list[InstrumentOut], 403), summary="Every instrument")
@paginate(Page)
def instrument_list(request, tier: str = "", site_id: Id | None = None):
    """Any signed-in user; `tier` (E2, E1, F1) and `site_id` narrow the list."""
    require(request.user, "facilities.view_instrument")
    instruments = selectors.instrument_list()
    if tier:
        instruments = instruments.filter(tier=tier)
    if site_id is not None:
        instruments = instruments.filter(site_id=site_id)
    return Rows(instruments, _instrument_out)


@router.get(
    "/instruments/{instrument_id}", response=responses(InstrumentOut, 403, 404), summary="One instrument"
)
def instrument_detail(request, instrument_id: Id):
    require(request.user, "facilities.view_instrument")
    return _instrument_out(get_object_or_404(selectors.instrument_list(), pk=instrument_id))


@router.get(
    "/instruments/{instrument_id}/bookings",
    response=responses(list[BookingOut], 403, 404),
    summary="An instrument's bookings (others' only as “booked”)",
)
@paginate(Page)
def instrument_bookings(request, instrument_id: Id):
    """Any signed-in user: the live bookings of the instrument; those of projects the user may not see carry
    no project and read "booked"."""
    require(request.user, "facilities.view_instrument")
    instrument = get_object_or_404(Instrument, pk=instrument_id)
    visible = set(selectors.visible_project_ids(request.user).values_list("pk", flat=True))
    operated = selectors.operated_site_ids(request.user)
    bookings = (
        Booking.objects.filter(instrument=instrument, state__in=services.LIVE)
        .select_related("instrument", "project")
        .order_by("starts_at")
    )
    return Rows(bookings, lambda b: _booking_out(b, user=request.user, visible=visible, operated=operated))


@router.get("/projects", response=responses(list[ProjectOut], 403), summary="Your projects and your site's")
@paginate(Page)
def project_list(request):
    require(request.user, "facilities.list_projects")
    projects = selectors.project_list(user=request.user).prefetch_related("samples").order_by("pk")
    return Rows(projects, project_out)


@router.post(
    "/projects",
    response=responses(ProjectOut, *WRITE_REFUSALS, status=201),
    summary="Apply (a draft project)",
)
def project_create(request, payload: ProjectIn):
    """Researchers, companies, hub staff and facility operators, for an organisation they belong to."""
    require(request.user, "facilities.add_facilityproject")
    organisation = get_object_or_404(Organisation, pk=payload.organisation_id)
    if not request.user.memberships.filter(organisation=organisation).exists():
        raise ApiError(403, _("You apply only for an organisation you belong to."), "forbidden")
    project = services.project_create(
        actor=request.user,
        title=payload.title,
        organisation=organisation,
        site=get_object_or_404(Organisation, pk=payload.site_id),
        user_class=payload.user_class,
        results=payload.results,
        e1_days=payload.e1_days,
        e2_days=payload.e2_days,
        reason=payload.reason,
    )
    return Status(201, project_out(project))


def _project(request, project_id: int) -> FacilityProject:
    project = get_object_or_404(FacilityProject.objects.select_related("billing_account"), pk=project_id)
    require(request.user, "facilities.view_facilityproject", project)
    return project


@router.get("/projects/{project_id}", response=responses(ProjectOut, 403, 404), summary="One project")
def project_detail(request, project_id: Id):
    return project_out(_project(request, project_id))


@router.post(
    "/projects/{project_id}/samples",
    response=responses(ProjectOut, *WRITE_REFUSALS, status=201),
    summary="Name a sample of the project",
)
def sample_add(request, project_id: Id, payload: SampleIn):
    project = _project(request, project_id)
    services.sample_add(project=project, name=payload.name, actor=request.user)
    return Status(201, project_out(project))


@router.get("/screenings", response=responses(list[ScreeningOut]), summary="Grid records of your projects")
@paginate(Page)
def screening_list(request, project_id: Id | None = None):
    grids = GridRecord.objects.filter(booking__in=selectors.booking_list(user=request.user)).select_related(
        "sample"
    )
    if project_id is not None:
        grids = grids.filter(sample__project_id=project_id)
    return Rows(grids.order_by("pk"), _screening_out)


@router.post(
    "/screenings",
    response=responses(ScreeningOut, *WRITE_REFUSALS, status=201),
    summary="Record a grid screened at an E1 session (with its go/no-go)",
)
def screening_create(request, payload: ScreeningIn):
    booking = _booking(request, payload.booking_id)
    sample = get_object_or_404(Sample, project=booking.project, name=payload.sample.strip())
    data = payload.dict(exclude={"booking_id", "sample"})
    record = services.grid_record_add(booking=booking, sample=sample, actor=request.user, **data)
    return Status(201, _screening_out(record))


@router.get(
    "/bookings", response=responses(list[BookingOut]), summary="Bookings of your projects and your site"
)
@paginate(Page)
def booking_list(request):
    visible = set(selectors.visible_project_ids(request.user).values_list("pk", flat=True))
    operated = selectors.operated_site_ids(request.user)
    bookings = selectors.booking_list(user=request.user).order_by("starts_at", "pk")
    return Rows(bookings, lambda b: _booking_out(b, user=request.user, visible=visible, operated=operated))


@router.post(
    "/bookings",
    response=responses(BookingOut, *WRITE_REFUSALS, status=201),
    summary="Book time (refused, with the reason, by the same rules as the pages)",
)
def booking_create(request, payload: BookingIn):
    """Members of an accepted project and the site's operators. Refused (400/409) for an overlap, a block, a
    slot reserved for companies, no E1 "go" for E2 time, no qualification (unless assisted), the notice, the
    horizon, the block length, the allocation, or a deposit that cannot cover it."""
    project = _project(request, payload.project_id)
    instrument = get_object_or_404(Instrument.objects.select_related("site"), pk=payload.instrument_id)
    sample = None
    if payload.sample.strip():
        sample = get_object_or_404(Sample, project=project, name=payload.sample.strip())
    operator = get_object_or_404(User, pk=payload.operator_id) if payload.operator_id is not None else None
    booking = services.booking_create(
        actor=request.user,
        instrument=instrument,
        project=project,
        starts_at=_moment(payload.starts_at, "starts_at"),
        ends_at=_moment(payload.ends_at, "ends_at"),
        mode=payload.mode,
        sample=sample,
        assisted=payload.assisted,
        operator=operator,
    )
    return Status(201, _booking_out(booking, user=request.user, visible={project.pk}, operated=frozenset()))


@router.post(
    "/bookings/{booking_id}/cancel",
    response=responses(BookingOut, *WRITE_REFUSALS),
    summary="Cancel a booking (users before the cancelling notice; the site's operators at any time)",
)
def booking_cancel(request, booking_id: Id, payload: CancelIn):
    booking = _booking(request, booking_id)
    booking = services.booking_cancel(booking=booking, actor=request.user, reason=payload.reason)
    return _booking_out(booking, user=request.user, visible={booking.project_id}, operated=frozenset())


@router.get(
    "/sessions", response=responses(list[SessionOut]), summary="Session logs of your projects and site"
)
@paginate(Page)
def session_list(request):
    sessions = UsageSession.objects.filter(booking__in=selectors.booking_list(user=request.user)).order_by(
        "pk"
    )
    return Rows(sessions, _session_out)


@router.post(
    "/sessions",
    response=responses(SessionOut, *WRITE_REFUSALS, status=201),
    summary="Log a session: closes the booking and charges it (the site's operators)",
)
def session_create(request, payload: SessionIn):
    booking = _booking(request, payload.booking_id)
    session = services.session_log(
        booking=booking,
        actor=request.user,
        started_at=_moment(payload.started_at, "started_at"),
        ended_at=_moment(payload.ended_at, "ended_at"),
        operator=get_object_or_404(User, pk=payload.operator_id),
        mode=payload.mode,
        data_volume_gb=payload.data_volume_gb,
        dataset_collected=payload.dataset_collected,
        outcome=payload.outcome,
    )
    return Status(201, _session_out(session))
