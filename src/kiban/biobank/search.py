"""Running a search: the criteria tree read, the caller's budget spent, the counts made in a fixed number of
queries whatever the number of biobanks, and every count disclosed through kiban.core.disclosure.

Disclosure (the "double protection"): each search is one question of the caller's budget (asking it again is
free); each count shown is count_disclose'd with a question naming the search and the cell, so the noise is
the same each time the same caller asks for the same cell and differs between cells. Zero is not public here
(the absence of someone is telling), so 0 to 9 all show as "<10". A biobank's own curators see that biobank's
cells exactly (biobank.view_exact_counts); every count that spans biobanks is disclosed for everyone. No
participant row leaves this module: only counts."""

import functools
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from kiban.core import disclosure
from kiban.core.charts import Bar, Chart, bar_chart
from kiban.genome import selectors as genome_selectors
from kiban.genome.datasets import all_datasets, dataset_or_404

from .choices import MaterialType
from .clinical import NOW, AsOf, participants_as_of
from .criteria import CriteriaError, GenomeAccess, as_filter, known_codes, normalise
from .models import Biobank, Collection, Participant, Sample

SCOPE = "biobank.search"
MAX_GENE_VARIANTS = 500  # variants of one gene a search combines; each is one carriers query of the engine


def genome_access(user) -> GenomeAccess:
    """The genome panel as the user may use it in a search: the datasets whose frequencies they may see
    (a controlled dataset is not searchable), their carriers through the engine's own query."""
    allowed = {manifest.dataset_id for manifest in genome_selectors.frequency_datasets(user, all_datasets())}

    def carriers(dataset_id: str, variant: str) -> list[str]:
        return [sample for sample, _genotype in dataset_or_404(dataset_id).carriers(variant)]

    def variant_id(text: str) -> str:
        try:
            return genome_selectors.variant_id(text)
        except genome_selectors.GenomeQueryError as error:
            raise CriteriaError(str(error)) from error

    @functools.cache  # read once when the tree is checked, again when it is counted
    def gene_carriers(dataset_id: str, symbol: str, max_af: float) -> list[str]:
        dataset = dataset_or_404(dataset_id)
        try:
            found = dataset.gene(
                symbol, filters=genome_selectors.frequency_filters(max_af=max_af), limit=MAX_GENE_VARIANTS
            )
        except LookupError as error:
            raise CriteriaError(
                _("There is no gene “%(gene)s” in the annotation of %(dataset)s.")
                % {"gene": symbol, "dataset": dataset_id}
            ) from error
        if found.total > MAX_GENE_VARIANTS:
            raise CriteriaError(
                _(
                    "%(gene)s has %(count)s variants with an allele frequency of at most %(af)s in "
                    "%(dataset)s; a search combines at most %(most)s: lower the threshold."
                )
                % {
                    "gene": symbol,
                    "count": f"{found.total:,}",
                    "af": max_af,
                    "dataset": dataset_id,
                    "most": MAX_GENE_VARIANTS,
                }
            )
        samples: set[str] = set()
        for variant in found.items:
            samples.update(sample for sample, _genotype in dataset.carriers(variant.variant_id))
        return sorted(samples)

    return GenomeAccess(
        may_use=allowed.__contains__, carriers=carriers, variant_id=variant_id, gene_carriers=gene_carriers
    )


def read_criteria(tree: Any, *, user) -> dict[str, Any]:
    """The tree checked and normalised for this user; CriteriaError says what is wrong."""
    return normalise(tree, genome=genome_access(user), codes=known_codes())


@dataclass(frozen=True)
class Cell:
    """One count as shown, with what it counts."""

    key: str
    label: str
    shown: disclosure.DisclosedCount
    exact: bool = False


@dataclass
class BiobankRow:
    biobank: Biobank
    cell: Cell
    collections: list[tuple[Collection, Cell]] = field(default_factory=list)


