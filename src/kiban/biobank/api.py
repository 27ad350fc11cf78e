"""Biobank cross-search API (S5): the directory of biobanks and collections, searches answered with counts
under disclosure control, and each user's saved searches. No endpoint returns a participant."""

import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from kiban.core.apikit import WRITE_REFUSALS, ApiError, Page, Rows, responses
from kiban.core.inputs import Id
from kiban.core.permissions import require

from . import clinical, services
from .association import association_run
from .clinical import NOW, AsOf, as_of_check
from .criteria import CriteriaError
from .models import Biobank, ClinicalUpdate, Participant, SavedSearch
from .search import Cell, SearchResult, search_run

router = Router(tags=["biobank cross-search (S5)"])


class CollectionOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    stated_size: int | None = Field(
        description="The participants the biobank states for the whole collection"
    )
    access_conditions: str
    access_conditions_en: str


class BiobankOut(Schema):
    code: str
    name: str
    name_en: str
    collections: list[CollectionOut]


class CountOut(Schema):
    shown: str = Field(
        description='The count as written on the page: a number, or "<10" below the minimum cell'
    )
    value: int | None = Field(description="The count shown, None where masked")
    low: int
    high: int
    precision: str = Field(description="exact (a curator's own biobank) or imprecise (noise, or masked)")


class CollectionCountOut(Schema):
    code: str
    name: str
    count: CountOut


class BiobankCountOut(Schema):
    code: str
    name: str
    count: CountOut
    collections: list[CollectionCountOut]


class MaterialCountOut(Schema):
    material_type: str
    name: str
    count: CountOut


class SearchOut(Schema):
    criteria: dict[str, Any] = Field(description="The criteria tree as read (normalised)")
    total: CountOut
    biobanks: list[BiobankCountOut]
    materials: list[MaterialCountOut]
    budget_left: int = Field(description="How many new questions the caller may still ask in this window")
    recorded_on: datetime.date | None = Field(description="The records as they stood that day (None: today)")
    true_on: datetime.date | None = Field(description="Clinical facts true that day (None: at any time)")


class SearchIn(Schema):
    criteria: dict[str, Any] = Field(
        description='A criteria tree, e.g. {"and": [{"disease": "J45"}, {"sex": "female"}, '
        '{"age": {"min": 40, "max": 60}}, {"material": "serum"}]}; see the search page for every criterion'
    )
    recorded_on: datetime.date | None = Field(
        None, description="Count as the records stood at the end of this day (empty: today's records)"
    )
    true_on: datetime.date | None = Field(
        None, description="Only diagnoses and clinical facts true on this day (empty: at any time)"
    )

    def as_of(self) -> AsOf:
        return as_of_check(self.recorded_on, self.true_on)


class SavedSearchIn(SearchIn):
    name: str = Field(min_length=1, max_length=120)


class SavedSearchOut(Schema):
    id: int
    name: str
    criteria: dict[str, Any]
    recorded_on: datetime.date | None
    true_on: datetime.date | None


def _count(cell: Cell) -> dict:
    return _shown(cell.shown)


def _shown(shown) -> dict:
    return {
        "shown": str(shown),
        "value": shown.value,
        "low": shown.low,
        "high": shown.high,
        "precision": shown.precision,
    }


def search_out(result: SearchResult) -> dict:
    return {
        "criteria": result.criteria,
        "total": _count(result.total),
        "biobanks": [
            {
                "code": row.biobank.code,
                "name": row.biobank.display_name,
                "count": _count(row.cell),
                "collections": [
                    {"code": collection.code, "name": collection.display_name, "count": _count(cell)}
                    for collection, cell in row.collections
                ],
            }
            for row in result.biobanks
        ],
        "materials": [
            {"material_type": cell.key.removeprefix("material:"), "name": cell.label, "count": _count(cell)}
            for cell in result.materials
        ],
        "budget_left": result.budget_left,
        "recorded_on": result.as_of.recorded_on,
        "true_on": result.as_of.true_on,
    }


def _run(request, criteria: Any, as_of: AsOf = NOW) -> dict:
    try:
        result = search_run(
            tree=criteria, user=request.user, address=request.META.get("REMOTE_ADDR"), as_of=as_of
        )
    except CriteriaError as error:
        raise ApiError(400, str(error), "invalid_criteria") from error
    return search_out(result)


