"""A deterministic simulated joint-called panel (msprime): autosome and chrX segments, XX and XY samples."""

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from .assembly import CONTIG_LENGTHS, PAR_X
from .bgzf import BgzfWriter

MISSING = 9  # allele code for '.' in the genotype tables below
BASES = np.array(list("ACGT"))


@dataclass(frozen=True)
class SimulatedPanel:
    """Where the panel was written and what it holds."""

    vcf: Path
    samples: Path
    sample_count: int
    record_count: int
    par_end: int  # last position of PAR1 on chrX: the X segment straddles it


@dataclass
class _Site:
    pos: int
    alleles: list[str]  # REF first
    genotypes: np.ndarray  # (2 * samples,) allele index per haplotype


def simulate_panel(
    directory: str | Path,
    *,
    samples: int = 200,
    seed: int = 1,
    assembly: str = "GRCh38",
    segment_length: int = 200_000,
    cohorts: tuple[str, str] = ("A", "B"),
    bgzip: bool = True,
    chr_prefix: bool = False,
    declare_x_contig: bool = True,
    missing_rate: float = 0.01,
    name: str = "simulated",
) -> SimulatedPanel:
    """Write `<name>.vcf[.gz]` and `<name>.samples.tsv` into `directory`; the same arguments always
    give the same files.

    Two cohorts that split 400 generations ago; the JC69 finite-sites model gives A/C/G/T alleles and
    a few natural multi-allelic sites, and every 15th site is merged with its neighbour so there are
    always some. Every 25th site is written as an indel (padded REF) to exercise normalisation.
    On chrX outside PAR1, XY samples are haploid: most are written as haploid calls, every third XY
    sample as a diploid homozygous call (as a caller that ignores ploidy writes it), with a rare
    impossible heterozygous call among those.
    """
    import msprime  # a test and demo dependency only: the engine itself does not need it

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    first = samples // 2
    sizes = {cohorts[0]: first, cohorts[1]: samples - first}
    demography = msprime.Demography()
    for population in (*cohorts, "ANC"):
        demography.add_population(name=population, initial_size=10_000)
    demography.add_population_split(time=400, derived=list(cohorts), ancestral="ANC")

    def segment(offset: int, seed_offset: int) -> list[_Site]:
        ancestry = msprime.sim_ancestry(
            samples=sizes,
            demography=demography,
            sequence_length=segment_length,
            recombination_rate=1e-8,
            random_seed=seed * 1000 + seed_offset,
        )
        mutated = msprime.sim_mutations(
            ancestry, rate=2e-8, model=msprime.JC69(), random_seed=seed * 1000 + seed_offset + 1
        )
        sites = [
            _Site(offset + int(v.site.position) + 1, list(v.alleles), v.genotypes.astype(np.int8))
            for v in mutated.variants()
        ]
        return _shape_sites(sites, rng)

    par_end = PAR_X[assembly][0][1]
    autosome = segment(16_000_000, 1)
    chrx = segment(par_end - segment_length // 2, 2)

    ids = [f"SIM{i + 1:05d}" for i in range(samples)]
    xy = rng.random(samples) < 0.5
    regions = rng.choice(["Tohoku", "Kanto", "Kansai"], size=samples)
    sheet = directory / f"{name}.samples.tsv"
    with open(sheet, "w", encoding="utf-8") as handle:
        handle.write("sample\tsex\tcohort\tparticipant\tregion\n")
        for i, sample in enumerate(ids):
            cohort = cohorts[0] if i < first else cohorts[1]
            sex = "XY" if xy[i] else "XX"
            handle.write(f"{sample}\t{sex}\t{cohort}\tP{i + 1:05d}\t{regions[i]}\n")

    vcf = directory / (f"{name}.vcf.gz" if bgzip else f"{name}.vcf")
    prefix = "chr" if chr_prefix else ""
    lengths = CONTIG_LENGTHS[assembly]
    out: TextIO | BgzfWriter = BgzfWriter(vcf) if bgzip else open(vcf, "w", encoding="ascii")
    try:
        out.write("##fileformat=VCFv4.2\n")
        out.write(f"##source=kiban.genome.engine.simulate seed={seed}\n")
        out.write('##FILTER=<ID=LowQual,Description="Low quality">\n')
        out.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
        out.write(f"##contig=<ID={prefix}22,length={lengths['22']},assembly={assembly}>\n")
        if declare_x_contig:
            out.write(f"##contig=<ID={prefix}X,length={lengths['X']},assembly={assembly}>\n")
        out.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(ids) + "\n")
        haploid_xy = xy & (np.arange(samples) % 3 != 0)
        diploid_xy = xy & ~haploid_xy
        for chrom, sites in (("22", autosome), ("X", chrx)):
            for site in sites:
                codes = _genotype_codes(site, rng, missing_rate)
                if chrom == "X" and site.pos > par_end:
                    first_allele = codes // 10
                    codes = np.where(haploid_xy, 100 + first_allele, codes)
                    homozygous = first_allele * 11
                    error = (rng.random(samples) < 0.002) & (first_allele != MISSING) & (first_allele > 0)
                    codes = np.where(diploid_xy, np.where(error, first_allele, homozygous), codes)
                out.write(_record(prefix + chrom, site, codes, rng))
    finally:
        out.close()
    records = len(autosome) + len(chrx)
    return SimulatedPanel(vcf=vcf, samples=sheet, sample_count=samples, record_count=records, par_end=par_end)


