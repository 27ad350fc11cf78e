"""Seed pages: the list, registration, a seed's page and its forms, company interest, dashboards, exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.core.errors import form_errors_text, refusal_text
from kiban.core.exports import export_sheets_response
from kiban.core.models import Organisation
from kiban.core.pages import filtered, page_errors, paginate_table, query_url
from kiban.core.permissions import require

from . import selectors, services
from .charts import pipeline_chart, stage_modality_chart, stage_up_chart
from .exports import dashboard_sheets, seed_sheet
from .filtersets import SeedFilter
from .forms import (
    FundingForm,
    InterestForm,
    MilestoneAchievedForm,
    MilestoneForm,
    NdaForm,
    OutcomeForm,
    ProgressReportForm,
    SeedEditForm,
    SeedRegisterForm,
    StageGateOpenForm,
)
from .models import Milestone, Seed
from .rules import seed_scope
from .tables import SeedTable


# --- the list
@login_required
@page_errors
def seed_list(request):
    """Researchers their own seeds, hub staff their hub's, companies the listed public summaries, the agency
    and the ministry every seed; filtered and paginated."""
    require(request.user, "seeds.view_seed_list")
    seed_filter = SeedFilter(request.GET or None, queryset=selectors.seed_list(user=request.user))
    table = SeedTable(filtered(seed_filter))
    page = paginate_table(request, table)
    return render(
        request,
        "seeds/seed_list.html",
        {
            "filter": seed_filter,
            "table": table,
            "page": page,
            "export_query": query_url(request, page=None, sort=None),
            "can_register": request.user.has_perm("seeds.add_seed"),
            "can_dashboard": request.user.has_perm("seeds.view_dashboard"),
        },
    )


@login_required
@page_errors
def seed_export(request, file_format: str):
    """The visible seeds, filtered as on the list, as CSV or Excel (public columns only)."""
    require(request.user, "seeds.view_seed_list")
    seeds = filtered(SeedFilter(request.GET or None, queryset=selectors.seed_list(user=request.user)))
    sheet = seed_sheet(seeds.order_by("-registered_on", "-pk"))
    return export_sheets_response(sheets=[sheet], filename="kiban-seeds", fmt=file_format)


# --- registration and edits
@login_required
def seed_register(request):
    """Hub staff register a seed at their hub; a researcher registers their own seed at a hub."""
    require(request.user, "seeds.add_seed")
    hub_ids = seed_scope(request.user).hub_ids
    form = SeedRegisterForm(request.POST or None, user=request.user, hub_ids=hub_ids)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                seed = services.seed_register(
                    hub=data["hub"],
                    pi=data.get("pi") or request.user,
                    title=data["title"],
                    summary=data["summary"],
                    details=data["details"],
                    team=list(data["team"]),
                    institution=data["institution"],
                    modality=data["modality"],
                    icd10_code=data["icd10_code"],
                    disease=data["disease"],
                    programme_slot=data["programme_slot"],
                    committed_company=data["committed_company"],
                    stage=data["stage"],
                    support_from_fy=data["support_from_fy"],
                    support_to_fy=data["support_to_fy"],
                    listed_for_matching=data["listed_for_matching"],
                    actor=request.user,
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
            else:
                messages.success(request, _("The seed is registered."))
                return redirect(seed)
        return render(request, "seeds/seed_form.html", {"form": form, "seed": None}, status=400)
    return render(request, "seeds/seed_form.html", {"form": form, "seed": None})


def _visible_seed(request, pk: int) -> Seed:
    try:
        seed = selectors.seed_detail(pk=pk)
    except Seed.DoesNotExist as error:
        raise Http404(_("No such seed.")) from error
    require(request.user, "seeds.view_seed", seed)
    return seed


@login_required
def seed_edit(request, pk: int):
    """The hub's staff and the team change a seed's description (never its stage)."""
    seed = _visible_seed(request, pk)
    require(request.user, "seeds.change_seed", seed)
    initial = {name: getattr(seed, name) for name in services.EDITABLE_FIELDS}
    initial["team"] = [member.user for member in seed.members.all()]
    form = SeedEditForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            team, reason = data.pop("team"), data.pop("reason")
            try:
                services.seed_update(
                    seed=seed, values=data, team=list(team), reason=reason, actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The seed is changed and the change is recorded."))
                return redirect(seed)
        return render(request, "seeds/seed_form.html", {"form": form, "seed": seed}, status=400)
    return render(request, "seeds/seed_form.html", {"form": form, "seed": seed})


# --- a seed's page
@login_required
def seed_detail(request, pk: int):
    """The public summary for every reader allowed; the confidential details, the yearly records and the
    outcomes for the team, the hub, the overseers and companies with an NDA."""
    seed = _visible_seed(request, pk)
    user = request.user
    full = user.has_perm("seeds.view_seed_details", seed)
    matching = user.has_perm("seeds.view_seed_matching", seed)
    can_manage = user.has_perm("seeds.manage_stage_gates", seed)
    page = selectors.seed_page(seed=seed, full=full, matching=matching)
    rounds = []
    if full:
        from kiban.reviews.selectors import rounds_for

        rounds = list(rounds_for(seed))
    can_interest = user.has_perm("seeds.add_interest", seed)
    return render(
        request,
        "seeds/seed_detail.html",
        {
            "page": page,
            "seed": seed,
            "rounds": rounds,
            "can_change": user.has_perm("seeds.change_seed", seed),
            "can_progress": user.has_perm("seeds.add_progress", seed),
            "can_outcome": user.has_perm("seeds.add_outcome", seed),
            "can_fund": user.has_perm("seeds.add_funding", seed),
            "can_nda": user.has_perm("seeds.add_nda", seed),
            "can_manage": can_manage,
            "can_interest": can_interest,
            "own_interest": selectors.company_interest_of(seed=seed, user=user) if can_interest else None,
            "funding_form": FundingForm(),
            "milestone_form": MilestoneForm(),
            "achieved_form": MilestoneAchievedForm(auto_id=False),
            "report_form": ProgressReportForm(),
            "outcome_form": OutcomeForm(),
            "interest_form": InterestForm(),
            "nda_form": NdaForm(),
            "review_form": StageGateOpenForm(
                initial={"title": _("Stage-gate: %(title)s") % {"title": seed.title}}
            )
            if can_manage and seed.is_active
            else None,
        },
    )


def _seed_action(request, pk: int, perm: str, form_class, write):
    """A form posted from a seed's page: checked, written through a service, and back to the page."""
    seed = _visible_seed(request, pk)
    require(request.user, perm, seed)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(seed)
    try:
        message = write(seed, form.cleaned_data)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, message)
    return redirect(seed)