@dataclass
class SearchResult:
    criteria: dict[str, Any]
    total: Cell
    biobanks: list[BiobankRow]
    materials: list[Cell]
    budget_left: int
    as_of: AsOf = NOW

    def chart(self) -> Chart:
        """Participants per collection, as shown (a masked count drawn as nothing, written "<10")."""
        bars = [
            Bar(f"{row.biobank.code} {collection.display_name}", cell.shown.value or 0, str(cell.shown))
            for row in self.biobanks
            for collection, cell in row.collections
        ]
        return bar_chart(
            chart_id="biobank-search-chart",
            title=_("Matching participants per collection"),
            description=_(
                "The number of participants matching the search in each collection, under disclosure "
                "control: counts below the minimum cell size are written “<10” and drawn as no bar."
            ),
            bars=bars,
            label_width=260,
            label_chars=32,
        )


def _exact_biobank_ids(user) -> set[int]:
    return {b.pk for b in Biobank.objects.all() if user.has_perm("biobank.view_exact_counts", b)}


def matching(criteria: dict[str, Any], *, genome: GenomeAccess, as_of: AsOf = NOW):
    """The participants matching a normalised tree as the records stood (a queryset, never shown)."""
    return Participant.objects.filter(
        participants_as_of(as_of), as_filter(criteria, genome=genome, as_of=as_of)
    )


def search_question(criteria: dict[str, Any], as_of: AsOf, **more: Any) -> str:
    """The disclosure question of a search (today's records: the criteria alone, as before as-of existed)."""
    if as_of.is_now and not more:
        return disclosure.question_of(SCOPE, criteria)
    return disclosure.question_of(
        SCOPE, {"criteria": criteria, **({"as_of": as_of.key()} if not as_of.is_now else {}), **more}
    )


def search_run(*, tree: Any, user, address: str | None, as_of: AsOf = NOW) -> SearchResult:
    """Counts of the participants matching the criteria tree: in all, per biobank and collection, and per
    material type, as the user may see them, as the records stood on `as_of`. Raises CriteriaError for an
    unreadable tree and disclosure.QueryBudgetExhausted when the user has asked too many different
    questions (another as-of day is another question)."""
    genome = genome_access(user)
    criteria = normalise(tree, genome=genome, codes=known_codes())
    caller = disclosure.caller_of(user=user, address=address)
    budget_left = disclosure.budget_spend(caller=caller, question=search_question(criteria, as_of))
    exact_ids = _exact_biobank_ids(user)

    def cell(key: str, label: str, count: int, *, exact: bool = False) -> Cell:
        if exact:
            shown = disclosure.DisclosedCount(
                value=count,
                low=count,
                high=count,
                threshold=disclosure.min_cell(),
                precision=disclosure.EXACT,
            )
        else:
            question = search_question(criteria, as_of, cell=key)
            shown = disclosure.count_disclose(
                count=count, caller=caller, question=question, zero_is_public=False
            )
        return Cell(key=key, label=label, shown=shown, exact=exact)

    matched = matching(criteria, genome=genome, as_of=as_of)
    per_collection = dict(matched.order_by().values_list("collection").annotate(n=Count("pk")))
    per_material = dict(
        Sample.objects.filter(participant__in=matched.values("pk"), aliquots__gt=0)
        .order_by()
        .values_list("material_type")
        .annotate(n=Count("participant", distinct=True))
    )
    rows: dict[int, BiobankRow] = {}
    collections = Collection.objects.select_related("biobank__organisation").order_by("biobank__code", "code")
    for collection in collections:
        biobank = collection.biobank
        exact = biobank.pk in exact_ids
        count = per_collection.get(collection.pk, 0)
        row = rows.get(biobank.pk)
        if row is None:
            row = rows[biobank.pk] = BiobankRow(biobank=biobank, cell=None)  # type: ignore[arg-type]
        row.collections.append(
            (collection, cell(f"collection:{collection}", collection.display_name, count, exact=exact))
        )
    for row in rows.values():
        count = sum(per_collection.get(collection.pk, 0) for collection, _cell in row.collections)
        row.cell = cell(
            f"biobank:{row.biobank.code}", row.biobank.display_name, count, exact=row.biobank.pk in exact_ids
        )
    total = cell("total", _("All biobanks"), sum(per_collection.values()))
    materials = [
        cell(f"material:{value}", str(label), per_material.get(value, 0))
        for value, label in MaterialType.choices
    ]
    return SearchResult(
        criteria=criteria,
        total=total,
        biobanks=list(rows.values()),
        materials=materials,
        budget_left=budget_left,
        as_of=as_of,
    )
