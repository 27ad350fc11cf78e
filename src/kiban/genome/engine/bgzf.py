"""Block gzip (BGZF), the compression htslib reads: a small writer and the end-of-file check."""

import struct
import zlib
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self

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
