"""BCF records into batches: the fixed fields are unpacked with `struct`, the GT vector of each record is
read in place with numpy, and only calls other than 0/0 are decoded (BCF 2.2, VCF specification §6).
A BCF this reader does not handle (GT stored wider than int8, polyploid calls) raises `Irregular`."""

import math
import re
import struct
from collections.abc import Iterator

import numpy as np

from . import records
from .counting import END, MISSING
from .records import Irregular, RecordBatch, filters_of

_MAGIC = b"BCF\x02"
_SIZE = {0: 0, 1: 1, 2: 2, 3: 4, 5: 4, 7: 1}
_INT = {1: "<b", 2: "<h", 3: "<i"}
_LENGTHS = struct.Struct("<II")
_FIXED = struct.Struct("<iiifII")
_STRUCTURED = re.compile(r"^##(FILTER|INFO|FORMAT|contig)=<(.*)>\s*$")
_ID = re.compile(r"(?:^|,)ID=([^,>]+)")
_IDX = re.compile(r"(?:^|,)IDX=([0-9]+)")

# GT bytes: (allele + 1) << 1 | phased; 0x80 is a missing value and 0x81 the end of a shorter call.
_ALLELE = np.full(256, 127, dtype=np.int8)
_ALLELE[2:128] = (np.arange(2, 128) >> 1) - 1
_ALLELE[[0, 1, 0x80]] = MISSING
_ALLELE[0x81] = END


class Header:
    """What records refer to by number: contig names, FILTER names and the GT key; sample count."""

    def __init__(self, text: str) -> None:
        strings: dict[int, str] = {0: "PASS"}
        contigs: dict[int, str] = {}
        seen = {"PASS"}
        samples = 0
        for line in text.splitlines():
            if line.startswith("#CHROM"):
                samples = max(0, len(line.split("\t")) - 9)
            match = _STRUCTURED.match(line)
            if not match or not (identifier := _ID.search(match.group(2))):
                continue
            name = identifier.group(1)
            explicit = _IDX.search(match.group(2))
            if match.group(1) == "contig":
                contigs[int(explicit.group(1)) if explicit else len(contigs)] = name
            elif explicit:
                strings[int(explicit.group(1))] = name
                seen.add(name)
            elif name not in seen:
                strings[len(strings)] = name
                seen.add(name)
        self.contigs = contigs
        self.strings = strings
        self.gt_key = next((key for key, name in strings.items() if name == "GT"), None)
        self.samples = samples


