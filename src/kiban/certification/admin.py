"""Admin of certification: read and correct records; every write keeps its history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CallEntry, Certificate, CertificationApplication, CertificationRound, FunctionItem


@admin.register(FunctionItem)
class FunctionItemAdmin(SimpleHistoryAdmin):
    list_display = ["code", "function_class", "category", "name", "name_en"]
    list_filter = ["function_class", "category"]


@admin.register(CertificationRound)
class CertificationRoundAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "fiscal_year", "opens_on", "closes_on"]


@admin.register(CertificationApplication)
class CertificationApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "round", "state", "submitted_at"]
    list_filter = ["round", "state"]
    list_select_related = ["organisation", "round"]
    # The lifecycle (kiban.submissions.services) alone moves the state and stamps its dates.
    readonly_fields = [
        "state",
        "created_by",
        "created_at",
        "submitted_by",
        "submitted_at",
        "returned_at",
        "resubmitted_at",
        "review_started_at",
        "decided_by",
        "decided_at",
        "withdrawn_at",
        "started_at",
        "completed_at",
    ]


@admin.register(Certificate)
class CertificateAdmin(SimpleHistoryAdmin):
    list_display = ["number", "organisation", "valid_from", "valid_until"]
    list_select_related = ["organisation"]


admin.site.register(CallEntry, SimpleHistoryAdmin)
