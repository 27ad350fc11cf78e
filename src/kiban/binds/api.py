"""BINDS support API: applications, requested items and outcomes as each user may see them (the same
refusals as the pages: applicants their own, units what is routed to them, headquarters all)."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from kiban.core.apikit import WRITE_REFUSALS, Page, Rows, responses
from kiban.core.inputs import Id
from kiban.core.models import Organisation
from kiban.core.permissions import require
from kiban.facilities.api import ProjectOut, project_out
from kiban.facilities.choices import Results

from . import selectors, services
from .choices import Funding, OutcomeKind
from .models import MenuItem, SupportApplication, SupportUnit

router = Router(tags=["BINDS support (S3)"])


class SupportItemOut(Schema):
    id: int
    application_id: int
    position: int
    menu_item: str
    menu_unit: str
    unit: str | None
    state: str
    decision: str
    handoff_note: str
    e1_days: int
    e2_days: int
    is_cryo_em: bool


class SupportApplicationSummaryOut(Schema):
    id: int
    title: str
    organisation: str
    state: str
    submitted_at: datetime.datetime | None
    funding: str
    young_researcher: bool
    confidential: bool


class SupportApplicationOut(SupportApplicationSummaryOut):
    research_summary: str | None
    target_name: str | None
    uniprot_accession: str | None
    requested_items: list[SupportItemOut]
    submission_problems: list[str]


class SupportApplicationIn(Schema):
    title: str
    research_summary: str = ""
    target_name: str = ""
    uniprot_accession: str = ""
    funding: Funding | None = None
    funding_detail: str = ""
    young_researcher: bool = False
    confidential: bool = False


class SupportItemIn(Schema):
    menu_item: str
    handoff_note: str = ""
    e1_days: int = 0
    e2_days: int = 0


class SupportOutcomeOut(Schema):
    id: int
    application_id: int
    unit: str
    kind: str
    identifier: str
    title: str
    acknowledges_binds: bool
    reported_on: datetime.date


class SupportOutcomeIn(Schema):
    unit: str
    kind: OutcomeKind
    identifier: str
    title: str = ""
    acknowledges_binds: bool = False


def _item(item) -> dict:
    return {
        "id": item.pk,
        "application_id": item.application_id,
        "position": item.position,
        "menu_item": item.menu_item.code,
        "menu_unit": item.menu_item.unit.code,
        "unit": item.unit.code if item.unit_id else None,
        "state": item.state,
        "decision": item.decision,
        "handoff_note": item.handoff_note,
        "e1_days": item.e1_days,
        "e2_days": item.e2_days,
        "is_cryo_em": item.menu_item.is_cryo_em,
    }


def _summary(application) -> dict:
    return {
        "id": application.pk,
        "title": application.title,
        "organisation": application.organisation.name,
        "state": application.state,
        "submitted_at": application.submitted_at,
        "funding": application.funding,
        "young_researcher": application.young_researcher,
        "confidential": application.confidential,
    }


def _application_out(request, pk: int) -> dict:
    application = get_object_or_404(selectors.application_list(user=request.user), pk=pk)
    application = selectors.application_detail(pk=application.pk)
    require(request.user, "binds.view_supportapplication", application)
    readable = request.user.has_perm("binds.view_summary", application)
    return {
        **_summary(application),
        "research_summary": application.research_summary if readable else None,
        "target_name": application.target_name if readable else None,
        "uniprot_accession": application.uniprot_accession if readable else None,
        "requested_items": [_item(item) for item in application.items.all()],
        "submission_problems": application.submission_problems() if application.is_editable else [],
    }


def _outcome(outcome) -> dict:
    return {
        "id": outcome.pk,
        "application_id": outcome.application_id,
        "unit": outcome.unit.code,
        "kind": outcome.kind,
        "identifier": outcome.identifier,
        "title": outcome.title,
        "acknowledges_binds": outcome.acknowledges_binds,
        "reported_on": outcome.reported_on,
    }


@router.get(
    "/applications",
    response=responses(list[SupportApplicationSummaryOut]),
    summary="Applications you may see",
)
@paginate(Page)
def application_list(request):
    return Rows(selectors.application_list(user=request.user), _summary)


@router.post(
    "/applications",
    response=responses(SupportApplicationOut, *WRITE_REFUSALS, status=201),
    summary="Start a draft (researchers)",
)
def application_create(request, payload: SupportApplicationIn):
    data = payload.dict()
    data["funding"] = data["funding"] or ""
    application = services.application_create(actor=request.user, **data)
    return Status(201, _application_out(request, application.pk))


@router.get(
    "/applications/{application_id}",
    response=responses(SupportApplicationOut, 403, 404),
    summary="One application",
)
def application_detail(request, application_id: Id):
    return _application_out(request, application_id)


@router.post(
    "/applications/{application_id}/items",
    response=responses(SupportItemOut, *WRITE_REFUSALS, status=201),
    summary="Request one more support item (the applicant, on a draft)",
)
def item_create(request, application_id: Id, payload: SupportItemIn):
    application = get_object_or_404(SupportApplication, pk=application_id)
    require(request.user, "binds.change_supportapplication", application)
    item = services.item_add(
        application=application,
        menu_item=get_object_or_404(MenuItem, code=payload.menu_item),
        handoff_note=payload.handoff_note,
        e1_days=payload.e1_days,
        e2_days=payload.e2_days,
        actor=request.user,
    )
    return Status(201, _item(item))


@router.get(
    "/items",
    response=responses(list[SupportItemOut]),
    summary="Requested items you may see (units: routed to them)",
)
@paginate(Page)
def item_list(request):
    return Rows(selectors.item_list(user=request.user), _item)


@router.get("/items/{item_id}", response=responses(SupportItemOut, 404), summary="One requested item")
def item_detail(request, item_id: Id):
    return _item(get_object_or_404(selectors.item_list(user=request.user), pk=item_id))


class FacilityProjectIn(Schema):
    site_id: Id
    results: Results = Results.OPEN


@router.post(
    "/items/{item_id}/facility-project",
    response=responses(ProjectOut, *WRITE_REFUSALS, status=201),
    summary="Take an accepted cryo-EM item to the network as a draft facility project (the applicant)",
)
def facility_project_open(request, item_id: Id, payload: FacilityProjectIn):
    item = get_object_or_404(selectors.item_list(user=request.user), pk=item_id)
    project = services.facility_project_open(
        item=item,
        site=get_object_or_404(Organisation, pk=payload.site_id),
        results=payload.results,
        actor=request.user,
    )
    return Status(201, project_out(project))


@router.get(
    "/outcomes", response=responses(list[SupportOutcomeOut]), summary="Outcomes of applications you may see"
)
@paginate(Page)
def outcome_list(request):
    return Rows(selectors.outcome_list(user=request.user), _outcome)


@router.post(
    "/applications/{application_id}/outcomes",
    response=responses(SupportOutcomeOut, *WRITE_REFUSALS, status=201),
    summary="Report an outcome (the applicant or a unit involved)",
)
def outcome_create(request, application_id: Id, payload: SupportOutcomeIn):
    application = get_object_or_404(SupportApplication, pk=application_id)
    require(request.user, "binds.add_outcome", application)
    outcome = services.outcome_add(
        application=application,
        unit=get_object_or_404(SupportUnit, code=payload.unit),
        kind=payload.kind,
        identifier=payload.identifier,
        title=payload.title,
        acknowledges_binds=payload.acknowledges_binds,
        actor=request.user,
    )
    return Status(201, _outcome(outcome))
