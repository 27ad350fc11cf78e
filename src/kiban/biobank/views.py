"""Biobank cross-search pages: the search with its counts and chart, saving a search, one's saved searches.
Every page shows counts only, through disclosure control (search.py); none shows a participant."""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kiban.core import disclosure
from kiban.core.errors import form_errors_text
from kiban.core.pages import act, paginate
from kiban.core.permissions import require
from kiban.genome import selectors as genome_selectors
from kiban.genome.datasets import all_datasets

from . import clinical, services
from .association import association_run
from .clinical import NOW, AsOf
from .criteria import CriteriaError
from .forms import AssociationForm, SaveSearchForm, SearchForm, TimelineForm, UpdateUploadForm
from .models import Biobank, ClinicalUpdate, Participant, SavedSearch
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


def _render_search(request, form, *, criteria=None, as_of=NOW, saved=None, status=200):
    result = error = None
    if criteria is not None:
        try:
            result = search_run(
                tree=criteria, user=request.user, address=request.META.get("REMOTE_ADDR"), as_of=as_of
            )
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
        save_form = SaveSearchForm(
            initial={
                "criteria_json": json.dumps(result.criteria, ensure_ascii=False),
                "recorded_on": result.as_of.recorded_on,
                "true_on": result.as_of.true_on,
            }
        )
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
    return _render_search(request, form, criteria=criteria, as_of=form.as_of())


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
        saved = services.saved_search_create(
            user=request.user,
            name=form.cleaned_data["name"],
            tree=tree,
            as_of=AsOf(form.cleaned_data["recorded_on"], form.cleaned_data["true_on"]),
        )
    except json.JSONDecodeError:
        messages.error(request, _("The criteria could not be read."))
        return redirect("biobank:saved")
    except CriteriaError as problem:
        messages.error(request, str(problem))
        return redirect("biobank:saved")
    except ValidationError as problem:  # a name taken (StateConflict) or an as-of day refused
        messages.error(request, " ".join(problem.messages))
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
    """The search's owner (biobank.view_savedsearch): runs it again, as of the days it was saved with (so a
    study gets the counts it used), else on today's records."""
    saved = get_object_or_404(SavedSearch, pk=pk)
    require(request.user, "biobank.view_savedsearch", saved)
    form = SearchForm(
        datasets=_datasets(request.user),
        initial={
            "tree": json.dumps(saved.criteria, ensure_ascii=False),
            "recorded_on": saved.recorded_on,
            "true_on": saved.true_on,
        },
    )
    as_of = AsOf(recorded_on=saved.recorded_on, true_on=saved.true_on)
    return _render_search(request, form, criteria=saved.criteria, as_of=as_of, saved=saved)


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


# --- clinical updates and timelines: a biobank's own curators


def _curated(user):
    """The biobanks the user curates (biobank.update_clinical on each), as a queryset for the forms."""
    ids = [
        b.pk
        for b in Biobank.objects.select_related("organisation")
        if user.has_perm("biobank.update_clinical", b)
    ]
    return Biobank.objects.filter(pk__in=ids).select_related("organisation")


def curator_page(view):
    """Signed-in biobank curators (biobank.view_clinicalupdate); each write checks its own biobank."""

    @login_required
    @wraps(view)
    def page(request, *args, **kwargs):
        require(request.user, "biobank.view_clinicalupdate")
        return view(request, *args, **kwargs)

    return page


