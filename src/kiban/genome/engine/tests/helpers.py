"""Test helpers: small VCFs written inline, bcftools runs, and walking every variant of a dataset."""

import gzip
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kiban.genome.engine import Dataset, Variant
from kiban.genome.engine.alleles import minimal_representation
from kiban.genome.engine.assembly import PAR_X, normalise_chrom

Key = tuple[str, int, str, str]


def require_bcftools() -> str:
    """bcftools' path; the test is skipped without it unless KIBAN_REQUIRE_BCFTOOLS=1 (as CI sets)."""
    found = shutil.which("bcftools")
    if found:
        return found
    if os.environ.get("KIBAN_REQUIRE_BCFTOOLS") == "1":
        pytest.fail(
            "bcftools is required (KIBAN_REQUIRE_BCFTOOLS=1) but not installed: apt-get install bcftools"
        )
    pytest.skip("bcftools is not installed (apt-get install bcftools)")


def vcf_text(samples: list[str], records: list[str], contigs: str = "") -> str:
    """A VCF with a GT FORMAT header; records are tab-separated strings without the newline."""
    header = (
        "##fileformat=VCFv4.2\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
        + contigs
        + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t"
        + "\t".join(samples)
        + "\n"
    )
    return header + "".join(record.replace(" ", "\t") + "\n" for record in records)


def sheet_text(rows: list[tuple[str, str, str]]) -> str:
    return "sample\tsex\tcohort\n" + "".join("\t".join(row) + "\n" for row in rows)


def all_variants(dataset: Dataset) -> list[Variant]:
    """Every variant, walking region pages of every contig."""
    variants = []
    for chrom in dataset.chromosomes():
        offset = 0
        while True:
            page = dataset.region(chrom, 1, 1_000_000_000, offset=offset, limit=500)
            variants.extend(page.items)
            if not page.has_next:
                break
            offset += page.limit
    return variants


def bcftools_counts(vcf: Path, groups: Path | None = None) -> dict[Key, list[dict[str, int]]]:
    """INFO counts from `bcftools norm -m -any | bcftools +fill-tags`, keyed like the engine's variants
    (chromosome without 'chr', minimal representation), a list per key in case a key repeats."""
    bcftools = require_bcftools()
    split = subprocess.run(
        [bcftools, "norm", "-m", "-any", "-Ov", "-"],
        input=_declare_contigs(vcf),
        check=True,
        capture_output=True,
    ).stdout
    plugin = [bcftools, "+fill-tags", "-Ov", "-", "--", "-t", "AC,AN,AC_Hom,AC_Het,AC_Hemi"]
    if groups is not None:
        plugin += ["-S", str(groups)]
    filled = subprocess.run(plugin, input=split, check=True, capture_output=True).stdout.decode()
    found: dict[Key, list[dict[str, int]]] = {}
    for line in filled.splitlines():
        if line.startswith("#"):
            continue
        chrom, pos, _, ref, alt, _, _, info = line.split("\t")[:8]
        if alt == ".":
            continue
        pos_, ref_, alt_ = minimal_representation(int(pos), ref, alt)
        tags = {key: int(value) for key, _, value in (item.partition("=") for item in info.split(";"))
                if key.startswith(("AC", "AN"))}  # fmt: skip
        found.setdefault((normalise_chrom(chrom), pos_, ref_, alt_), []).append(tags)
    return found


def _declare_contigs(vcf: Path) -> bytes:
    """The VCF's text with a ##contig line for every contig its records use: bcftools cannot write
    records on undeclared contigs (the engine tolerates them, as many real files lack the lines)."""
    opener = gzip.open if vcf.name.endswith(".gz") else open
    with opener(vcf, "rt") as handle:
        lines = handle.read().splitlines(keepends=True)
    header = [line for line in lines if line.startswith("#")]
    declared = {m.group(1) for line in header if (m := re.match(r"##contig=<ID=([^,>]+)", line))}
    used = dict.fromkeys(line.split("\t", 1)[0] for line in lines if not line.startswith("#"))
    extra = [f"##contig=<ID={chrom}>\n" for chrom in used if chrom not in declared]
    return "".join(header[:-1] + extra + header[-1:] + lines[len(header) :]).encode()


