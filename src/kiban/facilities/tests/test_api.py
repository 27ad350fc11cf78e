"""The API refuses what the service refuses (the overlap 409, no E1 "go" 400), hides other projects' bookings
behind "booked", and answers its permissions."""

import datetime
import json

from kiban.core.testing import signed_in
from kiban.facilities.models import Booking, Sample

from .conftest import at

JSON = "application/json"


def _booking(project, instrument, start, **extra) -> str:
    return json.dumps(
        {
            "instrument_id": instrument.pk,
            "project_id": project.pk,
            "starts_at": start.isoformat(),
            "ends_at": (start + datetime.timedelta(hours=8)).isoformat(),
            **extra,
        }
    )


def test_booking_through_the_api_keeps_the_screening_gate_and_the_overlap(academic, e2, people):
    client = signed_in(people["researcher"])
    refused = client.post(
        "/api/facilities/bookings",
        _booking(academic, e2, at(20), sample="受容体 GR-2（デモ）"),
        content_type=JSON,
    )
    assert refused.status_code == 400 and refused.json()["code"] == "not_screened"

    passed = Sample.objects.get(project=academic, name="膜輸送体 MT-1（デモ）").name
    made = client.post(
        "/api/facilities/bookings", _booking(academic, e2, at(20), sample=passed), content_type=JSON
    )
    assert made.status_code == 201 and made.json()["state"] == "booked"
    again = client.post(
        "/api/facilities/bookings", _booking(academic, e2, at(20, 12), sample=passed), content_type=JSON
    )
    assert again.status_code == 409 and again.json()["code"] == "overlap"

    cancelled = client.post(
        f"/api/facilities/bookings/{made.json()['id']}/cancel",
        json.dumps({"reason": "試験"}),
        content_type=JSON,
    )
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"


def test_an_unqualified_user_is_refused_through_the_api_with_the_sentence(company2_project, e1, people):
    response = signed_in(people["company2"]).post(
        "/api/facilities/bookings", _booking(company2_project, e1, at(20)), content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith(
        "You are not qualified on 東大 E1-1; book an assisted session"
    )


def test_other_companies_bookings_read_booked(e1, company2_project, people):
    rows = signed_in(people["company"]).get(f"/api/facilities/instruments/{e1.pk}/bookings").json()["items"]
    theirs = Booking.objects.get(project=company2_project, state="booked")
    row = next(r for r in rows if r["id"] == theirs.pk)
    assert row["project_id"] is None and row["label"] == "booked"


def test_projects_are_their_users_and_the_ministry_sees_none(academic, people):
    assert signed_in(people["ministry_official"]).get("/api/facilities/projects").status_code == 403
    assert signed_in(people["company"]).get(f"/api/facilities/projects/{academic.pk}").status_code == 403
    mine = signed_in(people["researcher"]).get(f"/api/facilities/projects/{academic.pk}").json()
    assert mine["e1_days"] == 3 and "膜輸送体 MT-1（デモ）" in mine["samples"]


def test_naive_and_absurd_times_are_answered_not_crashed(academic, e1, people):
    client = signed_in(people["researcher"])
    naive = client.post(
        "/api/facilities/bookings", _booking(academic, e1, at(20).replace(tzinfo=None)), content_type=JSON
    )
    assert naive.status_code == 201
    far = client.post(
        "/api/facilities/bookings", _booking(academic, e1, at(20).replace(year=9999)), content_type=JSON
    )
    assert far.status_code == 400 and far.json()["code"] == "out_of_range"
