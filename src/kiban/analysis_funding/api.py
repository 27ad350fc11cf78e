"""Analysis funding API: calls with their assays and costs, proposals (create, submit), and the allocation
(compute, approve, publish, read), with the same permissions and refusals as the pages."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kiban.biobank.choices import MaterialType
from kiban.biobank.models import SavedSearch
from kiban.core.apikit import WRITE_REFUSALS, Page, Rows, responses
from kiban.core.inputs import MAX_YEN, Id
from kiban.core.permissions import require
from kiban.sequencing.choices import Funder

from . import selectors, services
from .choices import Assay, TieBreak
from .models import MAX_SAMPLES, AnalysisCall, Proposal

router = Router(tags=["analysis_funding (S5)"])

YenAmount = Field(..., ge=1, le=MAX_YEN)


class AssayOut(Schema):
    assay: str
    material: str
    cost_per_sample_yen: int


class AnalysisCallOut(Schema):
    id: int
    title: str
    title_en: str
    opens_on: datetime.date
    closes_on: datetime.date
    budget_yen: int
    funder: str
    partial_funding: bool
    blind_review: bool
    tie_break: str
    example_costs: bool
    assays: list[AssayOut]
    allocation_state: str | None


class AssayIn(Schema):
    assay: Assay
    material: MaterialType
    cost_per_sample_yen: int = YenAmount


class CallIn(Schema):
    title: str = Field(..., max_length=200)
    title_en: str = Field(..., max_length=200)
    opens_on: datetime.date
    closes_on: datetime.date
    budget_yen: int = YenAmount
    funder: Funder
    assays: list[AssayIn] = Field(..., max_length=len(Assay.values))
    partial_funding: bool = False
    blind_review: bool = True
    tie_break: TieBreak = TieBreak.LOWER_REQUEST
    example_costs: bool = False
    description: str = Field("", max_length=5000)


class ProposalIn(Schema):
    call_id: Id
    title: str = Field(..., max_length=200)
    sample_set_id: Id | None = None
    assay: Assay
    samples: int = Field(..., ge=1, le=MAX_SAMPLES)
    scientific_case: str = Field("", max_length=20000)


class ProposalOut(Schema):
    id: int
    reference: str
    call_id: int
    title: str
    organisation: str
    state: str
    assay: str
    samples: int
    cost_per_sample_yen: int
    requested_yen: int
    sample_set: str
    sample_set_count: int | None
    submitted_at: datetime.datetime | None
    decision_reason: str
    submission_problems: list[str]


class AllocationLineOut(Schema):
    proposal_id: int
    reference: str
    title: str
    rank: int | None
    score: float | None
    requested_yen: int
    allocated_yen: int
    allocated_samples: int
    remaining_before_yen: int
    reason: str
    rationale: str


class AllocationOut(Schema):
    call_id: int
    state: str
    budget_yen: int
    allocated_yen: int
    partial_funding: bool
    tie_break: str
    computed_at: datetime.datetime
    approved_at: datetime.datetime | None
    published_at: datetime.datetime | None
    lines: list[AllocationLineOut]


class FundedOut(Schema):
    proposal_id: int
    title: str
    proposer: str
    organisation: str
    assay: str
    allocated_samples: int
    allocated_yen: int


def _call_or_404(call_id: int) -> AnalysisCall:
    try:
        return selectors.analysis_call(call_id=call_id)
    except AnalysisCall.DoesNotExist as error:
        raise Http404(_("No such analysis funding call.")) from error


def _call(analysis_call: AnalysisCall) -> dict:
    call = analysis_call.call
    allocation = selectors.allocation_of(analysis_call)
    return {
        "id": call.pk,
        "title": call.title,
        "title_en": call.title_en,
        "opens_on": call.opens_on,
        "closes_on": call.closes_on,
        "budget_yen": analysis_call.budget_yen,
        "funder": analysis_call.funder,
        "partial_funding": analysis_call.partial_funding,
        "blind_review": analysis_call.blind_review,
        "tie_break": analysis_call.tie_break,
        "example_costs": analysis_call.example_costs,
        "assays": [
            {"assay": o.assay, "material": o.material, "cost_per_sample_yen": o.cost_per_sample_yen}
            for o in analysis_call.assays.all()
        ],
        "allocation_state": allocation.state if allocation else None,
    }


def _proposal(proposal: Proposal) -> dict:
    return {
        "id": proposal.pk,
        "reference": proposal.reference,
        "call_id": proposal.call_id,
        "title": proposal.title,
        "organisation": proposal.organisation.name,
        "state": proposal.state,
        "assay": proposal.assay,
        "samples": proposal.samples,
        "cost_per_sample_yen": proposal.cost_per_sample_yen,
        "requested_yen": proposal.requested_yen,
        "sample_set": proposal.sample_set_name,
        "sample_set_count": proposal.sample_set_count,
        "submitted_at": proposal.submitted_at,
        "decision_reason": proposal.decision_reason,
        "submission_problems": proposal.submission_problems() if proposal.is_editable else [],
    }


def _allocation(analysis_call: AnalysisCall) -> dict:
    allocation = selectors.allocation_of(analysis_call)
    if allocation is None:
        raise Http404(_("This call's allocation has not been computed yet."))
    rows = selectors.allocation_rows(allocation)
    return {
        "call_id": analysis_call.call_id,
        "state": allocation.state,
        "budget_yen": allocation.budget_yen,
        "allocated_yen": sum(row.line.allocated_yen for row in rows),
        "partial_funding": allocation.partial_funding,
        "tie_break": allocation.tie_break,
        "computed_at": allocation.computed_at,
        "approved_at": allocation.approved_at,
        "published_at": allocation.published_at,
        "lines": [
            {
                "proposal_id": row.line.proposal_id,
                "reference": row.line.proposal.reference,
                "title": row.line.proposal.title,
                "rank": row.line.rank,
                "score": float(row.line.score) if row.line.score is not None else None,
                "requested_yen": row.line.requested_yen,
                "allocated_yen": row.line.allocated_yen,
                "allocated_samples": row.line.allocated_samples,
                "remaining_before_yen": row.line.remaining_before_yen,
                "reason": row.line.reason,
                "rationale": row.rationale,
            }
            for row in rows
        ],
    }


def _address(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


@router.get("/calls", response=responses(list[AnalysisCallOut]), summary="Analysis funding calls")
@paginate(Page)
def call_list(request):
    require(request.user, "analysis_funding.view_call")
    return Rows(selectors.call_list().prefetch_related("assays"), _call)


@router.post(
    "/calls",
    response=responses(AnalysisCallOut, *WRITE_REFUSALS, status=201),
    summary="Open a call (agency officers)",
)
def call_create(request, payload: CallIn):
    data = payload.dict()
    assays = [
        services.AssaySpec(a["assay"], a["material"], a["cost_per_sample_yen"]) for a in data.pop("assays")
    ]
    analysis_call = services.analysis_call_open(actor=request.user, assays=assays, **data)
    return Status(201, _call(selectors.analysis_call(call_id=analysis_call.call_id)))


@router.get(
    "/calls/{call_id}", response=responses(AnalysisCallOut, 404), summary="One call with its assays and costs"
)
def call_detail(request, call_id: Id):
    require(request.user, "analysis_funding.view_call")
    return _call(_call_or_404(call_id))


@router.get(
    "/calls/{call_id}/funded",
    response=responses(list[FundedOut], 404),
    summary="The funded proposals of a published allocation (public)",
)
@paginate(Page)
def funded_list(request, call_id: Id):
    require(request.user, "analysis_funding.view_call")
    return Rows(selectors.funded_list(analysis_call=_call_or_404(call_id)), _funded)


def _funded(line) -> dict:
    return {
        "proposal_id": line.proposal_id,
        "title": line.proposal.title,
        "proposer": str(line.proposal.created_by),
        "organisation": line.proposal.organisation.name,
        "assay": line.proposal.assay,
        "allocated_samples": line.allocated_samples,
        "allocated_yen": line.allocated_yen,
    }


@router.get("/proposals", response=responses(list[ProposalOut], 403), summary="Proposals you may see")
@paginate(Page)
def proposal_list(request):
    require(request.user, "analysis_funding.list_proposals")
    return Rows(selectors.proposal_list(user=request.user), _proposal)


@router.post(
    "/proposals",
    response=responses(ProposalOut, *WRITE_REFUSALS, status=201),
    summary="Draft a proposal on one of your saved searches (researchers)",
)
def proposal_create(request, payload: ProposalIn):
    require(request.user, "analysis_funding.add_proposal")
    analysis_call = _call_or_404(payload.call_id)
    sample_set = None
    if payload.sample_set_id is not None:
        sample_set = get_object_or_404(SavedSearch, pk=payload.sample_set_id, user=request.user)
    proposal = services.proposal_create(
        call=analysis_call.call,
        title=payload.title,
        sample_set=sample_set,
        assay=payload.assay,
        samples=payload.samples,
        scientific_case=payload.scientific_case,
        actor=request.user,
        address=_address(request),
    )
    return Status(201, _proposal(proposal))


def _proposal_or_404(request, proposal_id: int) -> Proposal:
    proposal = get_object_or_404(Proposal.objects.select_related("organisation"), pk=proposal_id)
    require(request.user, "analysis_funding.view_proposal", proposal)
    return proposal


@router.get("/proposals/{proposal_id}", response=responses(ProposalOut, 403, 404), summary="One proposal")
def proposal_detail(request, proposal_id: Id):
    return _proposal(_proposal_or_404(request, proposal_id))


@router.post(
    "/proposals/{proposal_id}/submit",
    response=responses(ProposalOut, *WRITE_REFUSALS),
    summary="Submit a complete draft (the proposer)",
)
def proposal_submit(request, proposal_id: Id):
    proposal = _proposal_or_404(request, proposal_id)
    return _proposal(
        services.proposal_submit(proposal=proposal, actor=request.user, address=_address(request))
    )


@router.get(
    "/calls/{call_id}/allocation",
    response=responses(AllocationOut, 403, 404),
    summary="The allocation with each proposal's rank, score, amounts and rationale",
)
def allocation_detail(request, call_id: Id):
    require(request.user, "analysis_funding.view_allocation")
    analysis_call = _call_or_404(call_id)
    require(request.user, "analysis_funding.view_allocation", analysis_call)
    return _allocation(analysis_call)


@router.post(
    "/calls/{call_id}/allocation/compute",
    response=responses(AllocationOut, *WRITE_REFUSALS),
    summary="Compute (or compute again) the draft allocation (agency officers)",
)
def allocation_compute(request, call_id: Id):
    require(request.user, "analysis_funding.compute_allocation")
    analysis_call = _call_or_404(call_id)
    services.allocation_compute(analysis_call=analysis_call, actor=request.user)
    return _allocation(_call_or_404(call_id))


@router.post(
    "/calls/{call_id}/allocation/approve",
    response=responses(AllocationOut, *WRITE_REFUSALS),
    summary="Approve the draft allocation (agency officers)",
)
def allocation_approve(request, call_id: Id):
    require(request.user, "analysis_funding.approve_allocation")
    analysis_call = _call_or_404(call_id)
    allocation = selectors.allocation_of(analysis_call)
    if allocation is None:
        raise Http404(_("This call's allocation has not been computed yet."))
    services.allocation_approve(allocation=allocation, actor=request.user)
    return _allocation(_call_or_404(call_id))


@router.post(
    "/calls/{call_id}/allocation/publish",
    response=responses(AllocationOut, *WRITE_REFUSALS),
    summary="Publish the approved allocation and decide the proposals (agency officers)",
)
def allocation_publish(request, call_id: Id):
    require(request.user, "analysis_funding.publish_allocation")
    analysis_call = _call_or_404(call_id)
    allocation = selectors.allocation_of(analysis_call)
    if allocation is None:
        raise Http404(_("This call's allocation has not been computed yet."))
    services.allocation_publish(allocation=allocation, actor=request.user)
    return _allocation(_call_or_404(call_id))
