"""Review pages: a reviewer's list and review page, a manager's round page, opening a round on any item."""

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.core.errors import refusal_text
from kiban.core.pages import page_errors, paginate
from kiban.core.permissions import require

from . import selectors, services
from .forms import AssignForm, BalancedAssignForm, ConflictForm, DecisionForm, RoundOpenForm, ScoreForm
from .models import Assignment, ReviewRound
from .registry import adapter_for, adapter_for_model, outcome_label


@login_required
@page_errors
def my_reviews(request):
    """Any signed-in user: their review work in open rounds, without items they have a conflict with."""
    require(request.user, "reviews.list_assignments")
    page = paginate(request, selectors.assignments_for_reviewer(request.user))
    rows = []
    for assignment in page:
        round_ = assignment.round
        adapter = adapter_for(round_.target)
        rows.append(
            {
                "assignment": assignment,
                "round": round_,
                "title": adapter.title(round_.target),
                "applicant": None if round_.blind else adapter.applicant_label(round_.target),
            }
        )
    return render(request, "reviews/my_reviews.html", {"rows": rows, "page": page})


def _assignment_or_404(pk: int) -> Assignment:
    try:
        return selectors.assignment_for_reviewer(pk=pk)
    except Assignment.DoesNotExist as error:
        raise Http404(_("No such review assignment.")) from error


def _anonymised(groups, own: Assignment):
    """Other reviewers appear as Reviewer 1, 2 …; the reviewer's own scores come first as "You"."""
    named = []
    number = 0
    for assignment, scores in groups:
        if assignment.pk == own.pk:
            named.insert(0, (_("You"), scores))
        else:
            number += 1
            named.append((_("Reviewer %(number)s") % {"number": number}, scores))
    return named


@login_required
def assignment_detail(request, pk: int):
    """The assigned reviewer (never a conflicted one): the item, the rubric form, a conflict declaration."""
    assignment = _assignment_or_404(pk)
    require(request.user, "reviews.view_assignment", assignment)
    round_ = assignment.round
    target = round_.target
    adapter = adapter_for(target)
    criteria = list(round_.rubric.criteria.all())
    form = ScoreForm(request.POST or None, rubric=round_.rubric, criteria=criteria)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.scores_submit(
                    assignment=assignment, values=form.values(), comments=form.comments(), actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, refusal_text(error))
            else:
                messages.success(request, _("Your scores are submitted."))
                return redirect(assignment)
        status = 400
    groups = selectors.scores_by_reviewer(selectors.visible_scores(round_, request.user))
    return render(
        request,
        "reviews/assignment_detail.html",
        {
            "assignment": assignment,
            "round": round_,
            "title": adapter.title(target),
            "summary": adapter.summary(target),
            "applicant": None if round_.blind else adapter.applicant_label(target),
            "form": form,
            "can_score": request.user.has_perm("reviews.change_assignment", assignment)
            and not assignment.is_submitted,
            "conflict_form": ConflictForm(),
            "score_groups": _anonymised(groups, assignment),
        },
        status=status,
    )


@login_required
@require_POST
def conflict_declare(request, pk: int):
    """The reviewer: declare a conflict of interest; the item disappears from their work."""
    assignment = _assignment_or_404(pk)
    require(request.user, "reviews.declare_conflict", assignment)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(
                assignment=assignment, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, refusal_text(error))
            return redirect(assignment)
        messages.success(
            request, _("Your conflict of interest is recorded; this item is no longer yours to review.")
        )
        return redirect("reviews:mine")
    messages.error(request, _("Say what the conflict of interest is; it is kept in the audit trail."))
    return redirect(assignment)


def _managed_round(request, pk: int) -> ReviewRound:
    try:
        round_ = selectors.round_detail(pk=pk)
    except ReviewRound.DoesNotExist as error:
        raise Http404(_("No such review round.")) from error
    require(request.user, "reviews.manage_reviewround", round_)
    return round_


