"""Run by test_concurrency in its own process: migrates a fresh SQLite file (KIBAN_DATA_DIR), loads the
cryo-EM demo, then two threads book the same hours of one instrument at the same moment. Prints the sorted
outcomes and how many bookings hold those hours."""

import django

django.setup()

from django.core.management import call_command  # noqa: E402

call_command("migrate", interactive=False, verbosity=0)

from kiban.core.models import User  # noqa: E402
from kiban.core.registry import load_demo  # noqa: E402
from kiban.facilities.demo import ACADEMIC_TITLE, COMPANY2_TITLE  # noqa: E402
from kiban.facilities.models import Booking, FacilityProject, Instrument  # noqa: E402
from kiban.facilities.tests.conftest import at  # noqa: E402
from kiban.facilities.tests.test_concurrency import _race  # noqa: E402

load_demo("facility_operations")
e1 = Instrument.objects.get(name="東大 E1-1")
projects = [FacilityProject.objects.get(title=t) for t in (ACADEMIC_TITLE, COMPANY2_TITLE)]
users = [User.objects.get(username=n) for n in ("researcher", "company2")]
outcomes = _race(e1, projects, users, User.objects.get(username="facility_operator"))
print(" ".join(sorted(outcomes)), Booking.objects.filter(instrument=e1, starts_at=at(20)).count())
