"""Two requests recording the same agreement at once: the database constraint keeps one, the other is
refused with the same clear message as a late duplicate."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from kiban.agreements import services
from kiban.agreements.models import Agreement

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database cannot hold two writers; CI runs this on PostgreSQL",
)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_drafts_keep_exactly_one(facility, terms, operator):
    # given two operators' tabs recording the same facility-use terms at the same moment
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def record(scope: str) -> None:
        try:
            start.wait()
            services.agreement_create(
                kind="facility_terms", about=facility, parties=terms, scope=scope, actor=operator
            )
            outcomes.append("stored")
        except ValidationError as error:
            outcomes.append(f"{error.code}: {' '.join(error.messages)}")
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(scope,)) for scope in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one is stored whole, with both parties, and the other refused as a duplicate
    assert sorted(outcomes) == [
        "duplicate_agreement: Facility-use terms between クライオ電顕施設 and 利用大学 "
        "about “クライオ電顕施設” is already recorded (Draft).",
        "stored",
    ]
    stored = Agreement.objects.get()
    assert stored.scope in ("first", "second") and stored.parties.count() == 2
    assert stored.created_at.date() <= datetime.date.today()