def batches(pieces: Iterator[bytes], samples: int) -> Iterator[RecordBatch]:
    """Batches of the records of a BCF's decompressed bytes."""
    stream = _Stream(pieces)
    if stream.take(5)[:4] != _MAGIC:
        raise Irregular("not a BCF 2 file")
    (length,) = struct.unpack("<I", stream.take(4))
    header = Header(stream.take(length).rstrip(b"\0").decode(errors="replace"))
    if header.samples != samples or header.gt_key is None:
        raise Irregular("the BCF header has other samples or no GT field")
    per_batch = max(16, records.CALLS_PER_BATCH // max(samples, 1))
    block = _Diploid(per_batch, samples)
    batch = RecordBatch(samples)
    number = 0
    while (found := stream.record()) is not None:
        data, start, shared = found
        number += 1
        try:
            _record(data, start, shared, header, number, batch, block)
        except (KeyError, IndexError, struct.error, UnicodeDecodeError) as error:
            raise Irregular(f"record {number} cannot be read ({error!r})") from None
        if len(batch) >= per_batch:
            block.flush(batch)
            yield batch
            batch = RecordBatch(samples)
    if len(batch):
        block.flush(batch)
        yield batch


class _Diploid:
    """The int8 GT vectors of a batch's diploid records, copied into one aligned array so that the
    0/0 test runs on whole words: a call is two bytes, 0/0 being 0x02 0x02 or, with phase bits, 0x03.
    Eight bytes (four calls) are tested at once, and only words holding another call are split up."""

    def __init__(self, records: int, samples: int) -> None:
        self.samples = samples
        width = -(-2 * samples // 8) * 8  # rows padded to whole 8-byte words with 0/0 calls
        self.rows = np.full((records, width), 2, dtype=np.uint8)
        self.index: list[int] = []  # batch index of each row

    def add(self, data: bytes, at: int, index: int) -> None:
        self.rows[len(self.index), : 2 * self.samples] = np.frombuffer(
            data, dtype=np.uint8, count=2 * self.samples, offset=at
        )
        self.index.append(index)

    def flush(self, batch: RecordBatch) -> None:
        rows = self.rows[: len(self.index)]
        words = rows.reshape(-1).view("<u8")
        dirty = np.flatnonzero((words | _EVERY_PHASE) != _HOM_REF_WORD)
        calls = words[dirty].view("<u2").reshape(-1, 4)
        word, slot = np.nonzero((calls | 0x0101) != 0x0303)
        pair = calls[word, slot]
        position = dirty[word] * 4 + slot  # call number in the padded rows
        row, sample = np.divmod(position, rows.shape[1] // 2)
        first, second = _ALLELE[pair & 0xFF], _ALLELE[pair >> 8]
        if (first == 127).any() or (second == 127).any():
            raise Irregular("a GT value that is not an allele")
        batch.add_block(np.array(self.index, dtype=np.int64)[row], sample, first, second)
        self.index = []


_EVERY_PHASE = np.uint64(0x0101010101010101)
_HOM_REF_WORD = np.uint64(0x0303030303030303)


class _Stream:
    """Exact-length reads over a sequence of byte pieces."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self.pieces = pieces
        self.buffer = b""
        self.offset = 0

    def take(self, size: int) -> bytes:
        while len(self.buffer) - self.offset < size:
            self._refill()
        start = self.offset
        self.offset += size
        return self.buffer[start : self.offset]

    def record(self) -> tuple[bytes, int, int] | None:
        """The next record where it lies: (buffer, offset of its shared part, length of that part);
        None at the end. Records are read in place; the next piece is joined to what is left of the
        current one only when a record runs past its end."""
        while True:
            available = len(self.buffer) - self.offset
            if available >= 8:
                shared, individual = _LENGTHS.unpack_from(self.buffer, self.offset)
                if available >= 8 + shared + individual:
                    start = self.offset + 8
                    self.offset = start + shared + individual
                    return self.buffer, start, shared
            if self._refill(at_end=available == 0):
                return None

    def _refill(self, at_end: bool = False) -> bool:
        """Append the next piece; True if there is none and that is allowed."""
        piece = next(self.pieces, None)
        if piece is None:
            if at_end:
                return True
            raise Irregular("the BCF ends inside a record")
        self.buffer = self.buffer[self.offset :] + piece
        self.offset = 0
        return False


def _typed(data: bytes, at: int) -> tuple[int, int, int]:
    """(count, type, offset of the values) of the typed value at `at`."""
    descriptor = data[at]
    count, kind = descriptor >> 4, descriptor & 0xF
    at += 1
    if count == 15:
        size_kind = data[at] & 0xF
        (count,) = struct.unpack_from(_INT[size_kind], data, at + 1)
        at += 1 + _SIZE[size_kind]
    return count, kind, at


def _string(data: bytes, at: int) -> tuple[str, int]:
    count, _, at = _typed(data, at)
    return data[at : at + count].rstrip(b"\0").decode(), at + count


def _record(
    data: bytes, start: int, shared: int, header: Header, number: int, batch: RecordBatch, block: _Diploid
) -> None:
    """Append the record whose shared part starts at `start` (its individual part follows it)."""
    chrom, pos, _, qual, allele_info, format_info = _FIXED.unpack_from(data, start)
    alleles, formats, samples = allele_info >> 16, format_info >> 24, format_info & 0xFFFFFF
    if alleles < 2:
        return  # ALT '.': a reference-only site is not a variant
    if samples != batch.samples or chrom not in header.contigs:
        raise Irregular(f"record {number} has {samples} samples or an unknown contig")
    identifier, at = _string(data, start + 24)
    names = []
    for _ in range(alleles):
        allele, at = _string(data, at)
        names.append(allele)
    count, kind, at = _typed(data, at)
    filter_keys = struct.unpack_from(f"<{count}{_INT[kind][1]}", data, at) if count else ()
    at = start + shared
    gt = None
    for _ in range(formats):
        key_kind = data[at] & 0xF
        (key,) = struct.unpack_from(_INT[key_kind], data, at + 1)
        count, kind, at = _typed(data, at + 1 + _SIZE[key_kind])
        if key == header.gt_key:
            gt = (count, kind, at)
        at += samples * count * _SIZE[kind]
    if gt is None or gt[1] != 1 or not 1 <= gt[0] <= 2:
        raise Irregular(f"record {number}: GT missing, wider than int8 or polyploid")
    batch.chrom.append(header.contigs[chrom])
    batch.pos.append(pos + 1)
    batch.ref.append(names[0])
    batch.alts.append(names[1:])
    batch.ids.append(None if identifier in ("", ".") else identifier)
    batch.qual.append(None if math.isnan(qual) else qual)  # htslib's missing QUAL is a NaN
    batch.filters.append(filters_of([header.strings[k] for k in filter_keys]))
    batch.number.append(number)
    width, _, at = gt
    if width == 2:
        block.add(data, at, len(batch) - 1)
        return
    first = _ALLELE[np.frombuffer(data, dtype=np.uint8, count=samples, offset=at)]
    if (first == 127).any():
        raise Irregular(f"record {number} has a GT value that is not an allele")
    batch.add_calls(np.arange(samples), first, np.full(samples, END, dtype=np.int8))
