"""Genome engine bench: ingest, peak memory, queries, Beacon over HTTP and storage, each beside its baseline.

Simulated joint-called panels (msprime, a growing population, bgzipped VCF and BCF on chr20) at each size
are cached in the work folder. For each benchmark it runs ours and the baseline in the same run and prints
both, the ratio, the goal and whether it is met:

1. ingest to the frequency table vs `bcftools +fill-tags` writing BCF, and vs the decoding floor
   (`bcftools view -Ou` to /dev/null), on BCF and VCF.gz input;
2. peak memory of ingest at each size, and at twice the sites (streaming: it must not grow);
3. point and 100 kb region queries in one process vs indexed cyvcf2 reads of the BCF computing AC;
4. Beacon /g_variants over HTTP on gunicorn, anonymous and with an API token (no baseline);
5. storage of the whole dataset version vs the BCF.

    .venv/bin/python bench/genome_bench.py [--sizes 1000,10000,100000] [--only ingest,memory,query,...]
"""

import argparse
import importlib.metadata
import json
import os
import platform
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import time
import traceback
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cyvcf2
import numpy as np

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))  # the bench/genome helpers
sys.path.insert(0, str(REPO / "src"))

from genome import load, measure, panel  # noqa: E402

PARTS = ("ingest", "memory", "query", "beacon", "storage")
DEFAULT_SITES = {1_000: 100_000, 10_000: 12_500, 100_000: 2_000}
DATASET_ID = "bench"
FILL_TAGS = "AC,AN,AF,AC_Hom,AC_Het,AC_Hemi"
INGEST_GOALS = {"BCF": 0.1, "VCF.gz": 0.3}  # vs fill-tags, at GOAL_FROM samples and above
FLOOR_GOAL = 3.0
GOAL_FROM = 10_000
QUERY_GOAL = 0.1
MEMORY_GROWTH_GOAL = 1.1  # peak at twice the sites / peak at the sites (streaming: no growth, some noise)
STORAGE_GOAL = 1.0
REGION_SPAN = 100_000
MIB = 1 << 20

