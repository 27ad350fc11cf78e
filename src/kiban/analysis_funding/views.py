"""Pages of analysis funding: calls with their assays and costs (public), proposals, the review's start,
and the allocation with its rationale, chart of budget use and the approve/publish buttons."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from kiban.core.charts import StackedBar, stacked_bar_chart
from kiban.core.money import format_yen
from kiban.core.pages import act, page_errors, paginate
from kiban.core.permissions import require
from kiban.submissions import services as lifecycle

from . import selectors, services
from .forms import AssayOfferForm, CallOpenForm, CallSettingsForm, ProposalForm, ReasonForm, ReviewOpenForm
from .models import AnalysisCall, AssayOffer, Proposal


def _address(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _call_or_404(pk: int) -> AnalysisCall:
    try:
        return selectors.analysis_call(call_id=pk)
    except AnalysisCall.DoesNotExist as error:
        raise Http404(_("No such analysis funding call.")) from error


def _proposal_or_404(request, pk: int) -> Proposal:
    proposal = get_object_or_404(Proposal.objects.select_related("call", "organisation", "created_by"), pk=pk)
    require(request.user, "analysis_funding.view_proposal", proposal)
    return proposal


def _form_page(request, form, *, heading: str, back: tuple[str, str], submit_label: str, status: int = 200):
    return render(
        request,
        "analysis_funding/form.html",
        {"form": form, "heading": heading, "back": back, "submit_label": submit_label},
        status=status,
    )


# --- calls
@page_errors
def call_list(request):
    """Everyone: the analysis funding calls, open and past; agency officers open new ones."""
    require(request.user, "analysis_funding.view_call")
    return render(
        request,
        "analysis_funding/call_list.html",
        {
            "calls": paginate(request, selectors.call_list()),
            "today": timezone.localdate(),
            "can_add": request.user.has_perm("analysis_funding.add_call"),
        },
    )


@login_required
def call_create(request):
    """Funding agency officers: open a call with its budget, funder, assays and costs, and its rules."""
    require(request.user, "analysis_funding.add_call")
    form = CallOpenForm(request.POST or None, initial={"rubric": services.merit_rubric()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        assays = [services.AssaySpec(*spec) for spec in form.assays()]
        for name in list(data):
            if name.startswith("cost_"):
                data.pop(name)
        try:
            analysis_call = services.analysis_call_open(actor=request.user, assays=assays, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The call is opened."))
            return redirect(analysis_call)
    return _form_page(
        request,
        form,
        heading=_("Open an analysis funding call"),
        back=(reverse("analysis_funding:call-list"), _("Analysis funding calls")),
        submit_label=_("Open"),
        status=400 if request.method == "POST" else 200,
    )


def call_detail(request, pk: int):
    """Everyone: the call, its assays and costs, and once published the funded proposals; researchers
    propose while it is open; agency officers see the proposals, configure it and start the review."""
    require(request.user, "analysis_funding.view_call")
    analysis_call = _call_or_404(pk)
    user = request.user
    allocation = selectors.allocation_of(analysis_call)
    today = timezone.localdate()
    is_officer = user.has_perm("analysis_funding.change_analysiscall")
    sees_scores = is_officer and user.has_perm("analysis_funding.view_allocation", analysis_call)
    proposals = []
    if user.has_perm("analysis_funding.list_proposals"):
        proposals = [
            (proposal, selectors.merit_score(proposal) if sees_scores else None)
            for proposal in selectors.call_proposals(analysis_call=analysis_call, user=user)
        ]
    organisation = selectors.proposer_organisation(user=user) if user.is_authenticated else None
    refusal = (
        lifecycle.call_refusal(call=analysis_call.call, organisation=organisation, on=today)
        if organisation
        else None
    )
    return render(
        request,
        "analysis_funding/call_detail.html",
        {
            "analysis_call": analysis_call,
            "call": analysis_call.call,
            "assays": list(analysis_call.assays.all()),
            "allocation": allocation,
            "funded": list(selectors.funded_list(analysis_call=analysis_call)),
            "proposals": proposals,
            "is_officer": is_officer,
            "sees_scores": sees_scores,
            "can_propose": user.has_perm("analysis_funding.add_proposal") and organisation is not None,
            "propose_refusal": refusal,
            "can_view_allocation": user.has_perm("analysis_funding.view_allocation", analysis_call),
            "assay_form": AssayOfferForm(),
            "review_form": ReviewOpenForm(),
            "today": today,
        },
    )


@login_required
def call_settings(request, pk: int):
    """Funding agency officers: the call's budget, funder, partial funding, blindness, tie-break, rubric."""
    require(request.user, "analysis_funding.change_analysiscall")
    analysis_call = _call_or_404(pk)
    initial = {
        name: getattr(analysis_call, name)
        for name in (
            "budget_yen",
            "funder",
            "partial_funding",
            "blind_review",
            "tie_break",
            "example_costs",
            "rubric",
        )
    }
    form = CallSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.analysis_call_configure(
                analysis_call=analysis_call, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The call's settings are saved."))
            return redirect(analysis_call)
    return _form_page(
        request,
        form,
        heading=_("Settings of %(call)s") % {"call": analysis_call.call},
        back=(analysis_call.get_absolute_url(), str(analysis_call.call)),
        submit_label=_("Save"),
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def assay_set(request, pk: int):
    require(request.user, "analysis_funding.change_analysiscall")
    analysis_call = _call_or_404(pk)
    form = AssayOfferForm(request.POST)
    return act(
        request,
        analysis_call,
        lambda: services.assay_offer_set(
            analysis_call=analysis_call, actor=request.user, **form.cleaned_data
        ),
        _("The assay and its cost are saved."),
        form=form,
    )


@login_required
@require_POST
def assay_remove(request, pk: int, offer_pk: int):
    require(request.user, "analysis_funding.change_analysiscall")
    analysis_call = _call_or_404(pk)
    offer = get_object_or_404(AssayOffer, pk=offer_pk, analysis_call=analysis_call)
    return act(
        request,
        analysis_call,
        lambda: services.assay_offer_remove(offer=offer, actor=request.user),
        _("The assay is no longer offered."),
    )


@login_required
@require_POST
def reviews_open(request, pk: int):
    """Funding agency officers: open the merit review of every submitted proposal and assign reviewers."""
    require(request.user, "analysis_funding.manage_review")
    analysis_call = _call_or_404(pk)
    form = ReviewOpenForm(request.POST)
    return act(
        request,
        analysis_call,
        lambda: services.call_reviews_open(
            analysis_call=analysis_call,
            reviewers=list(form.cleaned_data["reviewers"]),
            per_round=form.cleaned_data["per_round"],
            due_date=form.cleaned_data["due_date"],
            actor=request.user,
        ),
        _("The review is open; the reviewers are asked to score."),
        form=form,
    )


# --- proposals
@login_required
@page_errors
def proposal_list(request):
    """Researchers: their own proposals; agency officers: every submitted proposal."""
    require(request.user, "analysis_funding.list_proposals")
    return render(
        request,
        "analysis_funding/proposal_list.html",
        {"proposals": paginate(request, selectors.proposal_list(user=request.user))},
    )


@login_required
def proposal_create(request, pk: int):
    """Researchers: a draft proposal to an open call, on one of their saved searches."""
    require(request.user, "analysis_funding.add_proposal")
    analysis_call = _call_or_404(pk)
    form = ProposalForm(request.POST or None, user=request.user, offers=analysis_call.assays.all())
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                call=analysis_call.call, actor=request.user, address=_address(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The proposal is saved as a draft; submit it when it is complete."))
            return redirect(proposal)
    return _form_page(
        request,
        form,
        heading=_("New proposal to %(call)s") % {"call": analysis_call.call},
        back=(analysis_call.get_absolute_url(), str(analysis_call.call)),
        submit_label=_("Save the draft"),
        status=400 if request.method == "POST" else 200,
    )


@login_required
def proposal_edit(request, pk: int):
    proposal = _proposal_or_404(request, pk)
    require(request.user, "analysis_funding.change_proposal", proposal)
    analysis_call = _call_or_404(proposal.call_id)
    initial = {
        "title": proposal.title,
        "sample_set": proposal.sample_set_id,
        "assay": proposal.assay,
        "samples": proposal.samples,
        "scientific_case": proposal.scientific_case,
    }
    form = ProposalForm(
        request.POST or None, user=request.user, offers=analysis_call.assays.all(), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(
                proposal=proposal, actor=request.user, address=_address(request), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The proposal is saved."))
            return redirect(proposal)
    return _form_page(
        request,
        form,
        heading=_("Change %(proposal)s") % {"proposal": proposal},
        back=(proposal.get_absolute_url(), proposal.title),
        submit_label=_("Save"),
        status=400 if request.method == "POST" else 200,
    )


def _sample_counts(request, proposal: Proposal, analysis_call: AnalysisCall):
    """The sample set counted now, for the proposer only (their own saved search, their own budget)."""
    if proposal.sample_set is None or request.user.pk != proposal.created_by_id:
        return None, ""
    offer = selectors.offer_for(analysis_call, proposal.assay)
    if offer is None:
        return None, _("This call no longer offers the proposal's assay.")
    try:
        shown = services.sample_set_count(
            sample_set=proposal.sample_set,
            material=offer.material,
            user=request.user,
            address=_address(request),
        )
    except ValidationError as error:
        return None, " ".join(error.messages)
    return shown, ""


@login_required
def proposal_detail(request, pk: int):
    """The proposer (and, once submitted, the agency): the proposal, its sample set's counts, its state,
    review and, once the allocation is published, what it got and why."""
    proposal = _proposal_or_404(request, pk)
    analysis_call = _call_or_404(proposal.call_id)
    user = request.user
    counts, counts_problem = _sample_counts(request, proposal, analysis_call)
    line = selectors.published_line(proposal)
    # The review and its score: officers, unless they propose in the same call (conflict of interest).
    is_officer = user.has_perm("analysis_funding.manage_review") and user.has_perm(
        "analysis_funding.view_allocation", analysis_call
    )
    round_ = selectors.review_round(proposal) if is_officer else None
    return render(
        request,
        "analysis_funding/proposal_detail.html",
        {
            "proposal": proposal,
            "analysis_call": analysis_call,
            "counts": counts,
            "criteria_text": json.dumps(proposal.sample_set_criteria, ensure_ascii=False),
            "counts_problem": counts_problem,
            "material": selectors.offer_for(analysis_call, proposal.assay),
            "line": line,
            "rationale": selectors.rationale(line) if line else "",
            "problems": proposal.submission_problems() if proposal.is_editable else [],
            "can_change": user.has_perm("analysis_funding.change_proposal", proposal),
            "can_submit": user.has_perm("analysis_funding.submit_proposal", proposal)
            and proposal.is_editable,
            "can_withdraw": user.has_perm("analysis_funding.withdraw_proposal", proposal)
            and proposal.state in ("draft", "submitted", "resubmitted", "under_review", "returned"),
            "is_officer": is_officer,
            "round": round_,
            "score": selectors.merit_score(proposal) if is_officer else None,
        },
    )


@login_required
@require_POST
def proposal_submit(request, pk: int):
    proposal = _proposal_or_404(request, pk)
    return act(
        request,
        proposal,
        lambda: services.proposal_submit(proposal=proposal, actor=request.user, address=_address(request)),
        _("The proposal is submitted; the agency is told."),
    )


@login_required
@require_POST
def proposal_withdraw(request, pk: int):
    proposal = _proposal_or_404(request, pk)
    form = ReasonForm(request.POST)
    return act(
        request,
        proposal,
        lambda: services.proposal_withdraw(
            proposal=proposal, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The proposal is withdrawn."),
        form=form,
    )


# --- the allocation
def budget_chart(allocation, rows):
    """Budget use: the budget (allocated and left) above each ranked proposal (allocated and not funded)."""
    allocated = sum(row.line.allocated_yen for row in rows)
    series = [_("Allocated"), _("Requested, not funded"), _("Left in the budget")]
    bars = [
        StackedBar(
            pgettext("money", "Budget"),
            [allocated, 0, allocation.budget_yen - allocated],
            format_yen(allocation.budget_yen),
        )
    ]
    for row in rows:
        line = row.line
        label = f"{line.rank or '—'}. {line.proposal.reference}"
        bars.append(
            StackedBar(
                label,
                [line.allocated_yen, line.requested_yen - line.allocated_yen, 0],
                format_yen(line.allocated_yen),
                url=line.proposal.get_absolute_url(),
            )
        )
    return stacked_bar_chart(
        chart_id="budget-use",
        title=_("Budget use"),
        description=_(
            "The call's budget, allocated and left, and for each proposal in rank order what it got and "
            "what of its request was not funded."
        ),
        series=series,
        bars=bars,
        label_width=140,
        value_width=120,
        label_chars=18,
    )


@login_required
def allocation_page(request, pk: int):
    """The agency, the ministry and auditors: the ranked allocation with each proposal's rationale and the
    budget's use; agency officers compute it, approve it and publish it."""
    require(request.user, "analysis_funding.view_allocation")
    analysis_call = _call_or_404(pk)
    require(request.user, "analysis_funding.view_allocation", analysis_call)
    allocation = selectors.allocation_of(analysis_call)
    rows = selectors.allocation_rows(allocation) if allocation else []
    user = request.user
    return render(
        request,
        "analysis_funding/allocation.html",
        {
            "analysis_call": analysis_call,
            "call": analysis_call.call,
            "allocation": allocation,
            "rows": rows,
            "allocated": sum(row.line.allocated_yen for row in rows),
            "chart": budget_chart(allocation, rows) if allocation else None,
            "can_compute": user.has_perm("analysis_funding.compute_allocation", analysis_call),
            "can_approve": user.has_perm("analysis_funding.approve_allocation", analysis_call),
            "can_publish": user.has_perm("analysis_funding.publish_allocation", analysis_call),
            "history": allocation.history.select_related("history_user").order_by("-history_date")
            if allocation
            else [],
        },
    )


@login_required
@require_POST
def allocation_compute(request, pk: int):
    require(request.user, "analysis_funding.compute_allocation")
    analysis_call = _call_or_404(pk)
    return act(
        request,
        reverse("analysis_funding:allocation", args=[pk]),
        lambda: services.allocation_compute(analysis_call=analysis_call, actor=request.user),
        _("The allocation is computed as a draft; check it, then approve it."),
    )


def _allocation_or_404(analysis_call: AnalysisCall):
    allocation = selectors.allocation_of(analysis_call)
    if allocation is None:
        raise Http404(_("This call's allocation has not been computed yet."))
    return allocation


@login_required
@require_POST
def allocation_approve(request, pk: int):
    require(request.user, "analysis_funding.approve_allocation")
    allocation = _allocation_or_404(_call_or_404(pk))
    return act(
        request,
        reverse("analysis_funding:allocation", args=[pk]),
        lambda: services.allocation_approve(allocation=allocation, actor=request.user),
        _("The allocation is approved (it can no longer be computed again); publish it to decide."),
    )


@login_required
@require_POST
def allocation_publish(request, pk: int):
    require(request.user, "analysis_funding.publish_allocation")
    allocation = _allocation_or_404(_call_or_404(pk))
    return act(
        request,
        reverse("analysis_funding:allocation", args=[pk]),
        lambda: services.allocation_publish(allocation=allocation, actor=request.user),
        _("The allocation is published: the proposals are decided and the proposers told."),
    )
