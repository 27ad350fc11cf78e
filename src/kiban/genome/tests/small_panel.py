"""A small reference panel written by hand for the page and API tests, and what a person should read from it.

Six samples: KBN-S1..S6 (sex XX, XX, XY, XY, XX, unknown; cohorts A, A, A, B, B, B; centre tohoku or iwate).
Variants on chr1 and chrX whose counts are worked out below, then 120 variants on chr2 for paging, filters,
genes and downloads: sample j carries the j-th base-3 digit of (i + 1) alternate alleles at variant i.
"""

from pathlib import Path

from kiban.genome import engine

DATASET = "small-panel"
SAMPLES = ["KBN-S1", "KBN-S2", "KBN-S3", "KBN-S4", "KBN-S5", "KBN-S6"]
SAMPLE_SHEET = """sample\tsex\tcohort\tcentre
KBN-S1\tXX\tA\ttohoku
KBN-S2\tXX\tA\tiwate
KBN-S3\tXY\tA\ttohoku
KBN-S4\tXY\tB\tiwate
KBN-S5\tXX\tB\ttohoku
KBN-S6\tunknown\tB\tiwate
"""

HEADER = """##fileformat=VCFv4.2
##FILTER=<ID=PASS,Description="All filters passed">
##FILTER=<ID=LowQual,Description="Low quality">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##contig=<ID=1,length=248956422>
##contig=<ID=2,length=242193529>
##contig=<ID=X,length=156040895>
"""
HAND_WORKED = [
    # 1-12345-A-G: S5 not called. All: AC 5, AN 10, hom 1 (S2), het 3 (S1, S4, S6).
    "1\t12345\trs123\tA\tG\t50\tPASS\t.\tGT\t0/1\t1/1\t0/0\t0/1\t./.\t0/1",
    # Two alternate alleles, split: C (AC 4: S1 het, S3 hom, S5 het) and T (AC 4: S1 het, S2 het, S6 hom).
    "1\t20000\trs200\tA\tC,T\t99\tPASS\t.\tGT\t1/2\t0/2\t1/1\t0/0\t0/1\t2/2",
    # Filtered, no rsID.
    "1\t40000\t.\tG\tA\t12.5\tLowQual\t.\tGT\t0/1\t0/0\t0/0\t0/0\t0/0\t0/0",
    # chrX outside the pseudo-autosomal regions: XY S3 (haploid call) and S4 (diploid 1/1) are hemizygous.
    "X\t5000000\trs500\tC\tT\t60\tPASS\t.\tGT\t0/1\t0/0\t1\t1/1\t1/1\t./.",
]
SERIES_START = 1_000_000
SERIES_STEP = 1000
SERIES_COUNT = 120
BASES = "ACGT"

# GENE1 covers chr2 variants 10..30 of the series (1,010,000 to 1,030,000); GENE2 covers 1-12345-A-G only.
GENES_GTF = (
    '2\ttest\tgene\t1009500\t1030500\t.\t+\t.\tgene_id "ENSG00000000001"; gene_name "GENE1";\n'
    '1\ttest\tgene\t12000\t13000\t.\t-\t.\tgene_id "ENSG00000000002"; gene_name "GENE2";\n'
)
GENE_SERIES = range(10, 31)


def series_alt_alleles(i: int) -> list[int]:
    """Alternate alleles each sample carries at series variant i: the base-3 digits of i + 1."""
    return [((i + 1) // 3**j) % 3 for j in range(len(SAMPLES))]


def series_ac(i: int) -> int:
    return sum(series_alt_alleles(i))


def series_af(i: int) -> float:
    return series_ac(i) / (2 * len(SAMPLES))


def series_filter(i: int) -> str:
    return "LowQual" if i % 10 == 9 else "PASS"


def series_id(i: int) -> str:
    ref, alt = BASES[i % 4], BASES[(i + 1) % 4]
    return f"2-{SERIES_START + SERIES_STEP * i}-{ref}-{alt}"


def _series_line(i: int) -> str:
    _, pos, ref, alt = series_id(i).split("-")
    genotypes = ["0/0", "0/1", "1/1"]
    calls = "\t".join(genotypes[n] for n in series_alt_alleles(i))
    return f"2\t{pos}\trs{10_000 + i}\t{ref}\t{alt}\t{30 + i % 50}\t{series_filter(i)}\t.\tGT\t{calls}"


def write_vcf(path: Path, *, series_count: int = SERIES_COUNT) -> Path:
    lines = [*HAND_WORKED[:3], *(_series_line(i) for i in range(series_count)), HAND_WORKED[3]]
    header = HEADER + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(SAMPLES) + "\n"
    path.write_text(header + "\n".join(lines) + "\n")
    return path


def ingest_small_panel(
    folder: Path, root: Path, *, dataset_id: str = DATASET, series_count: int = SERIES_COUNT
) -> engine.Manifest:
    """Writes the VCF, the sample sheet and the genes into `folder`, ingests them under `root`."""
    folder.mkdir(parents=True, exist_ok=True)
    vcf = write_vcf(folder / f"{dataset_id}-{series_count}.vcf", series_count=series_count)
    sheet = folder / "samples.tsv"
    sheet.write_text(SAMPLE_SHEET)
    genes = folder / "genes.gtf"
    genes.write_text(GENES_GTF)
    engine.load_genes(genes, root=root, assembly="GRCh38")
    return engine.ingest(vcf, sheet, root=root, dataset_id=dataset_id, assembly="GRCh38")