# Run in a fresh interpreter for each measured ingest, so that its peak memory is the ingest's own.
_INGEST_CHILD = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from kiban.genome.engine import ingest
imported = time.perf_counter()
source, sheet, root, dataset_id = sys.argv[1:5]
manifest = ingest(source, sheet, root=Path(root), dataset_id=dataset_id, assembly="GRCh38")
done = time.perf_counter()
seconds = {"import": imported - started, "ingest": done - imported}
print(json.dumps({**seconds, "variants": manifest.variant_count}))
"""


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------
# tables


@dataclass
class Table:
    """One result table, printed as text and as Markdown."""

    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(cell) for cell in cells])

    def text(self) -> str:
        widths = [max(len(c), *(len(r[i]) for r in self.rows)) for i, c in enumerate(self.columns)]
        lines = [self.title, "  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True))]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in self.rows]
        lines += [f"  {note}" for note in self.notes]
        return "\n".join(lines)

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", "| " + " | ".join(self.columns) + " |"]
        lines.append("| " + " | ".join("---" for _ in self.columns) + " |")
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in self.rows]
        if self.notes:
            lines += [""] + [f"- {note}" for note in self.notes]
        return "\n".join(lines)


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.1f} ms"


def millis(value: float) -> str:
    return f"{value * 1000:.2f} ms"


def mib(value: float) -> str:
    return f"{value / MIB:,.1f} MiB"


def verdict(ratio: float, goal: float | None) -> tuple[str, str]:
    """(goal cell, met? cell)."""
    if goal is None:
        return "—", "n/a"
    return f"≤ {goal:g}", "yes" if ratio <= goal else "NO"


# ---------------------------------------------------------------------------------------------------------
# the machine


def _warm(path: Path) -> None:
    """Reads the file once, so that ours and the baselines all find it in the page cache."""
    with open(path, "rb") as handle:
        while handle.read(8 << 20):
            pass


def _pythonpath() -> str:
    return os.pathsep.join(p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH", "")) if p)


def _lines(command: list[str]) -> list[str]:
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        return done.stdout.splitlines()
    except OSError:
        return []


def machine() -> list[str]:
    cpu = "unknown CPU"
    memory = 0
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    cores = len(os.sched_getaffinity(0))
    tools = _lines(["bcftools", "--version"])[:2]
    versions = []
    for name in ("cyvcf2", "duckdb", "pyarrow", "numpy", "msprime", "Django", "gunicorn"):
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    commit = (_lines(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]) or ["?"])[0]
    dirty = bool(_lines(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"]))
    return [
        f"machine: {cpu}, {cores} cores, {memory / (1 << 30):.1f} GiB RAM, {platform.system()} "
        f"{platform.release()}",
        f"tools: {', '.join(tools) or 'bcftools not found'}; Python {platform.python_version()}",
        f"packages: {', '.join(versions)}",
        f"kiban: commit {commit}{' with local changes' if dirty else ''}; "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}",
    ]


# ---------------------------------------------------------------------------------------------------------
# the bench


@dataclass
class IngestResult:
    ours: list[measure.Run] = field(default_factory=list)
    ingest_call: list[float] = field(default_factory=list)  # seconds inside ingest(), without start-up
    variants: int = 0
    expected: int = 0  # the panel's alt alleles: one variant each after splitting
    fill_tags: list[measure.Run] = field(default_factory=list)
    floor: list[measure.Run] = field(default_factory=list)

    @staticmethod
    def median(runs: list[measure.Run]) -> float:
        return statistics.median(run.seconds for run in runs)

    @staticmethod
    def peak(runs: list[measure.Run]) -> int:
        return max(run.peak_rss for run in runs)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work: Path = args.work
        self.panels_dir = self.work / "panels"
        self.runs_dir = self.work / "runs"
        self.panels: dict[tuple[int, int], panel.Panel] = {}
        self.datasets: dict[int, Path] = {}  # size -> engine root holding DATASET_ID (from the BCF)
        self.ingests: dict[tuple[int, int, str], IngestResult] = {}  # (samples, sites, input)
        self.tables: list[Table] = []
        self.failed = False
        self.timings: dict[str, float] = {}

    # --- panels and datasets

    def sites(self, size: int) -> int:
        if size in self.args.sites:
            return self.args.sites[size]
        if 0 in self.args.sites:
            return self.args.sites[0]
        return DEFAULT_SITES.get(size, max(1_000, 125_000_000 // size))

    def get_panel(self, size: int, sites: int | None = None) -> panel.Panel:
        sites = sites or self.sites(size)
        if (size, sites) not in self.panels:
            self.panels[(size, sites)] = panel.ensure(self.panels_dir, size, sites, self.args.seed)
        return self.panels[(size, sites)]

    def ingest_ours(self, source: Path, sheet: Path, root: Path) -> tuple[measure.Run, dict]:
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        env = {
            **os.environ,
            "PYTHONPATH": _pythonpath(),
        }
        command = [sys.executable, "-c", _INGEST_CHILD, str(source), str(sheet), str(root), DATASET_ID]
        run = measure.run(command, env=env)
        return run, json.loads(run.stdout.strip().splitlines()[-1])

    def dataset(self, size: int) -> Path:
        """The engine root holding this size's panel ingested from BCF (ingesting it now if not yet done)."""
        if size not in self.datasets:
            p = self.get_panel(size)
            root = self.runs_dir / p.key / "BCF"
            say(f"ingesting {p.bcf.name} for the query, Beacon and storage benchmarks")
            run, report = self.ingest_ours(p.bcf, p.sheet, root)
            say(f"  ingested {report['variants']:,} variants in {run.seconds:.1f} s")
            self.datasets[size] = root
        return self.datasets[size]

    # --- 1 and 2: ingest and its peak memory

    def measure_ingest(self, p: panel.Panel, kind: str, repeat: int) -> IngestResult:
        source = p.bcf if kind == "BCF" else p.vcf
        result = IngestResult()
        scratch = self.runs_dir / p.key
        root = scratch / kind
        filled = scratch / "fill-tags.bcf"
        _warm(source)
        for attempt in range(repeat):
            say(f"ingest {p.key} {kind}: run {attempt + 1} of {repeat}")
            run, report = self.ingest_ours(source, p.sheet, root)
            result.ours.append(run)
            result.ingest_call.append(report["ingest"])
            result.variants = report["variants"]
            fill = ["bcftools", "+fill-tags", str(source), "-Ob", "-o", str(filled), "--", "-t", FILL_TAGS]
            result.fill_tags.append(measure.run(fill))
            filled.unlink(missing_ok=True)
            result.floor.append(measure.run(["bcftools", "view", "-Ou", str(source), "-o", "/dev/null"]))
            say(
                f"  ours {run.seconds:.2f} s ({run.peak_rss / MIB:.0f} MiB), fill-tags "
                f"{result.fill_tags[-1].seconds:.2f} s, view -Ou {result.floor[-1].seconds:.2f} s"
            )
        if kind == "BCF" and p.sites == self.sites(p.samples):
            self.datasets[p.samples] = root
        else:
            shutil.rmtree(root, ignore_errors=True)
        result.expected = p.alt_alleles
        if result.variants != p.alt_alleles:
            self.failed = True
            say(f"  ours counted {result.variants:,} variants; the panel has {p.alt_alleles:,} alt alleles")
        self.ingests[(p.samples, p.sites, kind)] = result
        return result

    def ingest_result(self, size: int, sites: int, kind: str) -> IngestResult:
        found = self.ingests.get((size, sites, kind))
        if found is None:
            repeat = self.args.repeat or (3 if size <= 10_000 else 1)
            found = self.measure_ingest(self.get_panel(size, sites), kind, repeat)
        return found

    def bench_ingest(self) -> None:
        speed = Table(
            f"1. Ingest to the frequency table vs bcftools +fill-tags -t {FILL_TAGS} -Ob "
            f"(median wall time; goals at {GOAL_FROM:,} samples and above)",
            ["size", "input", "ours", "fill-tags", "ratio", "goal", "met?", "notes"],
        )
        floor = Table(
            f"1b. Ingest vs the decoding floor, bcftools view -Ou to /dev/null "
            f"(goal at {GOAL_FROM:,} samples and above)",
            ["size", "input", "ours", "view -Ou", "ratio", "goal", "met?"],
        )
        for size in self.args.sizes:
            for kind in ("BCF", "VCF.gz"):
                result = self.ingest_result(size, self.sites(size), kind)
                ours, fill, decode = (
                    result.median(result.ours),
                    result.median(result.fill_tags),
                    result.median(result.floor),
                )
                label = f"{size:,} × {self.sites(size):,}"
                goal, met = verdict(ours / fill, INGEST_GOALS[kind] if size >= GOAL_FROM else None)
                cores = statistics.median(run.cores for run in result.ours)
                note = (
                    f"ingest() {seconds(statistics.median(result.ingest_call))}, {cores:.1f} cores; "
                    f"n={len(result.ours)}"
                )
                if result.variants != result.expected:
                    note += f"; {result.variants:,} variants, not {result.expected:,}"
                speed.add(label, kind, seconds(ours), seconds(fill), f"{ours / fill:.3f}", goal, met, note)
                self.failed |= met == "NO"
                goal, met = verdict(ours / decode, FLOOR_GOAL if size >= GOAL_FROM else None)
                floor.add(label, kind, seconds(ours), seconds(decode), f"{ours / decode:.2f}", goal, met)
                self.failed |= met == "NO"
        speed.notes.append(
            "size is samples × sites; ours is the whole `python -c 'ingest(...)'` process (start-up and "
            "imports included), ingest() the call alone; cores = CPU time / wall time"
        )
        self.tables += [speed, floor]

    def memory_double_size(self) -> int | None:
        if self.args.memory_double == 0:
            return None
        if self.args.memory_double:
            return self.args.memory_double
        return 10_000 if 10_000 in self.args.sizes else self.args.sizes[len(self.args.sizes) // 2]

    def bench_memory(self) -> None:
        table = Table(
            "2. Peak memory of ingest (RSS of the process and its children) vs bcftools +fill-tags",
            ["size", "input", "ours", "fill-tags", "ratio", "goal", "met?"],
        )
        for size in self.args.sizes:
            for kind in ("BCF", "VCF.gz"):
                result = self.ingest_result(size, self.sites(size), kind)
                ours, fill = result.peak(result.ours), result.peak(result.fill_tags)
                label = f"{size:,} × {self.sites(size):,}"
                table.add(label, kind, mib(ours), mib(fill), f"{ours / fill:.2f}", "—", "n/a")
        self.tables.append(table)
        double = self.memory_double_size()
        if not double:
            return
        growth = Table(
            "2b. Peak memory of ingest at twice the sites vs at the sites (streaming: it must not grow)",
            ["size", "input", "ours at 2× sites", "ours at 1× sites", "ratio", "goal", "met?"],
        )
        sites = self.sites(double)
        for kind in ("BCF", "VCF.gz"):
            once = IngestResult.peak(self.ingest_result(double, sites, kind).ours)
            peak = IngestResult.peak(self.ingest_result(double, 2 * sites, kind).ours)
            goal, met = verdict(peak / once, MEMORY_GROWTH_GOAL)
            self.failed |= met == "NO"
            label = f"{double:,} × {2 * sites:,} / {sites:,}"
            growth.add(label, kind, mib(peak), mib(once), f"{peak / once:.2f}", goal, met)
        self.tables.append(growth)

    # --- 3: queries

    def bench_query(self) -> None:
        from kiban.genome import engine

        table = Table(
            "3. Queries in one process vs indexed cyvcf2 reads of the BCF computing AC (p50 and p99)",
            ["size", "query", "ours", "cyvcf2", "ratio", "goal", "met?", "notes"],
        )
        rng = np.random.default_rng(self.args.seed)
        for size in self.args.sizes:
            p = self.get_panel(size)
            dataset = engine.open_dataset(self.dataset(size), DATASET_ID)
            reader = cyvcf2.VCF(str(p.bcf), lazy=True)
            alleles = _alleles(reader)
            say(f"queries on {p.key}: {len(alleles):,} alt alleles")
            label = f"{size:,} × {p.sites:,}"
            point = _time_points(dataset, reader, alleles, rng, self.args.points, self.args.query_budget)
            region = _time_regions(dataset, reader, p, rng, self.args.regions, self.args.query_budget)
            for name, (ours, base, mismatches, note) in (("point", point), ("100 kb region", region)):
                for q in (50, 99):
                    a, b = np.percentile(ours, q), np.percentile(base, q)
                    goal, met = verdict(a / b, QUERY_GOAL)
                    table.add(label, f"{name} p{q}", millis(a), millis(b), f"{a / b:.3f}", goal, met, note)
                    self.failed |= met == "NO"
                self.failed |= mismatches > 0
            reader.close()
        table.notes.append(
            "ours: Dataset.variant(id) / Dataset.region(chrom, start, end, limit=100000) (counts and "
            "strata); cyvcf2: VCF(bcf)(region), AC and AN from genotype.array() for each record read"
        )
        self.tables.append(table)

    # --- 4: Beacon over HTTP

    def beacon_size(self) -> int:
        if self.args.beacon_size:
            return self.args.beacon_size
        return 10_000 if 10_000 in self.args.sizes else max(self.args.sizes)

    def bench_beacon(self) -> None:
        size = self.beacon_size()
        p = self.get_panel(size)
        root = self.dataset(size)
        table = Table(
            f"4. Beacon GET /api/beacon/g_variants over HTTP: {self.args.clients} concurrent clients, "
            f"{self.args.beacon_seconds:g} s each, gunicorn kiban.wsgi --workers {self.args.workers} "
            "(KIBAN_ENV=production)",
            ["size", "request", "requests/s", "p50", "p99", "errors", "baseline", "goal", "met?"],
        )
        rng = np.random.default_rng(self.args.seed + 4)
        reader = cyvcf2.VCF(str(p.bcf), lazy=True)
        alleles = _alleles(reader)
        reader.close()
        picked = [alleles[i] for i in rng.choice(len(alleles), size=min(2_000, len(alleles)), replace=False)]
        paths = [
            "/api/beacon/g_variants?"
            + urllib.parse.urlencode(
                {
                    "assemblyId": "GRCh38",
                    "referenceName": "20",
                    "start": pos - 1,
                    "referenceBases": ref,
                    "alternateBases": alt,
                }
            )
            for pos, ref, alt, _ in picked
        ]
        with Server(self.runs_dir / "beacon", root, self.args.workers) as server:
            token = {"Authorization": f"Bearer {server.token}"}
            runs = [("anonymous (boolean)", {}, "boolean", ""), ("API token (boolean)", token, "boolean", "")]
            runs.append(("API token (record)", token, "record", "&requestedGranularity=record"))
            for name, headers, granularity, extra in runs:
                urls = [path + extra for path in paths]
                server.warm(urls[:50], headers)
                say(f"beacon: {name} for {self.args.beacon_seconds:g} s")
                result = load.drive(
                    "127.0.0.1",
                    server.port,
                    urls,
                    clients=self.args.clients,
                    seconds=self.args.beacon_seconds,
                    headers=headers,
                    check=load.beacon_check(granularity),
                )
                met = "yes" if result.errors == 0 and result.requests else "NO"
                self.failed |= met == "NO"
                table.add(
                    f"{size:,} × {p.sites:,}",
                    name,
                    f"{result.rps:,.1f}",
                    millis(result.percentile(0.5)),
                    millis(result.percentile(0.99)),
                    result.errors,
                    "n/a",
                    "0 errors",
                    met,
                )
                if result.first_error:
                    table.notes.append(f"first error ({name}): {result.first_error[:300]}")
        table.notes.append(
            "sequence queries (referenceName, start, referenceBases, alternateBases) of random variants in "
            "the dataset; every answer is checked (HTTP 200, exists: true, the granularity asked for); "
            "SQLite database in a scratch folder; the load driver runs on the same cores"
        )
        self.tables.append(table)

    # --- 5: storage

    def bench_storage(self) -> None:
        from kiban.genome import engine

        table = Table(
            "5. Storage: the whole dataset version (frequencies, strata, carriers, samples) vs the BCF",
            ["size", "input", "ours", "BCF", "ratio", "goal", "met?", "notes"],
        )
        for size in self.args.sizes:
            p = self.get_panel(size)
            version = engine.open_dataset(self.dataset(size), DATASET_ID).path
            ours = sum(f.stat().st_size for f in version.rglob("*") if f.is_file())
            bcf = p.bcf.stat().st_size
            goal, met = verdict(ours / bcf, STORAGE_GOAL)
            self.failed |= met == "NO"
            cache = engine.build_index(self.dataset(size), DATASET_ID)  # the queries' index, rebuildable
            index = sum(f.stat().st_size for f in cache.rglob("*") if f.is_file())
            with_index = (ours + index) / bcf
            note = f"VCF.gz {mib(p.vcf.stat().st_size)}; serving index {mib(index)} more ({with_index:.2f})"
            table.add(
                f"{size:,} × {p.sites:,}", "BCF", mib(ours), mib(bcf), f"{ours / bcf:.2f}", goal, met, note
            )
        self.tables.append(table)

    # --- everything

    def panels_table(self) -> Table:
        table = Table(
            "Panels (msprime, growing population, JC69, chr20 GRCh38, 0.5% missing calls)",
            ["samples", "sites", "alt alleles", "multi-allelic sites", "span", "VCF.gz", "BCF"],
        )
        for (size, sites), p in sorted(self.panels.items()):
            span = p.meta["last_pos"] - p.meta["first_pos"] + 1
            table.add(
                f"{size:,}",
                f"{sites:,}",
                f"{p.alt_alleles:,}",
                f"{p.meta['multiallelic_sites']:,}",
                f"{span / 1000:,.0f} kb",
                mib(p.vcf.stat().st_size),
                mib(p.bcf.stat().st_size),
            )
        return table

    def run(self) -> None:
        steps: dict[str, Callable[[], None]] = {
            "ingest": self.bench_ingest,
            "memory": self.bench_memory,
            "query": self.bench_query,
            "beacon": self.bench_beacon,
            "storage": self.bench_storage,
        }
        say("panels")
        started = time.perf_counter()
        for size in self.args.sizes:
            self.get_panel(size)
        if "memory" in self.args.only and (double := self.memory_double_size()):
            self.get_panel(double, 2 * self.sites(double))
        self.timings["panels"] = time.perf_counter() - started
        for part in PARTS:
            if part not in self.args.only:
                continue
            say(f"benchmark: {part}")
            started = time.perf_counter()
            try:
                steps[part]()
            except Exception as error:  # a part that fails is reported, and the other parts still run
                self.failed = True
                detail = getattr(error, "stderr", "") or traceback.format_exc()
                message = f"{part} failed: {error}\n{detail[-2000:]}"
                say(message)
                self.tables.append(Table(f"{part}: FAILED", ["error"], [[message.strip()]]))
            self.timings[part] = time.perf_counter() - started


# ---------------------------------------------------------------------------------------------------------
# queries


def _alleles(reader) -> list[tuple[int, str, str, int]]:
    """(pos, ref, alt, allele index) of every alt allele in the file."""
    found = []
    for record in reader:
        for index, alt in enumerate(record.ALT, start=1):
            found.append((record.POS, record.REF, alt, index))
    return found


def _counts(record) -> np.ndarray:
    """Allele counts (REF first) of one record, from its genotypes as htslib decodes them."""
    calls = record.genotype.array()[:, :-1]
    return np.bincount(calls[calls >= 0].ravel(), minlength=len(record.ALT) + 1)


def _time_points(dataset, reader, alleles, rng, count: int, budget: float):
    """Latencies (ours, cyvcf2) of point lookups of random existing variants, and a note."""
    picked = rng.choice(len(alleles), size=count + 20, replace=True)
    ours, base = [], []
    mismatches = 0
    spent_until = time.perf_counter() + budget
    for n, i in enumerate(picked):
        pos, ref, alt, index = alleles[i]
        started = time.perf_counter()
        variant = dataset.variant(f"20-{pos}-{ref}-{alt}")
        middle = time.perf_counter()
        ac = an = None
        for record in reader(f"{panel.CHROM}:{pos}-{pos}"):
            if record.POS == pos and record.REF == ref and alt in record.ALT:
                counts = _counts(record)
                ac, an = int(counts[index]), int(counts.sum())
        done = time.perf_counter()
        if variant is None or (variant.counts.ac, variant.counts.an) != (ac, an):
            mismatches += 1
        if n >= 20:  # the first 20 warm up both
            ours.append(middle - started)
            base.append(done - middle)
        if time.perf_counter() > spent_until and len(ours) >= 50:
            break
    return ours, base, mismatches, f"n={len(ours)}, {mismatches} mismatches of AC/AN"


def _time_regions(dataset, reader, p: panel.Panel, rng, count: int, budget: float):
    """Latencies (ours, cyvcf2) of 100 kb windows at random places in the panel's span, and a note."""
    first, last = p.meta["first_pos"], p.meta["last_pos"]
    ours, base, sizes = [], [], []
    mismatches = 0
    spent_until = time.perf_counter() + budget
    for n in range(count + 5):
        start = int(rng.integers(first, max(first, last - REGION_SPAN) + 1))
        end = start + REGION_SPAN - 1
        began = time.perf_counter()
        page = dataset.region("20", start, end, limit=100_000)
        middle = time.perf_counter()
        alts = 0
        for record in reader(f"{panel.CHROM}:{start}-{end}"):
            _counts(record)
            alts += len(record.ALT)
        done = time.perf_counter()
        if len(page.items) != alts or page.total != alts:
            mismatches += 1
        if n >= 5:
            ours.append(middle - began)
            base.append(done - middle)
            sizes.append(alts)
        if time.perf_counter() > spent_until and len(ours) >= 10:
            break
    note = f"n={len(ours)}, {statistics.mean(sizes):,.0f} variants per window, "
    note += f"{mismatches} mismatches of the count"
    return ours, base, mismatches, note


# ---------------------------------------------------------------------------------------------------------
# the production server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn kiban.wsgi in production mode on a free port, over a scratch data folder and `genome_root`."""

    def __init__(self, scratch: Path, genome_root: Path, workers: int) -> None:
        self.scratch = scratch
        self.genome_root = genome_root
        self.workers = workers
        self.port = _free_port()
        self.token = ""
        self.secret = secrets.token_urlsafe(50)
        self.process: subprocess.Popen | None = None
        self.log = None

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("KIBAN_") and k != "DJANGO_SETTINGS_MODULE"
        }
        env.update(
            KIBAN_ENV="production",
            KIBAN_SECRET_KEY=self.secret,
            KIBAN_DATA_DIR=str(self.scratch),
            KIBAN_GENOME_ROOT=str(self.genome_root),
            KIBAN_ALLOWED_HOSTS="127.0.0.1,localhost",
            PYTHONPATH=_pythonpath(),
        )
        return env

    def _kiban(self, *arguments: str) -> str:
        command = [sys.executable, "-m", "kiban.cli", *arguments]
        done = subprocess.run(  # noqa: S603 (the kiban command)
            command, env=self.env(), capture_output=True, text=True, check=True, cwd=self.scratch
        )
        return done.stdout

    def __enter__(self) -> "Server":
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.scratch.mkdir(parents=True)
        say("beacon: kiban migrate (SQLite in a scratch folder), an API token")
        self._kiban("migrate", "--noinput")
        self.token = (
            self._kiban(
                "shell",
                "-c",
                "from kiban.core.models import User\n"
                "from kiban.core.services import api_token_create\n"
                "user = User.objects.create_user('genome_bench', 'bench@example.jp', None,"
                " display_name='bench')\n"
                "print(api_token_create(user=user, name='genome bench')[1])",
            )
            .strip()
            .splitlines()[-1]
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"]
        command += ["kiban.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)]
        say(f"beacon: {' '.join(command[-5:])}")
        self.log = open(self.scratch / "gunicorn.log", "wb")  # closed in __exit__
        self.process = subprocess.Popen(  # noqa: S603 (gunicorn)
            command, env=self.env(), stdout=self.log, stderr=self.log, cwd=self.scratch
        )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        url = f"http://127.0.0.1:{self.port}/api/beacon/info"
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {(self.scratch / 'gunicorn.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def warm(self, paths: list[str], headers: dict[str, str]) -> None:
        """A few requests first, so that each worker has loaded what it needs."""
        for path in paths:
            request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (our own server)
                answer.read()

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()


# ---------------------------------------------------------------------------------------------------------
# the command


def _sites_option(text: str) -> dict[int, int]:
    """'12500' (every size) or '1000:100000,10000:12500' (per size); 0 is the every-size key."""
    result = {}
    for part in text.split(","):
        if ":" in part:
            size, sites = part.split(":", 1)
            result[int(size)] = int(sites)
        elif part.strip():
            result[0] = int(part)
    return result


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="sample counts (default: %(default)s)")
    parser.add_argument(
        "--sites",
        type=_sites_option,
        default={},
        help="sites per panel: N for every size or SIZE:N,... (default 1000:100000,10000:12500,100000:2000)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=REPO / "var" / "bench" / "genome",
        help="panels and scratch (%(default)s)",
    )
    parser.add_argument("--only", default=",".join(PARTS), help="some of %(default)s")
    parser.add_argument(
        "--repeat", type=int, default=None, help="ingest runs per timing (default 3, 1 above 10k)"
    )
    parser.add_argument("--points", type=int, default=2_000, help="point lookups timed per size")
    parser.add_argument("--regions", type=int, default=200, help="100 kb region queries timed per size")
    parser.add_argument(
        "--query-budget",
        type=float,
        default=120,
        help="stop a query series after this many seconds (min 50/10)",
    )
    parser.add_argument("--beacon-seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)), help="gunicorn workers")
    parser.add_argument("--beacon-size", type=int, default=None, help="panel for the Beacon (default 10000)")
    parser.add_argument(
        "--memory-double",
        type=int,
        default=None,
        help="size ingested at 2× sites too (default 10000; 0: none)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown", type=Path, default=None, help="also write the tables as Markdown here")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.only = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(args.only) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    args.work = args.work.resolve()
    return args


def report(bench: Bench, header: list[str]) -> None:
    tables = [bench.panels_table(), *bench.tables]
    times = Table("Bench time per part", ["part", "seconds"])
    for part, spent in bench.timings.items():
        times.add(part, f"{spent:.1f}")
    tables.append(times)
    print("\n".join(header))
    for table in tables:
        print()
        print(table.text())
    if bench.args.markdown:
        text = "\n".join(f"- {line}" for line in header) + "\n\n" + "\n\n".join(t.markdown() for t in tables)
        bench.args.markdown.write_text(text + "\n", encoding="utf-8")
        say(f"Markdown written to {bench.args.markdown}")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    for tool in ("bcftools", "bgzip", "tabix"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (Debian: apt-get install bcftools tabix)", file=sys.stderr)
            return 2
    header = machine()
    for line in header:
        say(line)
    bench = Bench(args)
    try:
        bench.run()
    finally:
        shutil.rmtree(bench.runs_dir / "beacon", ignore_errors=True)
    report(bench, header)
    return 1 if bench.failed else 0


if __name__ == "__main__":
    sys.exit(main())
