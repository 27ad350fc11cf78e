"""Where an ingest's time goes: wall and CPU time of each stage of `kiban.genome.engine.ingest`.

    .venv/bin/python bench/genome_profile.py panel.bcf panel.samples.tsv [--assembly GRCh38]

Stages: imports; reading the header and sample sheet; the reader (decompression threads and record parsing
on the main thread); counting and writing Parquet (a second thread, timed with its own CPU clock); the
final sort of variants by position; the serving index. It wraps the engine's functions in place, so it
measures the code as it runs, threads included (cProfile sees only the main thread).
"""

import argparse
import resource
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

started = time.perf_counter()
from kiban.genome.engine import bgzf, ingestion  # noqa: E402 (the import is the first stage)

imported = time.perf_counter()
totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
lock = threading.Lock()


def timed(owner: object, name: str, stage: str) -> None:
    """Add each call's wall time and its thread's CPU time to `stage`."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            with lock:
                totals[stage][0] += time.perf_counter() - wall
                totals[stage][1] += time.thread_time() - cpu

    setattr(owner, name, wrapper)


def timed_iterator(owner: object, name: str, stage: str) -> None:
    """For a generator function: time spent producing each item, on the consuming thread."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        iterator = original(*args, **kwargs)
        while True:
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                item = next(iterator)
            except StopIteration:
                return
            finally:
                with lock:
                    totals[stage][0] += time.perf_counter() - wall
                    totals[stage][1] += time.thread_time() - cpu
            yield item

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("vcf", type=Path)
    parser.add_argument("samples", type=Path)
    parser.add_argument("--assembly", default="GRCh38")
    args = parser.parse_args()
    timed(ingestion, "_inspect", "header: file checks and checksum")
    timed(ingestion, "read_sample_sheet", "header: sample sheet")
    timed(ingestion, "sample_groups", "header: sample sheet")
    timed(ingestion, "_open", "header: htslib opens the header")
    timed(bgzf, "_inflate", "inflate (decompression threads, summed)")
    reader = ingestion.bcf if args.vcf.suffix == ".bcf" else ingestion.vcftext
    timed_iterator(reader, "batches", "parse records (main thread, incl. waiting to inflate)")
    timed(ingestion._Counter, "count", "count (second thread)")
    timed(ingestion._StagedWriter, "append", "write Parquet shards (second thread)")
    timed(ingestion._StagedWriter, "finish", "sort variants by position (DuckDB)")
    timed(ingestion, "build_index", "serving index")
    with tempfile.TemporaryDirectory() as root:
        begin = time.perf_counter()
        cpu = time.process_time()
        ingestion.ingest(
            args.vcf, args.samples, root=Path(root), dataset_id="profile", assembly=args.assembly
        )
        wall, cpu = time.perf_counter() - begin, time.process_time() - cpu
    print(f"{'stage':<58} {'wall s':>7} {'cpu s':>7}")
    print(f"{'imports (numpy, pyarrow, cyvcf2, the engine)':<58} {imported - started:7.3f} {'':>7}")
    for stage, (stage_wall, stage_cpu) in totals.items():
        print(f"{stage:<58} {stage_wall:7.3f} {stage_cpu:7.3f}")
    print(f"{'ingest() in all (process CPU: every thread)':<58} {wall:7.3f} {cpu:7.3f}")
    print(f"{'process so far':<58} {time.perf_counter() - started:7.3f}")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
