"""Pages of the cryo-EM network: the registry, instruments with their week calendars, projects, bookings
with their screening and session logs, billing, downloads, calendar feeds and the turnaround dashboard."""

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kiban.core.charts import Bar, bar_chart
from kiban.core.errors import form_errors_text, refusal_text
from kiban.core.exports import Column, ColumnKind, export_response
from kiban.core.models import Organisation, User
from kiban.core.pages import PageError, page_errors, paginate
from kiban.core.permissions import require
from kiban.ledger.choices import AccountKind
from kiban.ledger.models import Account, Invoice
from kiban.submissions import services as lifecycle

from . import feeds, selectors, services
from .choices import NetworkTier
from .forms import (
    BlockForm,
    BookingForm,
    CompanySlotForm,
    GridForm,
    InvoiceMonthForm,
    ProjectForm,
    QualificationForm,
    ReasonForm,
    SampleForm,
    SessionForm,
    TopUpForm,
)
from .models import (
    Booking,
    FacilityProject,
    FeedToken,
    Instrument,
    Qualification,
    Sample,
    Tariff,
    UsageSession,
)

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@login_required
def cryo_em_network(request):
    """Any signed-in user: instruments by tier, voltage and site, beside the counts the source states."""
    require(request.user, "facilities.view_instrumentholding")
    return render(request, "facilities/cryo_em_network.html", {"groups": selectors.cryo_em_network()})


def _outcome(request, write, success: str) -> bool:
    """Runs a service write; its refusal becomes the page's error message, its success a message too."""
    try:
        write()
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return False
    messages.success(request, success)
    return True


def _week(request) -> datetime.date:
    raw = request.GET.get("week", "").strip()
    if not raw:
        return selectors.week_start(timezone.localdate())
    if _ISO_DAY.fullmatch(raw):
        try:
            return selectors.week_start(datetime.date.fromisoformat(raw))
        except ValueError:
            pass
    raise PageError(
        400, _("“%(value)s” is not a day: write it as YYYY-MM-DD, for example 2026-04-06.") % {"value": raw}
    )


# --- instruments
@login_required
@page_errors
def instrument_list(request):
    """Any signed-in user: every instrument of the network with its site, tier and booking rules."""
    require(request.user, "facilities.view_instrument")
    instruments = paginate(request, selectors.instrument_list(), per_page=50)
    return render(request, "facilities/instrument_list.html", {"instruments": instruments})


@login_required
@page_errors
def instrument_detail(request, pk: int):
    """Any signed-in user: the instrument, its rules and its week calendar (htmx moves between weeks; others'
    bookings show as "booked"); the user's bookable projects book from here; the site's operators add
    blocks, slots reserved for companies and qualifications."""
    require(request.user, "facilities.view_instrument")
    instrument = get_object_or_404(selectors.instrument_list(), pk=pk)
    start = _week(request)
    context = {
        "instrument": instrument,
        "week": start,
        "previous_week": start - datetime.timedelta(days=7),
        "next_week": start + datetime.timedelta(days=7),
        "days": selectors.week_calendar(instrument=instrument, start=start, user=request.user),
    }
    if request.htmx:
        return render(request, "facilities/_calendar.html", context)
    operator = request.user.has_perm("facilities.change_instrument", instrument)
    projects = selectors.bookable_projects(user=request.user)
    context.update(
        operator=operator,
        booking_form=BookingForm(projects=projects, operators=selectors.site_operators(instrument.site_id))
        if projects.exists()
        else None,
        block_form=BlockForm() if operator else None,
        slot_form=CompanySlotForm() if operator else None,
        qualification_form=QualificationForm() if operator else None,
        qualifications=instrument.qualifications.select_related("user", "qualified_by") if operator else None,
        qualified=Qualification.objects.filter(
            user=request.user, instrument=instrument, expires_on__gt=timezone.localdate()
        ).first(),
        tariffs=Tariff.objects.filter(tier=instrument.tier),
    )
    return render(request, "facilities/instrument_detail.html", context)


