"""Demo datasets: a simulated 2,000-genome panel (msprime) and, when it is there, the public hail test VCF."""

from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from kiban.core.reference import REFERENCE_DIR

from . import engine
from .datasets import genome_root

SIMULATED_DATASET = "tmm-simulated"
SIMULATED_SAMPLES = 2_000
HAIL_DATASET = "hail-sample"
# The public test VCF travels beside a development checkout (../shared/reference), not inside the repository:
# a plain clone's demo runs without it.
HAIL_VCF = REFERENCE_DIR / "vcf" / "hail-sample.vcf"


def _exists(dataset_id: str) -> bool:
    return any(m.dataset_id == dataset_id for m in engine.list_datasets(genome_root()))


def _hail_sample_sheet(vcf: Path, sheet: Path) -> Path:
    # The VCF says nothing about its samples' sex, so the sheet says "unknown" rather than invent it.
    with vcf.open() as lines:
        header = next(line for line in lines if line.startswith("#CHROM"))
    rows = ["sample\tsex\tcohort"] + [
        f"{name}\tunknown\thail" for name in header.rstrip("\n").split("\t")[9:]
    ]
    sheet.write_text("\n".join(rows) + "\n")
    return sheet


def load_genome(
    say: Callable[[str], None], progress: Callable[[int, int | None], None] | None = None
) -> None:
    """Ingests the demo datasets that are not there yet; running it again changes nothing."""
    from .engine.simulate import simulate_panel

    inputs = Path(settings.DATA_DIR) / "demo-inputs"
    if _exists(SIMULATED_DATASET):
        say(f"  {SIMULATED_DATASET}: already ingested")
    else:
        panel = simulate_panel(inputs, samples=SIMULATED_SAMPLES, seed=2021, name=SIMULATED_DATASET)
        manifest = engine.ingest(
            panel.vcf,
            panel.samples,
            root=genome_root(),
            dataset_id=SIMULATED_DATASET,
            assembly="GRCh38",
            progress=progress,
        )
        say(f"  {SIMULATED_DATASET}: {manifest.variant_count:,} variants, {manifest.sample_count:,} samples")
    if _exists(HAIL_DATASET):
        say(f"  {HAIL_DATASET}: already ingested")
    elif HAIL_VCF.is_file():
        sheet = _hail_sample_sheet(HAIL_VCF, inputs / "hail-sample.samples.tsv")
        manifest = engine.ingest(
            HAIL_VCF, sheet, root=genome_root(), dataset_id=HAIL_DATASET, assembly="GRCh37", progress=progress
        )
        say(f"  {HAIL_DATASET}: {manifest.variant_count:,} variants, {manifest.sample_count:,} samples")
    else:
        say(f"  {HAIL_DATASET}: not loaded, the optional public test VCF was not found at {HAIL_VCF}")
