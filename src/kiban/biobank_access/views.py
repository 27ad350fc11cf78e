"""Pages of access requests to the biobanks (分譲): my requests, a new request from a saved search, a request
with its parts and their timelines, the biobank's desk, and a part with its next steps and agreement.
Counts are only ever those the researcher was shown (disclosure control); no page shows a participant."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.agreements.models import Agreement
from kiban.biobank.models import SavedSearch
from kiban.core import disclosure
from kiban.core.errors import refusal_text
from kiban.core.inputs import MAX_ID, InputError, whole_number
from kiban.core.language import is_japanese
from kiban.core.pages import act, paginate
from kiban.core.permissions import require
from kiban.reviews.selectors import rounds_for
from kiban.submissions.services import transition_refusal

from . import selectors, services
from .choices import PartState
from .forms import (
    AgreementSendForm,
    AgreementSignForm,
    ConditionsForm,
    DocumentForm,
    InternalNoteForm,
    MessageForm,
    NewRequestForm,
    NoteForm,
    ProvideForm,
    ReasonForm,
    RequestForm,
    WithdrawForm,
)
from .models import AccessPart, AccessRequest, reminder_days


def signed_in(view):
    return login_required(wraps(view)(view))


def _address(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _collections(part: AccessPart) -> list[tuple[str, str, str]]:
    japanese = is_japanese()
    return [
        (c["code"], c["name"] if japanese or not c.get("name_en") else c["name_en"], c["shown"])
        for c in part.collections_shown
    ]


# --- the researcher's pages
@signed_in
def request_list(request):
    """Researchers (biobank_access.list_accessrequests): their own requests with each biobank's answer."""
    require(request.user, "biobank_access.list_accessrequests")
    page = paginate(request, selectors.request_list(user=request.user))
    rows = [(r, selectors.overall_of(r, list(r.parts.all()))) for r in page]
    return render(request, "biobank_access/request_list.html", {"page": page, "rows": rows})


def _request_fields(data: dict) -> dict:
    return {name: data[name] for name in services.REQUEST_FIELDS if name in data}


@signed_in
def request_new(request):
    """Researchers (biobank_access.add_accessrequest): a draft from one of their own saved searches, with the
    counts they are shown per biobank."""
    require(request.user, "biobank_access.add_accessrequest")
    searches = SavedSearch.objects.filter(user=request.user)
    chosen = None
    preview = None
    status = 200
    if request.method == "POST":
        form = NewRequestForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                access = services.request_create(
                    actor=request.user,
                    saved_search=data["saved_search"],
                    biobanks=data["biobanks"],
                    title=data["title"],
                    address=_address(request),
                    **_request_fields({k: v for k, v in data.items() if k != "title"}),
                )
            except disclosure.QueryBudgetExhausted as refusal:
                form.add_error(None, refusal.message)
            except ValidationError as error:
                form.add_error(None, refusal_text(error))
            else:
                messages.success(request, _("The draft is saved; complete it and submit it."))
                return redirect(access)
        status = 400
        chosen = form.cleaned_data.get("saved_search") if hasattr(form, "cleaned_data") else None
    else:
        try:
            search_id = whole_number(request.GET.get("search") or "0", name="search", maximum=MAX_ID)
        except InputError:
            search_id = 0  # not a search of theirs: the page asks them to choose one
        chosen = searches.filter(pk=search_id).first() if search_id else None
        initial = {"wants_data": True}
        if chosen is not None:
            initial.update(saved_search=chosen.pk, title=chosen.name)
        form = NewRequestForm(initial=initial, user=request.user)
    if chosen is not None:
        try:
            total, counts = services._counts(
                criteria=chosen.criteria, actor=request.user, address=_address(request)
            )
            preview = {"total": total, "counts": counts}
        except disclosure.QueryBudgetExhausted as refusal:
            messages.error(request, refusal.message)
        except ValidationError as error:
            messages.error(request, refusal_text(error))
    biobanks = list(form.fields["biobanks"].queryset)
    preview_rows = (
        [(biobank, preview["counts"].get(biobank.pk, ("", []))[0]) for biobank in biobanks] if preview else []
    )
    return render(
        request,
        "biobank_access/request_new.html",
        {
            "form": form,
            "searches": searches,
            "chosen": chosen,
            "preview": preview,
            "preview_rows": preview_rows,
        },
        status=status,
    )


