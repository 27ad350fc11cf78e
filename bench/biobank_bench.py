"""Biobank cross-search bench: a three-criterion count across all biobanks (J45 and descendants, female, age
40–60), the same with "carries variant V", and the same "as recorded on" a past day (the versioned clinical
records read as they stood), through the search layer (criteria tree → one filtered COUNT) against the same
question written as plain SQL, p50 and p95 of each and their ratio (goal ≤ 1.5), and the SQL queries of a
whole search (counts per collection and per material) at two numbers of collections (goal: the same). A
scratch SQLite database, or KIBAN_DATABASE_URL for PostgreSQL. The demo's generator makes the participants
and samples; diagnoses are topped up to --diagnoses with other common codes (never J45), as a biobank's
records hold many more codes than the demo's target diseases.

"Carries variant V" is measured on the database side: every 50th participant gets a genome in a bench
dataset, and V's carriers are a fixed tenth of them (what the genome engine would return; its own lookup is
measured by bench/genome_bench.py).

    .venv/bin/python bench/biobank_bench.py [--participants 250000] [--diagnoses 1000000] [--repeat 15]
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

SCRATCH = Path(tempfile.mkdtemp(prefix="kiban-biobank-bench-"))
os.environ.setdefault("KIBAN_DATABASE_URL", f"sqlite:///{SCRATCH / 'bench.sqlite3'}")
os.environ["KIBAN_DATA_DIR"] = str(SCRATCH)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiban.settings")
warnings.filterwarnings("ignore", message="No directory at")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from kiban.biobank import demo  # noqa: E402
from kiban.biobank.clinical import AsOf  # noqa: E402
from kiban.biobank.criteria import GenomeAccess, known_codes, normalise  # noqa: E402
from kiban.biobank.models import Collection, Diagnosis, GenomeLink, Participant, Sample  # noqa: E402
from kiban.biobank.search import matching, search_run  # noqa: E402
from kiban.core.choices import Role  # noqa: E402
from kiban.core.demo import load_core  # noqa: E402
from kiban.core.icd10 import icd10_chapter  # noqa: E402
from kiban.core.models import User  # noqa: E402

TREE = {"and": [{"disease": "J45"}, {"sex": "female"}, {"age": {"min": 40, "max": 60}}]}
# Today's records: the current version of each diagnosis (the partial index biobank_diag_cat_now).
PLAIN_SQL = """
SELECT COUNT(*) FROM biobank_participant p
WHERE p.sex = 'female' AND p.age_at_enrolment BETWEEN 40 AND 60
  AND EXISTS (SELECT 1 FROM biobank_diagnosis d WHERE d.participant_id = p.id AND d.category = 'J45'
              AND d.retracted = false AND d.superseded_at IS NULL)
"""
AS_OF = datetime.date(2016, 12, 31)
PLAIN_AS_OF_SQL = """
SELECT COUNT(*) FROM biobank_participant p
WHERE p.recorded_at < %s AND p.sex = 'female' AND p.age_at_enrolment BETWEEN 40 AND 60
  AND EXISTS (SELECT 1 FROM biobank_diagnosis d WHERE d.participant_id = p.id AND d.category = 'J45'
              AND d.recorded_at < %s AND d.retracted = false
              AND (d.superseded_at IS NULL OR d.superseded_at >= %s))
"""
# Other common codes a biobank's records hold (none in J45), to top the diagnoses up.
FILLER_CODES = (
    "K59.0", "H52.1", "M54.5", "J30.4", "E66.9", "K29.7", "L70.0", "H10.9", "N39.0", "G43.9", "F41.1",
    "K80.2", "M17.9", "H40.1", "I48.9", "E03.9", "D50.9", "B18.1", "N40", "R73.0",
)  # fmt: skip
NO_GENOME = GenomeAccess(may_use=lambda _d: False, carriers=lambda _d, _v: [], variant_id=str)
BENCH_DATASET = "bench-panel"
VARIANT = "1-1000-A-G"
PLAIN_VARIANT_SQL = """
SELECT COUNT(*) FROM biobank_participant p
WHERE p.sex = 'female' AND p.age_at_enrolment BETWEEN 40 AND 60
  AND EXISTS (SELECT 1 FROM biobank_diagnosis d WHERE d.participant_id = p.id AND d.category = 'J45'
              AND d.retracted = false AND d.superseded_at IS NULL)
  AND EXISTS (SELECT 1 FROM biobank_genomelink g WHERE g.participant_id = p.id AND g.dataset_id = %s
              AND g.sample IN ({}))
"""


def link_genomes() -> list[str]:
    """Every 50th participant a genome in the bench dataset; V's carriers: every tenth of those samples."""
    ids = list(Participant.objects.order_by("pk").values_list("pk", flat=True)[::50])
    GenomeLink.objects.bulk_create(
        [GenomeLink(dataset_id=BENCH_DATASET, sample=f"S{pk}", participant_id=pk) for pk in ids],
        batch_size=2_000,
        ignore_conflicts=True,
    )
    return [f"S{pk}" for pk in ids[::10]]


