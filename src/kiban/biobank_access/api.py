"""API of access requests to the biobanks (分譲): a researcher's requests (list, create from a saved search,
detail, ethics document, submit, withdraw) and the parts as each user may see them, with the biobank's
steps. The same refusals as the pages: a researcher sees their own requests, a biobank's curators only the
parts addressed to their biobank."""

import datetime
from typing import Annotated, Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from kiban.biobank.models import Biobank, SavedSearch
from kiban.core.apikit import WRITE_REFUSALS, ApiError, Page, Rows, responses
from kiban.core.inputs import Id
from kiban.core.permissions import require

from . import selectors, services
from .models import AccessPart, AccessRequest

router = Router(tags=["biobank_access (S5)"])
# A biobank's code (Biobank.code is at most 20 characters); a request goes to at most this many biobanks.
BiobankCode = Annotated[str, Field(max_length=20)]
MAX_BIOBANKS = 50


class PartEventOut(Schema):
    step: str
    state: str
    actor: str | None
    at: datetime.datetime
    note: str


class PartOut(Schema):
    id: int
    request_id: int
    biobank: str
    state: str
    counts_shown: str
    collections_shown: list[dict]
    conditions: str
    outcome_reason: str
    provided_note: str
    moved_at: datetime.datetime
    age_days: int
    overdue: bool
    agreements_missing: list[str]
    timeline: list[PartEventOut]


class RequestSummaryOut(Schema):
    id: int
    title: str
    organisation: str
    state: str | None = Field(
        description="The request's own state: for its researcher only (it follows every biobank's part)."
    )
    overall: str = Field(description="Read from the parts the caller sees (a curator: their biobank's only).")
    submitted_at: datetime.datetime | None
    biobanks: list[str] = Field(description="The biobanks of the parts the caller sees.")


class RequestOut(RequestSummaryOut):
    search_name: str
    criteria: dict | list
    total_shown: str
    project_summary: str
    irb_committee: str
    irb_number: str
    irb_approved_on: datetime.date | None
    irb_document: str | None
    wants_samples: bool
    wants_data: bool
    participants_wanted: int | None
    aliquots_per_participant: int | None
    amount_detail: str
    data_use_terms: str
    terms_accepted: bool
    parts: list[PartOut]
    submission_problems: list[str]


class RequestFieldsIn(Schema):
    project_summary: str = ""
    irb_committee: str = ""
    irb_number: str = ""
    irb_approved_on: datetime.date | None = None
    wants_samples: bool = False
    wants_data: bool = False
    participants_wanted: int | None = None
    aliquots_per_participant: int | None = None
    amount_detail: str = ""
    data_use_terms: str = ""
    terms_accepted: bool = False


class RequestIn(RequestFieldsIn):
    saved_search_id: Id
    biobanks: list[BiobankCode] = Field(max_length=MAX_BIOBANKS)
    title: str


class RequestChangeIn(RequestFieldsIn):
    title: str
    biobanks: list[BiobankCode] | None = Field(None, max_length=MAX_BIOBANKS)


class AccessWithdrawIn(Schema):
    reason: str = ""


class StepIn(Schema):
    step: Literal["check", "available", "unavailable", "conditions", "conditions-met", "provide"]
    note: str = ""


def _event(event) -> dict:
    return {
        "step": event.step,
        "state": event.state,
        "actor": str(event.actor) if event.actor_id else None,
        "at": event.at,
        "note": event.note,
    }


def _part(part: AccessPart, in_force: set[str] | None = None) -> dict:
    return {
        "id": part.pk,
        "request_id": part.request_id,
        "biobank": part.biobank.code,
        "state": part.state,
        "counts_shown": part.counts_shown,
        "collections_shown": part.collections_shown,
        "conditions": part.conditions,
        "outcome_reason": part.outcome_reason,
        "provided_note": part.provided_note,
        "moved_at": part.moved_at,
        "age_days": part.age_days(),
        "overdue": part.is_overdue(),
        "agreements_missing": services.missing_agreements(part, in_force) if part.state == "approved" else [],
        "timeline": [_event(e) for e in selectors.timeline(part=part)],
    }


