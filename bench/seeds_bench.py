"""Seed pipeline bench: the seed list, a seed's page and the nationwide dashboard with 100 seeds, then with
10,000 seeds and 100,000 progress records, in a scratch SQLite database. Prints each page's SQL queries and
time at both sizes and the ratio; the goal is the same queries and at most 3x the time.

    .venv/bin/python bench/seeds_bench.py [--small 100] [--large 10000] [--repeat 15]
"""

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

SCRATCH = Path(tempfile.mkdtemp(prefix="kiban-seeds-bench-"))
os.environ["KIBAN_DATABASE_URL"] = f"sqlite:///{SCRATCH / 'bench.sqlite3'}"
os.environ["KIBAN_DATA_DIR"] = str(SCRATCH)
os.environ["KIBAN_ALLOWED_HOSTS"] = "testserver"
os.environ["KIBAN_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiban.settings")
# WhiteNoise looks for collected static files, which a scratch data folder does not have.
warnings.filterwarnings("ignore", message="No directory at")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from kiban.core.choices import OrganisationKind  # noqa: E402
from kiban.core.demo import load_core  # noqa: E402
from kiban.core.models import Organisation, User  # noqa: E402
from kiban.programmes.demo import load_programmes  # noqa: E402
from kiban.programmes.models import Programme  # noqa: E402
from kiban.seeds.choices import (  # noqa: E402
    NEXT_STAGE,
    PIPELINE,
    GateOutcome,
    Modality,
    Origin,
    OutcomeKind,
    ProgrammeSlot,
)
from kiban.seeds.models import (  # noqa: E402
    Milestone,
    Outcome,
    ProgressReport,
    Seed,
    SeedFunding,
    StageGate,
)

PROGRESS_PER_SEED = 10
CODES = ["C34.9", "G12.2", "I50.9", "C25.9", "E11.9", "C16.9", "U07.1", "G30.9", "M17.9", "I63.9"]
MODALITIES = list(Modality.values)
BATCH = 2000


def _seeds(start: int, count: int, hubs, researchers, staff, programme) -> None:
    """Adds seeds numbered start.. with two stage-gates, three fundings, three milestones, ten progress
    reports and an outcome each (a license-out every tenth), in bulk (no audit rows: this is load only)."""
    company = Organisation.objects.filter(kind=OrganisationKind.COMPANY).first()
    for first in range(start, start + count, BATCH):
        numbers = range(first, min(first + BATCH, start + count))
        seeds = []
        for n in numbers:
            registered = datetime.date(2018 + n % 4, 4 + n % 9, 1 + n % 28)
            stage = PIPELINE[n % 3]
            seeds.append(
                Seed(
                    hub=hubs[n % len(hubs)],
                    origin=Origin.INSIDE if n % 3 else Origin.OUTSIDE,
                    title=f"ベンチシーズ {n}",
                    summary="公開概要",
                    details="機密の詳細",
                    pi=researchers[n % len(researchers)],
                    institution=hubs[n % len(hubs)],
                    modality=MODALITIES[n % len(MODALITIES)],
                    icd10_code=CODES[n % len(CODES)],
                    stage=NEXT_STAGE[NEXT_STAGE[stage]],
                    stage_entered_on=registered + datetime.timedelta(days=400),
                    programme_slot=ProgrammeSlot(stage),
                    support_from_fy=registered.year,
                    support_to_fy=registered.year + 2,
                    registered_on=registered,
                    registered_by=staff,
                )
            )
        seeds = Seed.objects.bulk_create(seeds)
        gates, fundings, milestones, reports, outcomes = [], [], [], [], []
        for seed, n in zip(seeds, numbers, strict=True):
            stage, day = PIPELINE[n % 3], seed.registered_on
            for step in range(2):
                left = day + datetime.timedelta(days=150 + (n * 7 + step * 31) % 250)
                gates.append(
                    StageGate(
                        seed=seed,
                        outcome=GateOutcome.STAGE_UP,
                        from_stage=stage,
                        to_stage=NEXT_STAGE[stage],
                        decided_on=left,
                        fiscal_year=left.year if left.month >= 4 else left.year - 1,
                        days_in_stage=(left - day).days,
                        rationale="ベンチ",
                        decided_by=staff,
                    )
                )
                stage, day = NEXT_STAGE[stage], left
            for offset in range(3):
                year = seed.support_from_fy + offset
                fundings.append(
                    SeedFunding(seed=seed, fiscal_year=year, programme=programme, amount_yen=10_000_000 + n)
                )
                milestones.append(
                    Milestone(seed=seed, fiscal_year=year, title="目標", due_on=datetime.date(year, 12, 1))
                )
            for r in range(PROGRESS_PER_SEED):
                year = seed.support_from_fy + r % 3
                reports.append(
                    ProgressReport(
                        seed=seed,
                        fiscal_year=year,
                        summary=f"進捗 {r}",
                        submitted_on=datetime.date(year + 1, 1, 1 + r),
                        submitted_by=seed.pi,
                    )
                )
            kind = OutcomeKind.LICENSE_OUT if n % 10 == 0 else OutcomeKind.PATENT_FILING
            day = seed.registered_on + datetime.timedelta(days=300)
            outcomes.append(
                Outcome(
                    seed=seed,
                    kind=kind,
                    occurred_on=day,
                    fiscal_year=day.year if day.month >= 4 else day.year - 1,
                    title="成果",
                    company=company if kind == OutcomeKind.LICENSE_OUT else None,
                    scope="全世界" if kind == OutcomeKind.LICENSE_OUT else "",
                    recorded_by=staff,
                )
            )
        StageGate.objects.bulk_create(gates)
        SeedFunding.objects.bulk_create(fundings)
        Milestone.objects.bulk_create(milestones)
        ProgressReport.objects.bulk_create(reports)
        Outcome.objects.bulk_create(outcomes)


