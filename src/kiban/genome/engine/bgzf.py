"""Block gzip (BGZF), the compression htslib reads: a parallel reader, a small writer and the end-of-file
check."""

import struct
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self

from isal import isal_zlib

# The empty block that ends every complete BGZF file (SAM/BAM specification, section 4.1.2).
EOF_BLOCK = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
_BLOCK_INPUT = 0xFF00  # input bytes per block, so that even incompressible data fits a 64 KiB block


def is_gzip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def is_bgzf(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(16)
    return len(head) == 16 and head[:4] == b"\x1f\x8b\x08\x04" and head[12:14] == b"BC"


def has_eof_block(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        if handle.tell() < len(EOF_BLOCK):
            return False
        handle.seek(-len(EOF_BLOCK), 2)
        return handle.read() == EOF_BLOCK


class BgzfWriter:
    """Writes text or bytes as BGZF blocks; `close` adds the end-of-file block."""

    def __init__(self, path: Path, level: int = 6) -> None:
        self._handle: BinaryIO = open(path, "wb")
        self._level = level
        self._buffer = bytearray()

    def write(self, data: str | bytes) -> None:
        self._buffer += data.encode() if isinstance(data, str) else data
        while len(self._buffer) >= _BLOCK_INPUT:
            self._block(bytes(self._buffer[:_BLOCK_INPUT]))
            del self._buffer[:_BLOCK_INPUT]

    def _block(self, data: bytes) -> None:
        compressor = zlib.compressobj(self._level, zlib.DEFLATED, -15)
        body = compressor.compress(data) + compressor.flush()
        header = struct.pack("<BBBBIBBHBBHH", 31, 139, 8, 4, 0, 0, 255, 6, 66, 67, 2, len(body) + 25)
        self._handle.write(header + body + struct.pack("<II", zlib.crc32(data), len(data)))

    def close(self) -> None:
        if self._buffer:
            self._block(bytes(self._buffer))
            self._buffer.clear()
        self._handle.write(EOF_BLOCK)
        self._handle.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class Unreadable(Exception):
    """The compressed stream is damaged: the caller falls back to htslib, which says where."""


def decompressed(path: Path, *, threads: int = 2, piece: int = 4 << 20) -> Iterator[bytes]:
    """The file's bytes, decompressed, in pieces of roughly `piece` bytes.

    BGZF blocks are independent, so groups of them are inflated by a pool of threads (ISA-L releases
    the GIL) while the caller parses the previous piece; other gzip files are inflated as one stream,
    and uncompressed files are read as they are.
    """
    if is_bgzf(path):
        yield from _bgzf_pieces(path, threads, piece)
    elif is_gzip(path):
        decompressor = zlib.decompressobj(wbits=31)
        with open(path, "rb") as handle:
            try:
                while block := handle.read(piece // 4):
                    while block:
                        yield decompressor.decompress(block)
                        block = b""
                        if decompressor.eof:  # concatenated gzip members
                            block = decompressor.unused_data
                            decompressor = zlib.decompressobj(wbits=31)
            except zlib.error as error:
                raise Unreadable(str(error)) from None
    else:
        with open(path, "rb") as handle:
            while block := handle.read(piece):
                yield block


def _bgzf_pieces(path: Path, threads: int, piece: int) -> Iterator[bytes]:
    blocks_per_job = max(1, piece // 0xFF00)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: deque[Future[bytes]] = deque()
        for job in _block_jobs(path, blocks_per_job):
            pending.append(pool.submit(_inflate, job))
            if len(pending) > 2 * threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _block_jobs(path: Path, blocks_per_job: int) -> Iterator[list[memoryview]]:
    """Lists of raw deflate bodies, `blocks_per_job` BGZF blocks each, read in file order."""
    with open(path, "rb") as handle:
        data = memoryview(b"")
        job: list[memoryview] = []
        while True:
            more = handle.read(8 << 20)
            data = memoryview(bytes(data) + more) if len(data) else memoryview(more)
            offset = 0
            while len(data) - offset >= 18:
                if data[offset : offset + 4] != b"\x1f\x8b\x08\x04":
                    raise Unreadable(f"no BGZF block header at byte {handle.tell() - len(data) + offset}")
                xlen = struct.unpack_from("<H", data, offset + 10)[0]
                size = _block_size(data[offset + 12 : offset + 12 + xlen])
                if len(data) - offset < size:
                    break
                job.append(data[offset + 12 + xlen : offset + size - 8])
                offset += size
                if len(job) == blocks_per_job:
                    yield job
                    job = []
            data = data[offset:]
            if not more:
                if len(data):
                    raise Unreadable("the file ends inside a BGZF block")
                if job:
                    yield job
                return


def _block_size(extra: memoryview) -> int:
    at = 0
    while at + 4 <= len(extra):
        length = struct.unpack_from("<H", extra, at + 2)[0]
        if extra[at : at + 2] == b"BC" and length == 2:
            return struct.unpack_from("<H", extra, at + 4)[0] + 1
        at += 4 + length
    raise Unreadable("a BGZF block header has no block size")


def _inflate(bodies: list[memoryview]) -> bytes:
    try:
        return b"".join([isal_zlib.decompress(body, -15) for body in bodies])
    except (isal_zlib.error, zlib.error) as error:
        raise Unreadable(str(error)) from None
