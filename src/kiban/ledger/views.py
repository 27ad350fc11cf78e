"""Ledger pages: the accounts and invoices a user may see, an account's statement, an invoice to print."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kiban.core.exports import Column, ColumnKind, export_response
from kiban.core.pages import page_errors, paginate
from kiban.core.permissions import require

from . import selectors
from .models import CONSUMPTION_TAX_LABEL, CONSUMPTION_TAX_ROUNDING, Account, Invoice


@login_required
@page_errors
def ledger_home(request):
    """Any signed-in user: the accounts and invoices of their organisations (all, for the agency, the
    ministry and auditors), each list paged (?accounts= and ?page=)."""
    require(request.user, "ledger.view_ledger")
    context = {
        "accounts": paginate(request, selectors.accounts_for(user=request.user), name="accounts"),
        "invoices": paginate(request, selectors.invoices_for(user=request.user)),
    }
    return render(request, "ledger/ledger_home.html", context)


@login_required
@page_errors
def account_detail(request, pk: int):
    """The account's members, agency officers, ministry officials and auditors: the statement, paged."""
    account = get_object_or_404(Account.objects.select_related("organisation"), pk=pk)
    require(request.user, "ledger.view_account", account)
    postings = paginate(request, selectors.postings_of(account=account))
    return render(request, "ledger/account_detail.html", {"account": account, "postings": postings})


def _invoice_or_refuse(request, pk: int) -> Invoice:
    invoice = get_object_or_404(selectors.invoices_with_lines(), pk=pk)
    require(request.user, "ledger.view_invoice", invoice)
    return invoice


@login_required
def invoice_detail(request, pk: int):
    """The billed and issuing organisations' members, the agency, the ministry, auditors: the invoice as a
    printable page, in Japanese whatever the reader's language (it is the document sent)."""
    invoice = _invoice_or_refuse(request, pk)
    context = {
        "invoice": invoice,
        "totals": invoice.totals,
        # Lazy: translated where the template renders them, inside its Japanese block.
        "tax_label": CONSUMPTION_TAX_LABEL,
        "tax_rounding": CONSUMPTION_TAX_ROUNDING,
    }
    return render(request, "ledger/invoice_detail.html", context)


@login_required
def invoice_export(request, pk: int, file_format: str):
    """As invoice_detail: the invoice's lines, 消費税 and total as CSV or Excel, in Japanese."""
    invoice = _invoice_or_refuse(request, pk)
    totals = invoice.totals
    with translation.override("ja"):
        columns = [
            Column(pgettext("invoice", "Item")),
            Column(pgettext("invoice", "Quantity"), ColumnKind.INTEGER),
            Column(pgettext("invoice", "Unit price"), ColumnKind.YEN),
            Column(pgettext("invoice", "Amount"), ColumnKind.YEN),
        ]
        rows = [
            (line.description, line.quantity, line.unit_price_yen, line.amount_yen)
            for line in invoice.lines.all()
        ]
        rows += [
            (pgettext("invoice", "Subtotal"), None, None, totals.subtotal_yen),
            (str(CONSUMPTION_TAX_LABEL), None, None, totals.tax_yen),
            (_("Total (tax included)"), None, None, totals.total_yen),
        ]
        name = _("invoice-%(number)s") % {"number": invoice.number or _("draft-%(pk)s") % {"pk": invoice.pk}}
        title = pgettext("invoice", "Invoice")
    return export_response(columns=columns, rows=rows, filename=name, fmt=file_format, title=title)
