"""Writes of the ledger: accounts opened, money posted, invoices drafted and issued. Keyword-only, audited."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.core.audit import audited_save
from kiban.core.errors import unique_or_conflict
from kiban.core.fiscal import FiscalYear
from kiban.core.models import Organisation, User
from kiban.core.money import format_yen

from .choices import AccountKind, InvoiceStatus
from .models import MAX_AMOUNT_YEN, MAX_BALANCE_YEN, Account, Invoice, InvoiceLine, Posting


def _whole_yen(value, *, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            _("%(what)s must be a whole number of yen."), code="not_yen", params={"what": what}
        )
    return value


def _generic(record: models.Model | None) -> tuple[ContentType | None, int | None]:
    if record is None:
        return None, None
    return ContentType.objects.get_for_model(record), record.pk


# --- accounts
def account_open(
    *,
    organisation: Organisation,
    kind: AccountKind | str,
    label: str,
    actor: User,
    may_go_negative: bool = False,
    owner: models.Model | None = None,
    reason: str = "",
) -> Account:
    """Opens an account with a zero balance; money comes in only through postings."""
    label = label.strip()
    if not label:
        raise ValidationError(_("Give the account a name."), code="account_label")
    if kind not in AccountKind.values:
        raise ValidationError(
            _("Unknown kind of account: %(kind)s."), code="account_kind", params={"kind": kind}
        )
    duplicate = _("%(organisation)s already has an account named “%(label)s”.") % {
        "organisation": organisation,
        "label": label,
    }
    owner_type, owner_id = _generic(owner)
    account = Account(
        organisation=organisation,
        kind=kind,
        label=label,
        may_go_negative=may_go_negative,
        owner_type=owner_type,
        owner_id=owner_id,
    )
    # The check is read in the inserting transaction; the unique constraint settles two arriving at once.
    with unique_or_conflict(duplicate, "account_exists"):
        if Account.objects.filter(organisation=organisation, label=label).exists():
            raise ValidationError(duplicate, code="account_exists")
        audited_save(account, actor=actor, reason=reason or _("Account opened"))
    return account


# --- postings
def posting_create(
    *,
    account: Account,
    amount_yen: int,
    description: str,
    actor: User,
    booked_on: datetime.date | None = None,
    invoice: Invoice | None = None,
    source: models.Model | None = None,
    reason: str = "",
) -> Posting:
    """Posts an amount to the account and moves its balance, in one transaction under the account's row lock
    (select_for_update on PostgreSQL; on SQLite the IMMEDIATE transaction holds the write lock from BEGIN),
    so concurrent postings never lose an update. Refuses a posting that would overdraw an account that may
    not go negative, naming the account, its balance and the amount."""
    amount_yen = _whole_yen(amount_yen, what=_("The amount"))
    if amount_yen == 0:
        raise ValidationError(_("A posting of 0 yen moves nothing."), code="posting_zero")
    if abs(amount_yen) > MAX_AMOUNT_YEN:
        raise ValidationError(
            _("A posting may not exceed %(limit)s; %(amount)s was asked."),
            code="posting_too_large",
            params={"limit": format_yen(MAX_AMOUNT_YEN), "amount": format_yen(amount_yen)},
        )
    description = description.strip()
    if not description:
        raise ValidationError(_("Say what the posting is for."), code="posting_description")
    booked_on = booked_on or timezone.localdate()
    source_type, source_id = _generic(source)
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        balance = locked.balance_yen + amount_yen
        if balance < 0 and not locked.may_go_negative:
            raise ValidationError(
                _(
                    "%(account)s may not go below zero: its balance is %(balance)s and this posting takes "
                    "%(amount)s."
                ),
                code="overdrawn",
                params={
                    "account": locked,
                    "balance": format_yen(locked.balance_yen),
                    "amount": format_yen(-amount_yen),
                },
            )
        if abs(balance) > MAX_BALANCE_YEN:
            raise ValidationError(
                _("The balance of %(account)s would pass %(limit)s."),
                code="balance_too_large",
                params={"account": locked, "limit": format_yen(MAX_BALANCE_YEN)},
            )
        why = reason or description
        locked.balance_yen = balance
        audited_save(locked, actor=actor, reason=why, update_fields=["balance_yen"])
        posting = Posting(
            account=locked,
            amount_yen=amount_yen,
            balance_after_yen=balance,
            booked_on=booked_on,
            fiscal_year=FiscalYear.of(booked_on).year,
            description=description[:300],
            invoice=invoice,
            source_type=source_type,
            source_id=source_id,
            created_by=actor,
        )
        audited_save(posting, actor=actor, reason=why)
    account.balance_yen = balance
    return posting


# --- invoices
def invoice_create(
    *,
    issuer: Organisation,
    account: Account,
    period_start: datetime.date,
    period_end: datetime.date,
    actor: User,
    note: str = "",
) -> Invoice:
    """A draft invoice to the account's organisation for one period; lines are added before it is issued."""
    if period_start > period_end:
        raise ValidationError(
            _("The period ends (%(end)s) before it starts (%(start)s)."),
            code="invoice_period",
            params={"start": period_start.isoformat(), "end": period_end.isoformat()},
        )
    invoice = Invoice(
        issuer=issuer,
        organisation=account.organisation,
        account=account,
        period_start=period_start,
        period_end=period_end,
        note=note.strip(),
        created_by=actor,
    )
    audited_save(invoice, actor=actor, reason=_("Invoice drafted"))
    return invoice


