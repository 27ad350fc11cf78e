"""Queries: variant ids, rsIDs, paged regions with filters, genes from GTF/GFF3/BED, carriers, AF spectrum."""

import itertools
import shutil
from pathlib import Path

import pytest

from kiban.genome.engine import Dataset, Filters, GenomeInputError, ingest, load_genes, open_dataset
from kiban.genome.engine.simulate import SimulatedPanel

from .helpers import all_variants, vcf_text

GENE_A = 'gene_id "ENSG00000000001.5"; gene_name "GENEA";'
GTF = f"""\
#!genome-build GRCh37
20\ttest\tgene\t10019000\t10030500\t.\t+\t.\t{GENE_A} gene_biotype "protein_coding";
20\ttest\ttranscript\t10019000\t10030500\t.\t+\t.\t{GENE_A} transcript_id "ENST1";
20\ttest\texon\t10019000\t10019200\t.\t+\t.\t{GENE_A} transcript_id "ENST1";
chr20\ttest\tgene\t10270000\t10290000\t.\t-\t.\tgene_id "ENSG00000000002"; gene_name "GeneB";
X\ttest\tgene\t1\t100\t.\t+\t.\tgene_id "ENSG00000000003"; gene_name "GENEX";
"""
GFF3 = """\
##gff-version 3
20\ttest\tgene\t10019000\t10030500\t.\t+\t.\tID=gene:ENSG00000000001;Name=GENEA;biotype=protein_coding
20\ttest\tmRNA\t10019000\t10030500\t.\t+\t.\tID=transcript:ENST1;Parent=gene:ENSG00000000001
chr20\ttest\tgene\t10270000\t10290000\t.\t-\t.\tID=gene:ENSG00000000002;Name=GeneB
"""
BED = "track name=genes\nchr20\t10018999\t10030500\tGENEA\t0\t+\n20\t10269999\t10290000\tGeneB\t0\t-\n"


# Two sites of six samples (XX, XY and unknown sex; cohorts A and B; three batches): a dbSNP-named SNV and a
# multi-allelic site whose first alternate allele is not minimal (CT>CTT is C>CT).
LOOKUP_SAMPLES = [
    ("s1", "XX", "A", "batch0"),
    ("s2", "XY", "B", "batch0"),
    ("s3", "unknown", "A", "batch1"),
    ("s4", "XX", "B", "batch1"),
    ("s5", "XY", "A", "batch2"),
    ("s6", "unknown", "B", "batch2"),
]
LOOKUP_RECORDS = [
    "20 10019093 rs575534 A G . PASS . GT 0/1 0/0 1/1 0/1 0/0 0/1",
    "20 10273694 . CT CTT,C . PASS . GT 0/1 0/2 0/0 1/2 0/0 0/0",
]