@login_required
@require_POST
def booking_create(request, pk: int):
    """A member of an accepted project, or the site's operators: book the instrument (every rule is checked by
    the service; a refusal is shown on the instrument's page)."""
    require(request.user, "facilities.view_instrument")
    instrument = get_object_or_404(Instrument, pk=pk)
    form = BookingForm(
        request.POST,
        projects=selectors.bookable_projects(user=request.user),
        operators=selectors.site_operators(instrument.site_id),
    )
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(instrument)
    data = form.cleaned_data
    project = data["project"]
    sample = None
    if data["sample"].strip():
        sample = Sample.objects.filter(project=project, name=data["sample"].strip()).first()
        if sample is None:
            messages.error(
                request, _("The project has no sample named “%(name)s”.") % {"name": data["sample"]}
            )
            return redirect(instrument)
    created = {}

    def write():
        created["booking"] = services.booking_create(
            actor=request.user,
            instrument=instrument,
            project=project,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            mode=data["mode"],
            sample=sample,
            assisted=data["assisted"],
            operator=data["operator"],
        )

    if _outcome(request, write, _("The time is booked.")):
        return redirect(created["booking"])
    week = selectors.week_start(timezone.localtime(data["starts_at"]).date())
    return redirect(f"{instrument.get_absolute_url()}?week={week.isoformat()}")


def _instrument_write(request, pk: int, form_class, write, success: str):
    instrument = get_object_or_404(Instrument.objects.select_related("site"), pk=pk)
    require(request.user, "facilities.change_instrument", instrument)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
    else:
        _outcome(request, lambda: write(instrument, form.cleaned_data), success)
    return redirect(instrument)


@login_required
@require_POST
def block_add(request, pk: int):
    """The site's facility operators: a maintenance or downtime block."""

    def write(instrument, data):
        services.block_add(instrument=instrument, actor=request.user, **data)

    return _instrument_write(request, pk, BlockForm, write, _("The block is recorded."))


@login_required
@require_POST
def company_slot_add(request, pk: int):
    """The site's facility operators: time reserved for companies until a release date."""

    def write(instrument, data):
        services.company_slot_add(instrument=instrument, actor=request.user, **data)

    return _instrument_write(request, pk, CompanySlotForm, write, _("The time is reserved for companies."))


@login_required
@require_POST
def qualification_add(request, pk: int):
    """The site's facility operators: qualify a user on the instrument, until an expiry date."""

    def write(instrument, data):
        user = User.objects.filter(username=data["username"].strip()).first()
        if user is None:
            raise ValidationError(_("There is no user named “%(name)s”.") % {"name": data["username"]})
        services.qualification_grant(
            instrument=instrument,
            user=user,
            actor=request.user,
            qualified_on=data["qualified_on"],
            expires_on=data["expires_on"],
        )

    return _instrument_write(request, pk, QualificationForm, write, _("The qualification is recorded."))


# --- projects
def _project_or_403(request, pk: int, perm: str = "facilities.view_facilityproject") -> FacilityProject:
    project = get_object_or_404(
        FacilityProject.objects.select_related("organisation", "site", "billing_account"), pk=pk
    )
    require(request.user, perm, project)
    return project


@login_required
@page_errors
def project_list(request):
    """Researchers, companies, hub staff and facility operators: their own projects and their site's."""
    require(request.user, "facilities.list_projects")
    projects = paginate(request, selectors.project_list(user=request.user))
    may_apply = request.user.has_perm("facilities.add_facilityproject")
    return render(request, "facilities/project_list.html", {"projects": projects, "may_apply": may_apply})


def _project_form(request, data=None) -> ProjectForm:
    sites = Organisation.objects.filter(
        pk__in=Instrument.objects.exclude(tier=NetworkTier.F1).values("site_id")
    )
    organisations = Organisation.objects.filter(pk__in=request.user.memberships.values("organisation_id"))
    return ProjectForm(data, organisations=organisations, sites=sites.order_by("name"))


@login_required
def project_new(request):
    """Researchers, companies, hub staff and facility operators: apply for facility use (a draft)."""
    require(request.user, "facilities.add_facilityproject")
    form = _project_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = {}

        def write():
            created["project"] = services.project_create(actor=request.user, **form.cleaned_data)

        if _outcome(request, write, _("The draft project is saved; add its samples and submit it.")):
            return redirect(created["project"])
    status = 400 if request.method == "POST" else 200
    return render(request, "facilities/project_new.html", {"form": form}, status=status)


