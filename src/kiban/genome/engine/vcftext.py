"""VCF text records into batches without a Python loop over samples.

Each line's fixed columns are cut with `bytes.find`; its genotype columns are read with numpy. A line
whose FORMAT is GT alone and whose calls are all one-digit diploid ('0|1') is four bytes per sample, so
the calls of many such lines are compared eight bytes (two calls) at a time against '0|0' and '0/0' and
only the others are decoded; any other line is read call by call from its tab positions (haploid calls,
more FORMAT fields). Anything beyond that (alleles above 9, polyploid calls, malformed lines) raises
`Irregular`, and the file is read through htslib instead.
"""

from collections.abc import Iterator

import numpy as np

from . import records
from .counting import END, MISSING
from .records import Irregular, RecordBatch, filters_of

_TAB, _NEWLINE = 9, 10
_HOM_REF = [np.frombuffer(b"0|0\t", dtype="<u4")[0], np.frombuffer(b"0/0\t", dtype="<u4")[0]]
_HOM_REF_PAIRS = [np.frombuffer(b"0|0\t0|0\t", dtype="<u8")[0], np.frombuffer(b"0/0\t0/0\t", dtype="<u8")[0]]
# Byte values of allele characters: digits 0-9 and '.' (missing); 127 marks anything else.
_ALLELE = np.full(256, 127, dtype=np.int8)
_ALLELE[ord("0") : ord("9") + 1] = np.arange(10)
_ALLELE[ord(".")] = MISSING
_SEPARATOR = np.zeros(256, dtype=bool)
_SEPARATOR[[ord("/"), ord("|")]] = True
_FIELD_END = np.zeros(256, dtype=bool)
_FIELD_END[[ord(":"), _TAB, _NEWLINE]] = True


