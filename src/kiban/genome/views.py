"""Reference panel pages: datasets, search, a variant's frequencies, region and gene tables with downloads.

Every page shows aggregate counts only: no page reads carriers or sample ids. The counts go through
disclosure control (selectors.disclosed_variant: below the minimum cell masked in every stratum, exact for
genome.view_exact_counts), and a dataset whose access level gives the user less than records (controlled)
is neither listed nor shown.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kiban.core.disclosure import min_cell
from kiban.core.exports import download_response, export_response
from kiban.core.pages import PageError, fetched_page, page_errors, query_url
from kiban.core.permissions import require

from . import engine, selectors
from .charts import frequency_rows, spectrum
from .datasets import all_datasets, dataset_or_404
from .exports import variant_columns, variant_rows, variants_parquet
from .forms import RegionForm, VariantFilterForm

STRATUM_LABELS = {"sex": gettext_lazy("Sex"), "cohort": gettext_lazy("Cohort")}
DOWNLOAD_FORMATS = ("tsv", "parquet")


def genome_page(view):
    """Signed-in users with genome.view_dataset; a PageError becomes a readable 400/404 page."""

    @login_required
    @wraps(view)
    @page_errors(template="genome/error.html")
    def page(request, *args, **kwargs):
        require(request.user, "genome.view_dataset")
        return view(request, *args, **kwargs)

    return page


def _dataset(request, dataset_id: str) -> engine.Dataset:
    try:
        dataset = dataset_or_404(dataset_id)
    except Http404 as error:
        raise PageError(404, _("There is no dataset “%(dataset)s”.") % {"dataset": dataset_id}) from error
    if not selectors.may_see_frequencies(request.user, dataset.manifest.dataset_id):
        raise PageError(403, selectors.controlled_refusal(dataset.manifest.dataset_id))
    return dataset


def _shown(request, variant: engine.Variant) -> engine.Variant:
    return selectors.disclosed_variant(variant, exact=selectors.sees_exact_counts(request.user))


def _strata(manifest: engine.Manifest) -> list[tuple[str, list[str]]]:
    return [(STRATUM_LABELS.get(name, name), groups) for name, groups in manifest.strata.items()]


@genome_page
def dataset_list(request):
    """Any signed-in user: every dataset's current version, with a search box each."""
    manifests = selectors.frequency_datasets(request.user, all_datasets())
    datasets = [(manifest, _strata(manifest)) for manifest in manifests]
    return render(request, "genome/dataset_list.html", {"datasets": datasets})


@genome_page
def dataset_detail(request, dataset_id: str):
    """Any signed-in user: one dataset's manifest and its allele-frequency spectrum."""
    dataset = _dataset(request, dataset_id)
    return render(
        request,
        "genome/dataset_detail.html",
        {
            "manifest": dataset.manifest,
            "strata": _strata(dataset.manifest),
            "spectrum": spectrum(dataset),
        },
    )


@genome_page
def search(request, dataset_id: str):
    """A variant id, rsID, region or gene symbol typed in the search box, sent on to its page."""
    dataset = _dataset(request, dataset_id)
    try:
        target = selectors.search_target(request.GET.get("q", ""))
    except selectors.GenomeQueryError as error:
        raise PageError(400, error.message, dataset_id=dataset_id) from error
    dataset_id = dataset.manifest.dataset_id
    if target.kind == "variant":
        return redirect("genome:variant", dataset_id=dataset_id, variant_id=target.value)
    if target.kind == "rsid":
        return redirect("genome:rsid", dataset_id=dataset_id, rsid=target.value)
    if target.kind == "gene":
        return redirect("genome:gene", dataset_id=dataset_id, symbol=target.value)
    region = target.region
    query = urlencode({"chrom": region.chrom, "start": region.start, "end": region.end})
    return redirect(f"{reverse('genome:region', args=[dataset_id])}?{query}")


@genome_page
def variant_detail(request, dataset_id: str, variant_id: str):
    """Any signed-in user: one variant's counts for all samples and for every group of every stratum."""
    dataset = _dataset(request, dataset_id)
    try:
        canonical_id = selectors.variant_id(variant_id)
    except selectors.GenomeQueryError as error:
        raise PageError(400, error.message, dataset_id=dataset_id) from error
    if canonical_id != variant_id:
        return redirect("genome:variant", dataset_id=dataset_id, variant_id=canonical_id)
    variant = dataset.variant(canonical_id)
    if variant is None:
        raise PageError(
            404,
            _("Variant %(variant)s is not in dataset %(dataset)s.")
            % {"variant": canonical_id, "dataset": dataset_id},
            dataset_id=dataset_id,
        )
    rows = frequency_rows(_shown(request, variant), dataset.manifest.strata, STRATUM_LABELS)
    return render(
        request,
        "genome/variant_detail.html",
        {
            "manifest": dataset.manifest,
            "variant": _shown(request, variant),
            "rows": rows,
            "masked": any(row.counts.masked for row in rows),
            "min_cell": min_cell(),
        },
    )


