"""Reads of the reference panel: what a person typed, all rows, who gets how much and which counts."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kiban.core import disclosure

from . import engine
from .choices import AccessLevel
from .engine.assembly import MAX_POSITION, primary_chromosome
from .models import DatasetAccess

# A download reads every matching row; a region longer than this is refused (the API pages instead).
MAX_DOWNLOAD_BP = 10_000_000
PAGE_SIZE = 50
DOWNLOAD_CHUNK = 5000

_SEPARATOR = r"[-:_]"
_VARIANT_ID = re.compile(
    rf"^(?:chr)?(?P<chrom>[0-9]{{1,2}}|X|Y|MT?){_SEPARATOR}(?P<pos>[0-9]+){_SEPARATOR}"
    rf"(?P<ref>[ACGTN]+){_SEPARATOR}(?P<alt>[ACGTN]+)$",
    re.IGNORECASE,
)
_RSID = re.compile(r"^rs[0-9]+$", re.IGNORECASE)
_REGION = re.compile(
    r"^(?:chr)?(?P<chrom>[0-9A-Z]{1,2}):(?P<start>[0-9][0-9,]*)[-–](?P<end>[0-9][0-9,]*)$", re.IGNORECASE
)
_CHROMOSOME_ALONE = re.compile(r"^(?:chr)?([0-9]{1,2}|X|Y|MT?)$", re.IGNORECASE)
_GENE_SYMBOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,49}$")


class GenomeQueryError(ValidationError):
    """Something typed that the panel cannot read; the message says what it accepts instead (the API answers
    it as every refused input: 400 with its code)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code)


@dataclass(frozen=True)
class Region:
    chrom: str
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def __str__(self) -> str:
        return f"{self.chrom}:{self.start}-{self.end}"


@dataclass(frozen=True)
class SearchTarget:
    """Where a search box entry leads: kind is 'variant', 'rsid', 'region' or 'gene'."""

    kind: str
    value: str = ""
    region: Region | None = None


def accepted_search_forms() -> str:
    return _(
        "Search for a variant id (1-12345-A-G or chr1-12345-A-G), an rsID (rs123), "
        "a region (1:100000-200000 or chrX:100000-200000) or a gene symbol (BRCA2)."
    )


def chromosome(text: str) -> str:
    """'chr1', '1', 'chrM', 'mt' … as the engine names them: '1'..'22', 'X', 'Y', 'MT'."""
    name = primary_chromosome(text)
    if name is None:
        raise GenomeQueryError(
            _("Unknown chromosome “%(chrom)s”: use 1–22, X, Y or MT, with or without “chr”.")
            % {"chrom": text},
            "unknown_chromosome",
        )
    return name


def region(chrom: str, start: int, end: int) -> Region:
    """A region of one chromosome, 1-based and inclusive, checked the same way for pages and the API."""
    name = chromosome(chrom)
    for position in (start, end):
        if position < 1 or position > MAX_POSITION:
            raise GenomeQueryError(
                _("Positions run from 1 to %(max)s; %(position)s is outside.")
                % {"max": f"{MAX_POSITION:,}", "position": f"{position:,}"},
                "position_out_of_range",
            )
    if end < start:
        raise GenomeQueryError(
            _("The end (%(end)s) is before the start (%(start)s).")
            % {"end": f"{end:,}", "start": f"{start:,}"},
            "end_before_start",
        )
    return Region(name, start, end)


def downloadable(target: Region) -> Region:
    if target.length > MAX_DOWNLOAD_BP:
        raise GenomeQueryError(
            _(
                "A download covers at most 10 Mb; %(region)s spans %(length)s bp. "
                "Choose a shorter region, or page through the API."
            )
            % {"region": str(target), "length": f"{target.length:,}"},
            "region_too_large",
        )
    return target


