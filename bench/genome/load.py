"""A small HTTP/1.1 load driver: N concurrent clients for a fixed time against a server on this machine.

One asyncio loop drives every client (light on the two cores the server also needs). Each client keeps its
connection while the server allows (gunicorn's sync workers close it after every response, so then each
request opens a new one) and checks every answer with a caller-supplied function.
"""

import asyncio
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    seconds: float
    latencies: list[float] = field(default_factory=list)  # of the answered requests, in seconds
    errors: int = 0
    first_error: str = ""

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=1000, method="inclusive")[int(q * 1000) - 1]


async def _request(host: str, port: int, path: str, headers: dict[str, str], connection):
    """One GET on `connection` (reader, writer) or a new one; returns (status, body, connection or None)."""
    if connection is None:
        connection = await asyncio.open_connection(host, port)
    reader, writer = connection
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("ascii"))
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection without answering")
    status = int(status_line.split()[1])
    length, close, chunked = None, False, False
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection":
            close = value == "close"
        elif name == "transfer-encoding":
            chunked = "chunked" in value
    if chunked:
        body = b""
        while size := int((await reader.readline()).split(b";")[0], 16):
            body += await reader.readexactly(size)
            await reader.readline()
        await reader.readline()
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body, close = await reader.read(), True
    if close:
        writer.close()
        connection = None
    return status, body, connection


async def _client(host, port, paths, headers, check, deadline, result: LoadResult, offset: int) -> None:
    connection = None
    index = offset
    while time.perf_counter() < deadline:
        path = paths[index % len(paths)]
        index += 1
        started = time.perf_counter()
        try:
            status, body, connection = await _request(host, port, path, headers, connection)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as error:
            connection = None
            result.errors += 1
            result.first_error = result.first_error or f"{path}: {error!r}"
            await asyncio.sleep(0.01)
            continue
        elapsed = time.perf_counter() - started
        problem = f"HTTP {status}" if status != 200 else check(path, body)
        if problem:
            result.errors += 1
            result.first_error = result.first_error or f"{path}: {problem}"
        else:
            result.latencies.append(elapsed)
    if connection is not None:
        connection[1].close()


def drive(
    host: str,
    port: int,
    paths: list[str],
    *,
    clients: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    check: Callable[[str, bytes], str | None] = lambda path, body: None,
) -> LoadResult:
    """`clients` concurrent clients cycling through `paths` (each from its own offset) for `seconds`."""

    async def main() -> LoadResult:
        result = LoadResult(seconds=seconds)
        started = time.perf_counter()
        deadline = started + seconds
        step = max(1, len(paths) // clients)
        await asyncio.gather(
            *(
                _client(host, port, paths, headers or {}, check, deadline, result, i * step)
                for i in range(clients)
            )
        )
        result.seconds = time.perf_counter() - started
        return result

    return asyncio.run(main())


def beacon_check(granularity: str) -> Callable[[str, bytes], str | None]:
    """An answer is right when it is Beacon JSON saying the (existing) variant exists, at that granularity."""

    def check(path: str, body: bytes) -> str | None:
        try:
            answer = json.loads(body)
        except ValueError:
            return "not JSON"
        if answer.get("meta", {}).get("returnedGranularity") != granularity:
            return f"granularity {answer.get('meta', {}).get('returnedGranularity')!r}, not {granularity}"
        if answer.get("responseSummary", {}).get("exists") is not True:
            return "exists is not true for a variant in the dataset"
        return None

    return check
