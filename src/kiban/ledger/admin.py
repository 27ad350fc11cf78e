"""Admin pages of the ledger: read-only, since money moves only through the services (they lock, audit)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Account, Invoice, InvoiceLine, Posting


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    readonly_fields = ["position", "description", "quantity", "unit_price_yen"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["label", "organisation", "kind", "balance_yen", "may_go_negative"]
    list_filter = ["kind", "may_go_negative"]
    search_fields = ["label", "organisation__name"]


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ["account", "booked_on", "fiscal_year", "amount_yen", "balance_after_yen", "description"]
    list_filter = ["fiscal_year"]
    search_fields = ["description", "account__label"]


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "issuer", "organisation", "status", "issued_on", "period_start", "period_end"]
    list_filter = ["status", "fiscal_year"]
    inlines = [InvoiceLineInline]