def _p50_p95(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def timed(layer, sql, repeat: int) -> tuple[tuple, tuple]:
    """Both sides once to warm the caches, then taking turns, so that neither runs on a warmer cache or a
    quieter machine than the other: ((p50, p95, answer) of the layer, the same of the plain SQL)."""
    answers = [layer(), sql()]
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for side, run in enumerate((layer, sql)):
            started = time.perf_counter()
            answers[side] = run()
            times[side].append(time.perf_counter() - started)
    return tuple((*_p50_p95(times[side]), answers[side]) for side in (0, 1))


def populate(participants: int, diagnoses: int) -> None:
    # The demo's collections and generator, scaled: BBJ, TMM (two cohorts) and NCBN in the demo's shares.
    total = sum(spec.size for spec in demo.COLLECTIONS)
    demo.COLLECTIONS = tuple(
        spec.__class__(**{**spec.__dict__, "size": max(1_000, participants * spec.size // total)})
        for spec in demo.COLLECTIONS
    )
    demo.load_biobank(say=print)
    missing = diagnoses - Diagnosis.objects.count()
    if missing <= 0:
        return
    rng = np.random.default_rng(7)
    people = list(Participant.objects.values_list("pk", "recorded_at"))
    rows, taken = [], set(Diagnosis.objects.values_list("participant_id", "code"))
    adapt = connection.ops.adapt_datetimefield_value
    while len(rows) < missing:
        pid, recorded = people[int(rng.integers(0, len(people)))]
        code = FILLER_CODES[int(rng.integers(0, len(FILLER_CODES)))]
        if (pid, code) in taken:
            continue
        taken.add((pid, code))
        rows.append((pid, code, code[:3], icd10_chapter(code), adapt(recorded)))
    with transaction.atomic():
        demo._insert(Diagnosis, ("participant_id", "code", "category", "chapter", "recorded_at"), rows)
    print(f"  topped up with {len(rows):,} other diagnoses")


def analyse() -> None:
    """PostgreSQL plans from statistics that a bulk load leaves stale until autovacuum comes by: refresh them,
    as anyone loading a database does, so that both sides are planned on today's tables."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def report(what: str, layer, sql) -> None:
    assert layer[2] == sql[2], (layer[2], sql[2])
    print(f"{what}: {layer[2]:,} participants, on {connection.vendor}")
    print(f"  search layer  p50 {layer[0] * 1000:8.1f} ms  p95 {layer[1] * 1000:8.1f} ms")
    print(f"  plain SQL     p50 {sql[0] * 1000:8.1f} ms  p95 {sql[1] * 1000:8.1f} ms")
    print(f"  ratio (p50)   {layer[0] / sql[0]:.2f}  (goal ≤ 1.5)")


def search_queries() -> int:
    user = User.objects.filter(memberships__role=Role.RESEARCHER).first()
    with CaptureQueriesContext(connection) as captured:
        search_run(tree=TREE, user=user, address=None)
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=250_000)
    parser.add_argument("--diagnoses", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    load_core()
    started = time.perf_counter()
    populate(options.participants, options.diagnoses)
    analyse()
    print(
        f"populated in {time.perf_counter() - started:.1f} s: {Participant.objects.count():,} participants, "
        f"{Diagnosis.objects.count():,} diagnoses, {Sample.objects.count():,} samples"
    )
    tree = normalise(TREE, genome=NO_GENOME, codes=known_codes())

    def plain():
        with connection.cursor() as cursor:
            cursor.execute(PLAIN_SQL)
            return cursor.fetchone()[0]

    report(
        "three-criterion count",
        *timed(lambda: matching(tree, genome=NO_GENOME).count(), plain, options.repeat),
    )

    as_of = AsOf(recorded_on=AS_OF)
    end = connection.ops.adapt_datetimefield_value(as_of.recorded_by())

    def plain_as_of():
        with connection.cursor() as cursor:
            cursor.execute(PLAIN_AS_OF_SQL, [end, end, end])
            return cursor.fetchone()[0]

    as_of_layer = lambda: matching(tree, genome=NO_GENOME, as_of=as_of).count()  # noqa: E731
    report(f"the same, as recorded on {AS_OF}", *timed(as_of_layer, plain_as_of, options.repeat))

    carriers = link_genomes()
    analyse()
    with_variant = GenomeAccess(
        may_use=lambda d: d == BENCH_DATASET, carriers=lambda _d, _v: carriers, variant_id=str
    )
    variant_tree = normalise(
        {"and": [*TREE["and"], {"variant": VARIANT, "dataset": BENCH_DATASET}]},
        genome=with_variant,
        codes=known_codes(),
    )
    query = PLAIN_VARIANT_SQL.format(", ".join(["%s"] * len(carriers)))

    def plain_variant():
        with connection.cursor() as cursor:
            cursor.execute(query, [BENCH_DATASET, *carriers])
            return cursor.fetchone()[0]

    variant_layer = lambda: matching(variant_tree, genome=with_variant).count()  # noqa: E731
    report(
        f"the same, carries {VARIANT} ({len(carriers):,} carriers)",
        *timed(variant_layer, plain_variant, options.repeat),
    )
    search_queries()  # the first search also reads what is cached afterwards (content types, the catalogue)
    before = search_queries()
    bbj = Collection.objects.filter(biobank__code="BBJ").first()
    for n in range(10):  # ten more collections: the search must not ask more queries
        Collection.objects.create(
            biobank=bbj.biobank, code=f"bench-{n}", name=f"bench {n}", kind="other", access_conditions="-"
        )
    after = search_queries()
    print(f"SQL queries of a whole search: {before} with 4 collections, {after} with 14 (goal: the same)")


if __name__ == "__main__":
    main()