@login_required
def project_detail(request, pk: int):
    """The project's users and the host site's operators: its lifecycle, allocation, samples, screening,
    bookings, sessions and billing account."""
    project = _project_or_403(request, pk)
    user = request.user
    perms = {
        verb: user.has_perm(f"facilities.{verb}_facilityproject", project)
        for verb in ("submit", "decide", "start", "complete", "change")
    }
    context = {
        "project": project,
        "perms": perms,
        "may_exempt": user.has_perm("facilities.add_screeningexemption", project),
        "used": services.used_days(project),
        "samples": project.samples.select_related("exemption").prefetch_related("grids"),
        "grids": selectors.GridRecord.objects.filter(sample__project=project).select_related(
            "sample", "booking__instrument"
        ),
        "bookings": project.bookings.select_related("instrument", "sample"),
        "sessions": UsageSession.objects.filter(booking__project=project).select_related(
            "booking__instrument", "invoice"
        ),
        "account": project.billing_account,
        "may_see_account": user.has_perm("ledger.view_account", project.billing_account),
        "committed": services.committed_yen(project.billing_account),
        "sample_form": SampleForm(),
        "reason_form": ReasonForm(),
        "turnaround": selectors.project_turnaround([project])[0],
    }
    return render(request, "facilities/project_detail.html", context)


@login_required
@require_POST
def project_action(request, pk: int, action: str):
    """The project's users submit it; the host site's operators accept, reject or start it (each checked by
    kiban.submissions, which answers a refusal)."""
    project = _project_or_403(request, pk)
    reason = request.POST.get("reason", "")
    writes = {
        "submit": (
            lambda: lifecycle.submission_submit(submission=project, actor=request.user),
            _("Submitted."),
        ),
        "accept": (
            lambda: lifecycle.submission_decide(
                submission=project, accept=True, reason=reason, actor=request.user
            ),
            _("Accepted."),
        ),
        "reject": (
            lambda: lifecycle.submission_decide(
                submission=project, accept=False, reason=reason, actor=request.user
            ),
            _("Rejected."),
        ),
        "start": (lambda: lifecycle.submission_start(submission=project, actor=request.user), _("Started.")),
        "complete": (
            lambda: lifecycle.submission_complete(submission=project, actor=request.user),
            _("Completed."),
        ),
    }
    if action not in writes:
        raise Http404
    write, success = writes[action]
    _outcome(request, write, success)
    return redirect(project)