def _biobank_out(biobank: Biobank) -> dict:
    organisation = biobank.organisation
    return {
        "code": biobank.code,
        "name": organisation.name,
        "name_en": organisation.name_en,
        "collections": list(biobank.collections.all()),
    }


@router.get("/biobanks", response=responses(list[BiobankOut], 403))
@paginate(Page)
def biobank_list(request):
    """Searchers (biobank.search): the biobanks and their collections with their access conditions."""
    require(request.user, "biobank.search")
    biobanks = Biobank.objects.select_related("organisation").prefetch_related("collections")
    return Rows(biobanks, _biobank_out)


@router.post("/search", response=responses(SearchOut, 400, 403, 429))
def search(request, payload: SearchIn):
    """Searchers (biobank.search): counts of the participants matching a criteria tree, per biobank,
    collection and material type, under disclosure control (each new search spends one question of the
    caller's budget: 429 with Retry-After when it is spent)."""
    require(request.user, "biobank.search")
    return _run(request, payload.criteria, payload.as_of())


@router.get("/saved-searches", response=responses(list[SavedSearchOut], 403))
@paginate(Page)
def saved_search_list(request):
    """Searchers (biobank.search): their own saved searches."""
    require(request.user, "biobank.search")
    return Rows(SavedSearch.objects.filter(user=request.user), lambda s: s)


@router.post("/saved-searches", response=responses(SavedSearchOut, *WRITE_REFUSALS, status=201))
def saved_search_create(request, payload: SavedSearchIn):
    """Searchers (biobank.search): saves criteria under a name of their own (409 for a name they used)."""
    require(request.user, "biobank.search")
    try:
        saved = services.saved_search_create(
            user=request.user, name=payload.name, tree=payload.criteria, as_of=payload.as_of()
        )
    except CriteriaError as error:
        raise ApiError(400, str(error), "invalid_criteria") from error
    return Status(201, saved)


@router.post("/saved-searches/{id}/run", response=responses(SearchOut, 400, 403, 404, 429))
def saved_search_run(request, id: Id):
    """The search's owner (biobank.view_savedsearch): runs it again, as of the days it was saved with."""
    saved = get_object_or_404(SavedSearch, pk=id)
    require(request.user, "biobank.view_savedsearch", saved)
    return _run(request, saved.criteria, AsOf(recorded_on=saved.recorded_on, true_on=saved.true_on))


@router.delete("/saved-searches/{id}", response=responses(None, 403, 404, status=204))
def saved_search_delete(request, id: Id):
    """The search's owner (biobank.delete_savedsearch): deletes it."""
    saved = get_object_or_404(SavedSearch, pk=id)
    require(request.user, "biobank.delete_savedsearch", saved)
    services.saved_search_delete(saved=saved, actor=request.user)
    return Status(204, None)


class AssociationIn(Schema):
    dataset: str = Field(max_length=100, description="A genome dataset id, e.g. tmm-simulated")
    region: str = Field(max_length=60, description="chromosome:start-end, at most 1 Mb")
    cases: dict[str, Any] = Field(description='The cases\' criteria tree, e.g. {"disease": "J45"}')
    controls: dict[str, Any] = Field(
        description='The controls\' criteria tree, e.g. {"not": {"disease": "J45"}}'
    )


class AssociationRowOut(Schema):
    variant_id: str
    pos: int
    case_alt: int | None = Field(description="None where any cell of the variant is below the minimum cell")
    case_ref: int | None
    control_alt: int | None
    control_ref: int | None
    odds_ratio: float | None
    p_value: float | None = Field(description="Fisher's exact test, two-sided")


class AssociationOut(Schema):
    dataset: str
    region: str
    cases: CountOut
    controls: CountOut
    truncated: bool = Field(description="True when the region holds more variants than the 200 analysed")
    variants: list[AssociationRowOut]


@router.post("/association", response=responses(AssociationOut, 400, 403, 429))
def association(request, payload: AssociationIn):
    """Searchers (biobank.search): cases against controls at each variant of a region, as aggregates under
    disclosure control (one question of the caller's budget)."""
    require(request.user, "biobank.search")
    try:
        result = association_run(
            dataset=payload.dataset,
            region=payload.region,
            cases=payload.cases,
            controls=payload.controls,
            user=request.user,
            address=request.META.get("REMOTE_ADDR"),
        )
    except CriteriaError as error:
        raise ApiError(400, str(error), "invalid_criteria") from error
    return {
        "dataset": result.dataset,
        "region": result.region,
        "cases": _shown(result.cases),
        "controls": _shown(result.controls),
        "truncated": result.truncated,
        "variants": result.rows,
    }


