"""Aggregate association (S6 "beyond"): for a case definition and a control definition (criteria trees), per
variant of a region of a genome dataset, the alternate and reference allele counts in cases and in controls,
the odds ratio and Fisher's exact two-sided p-value. Only aggregates leave this module.

Who counts: the participants linked to the dataset (GenomeLink) who match the definition; someone matching
both is a case only. Alleles: a carrier adds 1 (het, hemi) or 2 (hom) alternate alleles; everyone counts two
alleles (AN = 2 × people: the panel's missing calls are not told apart from reference calls here).

Disclosure: one question of the caller's budget per analysis; any of the four cells of a variant from 1 to
MIN_CELL - 1 masks that variant's allele counts, odds ratio and p-value (with the margins shown, one
masked cell would come back from the others), and fewer than MIN_CELL cases or controls masks every
variant."""

import math
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kiban.core import disclosure
from kiban.core.charts import Chart, Series, line_chart
from kiban.genome import selectors as genome_selectors
from kiban.genome.datasets import dataset_or_404

from .criteria import CriteriaError, as_filter
from .models import GenomeLink, Participant
from .search import genome_access, read_criteria

MOST_VARIANTS = 200
MOST_BASES = 1_000_000
ALT_ALLELES = {"het": 1, "hemi": 1, "hom": 2}
_REGION = re.compile(r"^(?P<chrom>(?:chr)?[0-9XYMTxymt]{1,2}):(?P<start>[0-9,]{1,12})-(?P<end>[0-9,]{1,12})$")


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test of [[a, b], [c, d]]: the probability, with the margins fixed, of
    every table at most as probable as this one (the same rule as R's fisher.test and scipy)."""
    row1, col1, total = a + b, a + c, a + b + c + d
    low, high = max(0, col1 - (total - row1)), min(row1, col1)

    def log_p(x: int) -> float:
        return _log_choose(row1, x) + _log_choose(total - row1, col1 - x) - _log_choose(total, col1)

    observed = log_p(a)
    p = sum(math.exp(log_p(x)) for x in range(low, high + 1) if log_p(x) <= observed + 1e-7)
    return min(1.0, p)


def odds_ratio(a: int, b: int, c: int, d: int) -> float | None:
    """(a·d)/(b·c); None when it is undefined (a zero below)."""
    if b * c == 0:
        return None
    return (a * d) / (b * c)


@dataclass(frozen=True)
class VariantRow:
    variant_id: str
    pos: int
    case_alt: int | None  # None where masked
    case_ref: int | None
    control_alt: int | None
    control_ref: int | None
    odds_ratio: float | None
    p_value: float | None

    @property
    def masked(self) -> bool:
        return self.case_alt is None


@dataclass(frozen=True)
class Association:
    dataset: str
    region: str
    cases: disclosure.DisclosedCount
    controls: disclosure.DisclosedCount
    rows: list[VariantRow]
    truncated: bool

    def chart(self) -> Chart:
        shown = [row for row in self.rows if row.p_value is not None]
        return line_chart(
            chart_id="association-chart",
            title=_("−log10 p along the region"),
            description=_(
                "Fisher's exact test of cases against controls at each variant whose counts may be shown."
            ),
            x_labels=[f"{row.pos:,}" for row in shown],
            series=[
                Series("−log10 p", [round(-math.log10(max(row.p_value, 1e-300)), 2) + 0.0 for row in shown])
            ],
            value_text="{:.2f}".format,
        )


def read_region(text: str) -> genome_selectors.Region:
    match = _REGION.match((text or "").strip().replace(" ", ""))
    if match is None:
        raise CriteriaError(_("Write the region as chromosome:start-end, e.g. 22:16000000-16100000."))
    start, end = (int(match[key].replace(",", "")) for key in ("start", "end"))
    try:
        region = genome_selectors.region(match["chrom"], start, end)
    except genome_selectors.GenomeQueryError as error:
        raise CriteriaError(str(error)) from error
    if region.length > MOST_BASES:
        raise CriteriaError(_("An association covers at most 1 Mb; choose a shorter region."))
    return region


def association_run(
    *, dataset: str, region: str, cases: Any, controls: Any, user, address: str | None
) -> Association:
    """The association table as the user may see it; CriteriaError for unreadable input, QueryBudgetExhausted
    when the budget is spent."""
    access = genome_access(user)
    if not access.may_use(dataset):
        raise CriteriaError(
            _("There is no genome dataset “%(dataset)s” you may search.") % {"dataset": dataset}
        )
    target = read_region(region)
    case_tree, control_tree = read_criteria(cases, user=user), read_criteria(controls, user=user)
    caller = disclosure.caller_of(user=user, address=address)
    parts = {"dataset": dataset, "region": str(target), "cases": case_tree, "controls": control_tree}
    question = disclosure.question_of("biobank.association", parts)
    disclosure.budget_spend(caller=caller, question=question)

    linked = GenomeLink.objects.filter(dataset_id=dataset)
    case_ids = set(
        Participant.objects.filter(as_filter(case_tree, genome=access)).values_list("pk", flat=True)
    )
    control_ids = set(
        Participant.objects.filter(as_filter(control_tree, genome=access)).values_list("pk", flat=True)
    )
    sample_of: dict[str, int] = dict(linked.values_list("sample", "participant_id"))
    case_samples = {s for s, p in sample_of.items() if p in case_ids}
    control_samples = {s for s, p in sample_of.items() if p in control_ids and p not in case_ids}
    threshold = disclosure.min_cell()

    def people(count: int, group: str) -> disclosure.DisclosedCount:
        return disclosure.count_disclose(
            count=count,
            caller=caller,
            question=disclosure.question_of("biobank.association", {**parts, "group": group}),
            zero_is_public=False,
        )

    shown_cases, shown_controls = people(len(case_samples), "cases"), people(len(control_samples), "controls")
    engine_dataset = dataset_or_404(dataset)
    page = engine_dataset.region(target.chrom, target.start, target.end, limit=MOST_VARIANTS)
    rows = []
    too_few = len(case_samples) < threshold or len(control_samples) < threshold
    for variant in page.items:
        case_alt = control_alt = 0
        for sample, genotype in engine_dataset.carriers(variant.variant_id):
            if sample in case_samples:
                case_alt += ALT_ALLELES[genotype]
            elif sample in control_samples:
                control_alt += ALT_ALLELES[genotype]
        cells = (
            case_alt,
            2 * len(case_samples) - case_alt,
            control_alt,
            2 * len(control_samples) - control_alt,
        )
        if too_few or any(0 < cell < threshold for cell in cells):
            rows.append(VariantRow(variant.variant_id, variant.pos, None, None, None, None, None, None))
        else:
            rows.append(
                VariantRow(variant.variant_id, variant.pos, *cells, odds_ratio(*cells), fisher_exact(*cells))
            )
    return Association(dataset, str(target), shown_cases, shown_controls, rows, page.total > len(page.items))
