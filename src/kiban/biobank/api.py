"""Biobank cross-search API (S5): the directory of biobanks and collections, searches answered with counts
under disclosure control, and each user's saved searches. No endpoint returns a participant."""

from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from kiban.core.apikit import WRITE_REFUSALS, ApiError, Page, Rows, responses
from kiban.core.inputs import Id
from kiban.core.permissions import require

from . import services
from .association import association_run
from .criteria import CriteriaError
from .models import Biobank, SavedSearch
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


class SearchIn(Schema):
    criteria: dict[str, Any] = Field(
        description='A criteria tree, e.g. {"and": [{"disease": "J45"}, {"sex": "female"}, '
        '{"age": {"min": 40, "max": 60}}, {"material": "serum"}]}; see the search page for every criterion'
    )


class SavedSearchIn(SearchIn):
    name: str = Field(min_length=1, max_length=120)


class SavedSearchOut(Schema):
    id: int
    name: str
    criteria: dict[str, Any]


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
    }


def _run(request, criteria: Any) -> dict:
    try:
        result = search_run(tree=criteria, user=request.user, address=request.META.get("REMOTE_ADDR"))
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
    return _run(request, payload.criteria)


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
        saved = services.saved_search_create(user=request.user, name=payload.name, tree=payload.criteria)
    except CriteriaError as error:
        raise ApiError(400, str(error), "invalid_criteria") from error
    return Status(201, saved)


@router.post("/saved-searches/{id}/run", response=responses(SearchOut, 400, 403, 404, 429))
def saved_search_run(request, id: Id):
    """The search's owner (biobank.view_savedsearch): runs it again, with today's data."""
    saved = get_object_or_404(SavedSearch, pk=id)
    require(request.user, "biobank.view_savedsearch", saved)
    return _run(request, saved.criteria)


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
