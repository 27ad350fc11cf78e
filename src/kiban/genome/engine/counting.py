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
    """Which samples are XX / XY, and the 0/1 matrix of stratum groups (row 0: every sample).

    Samples in exactly the same groups form a cell (XX, cohort A, Kanto, say): sparse counting
    histograms calls per cell, then adds cells up into groups."""

    xx: np.ndarray  # bool (n,)
    xy: np.ndarray  # bool (n,)
    matrix: np.ndarray  # float32 (groups, n)
    cell: np.ndarray  # int64 (n,)
    cell_groups: np.ndarray  # int64 (cells, groups): 1 where a cell's samples are in a group

    @classmethod
    def of(cls, xx: np.ndarray, xy: np.ndarray, masks: list[np.ndarray]) -> "SampleGroups":
        """From the boolean mask of each stratum value, in order."""
        member = np.vstack([np.ones(xx.size, dtype=bool), *masks])
        # Each sample's groups as a few bytes, so that finding the distinct ones is a 1-D sort.
        packed = np.ascontiguousarray(np.packbits(member.T, axis=1))
        keys = packed.view(np.dtype((np.void, packed.shape[1]))).reshape(-1)
        _, first, cell = np.unique(keys, return_index=True, return_inverse=True)
        cell_groups = member.T[first].astype(np.int64)
        return cls(
            xx=xx, xy=xy, matrix=member.astype(np.float32), cell=cell.reshape(-1), cell_groups=cell_groups
        )


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


# The six (called alleles, alt alleles) pairs of a call of at most two alleles, numbered 0-5 as
# _FIRST_CATEGORY[called] + alt, and what each adds to: alleles not called (of two), AC, homozygous,
# heterozygous and hemizygous counts.
_PAIRS = [(0, 0), (1, 0), (1, 1), (2, 0), (2, 1), (2, 2)]
_FIRST_CATEGORY = np.array([0, 1, 3], dtype=np.int8)
_CATEGORY_COUNTS = np.array(
    [
        [2 - called, alt, called == 2 == alt, called == 2 and alt == 1, called == 1 == alt]
        for called, alt in _PAIRS
    ],
    dtype=np.int64,
)
_CATEGORY_CODE = np.array([0, 0, HEMI, 0, HET, HOM], dtype=np.int8)  # carrier genotype per category


@dataclass(frozen=True)
class SparseCalls:
    """The calls of a run of records that are not diploid homozygous reference (0/0), in (record,
    sample) order: a panel's calls are overwhelmingly 0/0, so these are a small fraction of them."""

    records: int
    samples: int
    record: np.ndarray  # (C,) record index within the run
    sample: np.ndarray  # (C,) sample index
    first: np.ndarray  # (C,) int8 allele in slot 0 (MISSING for '.')
    second: np.ndarray  # (C,) int8 allele in slot 1 (END for a haploid call)

    def select(self, start: int, stop: int) -> "SparseCalls":
        """The calls of records start..stop-1, renumbered from 0."""
        lo, hi = np.searchsorted(self.record, [start, stop])
        return SparseCalls(
            records=stop - start,
            samples=self.samples,
            record=self.record[lo:hi] - start,
            sample=self.sample[lo:hi],
            first=self.first[lo:hi],
            second=self.second[lo:hi],
        )

    def dense(self) -> np.ndarray:
        """(records, samples, 2) int16 genotypes, 0/0 where no call is listed."""
        genotypes = np.zeros((self.records, self.samples, 2), dtype=np.int16)
        genotypes[self.record, self.sample, 0] = self.first
        genotypes[self.record, self.sample, 1] = self.second
        return genotypes


def highest_allele(calls: SparseCalls) -> np.ndarray:
    """The highest allele index called in each record (0 where every call is 0/0 or missing)."""
    highest = np.zeros(calls.records, dtype=np.int16)
    np.maximum.at(highest, calls.record, np.maximum(calls.first, calls.second).astype(np.int16))
    return highest