def collapse_hemizygous_calls(source: Path, target: Path, sex: dict[str, str], assembly: str) -> None:
    """Copy a VCF, rewriting calls the way the engine counts hemizygous sites, so that bcftools (which
    counts what is written) can be compared with the engine: on chrX outside the PARs and on chrY an XY
    sample's call, and on chrMT everyone's, becomes one allele when its called alleles agree and '.'
    when they do not (a heterozygous call there is impossible); XX samples' chrY calls become '.'."""
    opener = gzip.open if source.name.endswith(".gz") else open
    with opener(source, "rt") as lines, open(target, "w") as out:
        samples: list[str] = []
        for line in lines:
            if line.startswith("#"):
                if line.startswith("#CHROM"):
                    samples = line.rstrip("\n").split("\t")[9:]
                out.write(line)
                continue
            fields = line.rstrip("\n").split("\t")
            chrom, pos = normalise_chrom(fields[0]), int(fields[1])
            in_par = any(lo <= pos <= hi for lo, hi in PAR_X[assembly])
            for column, sample in enumerate(samples, start=9):
                haploid = (
                    (chrom == "X" and not in_par and sex[sample] == "XY")
                    or (chrom == "Y" and sex[sample] == "XY")
                    or chrom == "MT"
                )
                if haploid:
                    called = {a for a in re.split(r"[/|]", fields[column]) if a != "."}
                    fields[column] = called.pop() if len(called) == 1 else "."
                elif chrom == "Y" and sex[sample] == "XX":
                    fields[column] = "."
            out.write("\t".join(fields) + "\n")


def bcftools_groups(sheet: Path, target: Path) -> dict[str, str]:
    """Write the sample sheet's strata as a bcftools +fill-tags -S file ('sample<TAB>sex_XX,cohort_A');
    returns each sample's sex."""
    rows = [line.split("\t") for line in sheet.read_text().splitlines()]
    header, body = rows[0], rows[1:]
    columns = [i for i, name in enumerate(header) if name not in ("sample", "participant")]
    sex: dict[str, str] = {}
    with open(target, "w") as out:
        for row in body:
            sex[row[0]] = row[header.index("sex")]
            names = [
                f"{header[i]}_{row[i]}"
                for i in columns
                if row[i] and not (header[i] == "sex" and row[i] == "unknown")
            ]
            out.write(f"{row[0]}\t{','.join(names)}\n")
    return sex


def assert_counts_match(variants: list[Variant], expected: dict[Key, list[dict[str, int]]]) -> int:
    """Every engine variant equals the bcftools record with the same key, overall and per stratum;
    returns the number of records compared."""
    engine: dict[Key, list[Variant]] = {}
    for variant in variants:
        engine.setdefault((variant.chrom, variant.pos, variant.ref, variant.alt), []).append(variant)
    assert sorted(engine) == sorted(expected)
    compared = 0
    for key, records in expected.items():
        mine = engine[key]
        assert len(mine) == len(records), key
        # A key repeats when two input lines normalise to the same allele; compare them as multisets.
        wanted = sorted(_tags_of(tags) for tags in records)
        got = sorted(_tags_of_variant(variant, records[0]) for variant in mine)
        assert got == wanted, key
        for variant in mine:
            counts = variant.counts
            assert counts.af == (counts.ac / counts.an if counts.an else None)
        compared += len(records)
    return compared


def _tags_of(tags: dict[str, int]) -> tuple:
    return tuple(sorted(tags.items()))


def _tags_of_variant(variant: Variant, like: dict[str, int]) -> tuple:
    tags: dict[str, int] = {}
    populations = {"": variant.counts}
    for stratum, values in variant.strata.items():
        for value, counts in values.items():
            populations[f"_{stratum}_{value}"] = counts
    for suffix, counts in populations.items():
        if f"AN{suffix}" not in like:
            continue
        tags[f"AN{suffix}"] = counts.an
        tags[f"AC{suffix}"] = counts.ac
        tags[f"AC_Hom{suffix}"] = 2 * counts.hom  # bcftools counts alleles in homozygous calls
        tags[f"AC_Het{suffix}"] = counts.het  # one alt allele per diploid heterozygous call
        tags[f"AC_Hemi{suffix}"] = counts.hemi
    return tuple(sorted(tags.items()))