def _measure(client: Client, url: str, repeat: int) -> tuple[int, float]:
    """The SQL queries of one request and the median time of `repeat` requests (after one to warm up)."""
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)  # read now: the next request clears the connection's query log
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return queries, statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    print(f"scratch database: {SCRATCH / 'bench.sqlite3'} (removed at the end)")
    call_command("migrate", verbosity=0)
    load_core()
    load_programmes()
    hubs = list(Organisation.objects.filter(kind=OrganisationKind.TRANSLATIONAL_HUB).order_by("pk"))
    staff = User.objects.get(username="hub_staff")
    ministry = User.objects.get(username="ministry_official")
    researchers = [
        User.objects.create_user(f"bench_pi_{i}", f"pi{i}@example.jp", "bench-only", display_name=f"PI {i}")
        for i in range(50)
    ]
    programme = Programme.objects.get(code="translational")

    with transaction.atomic():
        _seeds(0, args.small, hubs, researchers, staff, programme)
    page_seed = Seed.objects.order_by("pk").first()
    # The seed's page is read by the ministry (everything, read-only) and the lists and dashboard too.
    client = Client()
    client.force_login(ministry)
    pages = [
        ("seed list", "/seeds/"),
        ("seed page", f"/seeds/{page_seed.pk}/"),
        ("nationwide dashboard", "/seeds/dashboard/"),
    ]
    small = {name: _measure(client, url, args.repeat) for name, url in pages}
    sizes = (Seed.objects.count(), ProgressReport.objects.count())

    started = time.perf_counter()
    with transaction.atomic():
        _seeds(args.small, args.large - args.small, hubs, researchers, staff, programme)
    built = time.perf_counter() - started
    connection.cursor().execute("ANALYZE")
    large = {name: _measure(client, url, args.repeat) for name, url in pages}
    large_sizes = (Seed.objects.count(), ProgressReport.objects.count())

    print(f"small: {sizes[0]:,} seeds, {sizes[1]:,} progress records")
    print(f"large: {large_sizes[0]:,} seeds, {large_sizes[1]:,} progress records (built in {built:.1f} s)")
    print(f"median of {args.repeat} requests each, as the ministry official (who sees every seed)")
    header = f"{'page':<22} {'queries':>9} {'queries':>9} {'ms':>9} {'ms':>9} {'time':>7}"
    print(header)
    print(f"{'':<22} {'small':>9} {'large':>9} {'small':>9} {'large':>9} {'ratio':>7}")
    failed = False
    for name, _url in pages:
        (q_small, t_small), (q_large, t_large) = small[name], large[name]
        ratio = t_large / t_small
        verdict = "" if q_small == q_large and ratio <= 3 else "  <- over the goal"
        failed |= bool(verdict)
        print(
            f"{name:<22} {q_small:>9} {q_large:>9} {t_small * 1000:>9.1f} {t_large * 1000:>9.1f} "
            f"{ratio:>6.2f}x{verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        status = main()
    finally:
        connection.close()
        shutil.rmtree(SCRATCH, ignore_errors=True)
    sys.exit(status)