@curator_page
def updates(request):
    """Biobank curators (biobank.view_clinicalupdate): the files of clinical updates of the biobanks they
    curate, and a new file to preview (POST; biobank.update_clinical on the biobank chosen)."""
    biobanks = _curated(request.user)
    status = 200
    if request.method == "POST":
        form = UpdateUploadForm(request.POST, request.FILES, biobanks=biobanks)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                update = clinical.update_preview(
                    biobank=form.cleaned_data["biobank"],
                    name=upload.name,
                    content=upload.read(),
                    actor=request.user,
                )
            except ValidationError as problem:
                form.add_error("file", problem)
            else:
                return redirect("biobank:update-detail", update.pk)
        status = 400
    else:
        form = UpdateUploadForm(biobanks=biobanks)
    context = {
        "form": form,
        "timeline_form": TimelineForm(biobanks=biobanks),
        "biobanks": biobanks,
        "updates": paginate(
            request,
            ClinicalUpdate.objects.filter(biobank__in=biobanks).select_related("biobank", "uploaded_by"),
        ),
        "columns": clinical.COLUMNS,
    }
    return render(request, "biobank/updates.html", context, status=status)


@curator_page
def update_example(request):
    """Biobank curators (biobank.update_clinical on ?biobank=): an example file of updates naming real
    participants of their biobank, to start from."""
    biobank = get_object_or_404(Biobank, code=request.GET.get("biobank", ""))
    require(request.user, "biobank.update_clinical", biobank)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="clinical-updates-{biobank.code}.csv"'
    response.write(clinical.example_file(biobank))
    return response


def _update_for(request, pk: int) -> ClinicalUpdate:
    update = get_object_or_404(ClinicalUpdate.objects.select_related("biobank", "uploaded_by"), pk=pk)
    require(request.user, "biobank.update_clinical", update.biobank)
    return update


@curator_page
def update_detail(request, pk: int):
    """The biobank's own curators (biobank.update_clinical): the preview of a file — each line new, changed,
    unchanged or rejected with the reason — and, while it is a preview, the buttons to apply or discard it."""
    update = _update_for(request, pk)
    shown = request.GET.get("status", "")
    lines = clinical.lines_of(update)
    if shown in clinical.STATUSES:
        lines = [line for line in lines if line.status == shown]
    context = {
        "update": update,
        "lines": paginate(request, lines),
        "shown": shown,
        "statuses": [(status, clinical.status_label(status)) for status in clinical.STATUSES],
    }
    return render(request, "biobank/update_detail.html", context)


@curator_page
@require_POST
def update_apply(request, pk: int):
    """The biobank's own curators (biobank.update_clinical): applies the previewed file."""
    update = _update_for(request, pk)
    return act(
        request,
        update.get_absolute_url(),
        lambda: clinical.update_apply(update=update, actor=request.user),
        _("The clinical updates were applied."),
    )


@curator_page
@require_POST
def update_discard(request, pk: int):
    """The biobank's own curators (biobank.update_clinical): leaves the previewed file unapplied."""
    update = _update_for(request, pk)
    return act(
        request,
        update.get_absolute_url(),
        lambda: clinical.update_discard(update=update, actor=request.user),
        _("The file was discarded; nothing was applied."),
    )


@curator_page
def timeline_open(request):
    """Biobank curators (biobank.view_clinicalupdate): opens a participant's timeline by id."""
    biobanks = _curated(request.user)
    form = TimelineForm(request.GET, biobanks=biobanks)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect("biobank:updates")
    return redirect(
        "biobank:timeline", form.cleaned_data["biobank"].code, form.cleaned_data["participant"].strip()
    )


@curator_page
def timeline(request, biobank: str, pseudonym: str):
    """The participant's biobank's own curators (biobank.view_timeline): every version of their clinical
    information in the order it was recorded, with its source, who entered it and why; opening it is
    recorded, and the page lists who looked."""
    found = get_object_or_404(Biobank, code=biobank)
    require(request.user, "biobank.view_timeline", found)
    participant = get_object_or_404(
        Participant.objects.select_related("collection"), biobank=found, pseudonym=pseudonym
    )
    clinical.timeline_viewed(participant=participant, viewer=request.user)
    context = {
        "biobank": found,
        "participant": participant,
        "events": clinical.timeline_of(participant),
        "samples": participant.samples.order_by("label"),
        "views": participant.timeline_views.select_related("viewer")[:20],
    }
    return render(request, "biobank/timeline.html", context)
