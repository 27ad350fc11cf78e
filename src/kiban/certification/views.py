"""Pages of certification: certified institutions, applications mirroring the source's table, calls."""

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from kiban.core.errors import form_errors_text, refusal_text
from kiban.core.forms import AttachmentForm
from kiban.core.models import Organisation
from kiban.core.pages import PageError, act, page_errors, paginate
from kiban.core.permissions import require
from kiban.core.selectors import attachments_for, hub_group_ids
from kiban.reviews.registry import adapter_for
from kiban.submissions import services as lifecycle
from kiban.submissions.models import Call

from . import selectors, services
from .choices import (
    CATEGORY_ARTICLES,
    CATEGORY_TERMS,
    CLASS_TERMS,
    FunctionCategory,
    FunctionClass,
    OutcomeKind,
)
from .forms import (
    ApplicationStartForm,
    CallEntryForm,
    CallForm,
    FunctionTableForm,
    OutcomesForm,
    ReturnForm,
    StaffMemberForm,
    StatementsForm,
    TrainingRecordForm,
    ValidityForm,
)
from .models import Certificate, CertificationApplication, StaffMember, TrainingRecord

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _day(request) -> datetime.date:
    """The day asked for in ?on=YYYY-MM-DD, today when absent, or a PageError (400) for anything else."""
    raw = request.GET.get("on", "").strip()
    if not raw:
        return timezone.localdate()
    if _ISO_DAY.fullmatch(raw):  # fromisoformat alone also reads 20240401 and 2024-W14-1
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            pass  # a day that does not exist (2024-02-30) is refused below like any other text
    raise PageError(
        400, _("“%(value)s” is not a day: write it as YYYY-MM-DD, for example 2024-04-01.") % {"value": raw}
    )


def _form_page(request, form, *, heading: str, back: tuple[str, str], status: int, intro: str = "", **extra):
    return render(
        request,
        "certification/form.html",
        {
            "form": form,
            "heading": heading,
            "back_url": back[0],
            "back_label": back[1],
            "intro": intro,
            **extra,
        },
        status=status,
    )


# --- certified institutions (every signed-in user)
@login_required
@page_errors
def certified_list(request):
    """Any signed-in user: the institutions certified on a day (today unless ?on=) and every certificate."""
    require(request.user, "certification.view_certificate")
    day = _day(request)
    return render(
        request,
        "certification/certified_list.html",
        {
            "day": day,
            "valid": list(selectors.certified_institutions(on=day)),
            "certificates": paginate(request, selectors.certificate_list()),
            "can_list_applications": request.user.has_perm("certification.list_applications"),
        },
    )


@login_required
def certificate_detail(request, pk: int):
    """Any signed-in user: one certificate, its validity and its renewals."""
    require(request.user, "certification.view_certificate")
    certificate = get_object_or_404(
        Certificate.objects.select_related("organisation", "application__round", "renews", "issued_by"), pk=pk
    )
    return render(
        request,
        "certification/certificate_detail.html",
        {
            "certificate": certificate,
            "today": timezone.localdate(),
            "renewed_by": certificate.renewed_by.all(),
            "can_change": request.user.has_perm("certification.change_certificate"),
            "can_view_application": request.user.has_perm(
                "certification.view_certificationapplication", certificate.application
            ),
        },
    )


