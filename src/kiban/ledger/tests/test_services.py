"""Ledger writes: one balance, refused overdrafts, bounded amounts, audited, invoices numbered and taxed."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Sum

from kiban.core.models import Organisation
from kiban.ledger import services
from kiban.ledger.choices import AccountKind, InvoiceStatus
from kiban.ledger.models import Account, Invoice, Posting, consumption_tax

from .conftest import FY2026_DAY, invoice_with_lines


def _post(account, amount, actor, **extra):
    return services.posting_create(
        account=account, amount_yen=amount, description="入金", actor=actor, **extra
    )


def test_postings_move_the_one_balance_which_is_the_sum_of_the_postings(deposit, operator):
    for amount in (100_000, -30_000, 5, -70_005):
        _post(deposit, amount, operator, booked_on=FY2026_DAY)

    deposit.refresh_from_db()
    postings = list(Posting.objects.filter(account=deposit).order_by("pk"))
    assert deposit.balance_yen == 0 == postings[-1].balance_after_yen
    assert (
        Posting.objects.filter(account=deposit).aggregate(total=Sum("amount_yen"))["total"]
        == deposit.balance_yen
    )
    running = 0
    for posting in postings:
        running += posting.amount_yen
        assert posting.balance_after_yen == running


def test_the_fiscal_year_of_a_posting_is_the_japanese_fiscal_year_of_its_date(deposit, operator):
    march = _post(deposit, 1, operator, booked_on=datetime.date(2027, 3, 31))
    april = _post(deposit, 1, operator, booked_on=datetime.date(2027, 4, 1))

    assert (march.fiscal_year, april.fiscal_year) == (2026, 2027)


def test_a_posting_that_would_overdraw_an_account_that_may_not_go_negative_is_refused(deposit, operator):
    _post(deposit, 1_000, operator)

    with pytest.raises(ValidationError) as refused:
        _post(deposit, -1_500, operator)

    assert refused.value.messages == [
        "試験機関 researcher: 前受金 may not go below zero: its balance is ¥1,000 and this posting takes "
        "¥1,500."
    ]
    deposit.refresh_from_db()
    assert deposit.balance_yen == 1_000
    assert Posting.objects.filter(account=deposit).count() == 1


def test_an_account_that_may_go_negative_takes_the_posting(university, operator):
    budget = services.account_open(
        organisation=university, kind=AccountKind.BUDGET, label="課題A", may_go_negative=True, actor=operator
    )

    _post(budget, -2_500, operator)

    budget.refresh_from_db()
    assert budget.balance_yen == -2_500


def test_the_database_refuses_an_overdrawn_balance_even_past_the_service(deposit):
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=deposit.pk).update(balance_yen=-1)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (0, "A posting of 0 yen moves nothing."),
        (1_000_000_000_001, "A posting may not exceed ¥1,000,000,000,000; ¥1,000,000,000,001 was asked."),
        (-1_000_000_000_001, "A posting may not exceed ¥1,000,000,000,000"),
        (10.5, "The amount must be a whole number of yen."),
        (True, "The amount must be a whole number of yen."),
        ("100", "The amount must be a whole number of yen."),
    ],
)
def test_amounts_are_whole_yen_and_bounded(deposit, operator, amount, message):
    with pytest.raises(ValidationError) as refused:
        _post(deposit, amount, operator)

    assert message in refused.value.messages[0]
    assert not Posting.objects.exists()


def test_a_posting_says_what_it_is_for(deposit, operator):
    with pytest.raises(ValidationError, match="Say what the posting is for"):
        services.posting_create(account=deposit, amount_yen=10, description="  ", actor=operator)


def test_postings_and_balances_are_audited_with_the_user_and_the_reason(deposit, operator):
    posting = services.posting_create(
        account=deposit, amount_yen=50_000, description="前受金の入金", actor=operator, reason="振込確認済み"
    )

    opened, moved = deposit.history.order_by("history_id")
    assert (opened.history_user, opened.history_change_reason) == (operator, "利用開始")
    assert (moved.history_user, moved.history_change_reason, moved.balance_yen) == (
        operator,
        "振込確認済み",
        50_000,
    )
    (created,) = posting.history.all()
    assert (created.history_user, created.history_change_reason) == (operator, "振込確認済み")


def test_accounts_are_named_once_per_organisation(deposit, university, operator):
    with pytest.raises(ValidationError, match="already has an account named “前受金”"):
        services.account_open(
            organisation=university, kind=AccountKind.DEPOSIT, label="前受金", actor=operator
        )


def test_two_accounts_opened_at_once_under_one_name_give_the_second_a_conflict(
    deposit, university, operator, monkeypatch
):
    # given a request whose check ran before another's insert committed (the check sees no account yet)
    from django.db.models import QuerySet

    from kiban.core.errors import StateConflict

    monkeypatch.setattr(QuerySet, "exists", lambda self: False)

    # when it inserts, the unique constraint refuses it: a conflict with the same message, not a 500
    with pytest.raises(StateConflict, match="already has an account named “前受金”") as refusal:
        services.account_open(
            organisation=university, kind=AccountKind.DEPOSIT, label="前受金", actor=operator
        )
    assert refusal.value.code == "account_exists"
    assert Account.objects.filter(organisation=university, label="前受金").count() == 1


# --- invoices


def test_consumption_tax_is_ten_percent_rounded_down_once_per_invoice():
    assert [consumption_tax(v) for v in (0, 9, 10, 19, 4_701, 1_000_000)] == [0, 0, 1, 1, 470, 100_000]


def test_issuing_an_invoice_numbers_it_and_charges_the_total_with_consumption_tax(
    deposit, facility, operator
):
    _post(deposit, 100_000, operator)

    invoice = invoice_with_lines(
        issuer=facility,
        account=deposit,
        actor=operator,
        lines=[("クライオ電顕 利用料（時間）", 3, 1_234), ("試料調製", 1, 999)],
        issue_on=FY2026_DAY,
    )

    totals = invoice.totals
    assert (totals.subtotal_yen, totals.tax_yen, totals.total_yen) == (4_701, 470, 5_171)
    assert (invoice.status, invoice.number, invoice.fiscal_year) == (InvoiceStatus.ISSUED, "2026-0001", 2026)
    charge = Posting.objects.get(invoice=invoice)
    assert (charge.amount_yen, charge.description) == (-5_171, "Invoice 2026-0001")
    deposit.refresh_from_db()
    assert deposit.balance_yen == 100_000 - 5_171


def test_invoices_are_numbered_per_issuer_and_fiscal_year(deposit, facility, university, operator):
    _post(deposit, 1_000_000, operator)
    other_issuer = Organisation.objects.create(name="別の施設", kind="facility_site")
    line = [("利用料", 1, 1_000)]

    numbers = [
        invoice_with_lines(issuer=issuer, account=deposit, actor=operator, lines=line, issue_on=day).number
        for issuer, day in (
            (facility, FY2026_DAY),
            (facility, datetime.date(2027, 3, 31)),
            (other_issuer, FY2026_DAY),
            (facility, datetime.date(2027, 4, 1)),
        )
    ]

    assert numbers == ["2026-0001", "2026-0002", "2026-0001", "2027-0001"]


def test_an_issued_invoice_cannot_be_changed(deposit, facility, operator):
    _post(deposit, 10_000, operator)
    invoice = invoice_with_lines(
        issuer=facility, account=deposit, actor=operator, lines=[("利用料", 1, 100)], issue_on=FY2026_DAY
    )

    with pytest.raises(ValidationError) as refused:
        services.invoice_line_add(
            invoice=invoice, description="追加", quantity=1, unit_price_yen=1, actor=operator
        )
    assert refused.value.messages == ["Invoice 2026-0001 has been issued and cannot be changed."]
    with pytest.raises(ValidationError, match="has been issued"):
        services.invoice_issue(invoice=invoice, actor=operator)


def test_an_invoice_that_would_overdraw_the_deposit_is_not_issued_and_takes_no_number(
    deposit, facility, operator
):
    _post(deposit, 1_000, operator)
    invoice = invoice_with_lines(
        issuer=facility, account=deposit, actor=operator, lines=[("利用料", 1, 1_000)]
    )

    with pytest.raises(ValidationError) as refused:
        services.invoice_issue(invoice=invoice, actor=operator, issued_on=FY2026_DAY)

    assert "its balance is ¥1,000 and this posting takes ¥1,100" in refused.value.messages[0]
    invoice.refresh_from_db()
    assert (invoice.status, invoice.sequence, invoice.number) == (InvoiceStatus.DRAFT, None, "")


@pytest.mark.parametrize(
    ("quantity", "price", "message"),
    [
        (0, 100, "The quantity must be a whole number of at least 1."),
        (1, -1, "A unit price cannot be negative."),
        (1, 1.5, "The unit price must be a whole number of yen."),
        (2, 600_000_000_000, "An invoice line may not exceed ¥1,000,000,000,000."),
    ],
)
def test_invoice_lines_are_checked(deposit, facility, operator, quantity, price, message):
    invoice = invoice_with_lines(issuer=facility, account=deposit, actor=operator, lines=[])

    with pytest.raises(ValidationError) as refused:
        services.invoice_line_add(
            invoice=invoice, description="利用料", quantity=quantity, unit_price_yen=price, actor=operator
        )
    assert refused.value.messages == [message]


def test_an_empty_invoice_or_a_backwards_period_is_refused(deposit, facility, operator):
    with pytest.raises(ValidationError, match="needs at least one line"):
        invoice_with_lines(issuer=facility, account=deposit, actor=operator, lines=[], issue_on=FY2026_DAY)
    with pytest.raises(
        ValidationError, match=r"The period ends \(2026-04-30\) before it starts \(2026-05-01\)"
    ):
        services.invoice_create(
            issuer=facility,
            account=deposit,
            period_start=datetime.date(2026, 5, 1),
            period_end=datetime.date(2026, 4, 30),
            actor=operator,
        )
    assert Invoice.objects.filter(status=InvoiceStatus.ISSUED).count() == 0


# --- concurrency


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL (KIBAN_DATABASE_URL): SQLite serialises writers at BEGIN IMMEDIATE, so two "
    "threads never hold the account at once there.",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_to_one_account_never_lose_an_update(deposit, operator):
    _post(deposit, 100, operator)
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    outcomes: list[str] = []

    def take(amount: int) -> None:
        try:
            barrier.wait()
            _post(deposit, amount, operator)
            outcomes.append("posted")
        except ValidationError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    # Eight withdrawals of 30 from 100: exactly three fit, whatever order the threads run in.
    threads = [threading.Thread(target=take, args=(-30,)) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    deposit.refresh_from_db()
    assert sorted(outcomes) == ["overdrawn"] * 5 + ["posted"] * 3
    assert deposit.balance_yen == 10
    assert Posting.objects.filter(account=deposit).aggregate(total=Sum("amount_yen"))["total"] == 10


def test_the_overdraft_refusal_reads_in_japanese(deposit, operator):
    from django.utils.translation import override

    _post(deposit, 1_000, operator)
    with override("ja"), pytest.raises(ValidationError) as refused:
        _post(deposit, -1_500, operator)

    assert refused.value.messages == [
        "試験機関 researcher: 前受金の残高はゼロを下回れません。"
        "残高は1,000円、この記帳による引落しは1,500円です。"
    ]
