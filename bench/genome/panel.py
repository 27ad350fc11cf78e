"""Simulated joint-called panels for the genome bench: msprime with a growing population, written fast.

The genotype text of each record is built with numpy from tskit's genotype matrix, a chunk of sites at a
time (every diploid call is exactly three bytes, '0|1' or './.'), and compressed by `bgzip -@2`; BCF is
made from it with `bcftools view -Ob`, and both are indexed. Panels are cached in the work folder under
names keyed by samples, sites and seed, and reused when their recorded parameters match.
"""

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Bump when the generator changes what it writes, so that cached panels are made again.
GENERATOR_VERSION = 1
CHROM = "chr20"
CHROM_LENGTH = 64_444_167  # GRCh38
OFFSET = 10_000_000  # the simulated segment starts here on chr20
MUTATION_RATE = 1.25e-8
RECOMBINATION_RATE = 1e-8
MISSING_RATE = 0.005  # calls written './.'
COHORTS = ("community", "birth-three-generation")
_BYTES_PER_CHUNK = 64 << 20  # genotype text built per chunk


@dataclass(frozen=True)
class Panel:
    """One simulated panel on disk and what it holds."""

    samples: int
    sites: int
    seed: int
    vcf: Path  # bgzipped VCF, tabix-indexed
    bcf: Path  # BCF, CSI-indexed
    sheet: Path  # the sample sheet (sample, sex, cohort)
    meta: dict

    @property
    def key(self) -> str:
        return key(self.samples, self.sites, self.seed)

    @property
    def alt_alleles(self) -> int:
        return int(self.meta["alt_alleles"])


def key(samples: int, sites: int, seed: int) -> str:
    return f"panel-n{samples}-s{sites}-seed{seed}"


def _say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def demography(msprime):
    """One population: 10,000 long ago, a bottleneck of 2,000 from 2,000 to 1,000 generations ago, slow
    growth to 20,000 at 200 generations ago, then explosive growth to 1,000,000 today (the excess of rare
    variants that large sequencing cohorts see)."""
    model = msprime.Demography()
    model.add_population(name="JPN", initial_size=1_000_000, growth_rate=np.log(1_000_000 / 20_000) / 200)
    model.add_population_parameters_change(
        time=200, initial_size=20_000, growth_rate=np.log(20_000 / 2_000) / 800, population="JPN"
    )
    model.add_population_parameters_change(time=1_000, initial_size=2_000, growth_rate=0, population="JPN")
    model.add_population_parameters_change(time=2_000, initial_size=10_000, growth_rate=0, population="JPN")
    return model


def _simulate(samples: int, sites: int, seed: int):
    """A tree sequence with mutations holding at least `sites` sites, lengthening the segment if short."""
    import msprime

    length = min(sites * 40, CHROM_LENGTH - OFFSET - 1)
    for attempt in range(6):
        started = time.perf_counter()
        ancestry = msprime.sim_ancestry(
            samples={"JPN": samples},
            demography=demography(msprime),
            sequence_length=length,
            recombination_rate=RECOMBINATION_RATE,
            random_seed=seed * 100 + attempt + 1,
        )
        mutated = msprime.sim_mutations(
            ancestry, rate=MUTATION_RATE, model=msprime.JC69(), random_seed=seed * 100 + attempt + 51
        )
        found = mutated.num_sites
        _say(
            f"msprime: {samples:,} samples over {length:,} bp gave {found:,} sites "
            f"({time.perf_counter() - started:.1f} s)"
        )
        if found >= sites:
            return mutated
        if length >= CHROM_LENGTH - OFFSET - 1:
            break
        length = min(int(length * sites / max(found, 1) * 1.25) + 1, CHROM_LENGTH - OFFSET - 1)
    raise RuntimeError(f"could not simulate {sites:,} sites for {samples:,} samples on {CHROM}")


def _write_sheet(path: Path, names: list[str], rng: np.random.Generator) -> None:
    sexes = np.where(rng.random(len(names)) < 0.5, "XX", "XY")
    cohorts = np.array(COHORTS)[(rng.random(len(names)) < 0.3).astype(int)]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("sample\tsex\tcohort\n")
        for name, sex, cohort in zip(names, sexes, cohorts, strict=True):
            handle.write(f"{name}\t{sex}\t{cohort}\n")


def _header(names: list[str], seed: int) -> bytes:
    lines = [
        "##fileformat=VCFv4.2",
        f"##source=kiban bench/genome/panel.py v{GENERATOR_VERSION} (msprime, JC69, seed {seed})",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        f"##contig=<ID={CHROM},length={CHROM_LENGTH},assembly=GRCh38>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(names),
    ]
    return ("\n".join(lines) + "\n").encode()


_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)


