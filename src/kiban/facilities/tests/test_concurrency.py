"""Two bookings of the same time made at the same moment: the lock on the instrument row and the check
inside the inserting transaction keep exactly one. On PostgreSQL with threads in the test database; on the
embedded SQLite default (WAL, IMMEDIATE transactions) with threads against a database file of its own,
migrated in a separate process, since the in-memory test database cannot hold two writers."""

import datetime
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from kiban.facilities import services
from kiban.facilities.models import Booking

from .conftest import at

RACE = Path(__file__).with_name("race.py")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Needs PostgreSQL (KIBAN_DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_keep_one_on_postgresql(demo_data):
    from kiban.core.models import User
    from kiban.core.registry import load_demo
    from kiban.facilities.demo import ACADEMIC_TITLE, COMPANY2_TITLE
    from kiban.facilities.models import FacilityProject, Instrument

    load_demo("facility_operations")
    e1 = Instrument.objects.get(name="東大 E1-1")
    projects = [FacilityProject.objects.get(title=t) for t in (ACADEMIC_TITLE, COMPANY2_TITLE)]
    users = [User.objects.get(username=n) for n in ("researcher", "company2")]
    operator = User.objects.get(username="facility_operator")
    outcomes = _race(e1, projects, users, operator)
    assert sorted(outcomes) == ["booked", "overlap"]
    assert Booking.objects.filter(instrument=e1, starts_at=at(20)).count() == 1


def _race(instrument, projects, users, operator) -> list[str]:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def book(project, user) -> None:
        try:
            barrier.wait()
            extra = {"assisted": True, "operator": operator} if project.is_company else {}
            services.booking_create(
                actor=user, instrument=instrument, project=project, starts_at=at(20),
                ends_at=at(20) + datetime.timedelta(hours=8), **extra,
            )  # fmt: skip
            outcomes.append("booked")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=pair) for pair in zip(projects, users, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite default's own test")
def test_simultaneous_bookings_keep_one_on_the_embedded_sqlite(tmp_path):
    env = {**os.environ, "KIBAN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "kiban.settings"}
    env.pop("KIBAN_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, str(RACE)], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "booked overlap 1"