def _round_page(request, round_: ReviewRound, *, status: int = 200, **forms):
    target = round_.target
    adapter = adapter_for(target)
    assignments = list(round_.assignments.all())
    decision = getattr(round_, "decision", None)
    context = {
        "round": round_,
        # the item as the round reviewed it (a seed's stage then), not as it is now
        "title": adapter.title(target, round_.reviewed_state)
        if round_.reviewed_state
        else adapter.title(target),
        "applicant": adapter.applicant_label(target),
        "target_url": adapter.url(target),
        "criteria": list(round_.rubric.criteria.all()),
        "assignments": assignments,
        "aggregate": selectors.aggregate(round_),
        "score_groups": selectors.scores_by_reviewer(selectors.visible_scores(round_, request.user)),
        "decision": decision,
        "decision_label": outcome_label(adapter, decision.outcome) if decision else "",
        "history": round_.history.select_related("history_user").order_by("-history_date"),
        "assign_form": forms.get("assign_form") or AssignForm(),
        "balanced_form": forms.get("balanced_form") or BalancedAssignForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(outcomes=adapter.outcomes),
    }
    return render(request, "reviews/round_detail.html", context, status=status)


@login_required
def round_detail(request, pk: int):
    """The item's review managers: assignments and conflicts, scores, the aggregate, closing and deciding."""
    return _round_page(request, _managed_round(request, pk))


@login_required
@require_POST
def round_assign(request, pk: int):
    round_ = _managed_round(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            assignment = services.reviewer_assign(
                round=round_, reviewer=form.cleaned_data["reviewer"], actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, refusal_text(error))
        else:
            if assignment.is_conflicted:
                messages.warning(
                    request,
                    _(
                        "%(reviewer)s has a conflict of interest (%(reason)s) "
                        "and will not see or score this item."
                    )
                    % {"reviewer": assignment.reviewer, "reason": assignment.conflict_reason},
                )
            else:
                messages.success(request, _("%(reviewer)s is assigned.") % {"reviewer": assignment.reviewer})
            return redirect(round_)
    return _round_page(request, round_, status=400, assign_form=form)


@login_required
@require_POST
def round_assign_balanced(request, pk: int):
    round_ = _managed_round(request, pk)
    form = BalancedAssignForm(request.POST)
    if form.is_valid():
        try:
            created = services.reviewers_assign_balanced(
                rounds=[round_],
                pool=list(form.cleaned_data["pool"]),
                per_round=form.cleaned_data["per_round"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, refusal_text(error))
        else:
            messages.success(
                request, _("%(count)s reviewers assigned.") % {"count": len(created.get(round_.pk, []))}
            )
            return redirect(round_)
    return _round_page(request, round_, status=400, balanced_form=form)


@login_required
@require_POST
def round_close(request, pk: int):
    round_ = _managed_round(request, pk)
    try:
        services.review_round_close(round=round_, actor=request.user)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("The round is closed; record the decision below."))
    return redirect(round_)


@login_required
@require_POST
def round_decide(request, pk: int):
    round_ = _managed_round(request, pk)
    form = DecisionForm(request.POST, outcomes=adapter_for(round_.target).outcomes)
    if form.is_valid():
        try:
            services.decision_record(
                round=round_,
                outcome=form.cleaned_data["outcome"],
                rationale=form.cleaned_data["rationale"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, refusal_text(error))
        else:
            messages.success(request, _("The decision is recorded and the applicant is notified."))
            return redirect(round_)
    return _round_page(request, round_, status=400, decision_form=form)


@login_required
def round_open(request, app_label: str, model_name: str, object_id: int):
    """Whoever manages the item's review: open a review round on any registered item."""
    try:
        model = apps.get_model(app_label, model_name)
        adapter = adapter_for_model(model)
    except (LookupError, ValueError) as error:
        raise Http404(_("This kind of item cannot be reviewed.")) from error
    target = get_object_or_404(model, pk=object_id)
    require(request.user, "reviews.add_reviewround", target)
    form = RoundOpenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                round_ = services.review_round_open(target=target, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, refusal_text(error))
            else:
                messages.success(request, _("The review round is open; assign reviewers."))
                return redirect(round_)
        status = 400
    return render(
        request,
        "reviews/round_open.html",
        {"form": form, "title": adapter.title(target), "target_url": adapter.url(target)},
        status=status,
    )
