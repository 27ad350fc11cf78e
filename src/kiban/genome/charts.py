"""Charts of the reference panel drawn on the server: the allele-frequency spectrum and frequency bars."""

import math
from dataclasses import dataclass

from . import engine

PLOT_HEIGHT = 200
BAR_WIDTH = 44
BAR_GAP = 4
LEFT_MARGIN = 64
BOTTOM_MARGIN = 40
TOP_MARGIN = 16
FREQUENCY_BAR_WIDTH = 160
STEPS_PER_DECADE = 2


@dataclass(frozen=True)
class SpectrumBin:
    low: float
    high: float
    count: int
    x: int
    y: int
    height: int
    label: str  # the lower edge, written under full decades only

    @property
    def low_text(self) -> str:
        return f"{self.low:.3g}"

    @property
    def high_text(self) -> str:
        return f"{self.high:.3g}"


@dataclass(frozen=True)
class SpectrumChart:
    bins: list[SpectrumBin]
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    left: int
    largest: int
    variants_counted: int
    bar_width: int = BAR_WIDTH


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


def spectrum_chart(dataset: engine.Dataset) -> SpectrumChart:
    counts = dataset.af_spectrum(spectrum_edges(dataset.manifest.sample_count))
    largest = max((count for _, _, count in counts), default=0)
    bins = []
    for index, (low, high, count) in enumerate(counts):
        height = round(PLOT_HEIGHT * count / largest) if largest else 0
        if count and not height:
            height = 1  # a bin holding variants never looks empty
        bins.append(
            SpectrumBin(
                low=low,
                high=high,
                count=count,
                x=LEFT_MARGIN + index * (BAR_WIDTH + BAR_GAP),
                y=TOP_MARGIN + PLOT_HEIGHT - height,
                height=height,
                label=_edge_label(low),
            )
        )
    return SpectrumChart(
        bins=bins,
        width=LEFT_MARGIN + len(bins) * (BAR_WIDTH + BAR_GAP) + 24,
        height=TOP_MARGIN + PLOT_HEIGHT + BOTTOM_MARGIN,
        plot_top=TOP_MARGIN,
        plot_bottom=TOP_MARGIN + PLOT_HEIGHT,
        left=LEFT_MARGIN,
        largest=largest,
        variants_counted=sum(count for _, _, count in counts),
    )


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
    rows = []
    for stratum, group, counts in groups:
        af = counts.af or 0
        width = round(FREQUENCY_BAR_WIDTH * af / largest) if largest else 0
        rows.append(FrequencyRow(stratum, group, counts, max(width, 1) if af else 0))
    return rows
