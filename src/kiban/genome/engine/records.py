"""Records read from a VCF or BCF but not yet counted, in batches, with their calls kept sparse."""

from dataclasses import dataclass, field

import numpy as np

from .counting import SparseCalls

# About this many genotype calls per batch: sparse calls keep a batch small whatever the sample count.
CALLS_PER_BATCH = 4_000_000


class Irregular(Exception):
    """Input this reader does not handle (or that is malformed): htslib reads the file instead, which
    handles every valid file and names the line of an invalid one."""


@dataclass
class RecordBatch:
    """Consecutive records (ALT '.' records left out), as parallel lists, and their non-0/0 calls."""

    samples: int
    chrom: list[str] = field(default_factory=list)  # as written (normalised when counted)
    pos: list[int] = field(default_factory=list)
    ref: list[str] = field(default_factory=list)
    alts: list[list[str]] = field(default_factory=list)
    ids: list[str | None] = field(default_factory=list)
    qual: list[float | None] = field(default_factory=list)
    filters: list[list[str]] = field(default_factory=list)  # ['PASS'] for PASS or '.'
    number: list[int] = field(default_factory=list)  # 1-based record number in the file, for errors
    _record: list[np.ndarray] = field(default_factory=list)
    _sample: list[np.ndarray] = field(default_factory=list)
    _first: list[np.ndarray] = field(default_factory=list)
    _second: list[np.ndarray] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.pos)

    def add_calls(self, sample: np.ndarray, first: np.ndarray, second: np.ndarray) -> None:
        """The non-0/0 calls of the record just appended (samples ascending)."""
        self.add_block(np.full(sample.size, len(self.pos) - 1, dtype=np.int64), sample, first, second)

    def add_block(
        self, records: np.ndarray, sample: np.ndarray, first: np.ndarray, second: np.ndarray
    ) -> None:
        """Non-0/0 calls of several appended records at once (`records` are batch indexes, ascending)."""
        self._record.append(records.astype(np.int64, copy=False))
        self._sample.append(sample)
        self._first.append(first)
        self._second.append(second)

    def calls(self) -> SparseCalls:
        def joined(parts: list[np.ndarray], dtype: type) -> np.ndarray:
            return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)

        record = joined(self._record, np.int64)
        order = np.argsort(record, kind="stable")  # blocks of several records may interleave
        return SparseCalls(
            records=len(self),
            samples=self.samples,
            record=record[order],
            sample=joined(self._sample, np.int64)[order],
            first=joined(self._first, np.int8)[order],
            second=joined(self._second, np.int8)[order],
        )


def filters_of(names: list[str]) -> list[str]:
    return [name for name in names if name != "PASS"] or ["PASS"]
