"""Admin pages of agreements (the state is read-only here: it changes only through the services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agreement, AgreementParty


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "state", "content_type", "object_id", "signed_on", "expires_on"]
    list_filter = ["kind", "state"]
    search_fields = ["reference", "scope", "parties__organisation__name"]
    readonly_fields = ["state", "parties_key", "signed_on", "ended_on", "signed_file"]
    inlines = [AgreementPartyInline]