class PartRows(Rows):
    """The parts of one page, with the agreements in force about them read in one query."""

    def __getitem__(self, window):
        if not isinstance(window, slice):
            return self[window : window + 1][0]
        parts = list(self.queryset[window])
        kinds = selectors.in_force_kinds([p for p in parts if p.state == "approved"])
        return [_part(p, kinds.get(p.pk, set())) for p in parts]


def _summary(
    access: AccessRequest, parts: list[AccessPart] | None = None, *, is_applicant: bool = True
) -> dict:
    """The request in short, from the parts the caller sees (the researcher's list: all of them)."""
    parts = list(access.parts.all()) if parts is None else parts
    return {
        "id": access.pk,
        "title": access.title,
        "organisation": access.organisation.name,
        "state": access.state if is_applicant else None,
        "overall": str(selectors.overall_of(access, parts)),
        "submitted_at": access.submitted_at,
        "biobanks": [p.biobank.code for p in parts],
    }


def _request_out(request, pk: int) -> dict:
    access = get_object_or_404(AccessRequest.objects.select_related("organisation", "irb_document"), pk=pk)
    require(request.user, "biobank_access.view_accessrequest", access)
    user = request.user
    is_applicant = user.has_perm("biobank_access.submit_accessrequest", access)
    parts = selectors.visible_parts(
        user=user, request=access, parts=list(access.parts.select_related("biobank"))
    )
    return {
        **_summary(access, parts, is_applicant=is_applicant),
        "search_name": access.search_name,
        "criteria": access.criteria,
        "total_shown": access.total_shown if is_applicant else "",
        "project_summary": access.project_summary,
        "irb_committee": access.irb_committee,
        "irb_number": access.irb_number,
        "irb_approved_on": access.irb_approved_on,
        "irb_document": access.irb_document.original_name if access.irb_document_id else None,
        "wants_samples": access.wants_samples,
        "wants_data": access.wants_data,
        "participants_wanted": access.participants_wanted,
        "aliquots_per_participant": access.aliquots_per_participant,
        "amount_detail": access.amount_detail,
        "data_use_terms": access.data_use_terms,
        "terms_accepted": access.terms_accepted,
        "parts": [_part(p) for p in parts],
        "submission_problems": access.submission_problems() if access.is_editable and is_applicant else [],
    }


