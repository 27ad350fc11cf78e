"""The booking rules, through the service: qualification, the E1 gate on E2 time, overlaps, blocks, slots
reserved for companies, notice, horizon, block length, the allocation and the deposit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kiban.core.errors import StateConflict
from kiban.facilities import services
from kiban.facilities.choices import BookingState, SessionMode
from kiban.facilities.models import Booking, Sample, UsageSession

from .conftest import at


def _book(project, instrument, actor, start, hours=24, **extra):
    return services.booking_create(
        actor=actor, instrument=instrument, project=project, starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours), **extra,
    )  # fmt: skip


def test_an_unqualified_user_is_refused_unassisted_time_with_the_sentence(company2_project, e1, people):
    with pytest.raises(ValidationError) as refused:
        _book(company2_project, e1, people["company2"], at(20), hours=12)
    assert refused.value.messages == [
        "You are not qualified on 東大 E1-1; book an assisted session or ask The University of Tokyo "
        "for training"
    ]


def test_an_assisted_session_names_a_qualified_staff_operator(company2_project, e1, people):
    with pytest.raises(ValidationError) as refused:
        _book(company2_project, e1, people["company2"], at(20), hours=12, assisted=True)
    assert refused.value.code == "operator"
    with pytest.raises(ValidationError, match="is not a staff operator of The University of Tokyo"):
        _book(company2_project, e1, people["company2"], at(20), 12, assisted=True, operator=people["company"])

    booking = _book(
        company2_project,
        e1,
        people["company2"],
        at(20),
        12,
        assisted=True,
        operator=people["facility_operator"],
    )
    assert booking.operator == people["facility_operator"] and booking.state == BookingState.BOOKED


def test_e2_time_needs_an_e1_go_for_the_sample(academic, e2, people):
    failed = Sample.objects.get(project=academic, name="受容体 GR-2（デモ）")  # screened: no-go only
    passed = Sample.objects.get(project=academic, name="膜輸送体 MT-1（デモ）")
    with pytest.raises(ValidationError) as refused:
        _book(academic, e2, people["researcher"], at(20), sample=failed)
    assert refused.value.code == "not_screened"
    assert "needs an E1 screening with a “go” result" in refused.value.messages[0]
    with pytest.raises(ValidationError, match="Name the sample screened on E1"):
        _book(academic, e2, people["researcher"], at(20))

    assert _book(academic, e2, people["researcher"], at(20), sample=passed).pk


def _grid(booking, sample, actor, decision="go"):
    return services.grid_record_add(
        booking=booking, sample=sample, actor=actor, grid_type="Quantifoil", blotting="3 s",
        vitrification="液体エタン", trial_number=1, ice_quality="good", particle_distribution="monodisperse",
        result="試験", decision=decision,
    )  # fmt: skip


def test_an_e1_go_counts_only_from_a_logged_session_recorded_by_the_site(academic, e1, e2, people):
    fresh = services.sample_add(project=academic, name="未審査の試料（試験）", actor=people["researcher"])
    ahead = _book(academic, e1, people["researcher"], at(20), hours=8)
    with pytest.raises(PermissionDenied):  # the project's own user does not screen its grids
        _grid(ahead, fresh, people["researcher"])
    with pytest.raises(ValidationError) as early:
        _grid(ahead, fresh, people["facility_operator"])
    assert early.value.code == "not_started"
    services.booking_cancel(booking=ahead, actor=people["researcher"], reason="日程変更")

    started = _book(academic, e1, people["researcher"], at(30), hours=8)
    Booking.objects.filter(pk=started.pk).update(starts_at=at(-1), ends_at=at(-1, 17))  # it is under way
    started.refresh_from_db()
    _grid(started, fresh, people["facility_operator"])
    with pytest.raises(ValidationError) as pending:
        _book(academic, e2, people["researcher"], at(40), sample=fresh)
    assert pending.value.messages == [
        "The E1 “go” for “未審査の試料（試験）” counts once its E1 session is logged."
    ]
    with pytest.raises(StateConflict) as kept:  # its grids keep the session: cancelling is no way round
        services.booking_cancel(booking=started, actor=people["facility_operator"], reason="試験")
    assert kept.value.code == "has_grids"

    services.session_log(
        booking=started, actor=people["facility_operator"], started_at=at(-1), ended_at=at(-1, 17),
        operator=people["facility_operator"], mode=SessionMode.ON_SITE, data_volume_gb=10, outcome="試験",
    )  # fmt: skip
    assert _book(academic, e2, people["researcher"], at(40), sample=fresh).sample == fresh


def test_an_exemption_by_the_e2_site_opens_e2_time_without_screening(academic, e2, people):
    fresh = services.sample_add(project=academic, name="新規試料（試験）", actor=people["researcher"])
    with pytest.raises(ValidationError):
        _book(academic, e2, people["researcher"], at(20), sample=fresh)
    with pytest.raises(PermissionDenied):  # the project's own user may not exempt
        services.exemption_grant(sample=fresh, actor=people["researcher"], reason="x")

    services.exemption_grant(sample=fresh, actor=people["facility_operator"], reason="既知の構造の変異体")

    assert _book(academic, e2, people["researcher"], at(20), sample=fresh).sample == fresh


def test_two_bookings_never_overlap(academic, company2_project, e1, people):
    assisted = {"assisted": True, "operator": people["facility_operator"]}
    _book(academic, e1, people["researcher"], at(20), hours=8)
    with pytest.raises(StateConflict) as refused:
        _book(company2_project, e1, people["company2"], at(20, 16), hours=8, **assisted)
    assert refused.value.code == "overlap"
    day = at(20).date().isoformat()
    assert refused.value.messages == [f"東大 E1-1 is already booked from {day} 09:00 to {day} 17:00."]
    # touching is not overlapping
    assert _book(company2_project, e1, people["company2"], at(20, 17), hours=8, **assisted).pk


def test_a_cancelled_booking_frees_its_time(academic, e1, people):
    first = _book(academic, e1, people["researcher"], at(20), hours=8)
    services.booking_cancel(booking=first, actor=people["researcher"], reason="試料が間に合わない")
    assert _book(academic, e1, people["researcher"], at(20), hours=8).pk


def test_maintenance_blocks_the_instrument(academic, e2, people):
    passed = Sample.objects.get(project=academic, name="膜輸送体 MT-1（デモ）")
    with pytest.raises(StateConflict) as refused:  # the demo's maintenance is days 6-7
        _book(academic, e2, people["researcher"], at(6, 12), hours=8, sample=passed)
    assert refused.value.code == "out_of_service"


def test_company_slots_are_for_company_projects_until_release(academic, company_project, e2, people):
    passed = Sample.objects.get(project=academic, name="膜輸送体 MT-1（デモ）")
    with pytest.raises(StateConflict) as refused:  # the demo reserves days 9-11 until day 5
        _book(academic, e2, people["researcher"], at(9, 12), hours=12, sample=passed)
    assert refused.value.messages == [
        f"This time is reserved for company projects until {at(5).date().isoformat()}."
    ]
    # after the release date it is open to all
    later = timezone.now() + datetime.timedelta(days=6)
    assert _book(academic, e2, people["researcher"], at(9, 12), hours=12, sample=passed, now=later).pk


def test_the_instrument_rules_of_length_notice_and_horizon(academic, e1, people):
    for start, hours, code in ((at(20), 2, "block_length"), (at(20), 80, "block_length"),
                               (timezone.now() + datetime.timedelta(hours=3), 8, "notice"),
                               (at(120), 8, "horizon")):  # fmt: skip
        with pytest.raises(ValidationError) as refused:
            _book(academic, e1, people["researcher"], start, hours=hours)
        assert refused.value.code == code


def test_remote_only_on_remote_capable_instruments(academic, people, demo_data):
    from kiban.facilities.models import Instrument

    osaka = Instrument.objects.get(name="阪大 E1-1")
    with pytest.raises(ValidationError) as refused:
        _book(academic, osaka, people["researcher"], at(20), hours=8, mode=SessionMode.REMOTE)
    assert refused.value.code == "remote"


def test_the_allocation_of_days_per_tier(academic, e1, people):
    # 3 E1 days: the demo has booked 2 (one past, one ahead)
    _book(academic, e1, people["researcher"], at(30), hours=24)
    with pytest.raises(ValidationError) as refused:
        _book(academic, e1, people["researcher"], at(40), hours=8)
    assert refused.value.messages == ["The project has 3 E1 days; 3 are booked and this booking needs 1."]


def test_a_booking_the_deposit_cannot_cover_is_refused_with_the_balance(company2_project, e1, people):
    account = company2_project.billing_account
    services.deposit_top_up(account=account, amount_yen=1, actor=people["facility_operator"])  # 1,500,001
    from kiban.ledger.services import posting_create

    posting_create(
        account=account, amount_yen=-1_400_001, description="試験の引落し", actor=people["facility_operator"]
    )
    with pytest.raises(ValidationError) as refused:
        _book(
            company2_project,
            e1,
            people["company2"],
            at(20),
            12,
            assisted=True,
            operator=people["facility_operator"],
        )
    assert refused.value.code == "not_covered"
    assert refused.value.messages == [
        "Demo Drug Discovery K.K. (demo): クライオ電顕 預託金 cannot cover this booking: its balance is "
        "¥100,000, "
        "¥132,000 is committed to sessions already booked, and this one costs ¥132,000 (example tariff, "
        "tax included)."
    ]


def test_users_cancel_before_the_notice_operators_at_any_time(company_project, people):
    upcoming = Booking.objects.get(project=company_project, state=BookingState.BOOKED)  # day 3, 48 h notice
    late = upcoming.starts_at - datetime.timedelta(hours=10)
    with pytest.raises(ValidationError) as refused:
        services.booking_cancel(booking=upcoming, actor=people["company"], reason="都合", now=late)
    assert refused.value.code == "cancel_notice"
    services.booking_cancel(booking=upcoming, actor=people["facility_operator"], reason="装置不調", now=late)
    upcoming.refresh_from_db()
    assert upcoming.state == BookingState.CANCELLED and upcoming.cancel_reason == "装置不調"


def test_a_logged_session_draws_the_deposit_down_and_the_month_is_invoiced(company_project, people):
    upcoming = Booking.objects.get(project=company_project, state=BookingState.BOOKED)
    account = company_project.billing_account
    before = account.balance_yen
    started = timezone.now() - datetime.timedelta(hours=25)
    session = services.session_log(
        booking=upcoming, actor=people["facility_operator"], started_at=started,
        ended_at=started + datetime.timedelta(hours=24), operator=people["facility_operator2"],
        mode=SessionMode.REMOTE, data_volume_gb=3000, outcome="データ取得", dataset_collected=True,
    )  # fmt: skip
    account.refresh_from_db()
    # E2, company, proprietary: 500,000円 a day (example) + 10% consumption tax
    assert (session.quantity, session.charge_yen, session.tax_yen) == (1, 500_000, 50_000)
    assert account.balance_yen == before - 550_000
    upcoming.refresh_from_db()
    assert upcoming.state == BookingState.COMPLETED

    day = timezone.localtime(session.ended_at).date()
    invoices = services.invoices_issue_month(
        site=company_project.site, year=day.year, month=day.month, actor=people["facility_operator"]
    )
    account.refresh_from_db()
    invoice = next(i for i in invoices if i.account_id == account.pk)
    assert invoice.number and invoice.totals.tax_yen == invoice.totals.subtotal_yen // 10
    assert any("東大 E2-1" in line.description for line in invoice.lines.all())
    # the draw-downs are settled by the invoice: the account is charged once
    drawn = sum(s.charge_yen + s.tax_yen for s in UsageSession.objects.filter(invoice=invoice))
    assert account.balance_yen == before - 550_000 + drawn - invoice.totals.total_yen


def test_a_session_is_logged_only_once_and_not_before_it_starts(company_project, people):
    upcoming = Booking.objects.get(project=company_project, state=BookingState.BOOKED)
    with pytest.raises(ValidationError, match="once it has started"):
        services.session_log(
            booking=upcoming, actor=people["facility_operator"],
            started_at=timezone.now() + datetime.timedelta(hours=2),
            ended_at=timezone.now() + datetime.timedelta(hours=5), operator=people["facility_operator"],
            mode=SessionMode.ON_SITE, data_volume_gb=0, outcome="x",
        )  # fmt: skip


def test_project_create_keeps_its_origin_and_bills_the_organisation(people, demo_data):
    from kiban.core.models import Organisation

    origin = Organisation.objects.get(name="京都大学")  # any record with a page
    project = services.project_create(
        actor=people["researcher"], title="BINDS 支援からの課題", organisation=origin,
        site=Organisation.objects.get(name="東京大学"), user_class="academic", results="open",
        e1_days=1, e2_days=1, origin=origin, reason="BINDS support item accepted",
    )  # fmt: skip
    assert project.origin == origin and project.origin_url == origin.get_absolute_url()
    assert project.billing_account.label == "クライオ電顕 利用予算" and project.state == "draft"