@genome_page
def rsid_detail(request, dataset_id: str, rsid: str):
    """The variants carrying an rsID: straight to the variant when there is one, a table when several."""
    dataset = _dataset(request, dataset_id)
    try:
        canonical = selectors.rsid(rsid)
    except selectors.GenomeQueryError as error:
        raise PageError(400, error.message, dataset_id=dataset_id) from error
    variants = dataset.by_rsid(canonical)
    if not variants:
        raise PageError(
            404,
            _("No variant in dataset %(dataset)s has rsID %(rsid)s.")
            % {"dataset": dataset_id, "rsid": canonical},
            dataset_id=dataset_id,
        )
    if len(variants) == 1:
        return redirect("genome:variant", dataset_id=dataset_id, variant_id=variants[0].variant_id)
    return render(
        request,
        "genome/rsid_detail.html",
        {"manifest": dataset.manifest, "rsid": canonical, "variants": [_shown(request, v) for v in variants]},
    )


def _paging(request, dataset: engine.Dataset, fetch, number: int) -> dict:
    def counted(offset: int, limit: int) -> tuple[list[engine.Variant], int]:
        result = fetch(offset, limit)
        return [_shown(request, v) for v in result.items], result.total

    try:
        page = fetched_page(request, counted, number=number, per_page=selectors.PAGE_SIZE)
    except PageError as error:
        error.context["dataset_id"] = dataset.manifest.dataset_id
        raise
    return {
        "page": page,
        "tsv_url": query_url(request, page=None, download="tsv"),
        "parquet_url": query_url(request, page=None, download="parquet"),
    }


def _download(request, dataset: engine.Dataset, fetch, filename: str):
    """Every matching row as TSV (streamed) or Parquet, for ?download=tsv or ?download=parquet."""
    file_format = request.GET["download"]
    if file_format not in DOWNLOAD_FORMATS:
        raise PageError(
            400,
            _("Downloads come as tsv or parquet, not “%(format)s”.") % {"format": file_format},
            dataset_id=dataset.manifest.dataset_id,
        )
    strata = dataset.manifest.strata
    rows = (_shown(request, v) for v in selectors.every_variant(fetch))
    if file_format == "tsv":
        return export_response(
            columns=variant_columns(strata),
            rows=variant_rows(rows, strata),
            filename=filename,
            fmt="tsv",
            stream=True,
        )
    return download_response(
        variants_parquet(rows, strata),
        filename=f"{filename}.parquet",
        content_type="application/vnd.apache.parquet",
    )


@genome_page
def region_table(request, dataset_id: str):
    """Any signed-in user: the variants of a region, filtered and paged, with TSV and Parquet downloads."""
    dataset = _dataset(request, dataset_id)
    context = {"manifest": dataset.manifest}
    if not request.GET:
        return render(request, "genome/region_table.html", {**context, "form": RegionForm()})
    form = RegionForm(request.GET)
    if not form.is_valid():
        return render(request, "genome/region_table.html", {**context, "form": form}, status=400)
    region, filters = form.cleaned_data["region"], form.cleaned_data["filters"]

    def fetch(offset: int, limit: int) -> engine.Page:
        return dataset.region(
            region.chrom, region.start, region.end, filters=filters, offset=offset, limit=limit
        )

    if "download" in request.GET:
        try:
            selectors.downloadable(region)
        except selectors.GenomeQueryError as error:
            raise PageError(400, error.message, dataset_id=dataset_id) from error
        filename = f"{dataset_id}-{dataset.manifest.version}-{region.chrom}-{region.start}-{region.end}"
        return _download(request, dataset, fetch, filename)
    paging = _paging(request, dataset, fetch, form.cleaned_data["page"])
    return render(request, "genome/region_table.html", {**context, "form": form, "region": region, **paging})


@genome_page
def gene_table(request, dataset_id: str, symbol: str):
    """Any signed-in user: the variants of a gene, filtered and paged, with TSV and Parquet downloads."""
    dataset = _dataset(request, dataset_id)
    context = {"manifest": dataset.manifest, "symbol": symbol}
    form = VariantFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "genome/gene_table.html", {**context, "form": form}, status=400)
    filters = form.cleaned_data["filters"]

    def fetch(offset: int, limit: int) -> engine.Page:
        return dataset.gene(symbol, filters=filters, offset=offset, limit=limit)

    try:
        if "download" in request.GET:
            fetch(0, 1)  # an unknown gene is a 404 page, not a broken download
            return _download(request, dataset, fetch, f"{dataset_id}-{dataset.manifest.version}-{symbol}")
        paging = _paging(request, dataset, fetch, form.cleaned_data["page"])
    except LookupError as error:
        raise PageError(
            404,
            _("No gene %(symbol)s in the %(assembly)s annotation.")
            % {"symbol": symbol, "assembly": dataset.manifest.assembly},
            dataset_id=dataset_id,
        ) from error
    return render(request, "genome/gene_table.html", {**context, "form": form, **paging})