@pytest.fixture(scope="module")
def lookups(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    folder = tmp_path_factory.mktemp("lookups")
    vcf, sheet = folder / "lookups.vcf", folder / "lookups.samples.tsv"
    vcf.write_text(vcf_text([s for s, *_ in LOOKUP_SAMPLES], LOOKUP_RECORDS))
    sheet.write_text("sample\tsex\tcohort\tbatch\n" + "".join("\t".join(r) + "\n" for r in LOOKUP_SAMPLES))
    ingest(vcf, sheet, root=folder / "root", dataset_id="lookups", assembly="GRCh37")
    return open_dataset(folder / "root", "lookups")


def test_variant_by_id_in_any_spelling(lookups):
    variant = lookups.variant("20-10019093-A-G")
    assert variant is not None and variant.variant_id == "20-10019093-A-G" and variant.rsid == "rs575534"
    for spelling in ("chr20-10019093-A-G", "20:10019093:A:G", "CHR20-10019093-a-g", " 20-10019093-A-G "):
        assert lookups.variant(spelling) == variant
    # Non-minimal alleles are normalised the same way as at ingest: CT>CTT is C>CT.
    assert lookups.variant("20-10273694-CT-CTT").variant_id == "20-10273694-C-CT"
    assert lookups.variant("20-10273694-CT-C").variant_id == "20-10273694-CT-C"
    for absent in ("20-10019093-A-T", "7-10019093-A-G", "nonsense", "20-0-A-G", "20-x-A-G"):
        assert lookups.variant(absent) is None


def test_variant_strata(lookups):
    variant = lookups.variant("20-10019093-A-G")
    assert set(variant.strata) == {"sex", "cohort", "batch"}
    assert list(variant.strata["sex"]) == ["XX", "XY"]
    assert list(variant.strata["batch"]) == ["batch0", "batch1", "batch2"]
    cohorts = variant.strata["cohort"]
    assert cohorts["A"].an + cohorts["B"].an == variant.counts.an
    assert cohorts["A"].ac + cohorts["B"].ac == variant.counts.ac
    # 'unknown' sex counts in the total only.
    assert variant.strata["sex"]["XX"].an + variant.strata["sex"]["XY"].an < variant.counts.an


def test_by_rsid(lookups):
    found = lookups.by_rsid("rs575534")
    assert [v.variant_id for v in found] == ["20-10019093-A-G"]
    assert lookups.by_rsid("RS575534") == found
    assert lookups.by_rsid("rs1") == [] and lookups.by_rsid("575534") == []


def test_region_pages_add_up(panel_dataset, panel: SimulatedPanel):
    everything = [v for v in all_variants(panel_dataset) if v.chrom == "X"]
    assert len(everything) == _split_records(panel, "X")
    start, end = everything[10].pos, everything[-10].pos
    inside = [v for v in everything if _overlaps(v, start, end)]
    seen, offset = [], 0
    while True:
        page = panel_dataset.region("chrX", start, end, offset=offset, limit=37)
        assert page.total == len(inside) and page.offset == offset and page.limit == 37
        seen.extend(page.items)
        if not page.has_next:
            break
        offset += 37
    assert seen == inside
    assert [v.pos for v in seen] == sorted(v.pos for v in seen)
    beyond = panel_dataset.region("X", start, end, offset=len(inside) + 5, limit=10)
    assert beyond.items == [] and beyond.total == len(inside) and not beyond.has_next
    one = panel_dataset.region("X", start, start)
    assert one.items == [v for v in everything if _overlaps(v, start, start)]
    assert [v for v in one.items if v.pos == start] == [v for v in everything if v.pos == start]


def _overlaps(variant, start: int, end: int) -> bool:
    """Whether the variant's REF overlaps start..end: a region takes deletions reaching into it."""
    return variant.pos <= end and variant.pos + len(variant.ref) - 1 >= start


def test_region_edge_cases(panel_dataset):
    assert panel_dataset.region("7", 1, 1000).total == 0
    assert panel_dataset.region("22", 1, 10).total == 0
    with pytest.raises(ValueError, match="after its end"):
        panel_dataset.region("22", 10, 1)
    with pytest.raises(ValueError):
        panel_dataset.region("22", 1, 10, limit=0)
    with pytest.raises(ValueError):
        panel_dataset.region("22", 1, 10, filters=Filters(min_af=float("nan")))


@pytest.mark.parametrize(
    "filters",
    [
        Filters(min_af=0.05),
        Filters(max_af=0.01),
        Filters(min_af=0.01, max_af=0.2, pass_only=True),
        Filters(pass_only=True),
    ],
)
def test_region_filters(panel_dataset, filters: Filters):
    everything = [v for v in all_variants(panel_dataset) if v.chrom == "22"]

    def keep(v) -> bool:
        af = v.counts.af
        return (
            (filters.min_af is None or (af is not None and af >= filters.min_af))
            and (filters.max_af is None or (af is not None and af <= filters.max_af))
            and (not filters.pass_only or v.filters == ("PASS",))
        )

    expected = [v for v in everything if keep(v)]
    page = panel_dataset.region("22", 1, 10**9, filters=filters, limit=10_000)
    assert 0 < page.total < len(everything)
    assert page.items == expected and page.total == len(expected)


def test_region_reads_only_its_partition(panel_dataset, tmp_path: Path):
    """A query on chr22 must not open chrX's files: break them and ask again."""
    copy = tmp_path / "copy"
    shutil.copytree(panel_dataset.root, copy)
    dataset = open_dataset(copy, panel_dataset.manifest.dataset_id)
    for table in ("variants", "strata", "carriers"):
        (dataset.path / table / "chrom=X" / "part-0.parquet").write_bytes(b"not parquet")
    page = dataset.region("22", 1, 10**9, limit=5)
    assert page.items == panel_dataset.region("22", 1, 10**9, limit=5).items
    assert dataset.variant(page.items[0].variant_id) == page.items[0]
    assert dataset.carriers(page.items[0].variant_id) == panel_dataset.carriers(page.items[0].variant_id)


@pytest.mark.parametrize(
    ("name", "text", "count"), [("genes.gtf", GTF, 3), ("genes.gff3", GFF3, 2), ("genes.bed", BED, 2)]
)
def test_gene_query(hail_dataset, tmp_path: Path, name: str, text: str, count: int):
    source = tmp_path / name
    source.write_text(text)
    root = tmp_path / "root"
    shutil.copytree(hail_dataset.root, root)
    assert load_genes(source, root=root, assembly="GRCh37") == count
    dataset = open_dataset(root, "hail")
    page = dataset.gene("genea", limit=5)
    region = dataset.region("20", 10019000, 10030500, limit=5)
    assert page.total == region.total == 5  # 10019093 to 10030452 in the VCF
    assert page.items == region.items
    assert dataset.gene("GENEB").total == dataset.region("20", 10270000, 10290000).total > 0
    assert dataset.gene("GENEA", filters=Filters(max_af=0.01)).total == 1  # 10026348, AF 0.01
    if name == "genes.gtf":
        assert dataset.gene("ENSG00000000001").total == 5
        assert dataset.gene("ensg00000000001.5").total == 5
        assert dataset.gene("GENEX").total == 0
    with pytest.raises(LookupError, match="No gene 'NOPE' in GRCh37 annotation"):
        dataset.gene("NOPE")


def test_gene_without_annotation(panel_dataset):
    with pytest.raises(LookupError, match="No gene annotation for GRCh38"):
        panel_dataset.gene("GENEA")


def test_gene_files_with_errors(tmp_path: Path):
    bad = tmp_path / "bad.gtf"
    bad.write_text(GTF.replace("10270000", "ten"))
    with pytest.raises(GenomeInputError) as caught:
        load_genes(bad, root=tmp_path, assembly="GRCh37")
    assert caught.value.line == 5 and "not a valid 1-based span" in caught.value.problem
    short = tmp_path / "short.bed"
    short.write_text("chr1\t5\t10\n")
    with pytest.raises(GenomeInputError, match="expected 4 tab-separated columns, found 3"):
        load_genes(short, root=tmp_path, assembly="GRCh37")
    with pytest.raises(GenomeInputError, match="not supported"):
        load_genes(short, root=tmp_path, assembly="hg38")
    unknown = tmp_path / "genes.txt"
    unknown.write_text("hello\n")
    with pytest.raises(GenomeInputError, match="cannot tell the format"):
        load_genes(unknown, root=tmp_path, assembly="GRCh37")


def test_gene_loaded_from_gzip_without_gene_records(tmp_path: Path, hail_dataset):
    """A GTF listing only transcripts and exons: each gene spans its features."""
    import gzip

    text = "".join(line + "\n" for line in GTF.splitlines() if "\tgene\t" not in line)
    source = tmp_path / "genes.gtf.gz"
    source.write_bytes(gzip.compress(text.encode()))
    assert load_genes(source, root=tmp_path, assembly="GRCh37") == 1
    root = tmp_path / "root"
    shutil.copytree(hail_dataset.root, root)
    load_genes(source, root=root, assembly="GRCh37")
    assert open_dataset(root, "hail").gene("GENEA").total == 5


def test_af_spectrum(panel_dataset):
    variants = all_variants(panel_dataset)
    bins = [0.0, 0.001, 0.01, 0.05, 0.5, 1.0]
    spectrum = panel_dataset.af_spectrum(bins)
    assert [(lo, hi) for lo, hi, _ in spectrum] == list(itertools.pairwise(bins))
    afs = [v.counts.af for v in variants if v.counts.af is not None]
    expected = [
        sum(lo <= af < hi or (hi == 1.0 and af == 1.0) for af in afs) for lo, hi in itertools.pairwise(bins)
    ]
    assert [n for _, _, n in spectrum] == expected
    assert sum(expected) == len(afs)
    with pytest.raises(ValueError):
        panel_dataset.af_spectrum([0.5, 0.1])


def _split_records(panel: SimulatedPanel, chrom: str) -> int:
    import gzip

    with gzip.open(panel.vcf, "rt") as lines:
        return sum(len(line.split("\t")[4].split(",")) for line in lines if line.startswith(f"{chrom}\t"))
