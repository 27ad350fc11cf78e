"""The pages: who may open them (the permission matrix), the calendar's privacy ("booked"), the refusals
shown through the UI, downloads, private feeds and the turnaround dashboard's figures."""

import datetime

import icalendar
from django.urls import reverse

from kiban.core.choices import Role
from kiban.core.testing import SIGNED_IN, Access, assert_permission_matrix, page_text, signed_in, table_rows
from kiban.facilities.models import Booking, FeedToken

from .conftest import at

APPLICANTS = (Role.RESEARCHER, Role.COMPANY, Role.HUB_STAFF, Role.FACILITY_OPERATOR)


def test_permission_matrix(demo_data, academic):
    assert_permission_matrix(
        [
            Access("get", reverse("facilities:instruments"), SIGNED_IN),
            Access("get", reverse("facilities:projects"), APPLICANTS),
            Access("get", reverse("facilities:project-new"), APPLICANTS),
            Access("get", reverse("facilities:billing"), APPLICANTS),
            Access("get", reverse("facilities:usage-export", args=["csv"]), APPLICANTS),
            Access(
                "get",
                reverse("facilities:dashboard"),
                (Role.FACILITY_OPERATOR, Role.MINISTRY_OFFICIAL, Role.AGENCY_OFFICER),
            ),
            Access("get", reverse("facilities:feeds"), SIGNED_IN),
            # a project is its users' and its host site's: test users of other organisations see nothing
            Access("get", academic.get_absolute_url(), ()),
        ]
    )


def test_the_project_is_seen_by_its_users_and_its_site_only(academic, people):
    for name, status in (
        ("researcher", 200),
        ("facility_operator", 200),
        ("company", 403),
        ("ministry_official", 403),
    ):
        assert signed_in(people[name]).get(academic.get_absolute_url()).status_code == status, name


def test_companies_see_other_companies_bookings_only_as_booked(e1, people, company2_project):
    booking = Booking.objects.get(project=company2_project, state="booked")
    week = at(2).date().isoformat()
    mine = page_text(signed_in(people["company2"]).get(f"{e1.get_absolute_url()}?week={week}"))
    theirs = page_text(signed_in(people["company"]).get(f"{e1.get_absolute_url()}?week={week}"))
    assert str(company2_project) in mine
    assert str(company2_project) not in theirs and "booked" in theirs
    assert signed_in(people["company"]).get(booking.get_absolute_url()).status_code == 403


def test_htmx_moves_between_weeks_with_the_calendar_alone(e1, researcher_client):
    response = researcher_client.get(
        f"{e1.get_absolute_url()}?week=2030-01-09", headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="calendar">')
    assert "Week of 2030-01-07" in page_text(response)
    assert researcher_client.get(f"{e1.get_absolute_url()}?week=2030-02-30").status_code == 400


def test_the_screening_gate_and_overlaps_are_refused_through_the_page(
    e2, e1, academic, people, researcher_client
):
    start = at(20)
    form = {
        "project": academic.pk,
        "sample": "受容体 GR-2（デモ）",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + datetime.timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "on_site",
    }
    refused = researcher_client.post(reverse("facilities:book", args=[e2.pk]), form, follow=True)
    assert "needs an E1 screening with a “go” result" in page_text(refused)
    assert not Booking.objects.filter(instrument=e2, starts_at=start).exists()

    form["sample"] = "膜輸送体 MT-1（デモ）"
    booked = researcher_client.post(reverse("facilities:book", args=[e2.pk]), form, follow=True)
    assert "The time is booked." in page_text(booked)
    again = researcher_client.post(reverse("facilities:book", args=[e2.pk]), form, follow=True)
    assert "東大 E2-1 is already booked from" in page_text(again)
    assert Booking.objects.filter(instrument=e2, starts_at=start).count() == 1


def test_usage_and_billing_downloads_hold_only_what_the_user_may_see(people):
    company = signed_in(people["company"])
    usage = company.get(reverse("facilities:usage-export", args=["csv"])).content.decode("utf-8-sig")
    assert "低分子結合様式" in usage and "膜輸送体" not in usage
    billing = company.get(reverse("facilities:billing-export", args=["xlsx"]))
    assert billing.status_code == 200 and billing["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_private_feed_answers_until_revoked(people, e1):
    client = signed_in(people["researcher"])
    client.post(reverse("facilities:feeds"))
    token = FeedToken.objects.get(user=people["researcher"])
    mine = client.get(reverse("facilities:feed-mine", args=[token.token]))
    calendar = icalendar.Calendar.from_ical(mine.content)
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert any("膜輸送体の構造解析" in s for s in summaries)
    instrument = client.get(reverse("facilities:feed-instrument", args=[token.token, e1.pk]))
    assert "東大 E1-1: booked" in [
        str(e["summary"]) for e in icalendar.Calendar.from_ical(instrument.content).walk("VEVENT")
    ]

    client.post(reverse("facilities:feeds"), {"revoke": token.pk})
    assert client.get(reverse("facilities:feed-mine", args=[token.token])).status_code == 404


def test_the_turnaround_dashboard_shows_the_figures_against_the_seed(people):
    # The ministry reads the network's and the sites' figures, never a project's title.
    response = signed_in(people["ministry_official"]).get(reverse("facilities:dashboard"))
    text = page_text(response)
    assert "7 sessions / 8 days" in text and "1 session / 1 day" in text
    assert "Network now: 2.0 sessions and 4.5 days" in text
    assert "（デモ" not in text and 'id="turnaround"' not in response.content.decode()
    assert "Projects are listed to their users and their host site's operators" in text
    assert table_rows(response, "queues")[1:] == [["The University of Tokyo", "3", "16.3"]]

    # The host site's operator reads its projects one by one.
    response = signed_in(people["facility_operator"]).get(reverse("facilities:dashboard"))
    text = page_text(response)
    rows = {row[0]: row[4:] for row in table_rows(response, "turnaround")[1:]}
    assert rows["膜輸送体の構造解析（デモ）"] == ["2", "4"]
    assert rows["低分子結合様式の構造決定（デモ・成果占有）"] == ["2", "5"]
    assert "Network now: 2.0 sessions and 4.5 days" in text
    queues = table_rows(response, "queues")[1:]
    assert queues == [["The University of Tokyo", "3", "16.3"]]


def test_every_page_of_the_walk_renders(people, academic, e1):
    operator = signed_in(people["facility_operator"])
    booking = Booking.objects.filter(project=academic).first()
    for url in (
        reverse("facilities:instruments"), e1.get_absolute_url(), reverse("facilities:projects"),
        reverse("facilities:project-new"), academic.get_absolute_url(), booking.get_absolute_url(),
        reverse("facilities:bookings"), reverse("facilities:billing"), reverse("facilities:dashboard"),
        reverse("facilities:feeds"), reverse("facilities:cryo-em"),
    ):  # fmt: skip
        assert operator.get(url).status_code == 200, url
    text = page_text(operator.get(reverse("facilities:billing")))
    assert "these tariffs are examples" in text