def _shape_sites(sites: list[_Site], rng: np.random.Generator) -> list[_Site]:
    """Merge every 15th site with the next into one multi-allelic site; pad every 25th as an indel."""
    shaped: list[_Site] = []
    i = 0
    while i < len(sites):
        site = sites[i]
        if i % 15 == 7 and i + 1 < len(sites):
            site = _merge(site, sites[i + 1])
            i += 1
        i += 1
        if len(shaped) % 25 == 11:
            site = _as_indel(site, rng)
        shaped.append(site)
    return shaped


def _merge(site: _Site, neighbour: _Site) -> _Site:
    """The neighbour's derived alleles become extra alleles here, on haplotypes still reference here."""
    alleles = list(site.alleles)
    genotypes = site.genotypes.copy()
    for index, allele in enumerate(neighbour.alleles[1:], start=1):
        if allele not in alleles:
            alleles.append(allele)
        carries = (neighbour.genotypes == index) & (genotypes == 0)
        genotypes[carries] = alleles.index(allele)
    return _Site(site.pos, alleles, genotypes)


def _as_indel(site: _Site, rng: np.random.Generator) -> _Site:
    """REF gets a padding base; the first alt becomes a deletion of it, the second an insertion."""
    pad = str(rng.choice(BASES))
    ref = site.alleles[0]
    alts = [alt + pad for alt in site.alleles[1:]]
    alts[0] = ref
    if len(alts) > 1:
        alts[1] = ref + pad + pad
    return _Site(site.pos, [ref + pad, *alts], site.genotypes)


def _genotype_codes(site: _Site, rng: np.random.Generator, missing_rate: float) -> np.ndarray:
    """Two-digit codes 'first allele, second allele' (9: missing) per sample; 100 + a for haploid."""
    first, second = site.genotypes[0::2].astype(np.int16), site.genotypes[1::2].astype(np.int16)
    missing = rng.random(first.size) < missing_rate
    half = rng.random(first.size) < missing_rate / 10
    first = np.where(missing | half, MISSING, first)
    second = np.where(missing, MISSING, second)
    return first * 10 + second


_TABLE = np.array(
    [f"{'.' if a == MISSING else a}|{'.' if b == MISSING else b}" for a in range(10) for b in range(10)]
    + [("." if a == MISSING else str(a)) for a in range(10)],
    dtype=object,
)


def _record(chrom: str, site: _Site, codes: np.ndarray, rng: np.random.Generator) -> str:
    quality = f"{rng.uniform(30, 5000):.2f}"
    status = "LowQual" if rng.random() < 0.05 else "PASS"
    # Simulated sites get IDs that cannot pass for dbSNP rsIDs (which would link to real, unrelated variants).
    identifier = f"sim{site.pos}" if rng.random() < 0.6 else "."
    alts = ",".join(site.alleles[1:])
    calls = "\t".join(_TABLE[codes].tolist())
    return (
        f"{chrom}\t{site.pos}\t{identifier}\t{site.alleles[0]}\t{alts}\t{quality}\t{status}\t.\tGT\t{calls}\n"
    )
