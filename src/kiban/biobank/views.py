"""Biobank cross-search pages: the search with its counts and chart, saving a search, one's saved searches.
Every page shows counts only, through disclosure control (search.py); none shows a participant."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.core import disclosure
from kiban.core.errors import StateConflict
from kiban.core.permissions import require
from kiban.genome import selectors as genome_selectors
from kiban.genome.datasets import all_datasets

from . import services
from .association import association_run
from .criteria import CriteriaError
from .forms import AssociationForm, SaveSearchForm, SearchForm
from .models import Biobank, SavedSearch
from .search import search_run


def search_page(view):
    """Signed-in searchers (biobank.search)."""

    @login_required
    @wraps(view)
    def page(request, *args, **kwargs):
        require(request.user, "biobank.search")
        return view(request, *args, **kwargs)

    return page


def _datasets(user) -> list[str]:
    return [m.dataset_id for m in genome_selectors.frequency_datasets(user, all_datasets())]


def _render_search(request, form, *, criteria=None, saved=None, status=200):
    result = error = None
    if criteria is not None:
        try:
            result = search_run(tree=criteria, user=request.user, address=request.META.get("REMOTE_ADDR"))
        except CriteriaError as problem:
            error, status = str(problem), 400
        except disclosure.QueryBudgetExhausted as refusal:
            response = render(
                request, "biobank/search.html", _context(request, form, error=refusal.message), status=429
            )
            for header, value in refusal.headers.items():
                response[header] = value
            return response
    context = _context(request, form, result=result, error=error, saved=saved)
    return render(request, "biobank/search.html", context, status=status)


def _context(request, form, *, result=None, error=None, saved=None) -> dict:
    save_form = None
    if result is not None:
        save_form = SaveSearchForm(initial={"criteria_json": json.dumps(result.criteria, ensure_ascii=False)})
    return {
        "form": form,
        "result": result,
        "chart": result.chart() if result else None,
        "criteria_text": json.dumps(result.criteria, ensure_ascii=False) if result else "",
        "error": error,
        "save_form": save_form,
        "saved": saved,
        "min_cell": disclosure.min_cell(),
        "biobanks": Biobank.objects.select_related("organisation").prefetch_related("collections"),
    }


@search_page
def search(request):
    """Signed-in searchers (biobank.search): the criteria form and, once asked, the counts per biobank,
    collection and sample type under disclosure control."""
    datasets = _datasets(request.user)
    if not request.GET:
        return _render_search(request, SearchForm(datasets=datasets))
    form = SearchForm(request.GET, datasets=datasets)
    if not form.is_valid():
        return _render_search(request, form, status=400)
    criteria = form.criteria()
    if criteria is None:
        return _render_search(request, form)
    return _render_search(request, form, criteria=criteria)


@search_page
@require_POST
def save(request):
    """Signed-in searchers (biobank.search): saves the criteria just searched under a name."""
    form = SaveSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the search a name of at most 120 characters."))
        return redirect("biobank:search")
    try:
        tree = json.loads(form.cleaned_data["criteria_json"])
        saved = services.saved_search_create(user=request.user, name=form.cleaned_data["name"], tree=tree)
    except (json.JSONDecodeError, CriteriaError, StateConflict) as problem:
        messages.error(
            request,
            str(problem)
            if not isinstance(problem, json.JSONDecodeError)
            else _("The criteria could not be read."),
        )
        return redirect("biobank:saved")
    messages.success(request, _("Search “%(name)s” saved.") % {"name": saved.name})
    return redirect("biobank:saved")


@search_page
def saved_list(request):
    """Signed-in searchers (biobank.search): their own saved searches, each to be run again."""
    searches = SavedSearch.objects.filter(user=request.user)
    return render(request, "biobank/saved_list.html", {"searches": searches})


@search_page
def saved_run(request, pk: int):
    """The search's owner (biobank.view_savedsearch): runs it again on today's data."""
    saved = get_object_or_404(SavedSearch, pk=pk)
    require(request.user, "biobank.view_savedsearch", saved)
    form = SearchForm(
        datasets=_datasets(request.user), initial={"tree": json.dumps(saved.criteria, ensure_ascii=False)}
    )
    return _render_search(request, form, criteria=saved.criteria, saved=saved)


@search_page
@require_POST
def saved_delete(request, pk: int):
    """The search's owner (biobank.delete_savedsearch): deletes it."""
    saved = get_object_or_404(SavedSearch, pk=pk)
    require(request.user, "biobank.delete_savedsearch", saved)
    services.saved_search_delete(saved=saved, actor=request.user)
    messages.success(request, _("Search “%(name)s” deleted.") % {"name": saved.name})
    return redirect("biobank:saved")


@search_page
def association(request):
    """Signed-in searchers (biobank.search): cases against controls at each variant of a region, as
    aggregates under disclosure control, with a plot along the region."""
    datasets = _datasets(request.user)
    form = AssociationForm(request.GET or None, datasets=datasets)
    context = {"form": form, "result": None, "error": None, "min_cell": disclosure.min_cell()}
    status = 200
    if request.GET and form.is_valid():
        data = form.cleaned_data
        try:
            context["result"] = association_run(
                dataset=data["dataset"],
                region=data["region"],
                cases=data["case_tree"],
                controls=data["control_tree"],
                user=request.user,
                address=request.META.get("REMOTE_ADDR"),
            )
        except CriteriaError as problem:
            context["error"], status = str(problem), 400
        except disclosure.QueryBudgetExhausted as refusal:
            context["error"] = refusal.message
            response = render(request, "biobank/association.html", context, status=429)
            for header, value in refusal.headers.items():
                response[header] = value
            return response
    elif request.GET:
        status = 400
    if context["result"] is not None:
        context["chart"] = context["result"].chart()
    return render(request, "biobank/association.html", context, status=status)