@login_required
@require_POST
def sample_add(request, pk: int):
    """The project's users and the host site's operators: name a sample."""
    project = _project_or_403(request, pk, "facilities.change_facilityproject")
    form = SampleForm(request.POST)
    if form.is_valid():
        _outcome(
            request,
            lambda: services.sample_add(project=project, name=form.cleaned_data["name"], actor=request.user),
            _("The sample is added."),
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect(project)


@login_required
@require_POST
def exemption_grant(request, pk: int, sample_pk: int):
    """The E2 site's facility operators: document that a sample needs no E1 screening."""
    project = _project_or_403(request, pk, "facilities.add_screeningexemption")
    sample = get_object_or_404(Sample, pk=sample_pk, project=project)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _outcome(
            request,
            lambda: services.exemption_grant(
                sample=sample, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            _("The exemption is recorded."),
        )
    else:
        messages.error(request, form_errors_text(form))
    return redirect(project)


# --- bookings
def _booking_or_403(request, pk: int) -> Booking:
    booking = get_object_or_404(
        Booking.objects.select_related("instrument__site", "project", "sample"), pk=pk
    )
    require(request.user, "facilities.view_booking", booking)
    return booking


@login_required
def booking_detail(request, pk: int):
    """The project's users and the site's operators: the booking, its grids (E1), its session log, and the
    forms to cancel it, record grids, log the session or a no-show."""
    booking = _booking_or_403(request, pk)
    user = request.user
    open_booking = booking.state == "booked"
    may_log = user.has_perm("facilities.add_usagesession", booking)
    context = {
        "booking": booking,
        "session": getattr(booking, "session", None),
        "grids": booking.grids.select_related("sample"),
        "may_cancel": open_booking and user.has_perm("facilities.cancel_booking", booking),
        "may_log": open_booking and may_log,
        "grid_form": GridForm()
        if booking.instrument.tier == NetworkTier.E1
        and booking.state in ("booked", "completed")
        and user.has_perm("facilities.add_gridrecord", booking)
        else None,
        "session_form": SessionForm(
            operators=User.objects.filter(pk__in=booking.instrument.qualifications.values("user_id")),
            initial={
                "started_at": timezone.localtime(booking.starts_at),
                "ended_at": timezone.localtime(booking.ends_at),
                "mode": booking.mode,
                "operator": booking.operator_id,
            },
        )
        if open_booking and may_log
        else None,
        "reason_form": ReasonForm(),
    }
    return render(request, "facilities/booking_detail.html", context)


@login_required
@require_POST
def booking_cancel(request, pk: int):
    """The project's users (before the cancelling notice) and the site's operators: cancel the booking."""
    booking = _booking_or_403(request, pk)
    _outcome(
        request,
        lambda: services.booking_cancel(
            booking=booking, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("The booking is cancelled."),
    )
    return redirect(booking)


@login_required
@require_POST
def booking_no_show(request, pk: int):
    """The site's facility operators: nobody came."""
    booking = _booking_or_403(request, pk)
    _outcome(
        request,
        lambda: services.booking_no_show(booking=booking, actor=request.user),
        _("The no-show is recorded."),
    )
    return redirect(booking)


@login_required
@require_POST
def grid_add(request, pk: int):
    """The project's users and the site's operators: a grid screened at this E1 session."""
    booking = _booking_or_403(request, pk)
    form = GridForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(booking)
    data = dict(form.cleaned_data)
    sample = Sample.objects.filter(project=booking.project, name=data.pop("sample").strip()).first()
    if sample is None:
        messages.error(request, _("The project has no such sample; add it on the project's page first."))
        return redirect(booking)
    _outcome(
        request,
        lambda: services.grid_record_add(booking=booking, sample=sample, actor=request.user, **data),
        _("The grid is recorded."),
    )
    return redirect(booking)


@login_required
@require_POST
def session_add(request, pk: int):
    """The site's facility operators: the session log that closes the booking and charges it."""
    booking = _booking_or_403(request, pk)
    require(request.user, "facilities.add_usagesession", booking)
    form = SessionForm(
        request.POST,
        operators=User.objects.filter(pk__in=booking.instrument.qualifications.values("user_id")),
    )
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
    else:
        _outcome(
            request,
            lambda: services.session_log(booking=booking, actor=request.user, **form.cleaned_data),
            _("The session is logged and charged."),
        )
    return redirect(booking)


@login_required
@page_errors
def my_bookings(request):
    """Any signed-in user: the bookings of their projects, and of the sites they operate."""
    require(request.user, "facilities.view_instrument")
    bookings = paginate(request, selectors.booking_list(user=request.user).order_by("-starts_at"))
    return render(request, "facilities/booking_list.html", {"bookings": bookings})


# --- billing
@login_required
def billing(request):
    """Researchers, companies, hub staff and facility operators: the example tariffs, the billing accounts of
    their projects with balances, their invoices; operators record payments into deposits and issue
    invoices."""
    require(request.user, "facilities.list_projects")
    projects = selectors.project_list(user=request.user)
    accounts = Account.objects.filter(pk__in=projects.values("billing_account_id")).select_related(
        "organisation"
    )
    operator = request.user.has_perm("facilities.manage_billing")
    sites = Organisation.objects.filter(pk__in=selectors.operated_site_ids(request.user))
    if request.method == "POST":
        require(request.user, "facilities.manage_billing")
        if "amount_yen" in request.POST:
            form = TopUpForm(request.POST, accounts=accounts.filter(kind=AccountKind.DEPOSIT))
            if form.is_valid():
                _outcome(
                    request,
                    lambda: services.deposit_top_up(actor=request.user, **form.cleaned_data),
                    _("The payment is recorded."),
                )
            else:
                messages.error(request, form_errors_text(form))
        else:
            form = InvoiceMonthForm(request.POST, sites=sites)
            if form.is_valid():
                year, month = (int(part) for part in form.cleaned_data["month"].split("-"))
                issued = []

                def write():
                    issued.extend(
                        services.invoices_issue_month(
                            site=form.cleaned_data["site"], year=year, month=month, actor=request.user
                        )
                    )

                try:
                    write()
                except ValidationError as error:
                    messages.error(request, refusal_text(error))
                else:
                    if issued:
                        numbers = ", ".join(invoice.number for invoice in issued)
                        messages.success(request, _("Invoices issued: %(numbers)s.") % {"numbers": numbers})
                    else:
                        messages.info(request, _("Nothing to invoice for that month."))
            else:
                messages.error(request, form_errors_text(form))
        return redirect("facilities:billing")
    invoices = (
        Invoice.objects.filter(account__in=accounts)
        .select_related("issuer", "organisation")
        .prefetch_related("lines")
    )
    if operator:
        invoices = invoices | Invoice.objects.filter(issuer__in=sites)
    context = {
        "tariffs": Tariff.objects.all(),
        "accounts": [(account, services.committed_yen(account)) for account in accounts],
        "invoices": invoices.distinct()[:50],
        "operator": operator,
        "topup_form": TopUpForm(accounts=accounts.filter(kind=AccountKind.DEPOSIT)) if operator else None,
        "invoice_form": InvoiceMonthForm(sites=sites) if operator and sites.exists() else None,
    }
    return render(request, "facilities/billing.html", context)


USAGE_COLUMNS = [
    Column(_lazy("Instrument")),
    Column(_lazy("Site")),
    Column(_lazy("Tier")),
    Column(_lazy("Project")),
    Column(_lazy("User class")),
    Column(_lazy("Results")),
    Column(_lazy("Start"), ColumnKind.DATETIME),
    Column(_lazy("End"), ColumnKind.DATETIME),
    Column(_lazy("Mode")),
    Column(_lazy("Operator")),
    Column(_lazy("Data volume (GB)"), ColumnKind.INTEGER),
    Column(_lazy("Units"), ColumnKind.INTEGER),
    Column(_lazy("Unit")),
    Column(_lazy("Unit price (yen, example)"), ColumnKind.YEN),
    Column(_lazy("Charge before tax (yen)"), ColumnKind.YEN),
    Column(_lazy("Consumption tax (yen)"), ColumnKind.YEN),
    Column(_lazy("Invoice")),
]


@login_required
def usage_export(request, file_format: str):
    """Researchers, companies, hub staff, operators: the session logs of the projects they may see, as CSV or
    Excel (the tariffs are examples)."""
    require(request.user, "facilities.export_usage")
    sessions = UsageSession.objects.filter(
        booking__in=selectors.booking_list(user=request.user)
    ).select_related("booking__instrument__site", "booking__project", "operator", "invoice")
    rows = (
        [
            str(s.booking.instrument),
            str(s.booking.instrument.site),
            s.booking.instrument.tier,
            str(s.booking.project),
            s.booking.project.get_user_class_display(),
            s.booking.project.get_results_display(),
            s.started_at,
            s.ended_at,
            s.get_mode_display(),
            str(s.operator),
            s.data_volume_gb,
            s.quantity,
            s.get_unit_display(),
            s.unit_price_yen,
            s.charge_yen,
            s.tax_yen,
            s.invoice.number if s.invoice else "",
        ]
        for s in sessions
    )
    columns = [Column(str(c.header), c.kind) for c in USAGE_COLUMNS]
    return export_response(
        columns=columns, rows=rows, filename="cryo-em-usage", fmt=file_format, title=_("Usage")
    )


@login_required
def billing_export(request, file_format: str):
    """Researchers, companies, hub staff, operators: the postings of the billing accounts they may see."""
    require(request.user, "facilities.export_usage")
    from kiban.ledger.models import Posting

    accounts = selectors.project_list(user=request.user).values("billing_account_id")
    postings = Posting.objects.filter(account_id__in=accounts).select_related(
        "account__organisation", "invoice"
    )
    columns = [
        Column(_("Organisation")),
        Column(_("Account")),
        Column(_("Booked on"), ColumnKind.DATE),
        Column(_("Description")),
        Column(_("Amount (yen)"), ColumnKind.YEN),
        Column(_("Balance after (yen)"), ColumnKind.YEN),
        Column(_("Invoice")),
    ]
    rows = (
        [
            str(p.account.organisation),
            p.account.label,
            p.booked_on,
            p.description,
            p.amount_yen,
            p.balance_after_yen,
            p.invoice.number if p.invoice else "",
        ]
        for p in postings
    )
    return export_response(
        columns=columns, rows=rows, filename="cryo-em-billing", fmt=file_format, title=_("Billing")
    )


# --- feeds
@login_required
def feed_tokens(request):
    """Any signed-in user: their private calendar feed URLs, made and revoked here."""
    require(request.user, "facilities.add_feedtoken")
    if request.method == "POST":
        revoke = request.POST.get("revoke", "")
        if revoke:
            token = FeedToken.objects.filter(
                user=request.user, pk=revoke if revoke.isdigit() and len(revoke) < 12 else 0
            ).first()
            if token is None:
                raise Http404
            _outcome(
                request,
                lambda: services.feed_token_revoke(token=token, actor=request.user),
                _("The feed is revoked; its URL no longer answers."),
            )
        else:
            _outcome(
                request, lambda: services.feed_token_create(actor=request.user), _("A private feed is made.")
            )
        return redirect("facilities:feeds")
    tokens = FeedToken.objects.filter(user=request.user)
    return render(
        request, "facilities/feeds.html", {"tokens": tokens, "instruments": selectors.instrument_list()}
    )


def feed(request, token: str, pk: int | None = None):
    """Whoever holds the private URL of a live token: the token's user's bookings (or one instrument's, with
    others' bookings only as "booked") as iCalendar."""
    found = FeedToken.objects.filter(token=token[:64], revoked_at__isnull=True).select_related("user").first()
    if found is None or not found.user.is_active:
        raise Http404
    instrument = get_object_or_404(Instrument, pk=pk) if pk is not None else None
    body = feeds.calendar(user=found.user, instrument=instrument, base=request.build_absolute_uri("/"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# --- turnaround
@login_required
def dashboard(request):
    """Facility operators, the ministry and the agency: the network's sessions and days from first grid to
    first E2 dataset against the seed's 7 sessions / 8 days (goal 1 / 1) and per site the queue, over every
    project; per project only for the projects the reader may open (operators: their site's), so that no
    title, proprietary ones included, reaches a reader outside the project and its host site."""
    require(request.user, "facilities.view_dashboard")
    rows = selectors.project_turnaround(FacilityProject.objects.select_related("site").order_by("pk"))
    measured = [r for r in rows if r.days is not None]
    visible = set(selectors.project_list(user=request.user).values_list("pk", flat=True))
    queues = selectors.site_queues()
    mean_sessions = sum(r.sessions for r in measured) / len(measured) if measured else None
    mean_days = sum(r.days for r in measured) / len(measured) if measured else None
    network = [
        Bar(_("Seed: preliminary work (days)"), selectors.BASELINE_DAYS, str(selectors.BASELINE_DAYS)),
        Bar(_("Goal (days)"), selectors.GOAL_DAYS, str(selectors.GOAL_DAYS)),
    ]
    if mean_days is not None:
        network.append(Bar(_("Network now, mean (days)"), mean_days, f"{mean_days:.1f}"))
    charts = [
        bar_chart(
            chart_id="network-days",
            title=_("Days from first grid to first E2 dataset, network-wide"),
            bars=network,
        ),
        bar_chart(
            chart_id="site-queue",
            title=_("Days from request to first session, mean per site"),
            bars=[Bar(str(q.site), q.mean_days, f"{q.mean_days:.1f}") for q in queues],
        ),
    ]
    own = [Bar(str(r.project), r.days, str(r.days)) for r in measured if r.project.pk in visible]
    if own:
        charts.insert(
            1,
            bar_chart(
                chart_id="project-days",
                title=_("Days from first grid to first E2 dataset, per project"),
                bars=own,
            ),
        )
    context = {
        "rows": [r for r in rows if (r.first_grid or r.first_dataset) and r.project.pk in visible],
        "queues": queues,
        "charts": charts,
        "mean_sessions": mean_sessions,
        "mean_days": mean_days,
        "baseline": (selectors.BASELINE_SESSIONS, selectors.BASELINE_DAYS),
        "goal": (selectors.GOAL_SESSIONS, selectors.GOAL_DAYS),
    }
    return render(request, "facilities/dashboard.html", context)