@login_required
@require_POST
def funding_add(request, pk: int):
    def write(seed, data):
        services.seed_funding_record(seed=seed, **data, actor=request.user)
        return _("The research funds are recorded.")

    return _seed_action(request, pk, "seeds.add_funding", FundingForm, write)


@login_required
@require_POST
def milestone_add(request, pk: int):
    def write(seed, data):
        services.milestone_add(seed=seed, **data, actor=request.user)
        return _("The milestone is added.")

    return _seed_action(request, pk, "seeds.add_progress", MilestoneForm, write)


@login_required
@require_POST
def milestone_achieve(request, pk: int, milestone_id: int):
    def write(seed, data):
        milestone = get_object_or_404(Milestone, pk=milestone_id, seed=seed)
        services.milestone_achieve(milestone=milestone, achieved_on=data["achieved_on"], actor=request.user)
        return _("The milestone is marked reached.")

    return _seed_action(request, pk, "seeds.add_progress", MilestoneAchievedForm, write)


@login_required
@require_POST
def progress_add(request, pk: int):
    def write(seed, data):
        services.progress_report_submit(seed=seed, **data, actor=request.user)
        return _("The progress report is submitted.")

    return _seed_action(request, pk, "seeds.add_progress", ProgressReportForm, write)


@login_required
@require_POST
def outcome_add(request, pk: int):
    def write(seed, data):
        services.outcome_record(seed=seed, **data, actor=request.user)
        return _("The outcome is recorded.")

    return _seed_action(request, pk, "seeds.add_outcome", OutcomeForm, write)


@login_required
@require_POST
def interest_add(request, pk: int):
    def write(seed, data):
        services.interest_register(seed=seed, message=data["message"], actor=request.user)
        return _("Your interest is registered; the hub will contact you.")

    return _seed_action(request, pk, "seeds.add_interest", InterestForm, write)


@login_required
@require_POST
def nda_add(request, pk: int):
    def write(seed, data):
        services.nda_record(seed=seed, **data, actor=request.user)
        return _("The NDA is recorded; the company now reads the confidential details.")

    return _seed_action(request, pk, "seeds.add_nda", NdaForm, write)


@login_required
@require_POST
def stage_gate_open(request, pk: int):
    """The hub's staff open a stage-gate review round in the review engine, then assign reviewers there."""
    from kiban.reviews.services import review_round_open

    seed = _visible_seed(request, pk)
    require(request.user, "seeds.manage_stage_gates", seed)
    form = StageGateOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(seed)
    try:
        round_ = review_round_open(target=seed, **form.cleaned_data, actor=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        return redirect(seed)
    messages.success(request, _("The stage-gate review is open; assign its reviewers."))
    return redirect(round_.get_absolute_url())


# --- dashboards
def _hub_or_404(pk: int) -> Organisation:
    hub = selectors.hubs().filter(pk=int(pk)).first()
    if hub is None:
        raise Http404(_("No such hub."))
    return hub


def _dashboard_hub(request, hub_id: int | None) -> Organisation | None:
    if hub_id is None:
        require(request.user, "seeds.view_dashboard")
        return None
    hub = _hub_or_404(hub_id)
    require(request.user, "seeds.view_hub_dashboard", hub)
    return hub


@login_required
def dashboard(request, hub_id: int | None = None):
    """Seeds by stage and modality, decisions per fiscal year, time in stage, outcomes and license-outs."""
    hub = _dashboard_hub(request, hub_id)
    board = selectors.dashboard(hub=hub)
    return render(
        request,
        "seeds/dashboard.html",
        {
            "board": board,
            "pipeline_chart": pipeline_chart(board, reverse("seeds:list")),
            "stage_modality_chart": stage_modality_chart(board, reverse("seeds:list")),
            "stage_up_chart": stage_up_chart(board),
            "hub_links": [
                h for h in selectors.hubs() if request.user.has_perm("seeds.view_hub_dashboard", h)
            ],
            "can_nationwide": request.user.has_perm("seeds.view_dashboard"),
        },
    )


@login_required
def dashboard_export(request, file_format: str, hub_id: int | None = None):
    hub = _dashboard_hub(request, hub_id)
    return export_sheets_response(
        sheets=dashboard_sheets(selectors.dashboard(hub=hub)),
        filename=f"kiban-seeds-dashboard-{hub.pk if hub else 'nationwide'}",
        fmt=file_format,
    )