def _calls(genotypes: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """(sites, samples, 4) bytes: 'a|b' and a tab per call, the last call of each line ending in '\\n'."""
    sites, haplotypes = genotypes.shape
    text = np.empty((sites, haplotypes // 2, 4), dtype=np.uint8)
    text[:, :, 0] = _DIGITS[genotypes[:, 0::2]]
    text[:, :, 1] = ord("|")
    text[:, :, 2] = _DIGITS[genotypes[:, 1::2]]
    text[:, :, 3] = ord("\t")
    text[:, -1, 3] = ord("\n")
    text[missing, 0] = ord(".")
    text[missing, 1] = ord("/")
    text[missing, 2] = ord(".")
    return text


def _write_vcf(ts, path: Path, names: list[str], sites: int, seed: int, rng: np.random.Generator) -> dict:
    """The first `sites` sites of `ts` as bgzipped VCF; returns counts for the panel's metadata."""
    haplotypes = 2 * len(names)
    chunk = max(1, _BYTES_PER_CHUNK // (4 * len(names)))
    stats = {"alt_alleles": 0, "multiallelic_sites": 0, "missing_calls": 0, "first_pos": 0, "last_pos": 0}
    with open(path, "wb") as out:
        bgzip = subprocess.Popen(["bgzip", "-@2", "-c"], stdin=subprocess.PIPE, stdout=out)  # noqa: S607
        assert bgzip.stdin is not None
        try:
            bgzip.stdin.write(_header(names, seed))
            genotypes = np.empty((chunk, haplotypes), dtype=np.int8)
            prefixes: list[bytes] = []
            written = 0
            for variant in ts.variants(copy=False):
                if written + len(prefixes) >= sites:
                    break
                alleles = variant.alleles
                pos = OFFSET + int(variant.site.position) + 1
                stats["alt_alleles"] += len(alleles) - 1
                stats["multiallelic_sites"] += len(alleles) > 2
                stats["first_pos"] = stats["first_pos"] or pos
                stats["last_pos"] = pos
                genotypes[len(prefixes)] = variant.genotypes
                prefixes.append(
                    f"{CHROM}\t{pos}\t.\t{alleles[0]}\t{','.join(alleles[1:])}\t.\tPASS\t.\tGT\t".encode()
                )
                if len(prefixes) == chunk:
                    written += _flush(bgzip.stdin, genotypes, prefixes, rng, stats)
                    prefixes = []
                    _say(f"written {written:,} of {sites:,} sites")
            if prefixes:
                written += _flush(bgzip.stdin, genotypes, prefixes, rng, stats)
        finally:
            bgzip.stdin.close()
            if bgzip.wait() != 0:
                raise RuntimeError(f"bgzip failed writing {path}")
    stats["sites"] = written
    return stats


def _flush(
    stream, genotypes: np.ndarray, prefixes: list[bytes], rng: np.random.Generator, stats: dict
) -> int:
    count = len(prefixes)
    missing = rng.random((count, genotypes.shape[1] // 2)) < MISSING_RATE
    stats["missing_calls"] += int(missing.sum())
    text = _calls(genotypes[:count], missing)
    stream.write(b"".join(prefix + row.tobytes() for prefix, row in zip(prefixes, text, strict=True)))
    return count


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 (bcftools, tabix)


def ensure(work: Path, samples: int, sites: int, seed: int) -> Panel:
    """The cached panel with these parameters, simulated and written first if absent or stale."""
    work.mkdir(parents=True, exist_ok=True)
    name = key(samples, sites, seed)
    vcf, bcf = work / f"{name}.vcf.gz", work / f"{name}.bcf"
    sheet, meta_path = work / f"{name}.samples.tsv", work / f"{name}.json"
    wanted = {"generator": GENERATOR_VERSION, "samples": samples, "sites": sites, "seed": seed}
    files = (vcf, Path(f"{vcf}.tbi"), bcf, Path(f"{bcf}.csi"), sheet)
    if meta_path.is_file() and all(f.is_file() for f in files):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if {k: meta.get(k) for k in wanted} == wanted:
            return Panel(samples, sites, seed, vcf, bcf, sheet, meta)
    _say(f"simulating {name} (cached in {work})")
    started = time.perf_counter()
    meta_path.unlink(missing_ok=True)
    ts = _simulate(samples, sites, seed)
    rng = np.random.default_rng(seed)
    names = [f"JPN{i + 1:06d}" for i in range(samples)]
    _write_sheet(sheet, names, rng)
    staged_vcf = work / f".{name}.vcf.gz"
    stats = _write_vcf(ts, staged_vcf, names, sites, seed, rng)
    staged_vcf.rename(vcf)
    _say("bcftools view -Ob, indexing")
    staged_bcf = work / f".{name}.bcf"
    _run(["bcftools", "view", "--threads", "2", "--no-version", "-Ob", "-o", str(staged_bcf), str(vcf)])
    staged_bcf.rename(bcf)
    _run(["bcftools", "index", "--threads", "2", "-f", str(bcf)])
    _run(["tabix", "-f", "-p", "vcf", str(vcf)])
    meta = {
        **wanted,
        **stats,
        "sequence_length": int(ts.sequence_length),
        "chrom": CHROM,
        "mutation_rate": MUTATION_RATE,
        "recombination_rate": RECOMBINATION_RATE,
        "missing_rate": MISSING_RATE,
        "seconds": round(time.perf_counter() - started, 1),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    _say(
        f"{name}: {stats['sites']:,} sites, {stats['alt_alleles']:,} alt alleles "
        f"({stats['multiallelic_sites']:,} multi-allelic sites) in {meta['seconds']} s"
    )
    return Panel(samples, sites, seed, vcf, bcf, sheet, meta)
