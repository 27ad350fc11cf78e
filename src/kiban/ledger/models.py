"""The yen ledger: accounts with one stored balance, the postings that move it, and invoices with lines."""

from dataclasses import dataclass

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from kiban.core.models import Organisation, User
from kiban.core.money import YenField

from .choices import AccountKind, InvoiceStatus

# The largest single posting or invoice line (1兆円), and the largest balance an account may reach: far
# beyond any research budget, well inside a 64-bit integer, so a typo of extra zeros is refused.
MAX_AMOUNT_YEN = 1_000_000_000_000
MAX_BALANCE_YEN = 1_000 * MAX_AMOUNT_YEN
# 消費税 (consumption tax), standard rate, and how the invoice page and exports name it and its rounding.
CONSUMPTION_TAX_PERCENT = 10
CONSUMPTION_TAX_LABEL = _("Consumption tax (10%)")
CONSUMPTION_TAX_ROUNDING = _(
    "Consumption tax (10%) is reckoned on the subtotal and rounded down to the yen once per invoice."
)


class Account(models.Model):
    """Money held for an organisation (its deposit) or set aside for a project (its budget), in whole yen.

    `balance_yen` is the one balance: it changes only in `services.posting_create`, in the same transaction
    as the posting and under a lock on this row, so it is always the sum of the account's postings."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices)
    label = models.CharField(_("name"), max_length=200)
    # What the account is for, when it is one record's (a project, an order): any model, by content type.
    owner_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_id = models.PositiveBigIntegerField(null=True, blank=True)
    owner = GenericForeignKey("owner_type", "owner_id")
    may_go_negative = models.BooleanField(
        _("may go negative"),
        default=False,
        help_text=_("Whether postings may take the balance below zero (a budget that may be overspent)."),
    )
    balance_yen = YenField(verbose_name=_("balance (yen)"), default=0, editable=False)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["organisation__name", "label"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "label"], name="ledger_account_unique_label"),
            # The database refuses an overdrawn account too, should anything bypass the service.
            models.CheckConstraint(
                condition=models.Q(may_go_negative=True) | models.Q(balance_yen__gte=0),
                name="ledger_account_not_overdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("ledger:account", args=[self.pk])


class Posting(models.Model):
    """One movement of money on an account: a positive amount adds to the balance, a negative one takes
    from it. Never changed or deleted: a mistake is corrected by a posting of the opposite amount."""

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="postings"
    )
    amount_yen = YenField(verbose_name=_("amount (yen)"))
    # The account's balance once this posting was made: the same one balance, as it stood then.
    balance_after_yen = YenField(verbose_name=_("balance after (yen)"))
    booked_on = models.DateField(_("booked on"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    description = models.CharField(_("description"), max_length=300)
    invoice = models.ForeignKey(
        "Invoice",
        verbose_name=_("invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="postings",
    )
    # The record the money moved for (an order, a facility booking), when another app posts it.
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_by = models.ForeignKey(
        User, verbose_name=_("posted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["account", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(amount_yen=0)
                & models.Q(amount_yen__gte=-MAX_AMOUNT_YEN, amount_yen__lte=MAX_AMOUNT_YEN),
                name="ledger_posting_amount_bounded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount_yen} ({self.description})"


@dataclass(frozen=True)
class InvoiceTotals:
    """An invoice's sum of lines, its 消費税 and what is to be paid."""

    subtotal_yen: int
    tax_yen: int
    total_yen: int


def consumption_tax(subtotal_yen: int) -> int:
    """消費税 at 10% of an invoice's subtotal, rounded down once per invoice (端数切捨て): the usual
    Japanese practice, and what the qualified-invoice rules (インボイス制度) allow: one rounding per invoice
    and rate."""
    return subtotal_yen * CONSUMPTION_TAX_PERCENT // 100


class Invoice(models.Model):
    """A 請求書 from one organisation to another for one period, charged to the billed organisation's account.

    Drafts have no number; issuing numbers it per issuing organisation and fiscal year (2026-0001, …) and
    posts its total to the account. An issued invoice and its lines are never changed."""

    issuer = models.ForeignKey(
        Organisation,
        verbose_name=pgettext_lazy("invoice", "issued by"),
        on_delete=models.PROTECT,
        related_name="invoices_issued",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("billed to"), on_delete=models.PROTECT, related_name="invoices"
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account charged"), on_delete=models.PROTECT, related_name="invoices"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(
        _("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), null=True, blank=True)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, blank=True)
    issued_on = models.DateField(pgettext_lazy("invoice", "issued on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        User, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "fiscal_year", "sequence"], name="ledger_invoice_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="ledger_invoice_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft invoice %(pk)s") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("ledger:invoice", args=[self.pk])

    @property
    def number(self) -> str:
        """'2026-0007': the issuer's seventh invoice of fiscal year 2026; empty for a draft."""
        if self.sequence is None:
            return ""
        return f"{self.fiscal_year}-{self.sequence:04d}"

    @property
    def totals(self) -> InvoiceTotals:
        subtotal = sum(line.amount_yen for line in self.lines.all())
        tax = consumption_tax(subtotal)
        return InvoiceTotals(subtotal_yen=subtotal, tax_yen=tax, total_yen=subtotal + tax)


class InvoiceLine(models.Model):
    """One item of an invoice: what was provided, how many, at what unit price (before 消費税)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"))
    description = models.CharField(_("item"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_yen = YenField(verbose_name=_("unit price (yen)"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="ledger_invoice_line_position"),
            models.CheckConstraint(
                condition=models.Q(unit_price_yen__gte=0), name="ledger_invoice_line_price"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def amount_yen(self) -> int:
        return self.quantity * self.unit_price_yen