def frequency_filters(
    *, min_af: float | None = None, max_af: float | None = None, pass_only: bool = False
) -> engine.Filters:
    for value in (min_af, max_af):
        if value is not None and not 0 <= value <= 1:
            raise GenomeQueryError(
                _("Allele frequencies lie between 0 and 1; %(value)s is outside.") % {"value": value},
                "af_out_of_range",
            )
    if min_af is not None and max_af is not None and min_af > max_af:
        raise GenomeQueryError(
            _("The minimum allele frequency (%(min)s) is above the maximum (%(max)s).")
            % {"min": min_af, "max": max_af},
            "af_range_empty",
        )
    return engine.Filters(min_af=min_af, max_af=max_af, pass_only=pass_only)


def variant_id(text: str) -> str:
    """'chr1-12345-a-g', '1:12345:A:G' … as 'chrom-pos-REF-ALT' with the engine's chromosome name."""
    match = _VARIANT_ID.match(text.strip())
    if not match:
        raise GenomeQueryError(
            _(
                "“%(text)s” is not a variant id: write chromosome-position-reference-alternate, "
                "for example 1-12345-A-G."
            )
            % {"text": text},
            "invalid_variant_id",
        )
    position = int(match["pos"])
    if not 1 <= position <= MAX_POSITION:
        raise GenomeQueryError(
            _("Positions run from 1 to %(max)s; %(position)s is outside.")
            % {"max": f"{MAX_POSITION:,}", "position": f"{position:,}"},
            "position_out_of_range",
        )
    return f"{chromosome(match['chrom'])}-{position}-{match['ref'].upper()}-{match['alt'].upper()}"


def rsid(text: str) -> str:
    if not _RSID.match(text.strip()):
        raise GenomeQueryError(
            _("“%(text)s” is not an rsID: write rs and its number, for example rs123.") % {"text": text},
            "invalid_rsid",
        )
    return text.strip().lower()


def search_target(text: str) -> SearchTarget:
    """What a search box entry means; anything unreadable raises with the accepted forms."""
    query = text.strip()
    if _VARIANT_ID.match(query):
        return SearchTarget("variant", variant_id(query))
    if _RSID.match(query):
        return SearchTarget("rsid", rsid(query))
    if match := _REGION.match(query):
        start, end = (int(match[key].replace(",", "")) for key in ("start", "end"))
        return SearchTarget("region", region=region(match["chrom"], start, end))
    if _GENE_SYMBOL.match(query) and not _CHROMOSOME_ALONE.match(query):
        return SearchTarget("gene", query)
    if query:
        message = _("“%(text)s” is not something the panel can look up.") % {"text": query}
    else:
        message = _("The search box is empty.")
    raise GenomeQueryError(f"{message} {accepted_search_forms()}", "unreadable_query")


def every_variant(fetch: Callable[[int, int], engine.Page]) -> Iterator[engine.Variant]:
    """Every row of a paged engine query, read a chunk at a time (for downloads: never a silent cap)."""
    offset = 0
    while True:
        page = fetch(offset, DOWNLOAD_CHUNK)
        yield from page.items
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


# ---------------------------------------------------------------------------------------------------------
# who gets how much of a dataset

GRANULARITIES = ("none", "boolean", "count", "record")
# The highest granularity per access level for an anonymous caller and for a signed-in one. "none": the
# dataset is not answered at all (not listed, not queried, as if absent). Records carry aggregate frequencies
# only, never carriers; their small cells are masked for everyone without genome.view_exact_counts.
# A controlled dataset is for callers with an approved access; until access requests exist (S5) nobody has
# one, so a controlled dataset says at most yes or no, to signed-in users only.
GRANULARITY_BY_ACCESS_LEVEL = {
    AccessLevel.PUBLIC: {"anonymous": "count", "signed_in": "record"},
    AccessLevel.REGISTERED: {"anonymous": "boolean", "signed_in": "record"},
    AccessLevel.CONTROLLED: {"anonymous": "none", "signed_in": "boolean"},
}


def access_levels() -> dict[str, str]:
    """Every dataset's recorded access level by dataset id; a dataset not in it is REGISTERED."""
    return dict(DatasetAccess.objects.values_list("dataset_id", "level"))