@signed_in
def request_detail(request, pk: int):
    """The researcher, and the curators of the biobanks addressed (biobank_access.view_accessrequest): the
    request, its ethics approval and, per biobank, the counts shown, the state and the timeline. A curator
    sees only their own biobank's part, and the overall state read from it alone (never the request's own
    state, which follows every biobank's part)."""
    access = get_object_or_404(AccessRequest.objects.select_related("organisation", "irb_document"), pk=pk)
    require(request.user, "biobank_access.view_accessrequest", access)
    user = request.user
    all_parts = list(access.parts.select_related("biobank__organisation").prefetch_related("events__actor"))
    parts = selectors.visible_parts(user=user, request=access, parts=all_parts)
    is_applicant = user.has_perm("biobank_access.submit_accessrequest", access)
    can_change = user.has_perm("biobank_access.change_accessrequest", access)
    context = {
        "access": access,
        "overall": selectors.overall_of(access, parts),
        "parts": [(p, _collections(p), selectors.timeline(part=p)) for p in parts],
        "is_applicant": is_applicant,
        "can_change": can_change,
        # The lifecycle's own rule (submissions), and none of the biobanks has approved its part yet.
        "can_withdraw": is_applicant
        and transition_refusal(access, "withdraw") is None
        and not any(p.state in services.APPROVED_PART_STATES for p in all_parts),
        "problems": access.submission_problems() if can_change else [],
        "document_form": DocumentForm(),
        "withdraw_form": WithdrawForm(),
    }
    return render(request, "biobank_access/request_detail.html", context)


@signed_in
def request_edit(request, pk: int):
    """The researcher, while the request is a draft (biobank_access.change_accessrequest)."""
    access = get_object_or_404(AccessRequest, pk=pk)
    require(request.user, "biobank_access.change_accessrequest", access)
    status = 200
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.request_update(
                    request=access,
                    actor=request.user,
                    biobanks=data["biobanks"],
                    address=_address(request),
                    **_request_fields(data),
                )
            except disclosure.QueryBudgetExhausted as refusal:
                form.add_error(None, refusal.message)
            except ValidationError as error:
                form.add_error(None, refusal_text(error))
            else:
                messages.success(request, _("The draft is saved."))
                return redirect(access)
        status = 400
    else:
        initial = {name: getattr(access, name) for name in services.REQUEST_FIELDS}
        initial["biobanks"] = list(access.parts.values_list("biobank_id", flat=True))
        form = RequestForm(initial=initial)
    return render(
        request, "biobank_access/request_edit.html", {"form": form, "access": access}, status=status
    )


@signed_in
@require_POST
def request_document(request, pk: int):
    """The researcher, on the draft: uploads the ethics approval document (size and type checked)."""
    access = get_object_or_404(AccessRequest, pk=pk)
    require(request.user, "biobank_access.change_accessrequest", access)
    form = DocumentForm(request.POST, request.FILES)
    return act(
        request,
        access,
        lambda: services.request_irb_attach(
            request=access, upload=form.cleaned_data["file"], actor=request.user
        ),
        _("The ethics approval document is attached."),
        form=form,
    )


@signed_in
@require_POST
def request_submit(request, pk: int):
    """The researcher (biobank_access.submit_accessrequest): sends the complete draft to its biobanks."""
    access = get_object_or_404(AccessRequest, pk=pk)
    require(request.user, "biobank_access.submit_accessrequest", access)
    return act(
        request,
        access,
        lambda: services.request_submit(request=access, actor=request.user),
        _("The request is sent; each biobank answers its own part."),
    )


