"""Charts of the reference panel drawn on the server: the allele-frequency spectrum and frequency bars."""

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from kiban.core.charts import Bin, Chart, histogram, scaled

from . import engine

FREQUENCY_BAR_WIDTH = 160
STEPS_PER_DECADE = 2


@dataclass(frozen=True)
class SpectrumBin:
    low: float
    high: float
    count: int

    @property
    def low_text(self) -> str:
        return f"{self.low:.3g}"

    @property
    def high_text(self) -> str:
        return f"{self.high:.3g}"


@dataclass(frozen=True)
class Spectrum:
    """A dataset's allele-frequency spectrum: the bins (for the table) and their histogram."""

    bins: list[SpectrumBin]
    chart: Chart

    @property
    def variants_counted(self) -> int:
        return sum(b.count for b in self.bins)


def spectrum_edges(sample_count: int) -> list[float]:
    """0, then log-spaced edges (two per decade) from below the rarest possible frequency, 1/(2N), up to 1.

    The first bin [0, lowest edge) therefore holds only variants with no alternate allele called.
    """
    decades = max(1, math.ceil(math.log10(max(2 * sample_count, 2))))
    steps = decades * STEPS_PER_DECADE
    return [0.0, *(10 ** ((step - steps) / STEPS_PER_DECADE) for step in range(steps + 1))]


def _edge_label(edge: float) -> str:
    exponent = math.log10(edge) if edge > 0 else None
    if exponent is None:
        return "0"
    if abs(exponent - round(exponent)) > 1e-9:
        return ""
    return "1" if round(exponent) == 0 else f"{edge:g}"


def spectrum(dataset: engine.Dataset) -> Spectrum:
    counts = dataset.af_spectrum(spectrum_edges(dataset.manifest.sample_count))
    bins = [SpectrumBin(low, high, count) for low, high, count in counts]
    chart = histogram(
        chart_id="spectrum-chart",
        title=_("Allele-frequency spectrum"),
        description=_("Variants counted in each allele-frequency bin; the table below gives each count."),
        bins=[
            Bin(
                count=b.count,
                tooltip=_("AF %(low)s to %(high)s: %(count)s variants")
                % {"low": b.low_text, "high": b.high_text, "count": f"{b.count:,}"},
                edge_label=_edge_label(b.low),
            )
            for b in bins
        ],
        end_label="1",
        axis_label=_("Allele frequency (log scale)"),
    )
    return Spectrum(bins=bins, chart=chart)


@dataclass(frozen=True)
class FrequencyRow:
    """One row of a variant's strata table: a group of samples, its counts and its bar."""

    stratum: str
    group: str
    counts: engine.Counts
    bar_width: int


def frequency_rows(
    variant: engine.Variant, strata: dict[str, list[str]], stratum_labels: dict[str, str]
) -> list[FrequencyRow]:
    """All samples first, then each group in the dataset's order; bars share one scale, the largest AF."""
    groups = [("", "", variant.counts)] + [
        (stratum_labels.get(name, name), group, variant.strata[name][group])
        for name, names_groups in strata.items()
        for group in names_groups
        if group in variant.strata.get(name, {})
    ]
    largest = max((counts.af or 0 for _, _, counts in groups), default=0)
    return [
        FrequencyRow(stratum, group, counts, scaled(counts.af or 0, largest, FREQUENCY_BAR_WIDTH))
        for stratum, group, counts in groups
    ]