@login_required
def certificate_validity(request, pk: int):
    """Ministry officials only: a validity other than five years, as the decision says, with a reason."""
    require(request.user, "certification.change_certificate")
    certificate = get_object_or_404(Certificate.objects.select_related("organisation"), pk=pk)
    form = ValidityForm(request.POST or None, initial={"valid_until": certificate.valid_until})
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_validity_change(
                certificate=certificate,
                valid_until=form.cleaned_data["valid_until"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The validity is changed and the change is recorded."))
            return redirect(certificate)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        heading=_("Validity of certificate %(number)s") % {"number": certificate.number},
        back=(certificate.get_absolute_url(), certificate.number),
        intro=_("A certificate is valid five years unless the decision says otherwise."),
        status=status,
    )


# --- applications
@login_required
@page_errors
def application_list(request):
    """Hub staff (their institution's), the ministry and the agency (all): applications by round."""
    require(request.user, "certification.list_applications")
    return render(
        request,
        "certification/application_list.html",
        {
            "applications": paginate(request, selectors.application_list(user=request.user)),
            "can_start": request.user.has_perm("certification.add_certificationapplication"),
        },
    )


@login_required
def application_start(request):
    """Hub staff: start a draft application (or a renewal) for their institution in an open round."""
    require(request.user, "certification.add_certificationapplication")
    organisations = selectors.hub_organisations(user=request.user)
    form = ApplicationStartForm(
        request.POST or None,
        rounds=selectors.open_rounds(on=timezone.localdate()),
        organisations=organisations,
        certificates=Certificate.objects.filter(organisation__in=organisations),
        initial={"organisation": organisations.first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft application is started."))
            return redirect(application)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        heading=_("Start a certification application"),
        back=(reverse("certification:application-list"), _("Certification applications")),
        intro=_("Choose the round and your institution; for a renewal, the certificate it continues."),
        status=status,
        submit_label=pgettext("button", "Start"),
    )


def _application_or_403(request, pk: int, *, perm: str = "certification.view_certificationapplication"):
    application = get_object_or_404(
        CertificationApplication.objects.select_related("round", "organisation", "renews"), pk=pk
    )
    require(request.user, "certification.view_certificationapplication", application)
    if perm != "certification.view_certificationapplication":
        require(request.user, perm, application)
    return application


def _editable(request, pk: int) -> CertificationApplication:
    return _application_or_403(request, pk, perm="certification.change_certificationapplication")


@login_required
def application_detail(request, pk: int):
    """The applicant's hub staff, assigned reviewers, the ministry and the agency: the whole application."""
    _application_or_403(request, pk)
    application = selectors.application_detail(pk=pk)
    can_change = request.user.has_perm("certification.change_certificationapplication", application)
    review_rounds = selectors.review_rounds(application=application)
    can_manage_review = adapter_for(application).can_manage(request.user, application)
    return render(
        request,
        "certification/application_detail.html",
        {
            "application": application,
            "table": selectors.function_table(application=application),
            "roster": selectors.roster(application=application),
            "outcomes": selectors.outcome_comparison(application=application),
            "training": application.training.all(),
            "attachments": attachments_for(application),
            "attachment_form": AttachmentForm(),
            "problems": application.submission_problems() if can_change else [],
            "can_change": can_change,
            "can_return": request.user.has_perm("certification.return_certificationapplication", application)
            and lifecycle.transition_refusal(application, "return") is None,
            "return_form": ReturnForm(),
            "can_withdraw": request.user.has_perm(
                "certification.withdraw_certificationapplication", application
            )
            and lifecycle.transition_refusal(application, "withdraw") is None,
            "review_rounds": review_rounds,
            "can_manage_review": can_manage_review,
            "can_open_review": can_manage_review and services.review_opening_refusal(application) is None,
            "certificate": getattr(application, "certificate", None),
        },
    )


@login_required
def application_statements(request, pk: int):
    """The applicant's hub staff, while editable: requirements A–D."""
    application = _editable(request, pk)
    form = StatementsForm(request.POST or None, instance=application)
    if request.method == "POST" and form.is_valid():
        services.application_update_statements(
            application=application, actor=request.user, **{k: form.cleaned_data[k] for k in form.Meta.fields}
        )
        messages.success(request, _("Requirements A–D are saved."))
        return redirect(application)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        heading="認定要件",
        back=(application.get_absolute_url(), str(application)),
        intro=_("State how the institution meets each requirement."),
        status=status,
    )


@login_required
def application_functions(request, pk: int):
    """The applicant's hub staff, while editable: the function table, class by class and column by column."""
    application = _editable(request, pk)
    application = selectors.application_detail(pk=application.pk)
    items = list(selectors.function_items(categories=selectors.ANSWERED_CATEGORIES))
    hub_ids = set(hub_group_ids([application.organisation.pk]))
    initial_rows = {
        r.item_id: {
            "provision": r.provision,
            "partners": list(r.partners.all()),
            "description": r.description,
        }
        for r in application.responses.all()
    }
    form = FunctionTableForm(
        request.POST or None,
        items=items,
        partner_choices=Organisation.objects.exclude(pk__in=hub_ids).order_by("kind", "name"),
        initial_rows=initial_rows,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.function_responses_save(
                    application=application, answers=form.answers(), actor=request.user
                )
            except ValidationError as error:
                for code, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(f"{code}-provision", problem)
            else:
                messages.success(request, _("The function table is saved."))
                return redirect(application)
        status = 400
    blocks = []
    for function_class in FunctionClass:
        cells = []
        for category in selectors.ANSWERED_CATEGORIES:
            rows = [
                (item, form.bound_rows(item))
                for item in items
                if item.function_class == function_class and item.category == category
            ]
            if rows:
                cells.append(
                    {
                        "term": CATEGORY_TERMS[FunctionCategory(category)],
                        "label": FunctionCategory(category).label,
                        "article": CATEGORY_ARTICLES[FunctionCategory(category)],
                        "rows": rows,
                    }
                )
        blocks.append({"term": CLASS_TERMS[function_class], "label": function_class.label, "cells": cells})
    return render(
        request,
        "certification/application_functions.html",
        {"form": form, "application": application, "blocks": blocks},
        status=status,
    )


def _roster_organisations(application: CertificationApplication):
    """The hub and, for class ② roles, any partner organisation."""
    return Organisation.objects.order_by("kind", "name").filter(
        Q(pk__in=set(hub_group_ids([application.organisation.pk])))
        | ~Q(kind__in=["ministry", "funding_agency"])
    )


@login_required
def application_staff(request, pk: int):
    """The applicant's hub staff, while editable: the roster by the source's roles, with FTE."""
    application = _editable(request, pk)
    form = StaffMemberForm(
        request.POST or None,
        organisations=_roster_organisations(application),
        initial={"organisation": application.organisation},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.staff_member_add(application=application, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("%(name)s is on the roster.") % {"name": form.cleaned_data["person_name"]}
                )
                return redirect("certification:application-staff", pk=application.pk)
        status = 400
    application = selectors.application_detail(pk=application.pk)
    return render(
        request,
        "certification/application_staff.html",
        {"form": form, "application": application, "roster": selectors.roster(application=application)},
        status=status,
    )


@login_required
@require_POST
def staff_remove(request, pk: int, member_pk: int):
    application = _editable(request, pk)
    member = get_object_or_404(StaffMember, pk=member_pk, application=application)
    services.staff_member_remove(member=member, actor=request.user)
    messages.success(request, _("%(name)s is removed from the roster.") % {"name": member.person_name})
    return redirect("certification:application-staff", pk=application.pk)


@login_required
def application_outcomes(request, pk: int):
    """The applicant's hub staff, while editable: its own outcome figures for the last five fiscal years."""
    application = _editable(request, pk)
    form = OutcomesForm(
        request.POST or None,
        fiscal_years=application.round.outcome_fiscal_years,
        initial_counts={(o.fiscal_year, o.kind): o.count for o in application.outcomes.all()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reported_outcomes_save(application=application, counts=form.counts(), actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The outcome figures are saved."))
            return redirect(application)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "certification/application_outcomes.html",
        {"form": form, "application": application, "kinds": list(OutcomeKind)},
        status=status,
    )


@login_required
def application_training(request, pk: int):
    """The applicant's hub staff, while editable: training of specialists and researchers."""
    application = _editable(request, pk)
    form = TrainingRecordForm(
        request.POST or None, initial={"fiscal_year": application.round.fiscal_year - 1}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.training_record_add(application=application, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The training is recorded."))
                return redirect("certification:application-training", pk=application.pk)
        status = 400
    return render(
        request,
        "certification/application_training.html",
        {"form": form, "application": application, "training": application.training.select_related("item")},
        status=status,
    )


@login_required
@require_POST
def training_remove(request, pk: int, record_pk: int):
    application = _editable(request, pk)
    record = get_object_or_404(TrainingRecord, pk=record_pk, application=application)
    services.training_record_remove(record=record, actor=request.user)
    messages.success(request, _("The training record is removed."))
    return redirect("certification:application-training", pk=application.pk)


@login_required
@require_POST
def application_attach(request, pk: int):
    """The applicant's hub staff, while editable: attach evidence."""
    application = _editable(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.application_attach(
                application=application,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, refusal_text(error))
        else:
            messages.success(request, _("The file is attached."))
    else:
        messages.error(request, form_errors_text(form))
    return redirect(application)


@login_required
@require_POST
def application_submit(request, pk: int):
    """The applicant's hub staff: submit a complete draft for review, or resubmit one returned for changes."""
    application = selectors.application_detail(pk=_editable(request, pk).pk)
    return act(
        request,
        application,
        lambda: services.application_submit(application=application, actor=request.user),
        _("The application is submitted for review."),
    )


@login_required
@require_POST
def application_withdraw(request, pk: int):
    """The applicant's hub staff: withdraw an application that is not yet decided."""
    application = _application_or_403(request, pk)
    return act(
        request,
        application,
        lambda: services.application_withdraw(
            application=application, reason=request.POST.get("reason", ""), actor=request.user
        ),
        _("The application is withdrawn."),
    )


@login_required
@require_POST
def application_return(request, pk: int):
    """The ministry and the agency: return a submitted application for changes (差戻し), saying what."""
    application = _application_or_403(request, pk)
    return act(
        request,
        application,
        lambda: services.application_return(
            application=application, reason=request.POST.get("reason", ""), actor=request.user
        ),
        _("The application is returned for changes; the hub's staff are told."),
    )


# --- calls
@login_required
@page_errors
def call_list(request):
    """Any signed-in user: funding calls, and whether they are open to certified institutions only."""
    require(request.user, "certification.view_call")
    return render(
        request,
        "certification/call_list.html",
        {
            "calls": paginate(request, selectors.call_list()),
            "today": timezone.localdate(),
            "can_add": request.user.has_perm("certification.add_call"),
        },
    )


@login_required
def call_create(request):
    """The ministry and the agency: open a call."""
    require(request.user, "certification.add_call")
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = lifecycle.call_create(
                system=selectors.CALL_SYSTEM, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The call is opened."))
            return redirect(call)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        form,
        heading=_("Open a call"),
        back=(reverse("certification:call-list"), _("Calls")),
        status=status,
        submit_label=_("Open"),
    )


@login_required
def call_detail(request, pk: int):
    """Any signed-in user: a call; hub staff enter their institution; entries as each user may see them."""
    require(request.user, "certification.view_call")
    call = get_object_or_404(
        Call.objects.filter(system=selectors.CALL_SYSTEM).select_related("programme"), pk=pk
    )
    can_enter = request.user.has_perm("certification.add_callentry")
    organisations = selectors.hub_organisations(user=request.user)
    form = CallEntryForm(
        request.POST or None, organisations=organisations, initial={"organisation": organisations.first()}
    )
    status = 200
    if request.method == "POST":
        require(request.user, "certification.add_callentry")
        if form.is_valid():
            try:
                services.call_entry_create(call=call, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Your institution is entered."))
                return redirect(call)
        status = 400
    today = timezone.localdate()
    eligibility = [
        (organisation, lifecycle.call_refusal(call=call, organisation=organisation, on=today))
        for organisation in organisations
    ]
    return render(
        request,
        "certification/call_detail.html",
        {
            "call": call,
            "form": form,
            "can_enter": can_enter,
            "eligibility": eligibility,
            "entries": selectors.call_entries(call=call, user=request.user),
            "can_see_entries": request.user.has_perm("certification.view_callentry"),
        },
        status=status,
    )