def _biobanks(codes: list[str]) -> list[Biobank]:
    codes = list(dict.fromkeys(codes))
    found = {b.code: b for b in Biobank.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ApiError(
            400,
            _("No biobank has the code %(codes)s.") % {"codes": ", ".join(c[:20] for c in unknown)},
            "unknown_biobank",
        )
    return [found[code] for code in codes]


@router.get(
    "", response=responses(list[RequestSummaryOut], 403), summary="Your access requests (researchers)"
)
@paginate(Page)
def request_list(request):
    require(request.user, "biobank_access.list_accessrequests")
    return Rows(selectors.request_list(user=request.user), _summary)


@router.post(
    "",
    response=responses(RequestOut, *WRITE_REFUSALS, 429, status=201),
    summary="Draft a request from a saved search",
)
def request_create(request, payload: RequestIn):
    saved = get_object_or_404(SavedSearch, pk=payload.saved_search_id)
    data = payload.dict()
    for name in ("saved_search_id", "biobanks", "title"):
        data.pop(name)
    access = services.request_create(
        actor=request.user,
        saved_search=saved,
        biobanks=_biobanks(payload.biobanks),
        title=payload.title,
        address=request.META.get("REMOTE_ADDR"),
        **data,
    )
    return Status(201, _request_out(request, access.pk))


@router.get(
    "/parts",
    response=responses(list[PartOut]),
    summary="Parts you may see (curators: addressed to your biobanks)",
)
@paginate(Page)
def part_list(request):
    return PartRows(selectors.part_list(user=request.user), _part)


@router.get("/parts/{part_id}", response=responses(PartOut, 403, 404), summary="One part of a request")
def part_detail(request, part_id: Id):
    part = get_object_or_404(AccessPart.objects.select_related("biobank", "request"), pk=part_id)
    require(request.user, "biobank_access.view_accesspart", part)
    return _part(part)


@router.post(
    "/parts/{part_id}/steps",
    response=responses(PartOut, *WRITE_REFUSALS),
    summary="A biobank's next step on its part",
)
def part_step(request, part_id: Id, payload: StepIn):
    part = get_object_or_404(AccessPart, pk=part_id)
    require(request.user, "biobank_access.handle_accesspart", part)
    actor, note = request.user, payload.note
    calls = {
        "check": lambda: services.part_check_start(part=part, actor=actor, note=note),
        "available": lambda: services.part_mark_available(part=part, actor=actor, note=note),
        "unavailable": lambda: services.part_mark_unavailable(part=part, actor=actor, reason=note),
        "conditions": lambda: services.part_conditions_indicate(part=part, actor=actor, conditions=note),
        "conditions-met": lambda: services.part_conditions_met(part=part, actor=actor, note=note),
        "provide": lambda: services.part_provide(part=part, actor=actor, note=note),
    }
    part = calls[payload.step]()
    return _part(AccessPart.objects.select_related("biobank").get(pk=part.pk))


class MessageIn(Schema):
    body: str


class MessageOut(Schema):
    id: int
    part_id: int
    author: str
    body: str
    created_at: datetime.datetime


@router.get(
    "/parts/{part_id}/messages",
    response=responses(list[MessageOut], 403, 404),
    summary="The messages between the researcher and the part's biobank",
)
@paginate(Page)
def message_list(request, part_id: Id):
    part = get_object_or_404(AccessPart, pk=part_id)
    require(request.user, "biobank_access.view_accesspart", part)
    return Rows(part.messages.select_related("author"), _message)


@router.post(
    "/parts/{part_id}/messages",
    response=responses(MessageOut, *WRITE_REFUSALS, status=201),
    summary="Write to the other side about a part (the researcher or the part's biobank)",
)
def message_create(request, part_id: Id, payload: MessageIn):
    part = get_object_or_404(AccessPart.objects.select_related("request", "biobank"), pk=part_id)
    require(request.user, "biobank_access.view_accesspart", part)
    return Status(201, _message(services.part_message_post(part=part, actor=request.user, body=payload.body)))


def _message(message) -> dict:
    return {
        "id": message.pk,
        "part_id": message.part_id,
        "author": str(message.author),
        "body": message.body,
        "created_at": message.created_at,
    }


@router.get("/{request_id}", response=responses(RequestOut, 403, 404), summary="One access request")
def request_detail(request, request_id: Id):
    return _request_out(request, request_id)


@router.put("/{request_id}", response=responses(RequestOut, *WRITE_REFUSALS, 429), summary="Change the draft")
def request_change(request, request_id: Id, payload: RequestChangeIn):
    access = get_object_or_404(AccessRequest, pk=request_id)
    data = payload.dict()
    codes = data.pop("biobanks")
    services.request_update(
        request=access,
        actor=request.user,
        biobanks=_biobanks(codes) if codes is not None else None,
        address=request.META.get("REMOTE_ADDR"),
        **data,
    )
    return _request_out(request, access.pk)


@router.post(
    "/{request_id}/ethics-document",
    response=responses(RequestOut, *WRITE_REFUSALS),
    summary="Upload the ethics approval document",
)
def request_document(request, request_id: Id, file: File[UploadedFile]):
    access = get_object_or_404(AccessRequest, pk=request_id)
    services.request_irb_attach(request=access, upload=file, actor=request.user)
    return _request_out(request, access.pk)


@router.post(
    "/{request_id}/submit", response=responses(RequestOut, *WRITE_REFUSALS), summary="Submit the draft"
)
def request_submit(request, request_id: Id):
    access = get_object_or_404(AccessRequest, pk=request_id)
    services.request_submit(request=access, actor=request.user)
    return _request_out(request, access.pk)


@router.post(
    "/{request_id}/withdraw", response=responses(RequestOut, *WRITE_REFUSALS), summary="Withdraw the request"
)
def request_withdraw(request, request_id: Id, payload: AccessWithdrawIn):
    access = get_object_or_404(AccessRequest, pk=request_id)
    services.request_withdraw(request=access, actor=request.user, reason=payload.reason)
    return _request_out(request, access.pk)