def count_sparse(calls: SparseCalls, n_alt: np.ndarray, groups: SampleGroups) -> ChunkCounts:
    """`count_chunk` for diploid regions, from the calls that are not 0/0 only: a 0/0 call adds two
    called alleles and nothing else, so AN starts from two per sample and the listed calls adjust it.
    The result is equal to `count_chunk(calls.dense(), n_alt, groups)`, row for row."""
    n_alt = np.asarray(n_alt, dtype=np.int64)
    first_row = np.cumsum(n_alt) - n_alt
    rows = int(n_alt.sum())
    # One entry per (listed call, alt allele of its record), in (split row, sample) order: a call of a
    # biallelic record is one entry; those of a multi-allelic record repeat once per alt allele.
    multiallelic = np.flatnonzero(n_alt > 1)
    if multiallelic.size == 0:
        row, sample, first, second = first_row[calls.record], calls.sample, calls.first, calls.second
        alt: np.ndarray | np.int8 = np.int8(1)
    else:
        entry_parts, alt_parts = [], []
        done = 0
        bounds = np.searchsorted(calls.record, np.stack([multiallelic, multiallelic + 1]))
        for record, lo, hi in zip(multiallelic.tolist(), *bounds.tolist(), strict=True):
            alts = int(n_alt[record])
            entry_parts += [np.arange(done, lo), np.tile(np.arange(lo, hi), alts)]
            alt_parts += [
                np.ones(lo - done, dtype=np.int8),
                np.repeat(np.arange(1, alts + 1, dtype=np.int8), hi - lo),
            ]
            done = hi
        entry_parts.append(np.arange(done, calls.record.size))
        alt_parts.append(np.ones(calls.record.size - done, dtype=np.int8))
        entry_call, alt = np.concatenate(entry_parts), np.concatenate(alt_parts)
        row = first_row[calls.record[entry_call]] + alt - 1
        first, second = calls.first[entry_call], calls.second[entry_call]
        sample = calls.sample[entry_call]
    called = (first >= 0).astype(np.int8) + (second >= 0)
    alt_alleles = (first == alt).astype(np.int8) + (second == alt)

    # (called, alt alleles) decides every count: histogram the six pairs per row and cell of samples
    # in the same groups, then add cells up into groups (a few rows at a time: the histogram is dense).
    category = _FIRST_CATEGORY[called] + alt_alleles
    cells = len(groups.cell_groups)
    key = (row * cells + groups.cell[sample]) * 6 + category
    step = max(1, 4_000_000 // (cells * 6))
    stacked = np.empty((rows, len(groups.matrix), 5), dtype=np.int64)
    for lo in range(0, rows, step):
        hi = min(rows, lo + step)
        start, stop = np.searchsorted(row, [lo, hi])
        histogram = np.bincount(key[start:stop] - lo * cells * 6, minlength=(hi - lo) * cells * 6)
        per_cell = histogram.reshape(hi - lo, cells, 6) @ _CATEGORY_COUNTS  # (rows, cells, 5)
        stacked[lo:hi] = np.einsum("rcq,cg->rgq", per_cell, groups.cell_groups)
    sizes = groups.matrix.sum(axis=1).astype(np.int64)
    stacked[:, :, 0] = 2 * sizes[None, :] - stacked[:, :, 0]  # alleles not called -> AN
    stacked = stacked.astype(np.int32)

    code = _CATEGORY_CODE[category]
    carrier = np.flatnonzero(code)
    return ChunkCounts(
        record=np.repeat(np.arange(calls.records), n_alt),
        alt=np.arange(rows) - np.repeat(first_row, n_alt) + 1,
        an=np.ascontiguousarray(stacked[:, :, 0]),
        ac=np.ascontiguousarray(stacked[:, :, 1]),
        hom=np.ascontiguousarray(stacked[:, :, 2]),
        het=np.ascontiguousarray(stacked[:, :, 3]),
        hemi=np.ascontiguousarray(stacked[:, :, 4]),
        carrier_row=row[carrier],
        carrier_sample=sample[carrier],
        carrier_code=code[carrier].astype(np.int8),
    )
