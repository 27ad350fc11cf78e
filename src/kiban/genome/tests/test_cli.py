"""`kiban genome …` as an operator runs it: ingest with progress, list, load genes, query, clear errors."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

from kiban.core.reference import reference_path
from kiban.genome import engine
from kiban.genome.datasets import genome_root

from .small_panel import GENES_GTF, SAMPLE_SHEET, write_vcf


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("genome", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def inputs(tmp_path):
    sheet = tmp_path / "samples.tsv"
    sheet.write_text(SAMPLE_SHEET)
    genes = tmp_path / "genes.gtf"
    genes.write_text(GENES_GTF)
    return write_vcf(tmp_path / "panel.vcf", series_count=30), sheet, genes


def test_ingest_reports_progress_and_a_summary(inputs):
    vcf, sheet, _ = inputs
    out, err = run("ingest", str(vcf), "--dataset", "cli-panel", "--samples", str(sheet))
    assert "34/34 records" in err  # 3 hand-worked chr1 lines, 30 on chr2, one on chrX
    assert "Dataset cli-panel version" in out
    assert "35 variants, 6 samples" in out  # the two-allele site becomes two variants
    assert "sex=XX,XY" in out and "cohort=A,B" in out
    listed, _ = run("list")
    assert listed.startswith("cli-panel\t")
    assert "\tGRCh38\t6 samples\t35 variants" in listed


def test_query_by_id_rsid_region_and_gene(inputs):
    vcf, sheet, genes = inputs
    run("ingest", str(vcf), "--dataset", "cli-panel", "--samples", str(sheet))
    run("load-genes", str(genes))

    by_id, _ = run("query", "--dataset", "cli-panel", "chr1-12345-A-G")
    assert by_id.splitlines()[1] == "1-12345-A-G\trs123\tPASS\t5\t10\t0.5\t1\t3\t0"
    by_rsid, _ = run("query", "--dataset", "cli-panel", "rs200")
    assert [line.split("\t")[0] for line in by_rsid.splitlines()[1:]] == ["1-20000-A-C", "1-20000-A-T"]
    region, summary = run("query", "--dataset", "cli-panel", "2:1000000-1004999", "--limit", "2")
    assert len(region.splitlines()) == 3
    assert "2 of 5 variants (offset 0)." in summary
    gene, summary = run("query", "--dataset", "cli-panel", "GENE2")
    assert gene.splitlines()[1].startswith("1-12345-A-G\t")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("query", "--dataset", "nope", "rs1"), "nope"),
        (("query", "--dataset", "cli-panel", "2:abc-def"), "Write a region as chrom:start-end"),
        (("query", "--dataset", "cli-panel", "1-99-A-G"), "No variant 1-99-A-G in cli-panel."),
    ],
)
def test_bad_queries_name_the_problem(inputs, args, message):
    vcf, sheet, _ = inputs
    run("ingest", str(vcf), "--dataset", "cli-panel", "--samples", str(sheet))
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)


def test_a_bad_sample_sheet_is_a_command_error_and_keeps_nothing(inputs, tmp_path):
    vcf, _, _ = inputs
    sheet = tmp_path / "bad.tsv"
    sheet.write_text("sample\tsex\tcohort\nKBN-S1\tmale\tA\n")
    with pytest.raises(CommandError, match=r"bad\.tsv"):
        run("ingest", str(vcf), "--dataset", "cli-panel", "--samples", str(sheet))
    assert engine.list_datasets(genome_root()) == []


def test_demo_ingests_the_simulated_panel_and_the_hail_vcf_once(db, settings, tmp_path, monkeypatch):
    from kiban.genome import demo

    reference_path("vcf/hail-sample.vcf")
    settings.DATA_DIR = tmp_path
    said: list[str] = []
    monkeypatch.setattr(demo, "SIMULATED_SAMPLES", 200)  # the demo's 2,000 take seconds; same path
    demo.load_genome(said.append)
    manifests = {m.dataset_id: m for m in engine.list_datasets(genome_root())}
    assert manifests["tmm-simulated"].sample_count == 200
    assert manifests["tmm-simulated"].strata["sex"] == ["XX", "XY"]
    assert manifests["hail-sample"].sample_count == 100
    assert manifests["hail-sample"].assembly == "GRCh37"
    demo.load_genome(said.append)
    assert said[-2:] == ["  tmm-simulated: already ingested", "  hail-sample: already ingested"]


def test_demo_without_the_public_vcf_says_so_once_and_loads_the_panel(db, settings, tmp_path, monkeypatch):
    from kiban.genome import demo

    settings.DATA_DIR = tmp_path
    missing = tmp_path / "no-shared" / "hail-sample.vcf"
    said: list[str] = []
    monkeypatch.setattr(demo, "SIMULATED_SAMPLES", 200)
    monkeypatch.setattr(demo, "HAIL_VCF", missing)
    demo.load_genome(said.append)
    assert [m.dataset_id for m in engine.list_datasets(genome_root())] == ["tmm-simulated"]
    notes = [line for line in said if "hail-sample" in line]
    assert notes == [f"  hail-sample: not loaded, the optional public test VCF was not found at {missing}"]


def test_access_shows_and_sets_a_datasets_access_level_with_a_reason(db, inputs):
    from kiban.genome.models import DatasetAccess

    vcf, sheet, _ = inputs
    run("ingest", str(vcf), "--dataset", "cli-panel", "--samples", str(sheet))

    shown, _ = run("access", "cli-panel")
    assert shown == "cli-panel\tregistered\tanonymous: boolean\tsigned in: record\n"
    with pytest.raises(CommandError, match="--reason"):
        run("access", "cli-panel", "public")
    changed, _ = run("access", "cli-panel", "public", "--reason", "Consent allows open counts")
    assert changed == "cli-panel\tpublic\tanonymous: count\tsigned in: record\n"
    history = DatasetAccess.objects.get(dataset_id="cli-panel").history.get()
    assert history.history_change_reason == "Consent allows open counts"
    with pytest.raises(CommandError, match="no-such"):
        run("access", "no-such", "public", "--reason", "x")
