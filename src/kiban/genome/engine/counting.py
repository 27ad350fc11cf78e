"""Vectorised allele counting for a chunk of VCF records, split into biallelic records (numpy only)."""

from dataclasses import dataclass

import numpy as np

from .assembly import Ploidy

MISSING = -1  # htslib's missing allele
END = -2  # htslib's vector end: the call has fewer alleles than the widest call in the record

HET, HOM, HEMI = 1, 2, 3  # carrier genotype codes as stored
GENOTYPE_NAMES = {HET: "het", HOM: "hom", HEMI: "hemi"}


@dataclass(frozen=True)
class SampleGroups:
    """Which samples are XX / XY, and the 0/1 matrix of stratum groups (row 0: every sample)."""

    xx: np.ndarray  # bool (n,)
    xy: np.ndarray  # bool (n,)
    matrix: np.ndarray  # float32 (groups, n)


@dataclass(frozen=True)
class ChunkCounts:
    """Counts per split (biallelic) record of a chunk: row e is alt allele `alt[e]` of record `record[e]`."""

    record: np.ndarray  # (E,) index of the source record in the chunk
    alt: np.ndarray  # (E,) 1-based alt allele index in the source record
    an: np.ndarray  # (E, groups) int32
    ac: np.ndarray
    hom: np.ndarray
    het: np.ndarray
    hemi: np.ndarray
    carrier_row: np.ndarray  # (C,) split record
    carrier_sample: np.ndarray  # (C,) sample index in VCF order
    carrier_code: np.ndarray  # (C,) HET, HOM or HEMI


def stack_genotypes(arrays: list[np.ndarray]) -> np.ndarray:
    """cyvcf2 `genotype.array()` per record (n, ploidy + phase) -> (records, n, max ploidy) int16."""
    width = max(array.shape[1] - 1 for array in arrays)
    stacked = np.full((len(arrays), arrays[0].shape[0], width), END, dtype=np.int16)
    for i, array in enumerate(arrays):
        stacked[i, :, : array.shape[1] - 1] = array[:, :-1]
    return stacked


def collapse_to_haploid(calls: np.ndarray) -> np.ndarray:
    """Hemizygous rule on (..., ploidy) calls: one allele when every called allele agrees, else missing.

    A haploid call stays as it is, a diploid homozygous call becomes one allele (as gnomAD counts
    hemizygous sites), and a heterozygous call is an impossible genotype there, so it counts as missing.
    """
    # Loops over the (one or two) ploidy slots: numpy reductions over a tiny last axis are slow.
    highest = np.full(calls.shape[:-1], MISSING, dtype=calls.dtype)
    lowest = np.full(calls.shape[:-1], np.iinfo(np.int16).max, dtype=calls.dtype)
    for slot in range(calls.shape[-1]):
        allele = calls[..., slot]
        highest = np.maximum(highest, allele)
        lowest = np.minimum(lowest, np.where(allele >= 0, allele, np.iinfo(np.int16).max))
    agrees = (highest >= 0) & (highest == lowest)
    result = np.full_like(calls, END)
    result[..., 0] = np.where(agrees, highest, MISSING)
    return result


def apply_ploidy(genotypes: np.ndarray, ploidy: np.ndarray, groups: SampleGroups) -> np.ndarray:
    """Rewrite calls in hemizygous regions before splitting, so that a 1/2 call there is missing in both
    split records rather than a 'homozygous reference' 0/0 in the record of a third allele."""
    genotypes = genotypes.copy()
    everyone = np.ones_like(groups.xy)
    for kind, samples in ((Ploidy.X_NONPAR, groups.xy), (Ploidy.Y, groups.xy), (Ploidy.MT, everyone)):
        records = np.flatnonzero(ploidy == kind)
        if records.size and samples.any():
            block = np.ix_(records, np.flatnonzero(samples))
            genotypes[block] = collapse_to_haploid(genotypes[block])
    records = np.flatnonzero(ploidy == Ploidy.Y)
    if records.size and groups.xx.any():
        block = np.ix_(records, np.flatnonzero(groups.xx))
        genotypes[block] = END
        genotypes[(*block, 0)] = MISSING
    return genotypes


def count_chunk(genotypes: np.ndarray, n_alt: np.ndarray, groups: SampleGroups) -> ChunkCounts:
    """Split every record into one row per alt allele (other alts count as reference, as
    `bcftools norm -m -any` writes them) and count per group like `bcftools +fill-tags`:
    AN counts called alleles, a call with one called allele that is alt is hemizygous
    (so a half-missing './1' counts as hemizygous, as fill-tags does by default)."""
    record = np.repeat(np.arange(len(n_alt)), n_alt)
    alt = np.concatenate([np.arange(1, k + 1) for k in n_alt]) if len(n_alt) else np.zeros(0, dtype=int)
    called = np.zeros(genotypes.shape[:2], dtype=np.int8)
    alt_alleles = np.zeros((len(record), genotypes.shape[1]), dtype=np.int8)
    wanted = alt[:, None].astype(np.int16)
    for slot in range(genotypes.shape[2]):  # one or two slots: faster than a reduction over that axis
        allele = genotypes[:, :, slot]
        called += allele >= 0
        alt_alleles += allele[record] == wanted
    called = called[record]  # (E, n)
    hom = (called >= 2) & (alt_alleles == called)
    het = (called >= 2) & (alt_alleles > 0) & ~hom
    hemi = (called == 1) & (alt_alleles == 1)

    # Group sums as one BLAS matrix product each; float32 is exact while every sum stays below 2**24.
    exact = np.float32 if genotypes.shape[1] * genotypes.shape[2] < 2**24 else np.float64
    matrix = groups.matrix.T.astype(exact)

    def per_group(values: np.ndarray) -> np.ndarray:
        return np.rint(values.astype(exact) @ matrix).astype(np.int32)

    code = het * np.int8(HET) + hom * np.int8(HOM) + hemi * np.int8(HEMI)
    rows, samples = np.nonzero(code)
    return ChunkCounts(
        record=record,
        alt=alt,
        an=per_group(called),
        ac=per_group(alt_alleles),
        hom=per_group(hom),
        het=per_group(het),
        hemi=per_group(hemi),
        carrier_row=rows,
        carrier_sample=samples,
        carrier_code=code[rows, samples].astype(np.int8),
    )