def _refuse_unless_draft(invoice: Invoice) -> None:
    if invoice.status != InvoiceStatus.DRAFT:
        raise ValidationError(
            _("Invoice %(number)s has been issued and cannot be changed."),
            code="invoice_issued",
            params={"number": invoice.number},
        )


def invoice_line_add(
    *, invoice: Invoice, description: str, quantity: int, unit_price_yen: int, actor: User
) -> InvoiceLine:
    """Adds an item (before 消費税) to a draft invoice."""
    _refuse_unless_draft(invoice)
    description = description.strip()
    if not description:
        raise ValidationError(_("Say what the item is."), code="line_description")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise ValidationError(_("The quantity must be a whole number of at least 1."), code="line_quantity")
    unit_price_yen = _whole_yen(unit_price_yen, what=_("The unit price"))
    if unit_price_yen < 0:
        raise ValidationError(_("A unit price cannot be negative."), code="line_price")
    if quantity * unit_price_yen > MAX_AMOUNT_YEN:
        raise ValidationError(
            _("An invoice line may not exceed %(limit)s."),
            code="line_too_large",
            params={"limit": format_yen(MAX_AMOUNT_YEN)},
        )
    position = (invoice.lines.aggregate(last=Max("position"))["last"] or 0) + 1
    line = InvoiceLine(
        invoice=invoice,
        position=position,
        description=description[:300],
        quantity=quantity,
        unit_price_yen=unit_price_yen,
    )
    audited_save(line, actor=actor, reason=_("Invoice line added"))
    return line


def invoice_issue(*, invoice: Invoice, actor: User, issued_on: datetime.date | None = None) -> Invoice:
    """Numbers the invoice (per issuer and fiscal year of the issue date) and charges its total, 消費税
    included, to the account; refused when the account may not go negative and the total would overdraw it.
    Numbering happens under a lock on the issuing organisation, so two invoices never get one number."""
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=invoice.issuer_id)
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        _refuse_unless_draft(invoice)
        totals = invoice.totals
        if totals.subtotal_yen <= 0:
            raise ValidationError(
                _("An invoice needs at least one line with an amount."), code="invoice_empty"
            )
        fiscal_year = FiscalYear.of(issued_on)
        last = Invoice.objects.filter(issuer_id=invoice.issuer_id, fiscal_year=fiscal_year.year).aggregate(
            last=Max("sequence")
        )["last"]
        invoice.fiscal_year = fiscal_year.year
        invoice.sequence = (last or 0) + 1
        invoice.issued_on = issued_on
        invoice.status = InvoiceStatus.ISSUED
        audited_save(invoice, actor=actor, reason=_("Invoice %(number)s issued") % {"number": invoice.number})
        posting_create(
            account=invoice.account,
            amount_yen=-totals.total_yen,
            description=_("Invoice %(number)s") % {"number": invoice.number},
            actor=actor,
            booked_on=issued_on,
            invoice=invoice,
        )
    return invoice