# --- clinical updates and timelines: a biobank's own curators


class UpdateLineOut(Schema):
    number: int = Field(description="The line of the file")
    participant: str = Field(alias="pseudonym")
    kind: str
    item: str
    value_number: str | None
    value_text: str
    unit: str
    valid_from: str | None
    valid_until: str | None
    source: str
    retract: bool
    status: str = Field(description="new, changed, unchanged or rejected")
    problem: str = Field(description="Why a line is rejected")


class UpdateOut(Schema):
    id: int
    biobank: str
    file_name: str
    sha256: str
    state: str = Field(description="previewed, applied or discarded")
    new: int
    changed: int
    unchanged: int
    rejected: int
    uploaded_at: datetime.datetime
    applied_at: datetime.datetime | None
    lines: list[UpdateLineOut]


def _update_out(update: ClinicalUpdate) -> dict:
    return {
        "id": update.pk,
        "biobank": update.biobank.code,
        "file_name": update.file_name,
        "sha256": update.sha256,
        "state": update.state,
        "new": update.new,
        "changed": update.changed,
        "unchanged": update.unchanged,
        "rejected": update.rejected,
        "uploaded_at": update.uploaded_at,
        "applied_at": update.applied_at,
        "lines": clinical.lines_of(update),
    }


def _update(request, id: int) -> ClinicalUpdate:
    update = get_object_or_404(ClinicalUpdate.objects.select_related("biobank"), pk=id)
    require(request.user, "biobank.update_clinical", update.biobank)
    return update


@router.post("/clinical-updates", response=responses(UpdateOut, 400, 403, 404, status=201))
def clinical_update_preview(request, file: File[UploadedFile], biobank: Form[str]):
    """The biobank's own curators (biobank.update_clinical): checks a file of clinical updates (CSV or TSV,
    at most 10 MB; the format is in kiban.biobank.clinical) against the records and keeps it as a preview
    with each line's outcome; nothing is applied."""
    found = get_object_or_404(Biobank, code=biobank.strip().upper())
    if file.size > clinical.MOST_UPDATE_BYTES:
        raise ApiError(400, _("The file is larger than 10 MB: split it."), "update_size")
    update = clinical.update_preview(
        biobank=found, name=file.name or "", content=file.read(), actor=request.user
    )
    return Status(201, _update_out(update))


@router.get("/clinical-updates/{id}", response=responses(UpdateOut, 403, 404))
def clinical_update_detail(request, id: Id):
    """The biobank's own curators (biobank.update_clinical): a file's preview or what it applied."""
    return _update_out(_update(request, id))


@router.post("/clinical-updates/{id}/apply", response=responses(UpdateOut, 400, 403, 404, 409))
def clinical_update_apply(request, id: Id):
    """The biobank's own curators (biobank.update_clinical): applies a previewed file in one transaction
    (400 while it has rejected lines; 409 once applied or discarded, or when the records changed since)."""
    return _update_out(clinical.update_apply(update=_update(request, id), actor=request.user))


@router.post("/clinical-updates/{id}/discard", response=responses(UpdateOut, 403, 404, 409))
def clinical_update_discard(request, id: Id):
    """The biobank's own curators (biobank.update_clinical): leaves a previewed file unapplied."""
    return _update_out(clinical.update_discard(update=_update(request, id), actor=request.user))


class TimelineEventOut(Schema):
    recorded_at: datetime.datetime
    kind: str
    item: str = Field(alias="what")
    value: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    source: str
    reason: str
    superseded_at: datetime.datetime | None
    retracted: bool


@router.get(
    "/participants/{biobank}/{pseudonym}/timeline", response=responses(list[TimelineEventOut], 403, 404)
)
@paginate(Page)
def participant_timeline(request, biobank: str, pseudonym: str):
    """The participant's biobank's own curators (biobank.view_timeline): every version of their clinical
    information, newest record first; the look is recorded."""
    found = get_object_or_404(Biobank, code=biobank[:20])
    require(request.user, "biobank.view_timeline", found)
    participant = get_object_or_404(Participant, biobank=found, pseudonym=pseudonym[:60])
    clinical.timeline_viewed(participant=participant, viewer=request.user)
    return clinical.timeline_of(participant)