@signed_in
@require_POST
def request_withdraw(request, pk: int):
    """The researcher (biobank_access.withdraw_accessrequest), before any biobank has approved."""
    access = get_object_or_404(AccessRequest, pk=pk)
    require(request.user, "biobank_access.withdraw_accessrequest", access)
    form = WithdrawForm(request.POST)
    return act(
        request,
        access,
        lambda: services.request_withdraw(
            request=access, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The request is withdrawn."),
        form=form,
    )


# --- the biobank's pages
@signed_in
def desk(request):
    """Biobank curators (biobank_access.view_desk): the parts addressed to their biobanks, oldest step first,
    with their age in days and the overdue ones marked; ?all=1 also lists the ended ones."""
    require(request.user, "biobank_access.view_desk")
    show_all = request.GET.get("all") == "1"
    page = paginate(request, selectors.desk_parts(user=request.user, open_only=not show_all))
    now = timezone.now()
    rows = [(part, part.age_days(now), part.is_overdue(now)) for part in page]
    return render(
        request,
        "biobank_access/desk.html",
        {"page": page, "rows": rows, "show_all": show_all, "reminder_days": reminder_days()},
    )


@signed_in
def part_detail(request, pk: int):
    """The researcher and the curators of the part's biobank (biobank_access.view_accesspart): the part's
    state, timeline, conditions and agreements; the curators also the next steps and their internal note."""
    part = get_object_or_404(
        AccessPart.objects.select_related(
            "request__organisation", "request__irb_document", "biobank__organisation"
        ),
        pk=pk,
    )
    require(request.user, "biobank_access.view_accesspart", part)
    user = request.user
    can_handle = (
        user.has_perm("biobank_access.handle_accesspart", part)
        and part.request.state in services.HANDLED_STATES
    )
    agreements = services.part_agreements(part)
    context = {
        "part": part,
        "access": part.request,
        "collections": _collections(part),
        "timeline": selectors.timeline(part=part),
        "can_handle": can_handle,
        "can_read_note": user.has_perm("biobank_access.view_internal_note", part),
        "agreements": agreements,
        "visible_agreement_ids": {a.pk for a in agreements if user.has_perm("agreements.view_agreement", a)},
        "required_kinds": services.required_kinds(part.request),
        "missing": services.missing_agreements(part),
        "rounds": list(rounds_for(part)) if can_handle else [],
        "age": part.age_days(),
        "overdue": part.is_overdue(),
        "states": PartState,
        "note_form": NoteForm(),
        "reason_form": ReasonForm(),
        "conditions_form": ConditionsForm(),
        "provide_form": ProvideForm(),
        "send_form": AgreementSendForm(),
        "sign_forms": {
            a.pk: AgreementSignForm(initial={"signed_on": timezone.localdate()}, auto_id=f"id_sign{a.pk}_%s")
            for a in agreements
        },
        "internal_form": InternalNoteForm(initial={"note": part.internal_note}),
        "part_messages": part.messages.select_related("author"),
        "can_write": user.has_perm("biobank_access.add_partmessage", part),
        "message_form": MessageForm(),
    }
    return render(request, "biobank_access/part_detail.html", context)


# Each next-step button: the form it posts and the service it calls.
STEPS = {
    "check": (
        NoteForm,
        lambda part, data, actor: services.part_check_start(part=part, actor=actor, note=data["note"]),
    ),
    "available": (
        NoteForm,
        lambda part, data, actor: services.part_mark_available(part=part, actor=actor, note=data["note"]),
    ),
    "unavailable": (
        ReasonForm,
        lambda part, data, actor: services.part_mark_unavailable(
            part=part, actor=actor, reason=data["reason"]
        ),
    ),
    "conditions": (
        ConditionsForm,
        lambda part, data, actor: services.part_conditions_indicate(
            part=part, actor=actor, conditions=data["conditions"]
        ),
    ),
    "conditions-met": (
        NoteForm,
        lambda part, data, actor: services.part_conditions_met(part=part, actor=actor, note=data["note"]),
    ),
    "provide": (
        ProvideForm,
        lambda part, data, actor: services.part_provide(part=part, actor=actor, note=data["note"]),
    ),
}


@signed_in
@require_POST
def part_step(request, pk: int, step: str):
    """The curators of the part's biobank (biobank_access.handle_accesspart): one next step."""
    part = get_object_or_404(AccessPart, pk=pk)
    require(request.user, "biobank_access.handle_accesspart", part)
    if step not in STEPS:
        messages.error(request, _("There is no step “%(step)s”.") % {"step": step[:40]})
        return redirect(part)
    form_class, write = STEPS[step]
    form = form_class(request.POST)
    return act(
        request,
        part,
        lambda: write(part, form.cleaned_data, request.user),
        _("Recorded; the researcher is told."),
        form=form,
    )


@signed_in
@require_POST
def part_agreement_send(request, pk: int):
    """The curators of the part's biobank: draft the approved part's agreements, send them for signature."""
    part = get_object_or_404(AccessPart, pk=pk)
    require(request.user, "biobank_access.handle_accesspart", part)
    form = AgreementSendForm(request.POST)
    return act(
        request,
        part,
        lambda: services.part_agreement_send(
            part=part, actor=request.user, reference=form.cleaned_data["reference"]
        ),
        _("The agreement is sent for signature."),
        form=form,
    )


@signed_in
@require_POST
def part_agreement_sign(request, pk: int, agreement_id: int):
    """The curators of the part's biobank: record an agreement of the part signed, with the signed copy."""
    part = get_object_or_404(AccessPart, pk=pk)
    require(request.user, "biobank_access.handle_accesspart", part)
    agreement = get_object_or_404(Agreement.objects.about(part), pk=agreement_id)
    form = AgreementSignForm(request.POST, request.FILES)
    return act(
        request,
        part,
        lambda: services.part_agreement_sign(
            part=part,
            agreement=agreement,
            signed_on=form.cleaned_data["signed_on"],
            signed_file=form.cleaned_data["signed_file"],
            actor=request.user,
        ),
        _("The agreement is recorded as signed."),
        form=form,
    )


@signed_in
@require_POST
def part_note(request, pk: int):
    """The curators of the part's biobank: their internal note (nobody else reads it)."""
    part = get_object_or_404(AccessPart, pk=pk)
    require(request.user, "biobank_access.handle_accesspart", part)
    form = InternalNoteForm(request.POST)
    return act(
        request,
        part,
        lambda: services.part_note_set(part=part, actor=request.user, note=form.cleaned_data["note"]),
        _("The internal note is saved."),
        form=form,
    )


@signed_in
@require_POST
def part_message(request, pk: int):
    """The researcher and the curators of the part's biobank (biobank_access.add_partmessage): a message to
    the other side about this part."""
    part = get_object_or_404(AccessPart, pk=pk)
    require(request.user, "biobank_access.add_partmessage", part)
    form = MessageForm(request.POST)
    return act(
        request,
        part,
        lambda: services.part_message_post(part=part, actor=request.user, body=form.cleaned_data["body"]),
        _("The message is sent."),
        form=form,
    )
