"""Counts equal bcftools (norm -m -any, then +fill-tags) record by record, overall and per stratum."""

import subprocess
from pathlib import Path

import pytest

from kiban.genome.engine import Dataset, ingest, open_dataset
from kiban.genome.engine.simulate import SimulatedPanel

from .helpers import (
    all_variants,
    assert_counts_match,
    bcftools_counts,
    bcftools_groups,
    collapse_hemizygous_calls,
    require_bcftools,
)


def test_hail_sample_counts_equal_bcftools(
    hail_vcf: Path, hail_sheet: Path, hail_dataset: Dataset, tmp_path: Path
):
    """The real VCF (chr20, 100 samples, multi-allelic sites and indels): every split record's AC, AN,
    AC_Hom, AC_Het and AC_Hemi, overall and for each sex, cohort and batch, as bcftools counts them."""
    groups = tmp_path / "groups.txt"
    bcftools_groups(hail_sheet, groups)
    expected = bcftools_counts(hail_vcf, groups)
    variants = all_variants(hail_dataset)
    assert len(variants) == hail_dataset.manifest.variant_count == 346
    assert assert_counts_match(variants, expected) == 346
    first = hail_dataset.variant("20-10019093-A-G")
    assert first is not None
    assert (first.counts.ac, first.counts.an, first.counts.hom, first.counts.het) == (89, 200, 25, 39)


def test_simulated_panel_counts_equal_bcftools(panel: SimulatedPanel, panel_dataset: Dataset, tmp_path: Path):
    """The simulated panel (300 samples; chr22, and chrX across the end of PAR1; multi-allelic sites,
    indels, missing and half-missing calls).

    bcftools counts what is written, while the engine treats XY samples on chrX outside the PARs as
    hemizygous: a haploid call counts one allele, a diploid homozygous call (every third XY sample is
    written that way) counts as ONE hemizygous allele, and a diploid heterozygous call there is counted
    as missing. So bcftools reads a copy of the VCF in which exactly those calls are rewritten as
    haploid (or '.') - on the original multi-allelic records, before splitting, as the engine does -
    and every record must then match exactly; autosomal and PAR records are compared unchanged.
    """
    groups = tmp_path / "groups.txt"
    sex = bcftools_groups(panel.samples, groups)
    collapsed = tmp_path / "collapsed.vcf"
    collapse_hemizygous_calls(panel.vcf, collapsed, sex, "GRCh38")
    expected = bcftools_counts(collapsed, groups)
    variants = all_variants(panel_dataset)
    assert assert_counts_match(variants, expected) == panel_dataset.manifest.variant_count
    assert panel_dataset.manifest.variant_count > panel.record_count  # multi-allelic sites were split
    nonpar = [v for v in variants if v.chrom == "X" and v.pos > panel.par_end]
    par = [v for v in variants if v.chrom == "X" and v.pos <= panel.par_end]
    assert nonpar and par
    assert sum(v.counts.hemi for v in nonpar) > 0
    assert sum(v.strata["sex"]["XY"].hom + v.strata["sex"]["XY"].het for v in nonpar) == 0
    assert sum(v.strata["sex"]["XY"].hom for v in par) > 0
    # Without the rewrite bcftools would count the XY diploid calls as diploid: the rule matters here.
    raw = bcftools_counts(panel.vcf)
    differing = [v for v in nonpar if raw[(v.chrom, v.pos, v.ref, v.alt)][0]["AN"] != v.counts.an]
    assert differing


def test_bcf_and_bgzip_inputs_give_the_same_counts(
    panel: SimulatedPanel, panel_dataset: Dataset, tmp_path: Path
):
    bcftools = require_bcftools()
    bcf = tmp_path / "panel.bcf"
    subprocess.run([bcftools, "view", "-Ob", "-o", str(bcf), str(panel.vcf)], check=True, capture_output=True)
    manifest = ingest(bcf, panel.samples, root=tmp_path / "root", dataset_id="bcf", assembly="GRCh38")
    from_bcf = open_dataset(tmp_path / "root", "bcf")
    assert manifest.variant_count == panel_dataset.manifest.variant_count
    assert all_variants(from_bcf) == all_variants(panel_dataset)


@pytest.mark.parametrize("compress", ["gzip", "bgzip"])
def test_compressed_inputs_give_the_same_counts(panel: SimulatedPanel, tmp_path: Path, compress: str):
    import gzip

    from kiban.genome.engine.bgzf import BgzfWriter

    plain = tmp_path / "panel.vcf"
    plain.write_bytes(gzip.decompress(panel.vcf.read_bytes()))
    ingest(plain, panel.samples, root=tmp_path / "plain", dataset_id="panel", assembly="GRCh38")
    uncompressed = open_dataset(tmp_path / "plain", "panel")
    target = tmp_path / "panel.vcf.gz"
    if compress == "gzip":
        target.write_bytes(gzip.compress(plain.read_bytes()))
    else:
        with BgzfWriter(target) as out:
            out.write(plain.read_bytes())
    manifest = ingest(target, panel.samples, root=tmp_path / "root", dataset_id="panel", assembly="GRCh38")
    assert manifest.source_sha256 != uncompressed.manifest.source_sha256
    assert all_variants(open_dataset(tmp_path / "root", "panel")) == all_variants(uncompressed)
