"""One command as a child process: its wall time, CPU time and peak memory.

Peak memory is not the child's own ru_maxrss: a child spawned from this (large) Python process carries this
process's peak RSS into its maxrss when it execs. Instead the command runs under GNU time (a small process,
so the command's maxrss is its own), and the high-water RSS (VmHWM, reset at exec) of the command and its
descendants is also polled and summed, which covers commands that spread over several processes.
"""

import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_POLL_SECONDS = 0.01
GNU_TIME = shutil.which("time", path="/usr/bin:/bin")


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time from start to exit
    cpu_seconds: float  # user + system time of the command and its descendants
    peak_rss: int  # bytes: the larger of GNU time's maxrss and the polled sum of VmHWM over the tree
    stdout: str

    @property
    def cores(self) -> float:
        return self.cpu_seconds / self.seconds if self.seconds > 0 else 0.0


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    return found


def _high_water(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _tree_high_water(pid: int, skip: int | None) -> int:
    """VmHWM summed over the process and its descendants (`skip`: GNU time itself, not counted)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        if current != skip:
            total += _high_water(current)
        pending += _children(current)
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int, skip: int | None) -> None:
        super().__init__(daemon=True)
        self.pid, self.skip = pid, skip
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, _tree_high_water(self.pid, self.skip))
            self.done.wait(_POLL_SECONDS)


def run(command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Runs `command` to its end; raises CalledProcessError with its stderr if it fails."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "maxrss"
        wrapped = [GNU_TIME, "-f", "%M", "-o", str(report), *command] if GNU_TIME else command
        with open(Path(scratch) / "out", "w+b") as out, open(Path(scratch) / "err", "w+b") as err:
            started = time.perf_counter()
            process = subprocess.Popen(wrapped, stdout=out, stderr=err, env=env, cwd=cwd)  # noqa: S603
            sampler = _Sampler(process.pid, process.pid if GNU_TIME else None)
            sampler.start()
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            sampler.done.set()
            sampler.join()
            process.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
        maxrss = 0
        if GNU_TIME and report.is_file():
            lines = report.read_text(encoding="utf-8").split()
            maxrss = int(lines[-1]) * 1024 if lines and lines[-1].isdigit() else 0
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command, stdout, stderr)
    return Run(seconds, usage.ru_utime + usage.ru_stime, max(maxrss, sampler.peak), stdout)
