"""Shared fixtures: a simulated panel (the project's own) and the public hail test VCF (reference material
beside the repository: the tests that use it are skipped without it), each ingested once per test session."""

from pathlib import Path

import pytest

from kiban.core.reference import reference_path
from kiban.genome.engine import Dataset, ingest, open_dataset
from kiban.genome.engine.simulate import SimulatedPanel, simulate_panel


@pytest.fixture(scope="session")
def hail_vcf() -> Path:
    return reference_path("vcf/hail-sample.vcf")


@pytest.fixture(scope="session")
def hail_sheet(hail_vcf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 100 samples as XX, XY and unknown, in cohorts A and B, with 'batch' as an extra stratum."""
    header = next(line for line in hail_vcf.read_text().splitlines() if line.startswith("#CHROM"))
    samples = header.split("\t")[9:]
    path = tmp_path_factory.mktemp("hail") / "hail.samples.tsv"
    rows = ["sample\tsex\tcohort\tparticipant\tbatch"]
    for i, sample in enumerate(samples):
        sex = ("XX", "XY", "unknown")[i % 3] if i % 10 else "XX"
        rows.append(f"{sample}\t{sex}\t{'AB'[i % 2]}\tP{i}\tbatch{i // 40}")
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="session")
def hail_dataset(hail_vcf: Path, hail_sheet: Path, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    root = tmp_path_factory.mktemp("hail-root")
    ingest(hail_vcf, hail_sheet, root=root, dataset_id="hail", assembly="GRCh37")
    return open_dataset(root, "hail")


@pytest.fixture(scope="session")
def panel(tmp_path_factory: pytest.TempPathFactory) -> SimulatedPanel:
    return simulate_panel(tmp_path_factory.mktemp("panel"), samples=300, seed=11)


@pytest.fixture(scope="session")
def panel_dataset(panel: SimulatedPanel, tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    root = tmp_path_factory.mktemp("panel-root")
    ingest(panel.vcf, panel.samples, root=root, dataset_id="panel", assembly="GRCh38")
    return open_dataset(root, "panel")
