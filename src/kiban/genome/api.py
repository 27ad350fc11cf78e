"""Reference panel API: datasets, and variants by id, rsID, region and gene (aggregate counts only).

Counts go through disclosure control (selectors.disclosed_variant): null where masked (below the minimum
cell, in every stratum where one group is), exact for genome.view_exact_counts; a controlled dataset is 403.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from kiban.core.apikit import ApiError, Page, PageIn, PageOut, check_page, responses
from kiban.core.permissions import require

from . import engine, selectors
from .datasets import all_datasets, dataset_or_404

router = Router(tags=["genome reference panel (S6)"])


class CountsOut(Schema):
    """null where disclosure control masked the count (af: also where its ac or an is masked, or an is 0)."""

    ac: int | None
    an: int | None
    af: float | None
    hom: int | None
    het: int | None
    hemi: int | None


class VariantOut(Schema):
    variant_id: str
    chrom: str
    pos: int
    ref: str
    alt: str
    rsid: str | None
    qual: float | None
    filters: list[str]
    counts: CountsOut
    strata: dict[str, dict[str, CountsOut]]


class DatasetOut(Schema):
    dataset_id: str
    version: str
    assembly: str
    sample_count: int
    variant_count: int
    strata: dict[str, list[str]]
    source_name: str
    source_sha256: str
    created_at: str


class RsidOut(Schema):
    dataset_id: str
    version: str
    rsid: str
    variants: list[VariantOut]


class VariantPageOut(PageOut):
    dataset_id: str
    version: str
    items: list[VariantOut]


class RegionPageOut(VariantPageOut):
    chrom: str
    start: int
    end: int


class GenePageOut(VariantPageOut):
    symbol: str


class FiltersIn(Schema):
    min_af: float | None = Field(None, description="Lowest allele frequency, 0 to 1, inclusive")
    max_af: float | None = Field(None, description="Highest allele frequency, 0 to 1, inclusive")
    pass_only: bool = Field(False, description="Only variants whose FILTER is PASS")


def _require_view(request) -> None:
    require(request.user, "genome.view_dataset")


def _dataset(request, dataset_id: str) -> engine.Dataset:
    try:
        dataset = dataset_or_404(dataset_id)
    except Http404 as error:
        raise ApiError(
            404, _("There is no dataset “%(dataset)s”.") % {"dataset": dataset_id}, "dataset_not_found"
        ) from error
    if not selectors.may_see_frequencies(request.user, dataset.manifest.dataset_id):
        raise ApiError(403, selectors.controlled_refusal(dataset.manifest.dataset_id), "dataset_controlled")
    return dataset


def _filters(query: FiltersIn) -> engine.Filters:
    return selectors.frequency_filters(min_af=query.min_af, max_af=query.max_af, pass_only=query.pass_only)


def _variant(request, variant: engine.Variant) -> dict:
    variant = selectors.disclosed_variant(variant, exact=selectors.sees_exact_counts(request.user))
    return {
        "variant_id": variant.variant_id,
        "chrom": variant.chrom,
        "pos": variant.pos,
        "ref": variant.ref,
        "alt": variant.alt,
        "rsid": variant.rsid,
        "qual": variant.qual,
        "filters": list(variant.filters),
        "counts": variant.counts,
        "strata": variant.strata,
    }


def _page(request, manifest: engine.Manifest, page: engine.Page) -> dict:
    return {
        "dataset_id": manifest.dataset_id,
        "version": manifest.version,
        "count": page.total,
        "offset": page.offset,
        "limit": page.limit,
        "items": [_variant(request, v) for v in page.items],
    }


@router.get("/datasets", response=responses(list[DatasetOut], 403), summary="Every dataset's current version")
@paginate(Page)
def dataset_list(request):
    _require_view(request)
    return [m.to_json() for m in selectors.frequency_datasets(request.user, all_datasets())]


@router.get(
    "/datasets/{dataset_id}",
    response=responses(DatasetOut, 403, 404),
    summary="One dataset's current version",
)
def dataset_detail(request, dataset_id: str):
    _require_view(request)
    return _dataset(request, dataset_id).manifest.to_json()


@router.get(
    "/datasets/{dataset_id}/variants/{variant_id}",
    response=responses(VariantOut, 400, 403, 404),
    summary="One variant's counts, overall and per stratum",
)
def variant_detail(request, dataset_id: str, variant_id: str):
    """`variant_id` is chrom-pos-ref-alt (1-12345-A-G; chr1-12345-A-G is read the same)."""
    _require_view(request)
    dataset = _dataset(request, dataset_id)
    canonical = selectors.variant_id(variant_id)
    variant = dataset.variant(canonical)
    if variant is None:
        raise ApiError(
            404,
            _("Variant %(variant)s is not in dataset %(dataset)s.")
            % {"variant": canonical, "dataset": dataset_id},
            "variant_not_found",
        )
    return _variant(request, variant)


@router.get(
    "/datasets/{dataset_id}/rsids/{rsid}",
    response=responses(RsidOut, 400, 403, 404),
    summary="The variants carrying an rsID (one per alternate allele)",
)
def rsid_detail(request, dataset_id: str, rsid: str):
    _require_view(request)
    dataset = _dataset(request, dataset_id)
    canonical = selectors.rsid(rsid)
    variants = dataset.by_rsid(canonical)
    if not variants:
        raise ApiError(
            404,
            _("No variant in dataset %(dataset)s has rsID %(rsid)s.")
            % {"dataset": dataset_id, "rsid": canonical},
            "rsid_not_found",
        )
    manifest = dataset.manifest
    return {
        "dataset_id": manifest.dataset_id,
        "version": manifest.version,
        "rsid": canonical,
        "variants": [_variant(request, v) for v in variants],
    }


@router.get(
    "/datasets/{dataset_id}/region",
    response=responses(RegionPageOut, 400, 403, 404),
    summary="The variants of a region, filtered and paged, with the total of every match",
)
def region(
    request,
    dataset_id: str,
    chrom: str,
    start: int,
    end: int,
    query: Query[FiltersIn],
    page: Query[PageIn],
):
    """Variants overlapping start..end, 1-based, both ends included (a deletion that starts before `start`
    but reaches it counts); `chrom` takes 1–22, X, Y or MT with or without `chr`. AF bounds are
    inclusive; page with `offset` until it reaches `count`."""
    _require_view(request)
    dataset = _dataset(request, dataset_id)
    # The engine reads one page of matches and counts them all, so the page is passed down to it.
    check_page(page)
    filters = _filters(query)
    target = selectors.region(chrom, start, end)
    found = dataset.region(
        target.chrom, target.start, target.end, filters=filters, offset=page.offset, limit=page.limit
    )
    return {
        **_page(request, dataset.manifest, found),
        "chrom": target.chrom,
        "start": target.start,
        "end": target.end,
    }


@router.get(
    "/datasets/{dataset_id}/genes/{symbol}",
    response=responses(GenePageOut, 400, 403, 404),
    summary="The variants of a gene, filtered and paged, with the total of every match",
)
def gene(request, dataset_id: str, symbol: str, query: Query[FiltersIn], page: Query[PageIn]):
    """The gene's extent comes from the annotation loaded for the dataset's assembly."""
    _require_view(request)
    dataset = _dataset(request, dataset_id)
    check_page(page)
    filters = _filters(query)
    try:
        found = dataset.gene(symbol, filters=filters, offset=page.offset, limit=page.limit)
    except LookupError as error:
        raise ApiError(
            404,
            _("No gene %(symbol)s in the %(assembly)s annotation.")
            % {"symbol": symbol, "assembly": dataset.manifest.assembly},
            "gene_not_found",
        ) from error
    return {**_page(request, dataset.manifest, found), "symbol": symbol}