def access_level(dataset_id: str, levels: dict[str, str] | None = None) -> str:
    levels = access_levels() if levels is None else levels
    return levels.get(dataset_id, AccessLevel.REGISTERED)


def dataset_granularity(user, level: str) -> str:
    """The most a caller may get of a dataset of this access level: none, boolean, count or record."""
    kind = "signed_in" if user is not None and user.is_authenticated and user.is_active else "anonymous"
    return GRANULARITY_BY_ACCESS_LEVEL[AccessLevel(level)][kind]


def frequency_datasets(user, manifests: list[engine.Manifest]) -> list[engine.Manifest]:
    """The datasets whose frequencies the user may see (one query for every dataset's level)."""
    levels = access_levels()
    return [m for m in manifests if dataset_granularity(user, access_level(m.dataset_id, levels)) == "record"]


def controlled_refusal(dataset_id: str) -> str:
    return _(
        "Dataset %(dataset)s is under controlled access: its frequencies are for approved access holders, "
        "and access requests are not open yet. The Beacon answers signed-in users whether a variant is in it."
    ) % {"dataset": dataset_id}


def may_see_frequencies(user, dataset_id: str) -> bool:
    """Whether the panel's pages and API may show this dataset's frequencies to the user (record)."""
    return dataset_granularity(user, access_level(dataset_id)) == "record"


# ---------------------------------------------------------------------------------------------------------
# counts through disclosure control

COUNT_NAMES = ("ac", "an", "hom", "het", "hemi")
# Masked together: genotypes add up to the allele count (2 hom + het + hemi = AC), so one masked genotype
# count would come back from the others.
COUNT_COLUMNS = (("ac",), ("an",), ("hom", "het", "hemi"))


@dataclass(frozen=True)
class ShownCounts:
    """engine.Counts as a caller may see them: None where disclosure control masked a count; the frequency
    is None when its allele count or number is masked (AF × AN is AC), or when nobody was called."""

    ac: int | None
    an: int | None
    af: float | None
    hom: int | None
    het: int | None
    hemi: int | None
    masked: bool

    @classmethod
    def of(cls, counts: dict[str, int | None]) -> "ShownCounts":
        ac, an = counts["ac"], counts["an"]
        af = ac / an if ac is not None and an else None
        return cls(
            ac=ac,
            an=an,
            af=af,
            hom=counts["hom"],
            het=counts["het"],
            hemi=counts["hemi"],
            masked=any(value is None for value in counts.values()),
        )


def _cell(counts: engine.Counts) -> dict[str, int]:
    return {name: getattr(counts, name) for name in COUNT_NAMES}


def disclosed_variant(variant: engine.Variant, *, exact: bool) -> engine.Variant:
    """The variant with its counts overall and per stratum as the caller may see them (kiban/core/disclosure:
    table_disclose): exact for callers with genome.view_exact_counts, else with small cells masked. Either
    way the counts are ShownCounts, so pages, API and Beacon read one shape."""
    if exact:
        margin = _cell(variant.counts)
        strata = {s: {v: _cell(c) for v, c in values.items()} for s, values in variant.strata.items()}
    else:
        margin, strata = disclosure.table_disclose(
            margin=_cell(variant.counts),
            strata={s: {v: _cell(c) for v, c in values.items()} for s, values in variant.strata.items()},
            columns=COUNT_COLUMNS,
        )
    return replace(
        variant,
        counts=ShownCounts.of(margin),
        strata={s: {v: ShownCounts.of(c) for v, c in values.items()} for s, values in strata.items()},
    )


def sees_exact_counts(user) -> bool:
    return user is not None and user.has_perm("genome.view_exact_counts")


def disclosed_page(page: engine.Page, user) -> engine.Page:
    """One engine page of variants with their counts as the user may see them."""
    exact = sees_exact_counts(user)
    return replace(page, items=[disclosed_variant(v, exact=exact) for v in page.items])