def batches(pieces: Iterator[bytes], samples: int) -> Iterator[RecordBatch]:
    """Batches of the records in a VCF's decompressed text (header lines are skipped)."""
    per_batch = max(16, records.CALLS_PER_BATCH // max(samples, 1))
    scratch = _Scratch()
    number = 0
    pending: list[tuple[bytes, int, int]] = []
    for text, start, stop in _line_blocks(pieces):
        pending += _split_lines(text, start, stop)
        while len(pending) >= per_batch:
            batch = RecordBatch(samples)
            number = _parse_lines(pending[:per_batch], samples, number, batch, scratch)
            del pending[:per_batch]
            yield batch
    if pending:
        batch = RecordBatch(samples)
        _parse_lines(pending, samples, number, batch, scratch)
        yield batch


def parse_lines(lines: list[bytes], samples: int, first_number: int) -> RecordBatch:
    """The records of consecutive data lines (no newlines) as one batch; numbering starts at first_number."""
    text = b"\n".join(lines) + b"\n"
    batch = RecordBatch(samples)
    _parse_lines(_split_lines(text, 0, len(text)), samples, first_number - 1, batch, _Scratch())
    return batch


def _line_blocks(pieces: Iterator[bytes]) -> Iterator[tuple[bytes, int, int]]:
    """(text, start, stop): whole data lines text[start:stop], after the header. Pieces are used in
    place; only a line split between two pieces is copied (copying whole pieces costs more than the
    parsing: each copy is a fresh allocation, page faults included)."""
    rest = b""
    in_header = True
    for piece in pieces:
        start = 0
        if in_header:
            data = rest + piece
            at = data.find(b"#CHROM")
            if at < 0 or (end := data.find(b"\n", at)) < 0:
                rest = data
                continue
            piece, rest, in_header, start = data, b"", False, end + 1
        elif rest:
            first = piece.find(b"\n")
            if first < 0:
                rest += piece
                continue
            yield rest + piece[: first + 1], 0, len(rest) + first + 1
            start = first + 1
        cut = piece.rfind(b"\n", start) + 1
        if cut > start:
            yield piece, start, cut
        rest = piece[max(cut, start) :]
    if in_header:
        raise Irregular("no '#CHROM' line")
    if rest:
        yield rest + b"\n", 0, len(rest) + 1


def _split_lines(text: bytes, start: int, stop: int) -> list[tuple[bytes, int, int]]:
    """(text, start, end) of each line in text[start:stop] (end at its newline, before a '\\r')."""
    lines = []
    while start < stop:
        end = text.find(b"\n", start, stop)
        lines.append((text, start, end - 1 if end > start and text[end - 1] == 13 else end))
        start = end + 1
    return lines


class _Scratch:
    """A reusable block for the genotype columns of regular lines (a fresh one per call page-faults)."""

    def __init__(self) -> None:
        self.block = np.empty(0, dtype=np.uint8)

    def rows(self, count: int, width: int) -> np.ndarray:
        if self.block.size < count * width:
            self.block = np.empty(count * width, dtype=np.uint8)
        return self.block[: count * width].reshape(count, width)


def _parse_lines(
    lines: list[tuple[bytes, int, int]],
    samples: int,
    number: int,
    batch: RecordBatch,
    scratch: _Scratch,
) -> int:
    """Append the records of `lines` to batch; returns the number of the last record read."""
    regular: list[tuple[int, bytes, int]] = []  # (batch index, text, start of the genotype columns)
    other: list[tuple[int, bytes, int, int]] = []
    width = 4 * samples - 1
    for text, start, end in lines:
        number += 1
        tabs = [text.find(b"\t", start, end)]
        for _ in range(8):
            tabs.append(text.find(b"\t", tabs[-1] + 1, end))
        if -1 in tabs:
            raise Irregular(f"record {number} has fewer than 10 columns")
        c1, c2, c3, c4, c5, c6, c7, c8, c9 = tabs
        alt = text[c4 + 1 : c5]
        if alt == b".":
            continue  # a reference-only site is not a variant
        position = text[c1 + 1 : c2]
        if not position.isdigit():
            raise Irregular(f"record {number} has POS {position!r}")
        fmt = text[c8 + 1 : c9]
        if not (fmt == b"GT" or fmt.startswith(b"GT:")):
            raise Irregular(f"record {number} has no GT first in FORMAT")
        qual = text[c5 + 1 : c6]
        identifier = text[c2 + 1 : c3]
        filters = text[c6 + 1 : c7]
        try:
            batch.chrom.append(text[start:c1].decode())
            batch.ref.append(text[c3 + 1 : c4].decode())
            batch.alts.append(alt.decode().split(","))
            batch.qual.append(None if qual == b"." else float(np.float32(float(qual))))
            batch.ids.append(None if identifier == b"." else identifier.decode())
            batch.filters.append(filters_of([] if filters == b"." else filters.decode().split(";")))
        except (UnicodeDecodeError, ValueError) as error:
            raise Irregular(f"record {number}: {error}") from None
        batch.pos.append(int(position))
        batch.number.append(number)
        index = len(batch.pos) - 1
        if fmt == b"GT" and end - (c9 + 1) == width:
            regular.append((index, text, c9 + 1))
        else:
            other.append((index, text, c9 + 1, end))
    # The calls of all regular lines are read together; RecordBatch.calls() orders them by record.
    if regular:
        _regular_calls(regular, samples, batch, other, scratch)
    for index, text, start, end in other:
        _line_calls(text, index, start, end, samples, batch)
    return number


def _regular_calls(
    regular: list[tuple[int, bytes, int]],
    samples: int,
    batch: RecordBatch,
    other: list[tuple[int, bytes, int, int]],
    scratch: _Scratch,
) -> None:
    """Lines of one-digit diploid GT-only calls: compare 8-byte words (two calls) with '0|0\t0|0\t'
    and '0/0\t0/0\t', then 4-byte words (one call) of the others; decode only the non-0/0 calls."""
    width = -(-samples // 2) * 2  # calls per row, padded to whole 8-byte words with 0|0 calls
    block = scratch.rows(len(regular), 4 * width)
    block[:, 4 * samples - 1] = _TAB  # ends the last call as the others end
    block[:, 4 * samples :] = np.frombuffer(b"0|0\t" * (width - samples), dtype=np.uint8)  # padding
    for row, (_, text, start) in enumerate(regular):
        block[row, : 4 * samples - 1] = np.frombuffer(
            text, dtype=np.uint8, count=4 * samples - 1, offset=start
        )
    pairs = block.reshape(-1).view("<u8")
    dirty = np.flatnonzero((pairs != _HOM_REF_PAIRS[0]) & (pairs != _HOM_REF_PAIRS[1]))
    words = pairs[dirty].view("<u4").reshape(-1, 2)
    pair, slot = np.nonzero((words != _HOM_REF[0]) & (words != _HOM_REF[1]))
    word = words[pair, slot]
    rows, sample = np.divmod(dirty[pair] * 2 + slot, width)
    first = _ALLELE[word & 0xFF]
    second = _ALLELE[(word >> 16) & 0xFF]
    good = (first != 127) & (second != 127) & _SEPARATOR[(word >> 8) & 0xFF] & ((word >> 24) == _TAB)
    if not good.all():
        # A line of the right length that is not one-digit diploid after all: read it call by call.
        bad_rows = set(np.unique(rows[~good]).tolist())
        for row in sorted(bad_rows):
            index, text, start = regular[row]
            other.append((index, text, start, start + 4 * samples - 1))
        keep = ~np.isin(rows, list(bad_rows))
        rows, sample, first, second = rows[keep], sample[keep], first[keep], second[keep]
    indexes = np.array([index for index, _, _ in regular], dtype=np.int64)
    batch.add_block(indexes[rows], sample, first, second)


def _line_calls(text: bytes, index: int, start: int, end: int, samples: int, batch: RecordBatch) -> None:
    """One line's calls from the tab positions: one-digit haploid or diploid GT, any FORMAT after it."""
    section = np.empty(end - start + 4, dtype=np.uint8)
    section[: end - start] = np.frombuffer(text, dtype=np.uint8, count=end - start, offset=start)
    section[end - start :] = _NEWLINE
    tabs = np.flatnonzero(section[: end - start] == _TAB)
    if tabs.size != samples - 1:
        raise Irregular(f"{tabs.size + 1} genotype columns for {samples} samples")
    starts = np.empty(samples, dtype=np.int64)
    starts[0] = 0
    starts[1:] = tabs + 1
    c0, c1, c2, c3 = (section[starts + k] for k in range(4))
    haploid = _FIELD_END[c1]
    diploid = _SEPARATOR[c1] & _FIELD_END[c3]
    first = _ALLELE[c0]
    second = np.where(haploid, np.int8(END), _ALLELE[c2])
    if not ((haploid | diploid).all() and (first != 127).all() and (second != 127).all()):
        raise Irregular("a genotype that is not a one-digit haploid or diploid call")
    listed = np.flatnonzero((first != 0) | (second != 0))
    batch.add_block(np.full(listed.size, index), listed, first[listed], second[listed])
