"""Admin pages of seeds (the stage is read-only here: it changes only by a stage-gate decision)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CompanyInterest,
    Milestone,
    Outcome,
    ProgressReport,
    Seed,
    SeedFunding,
    SeedMember,
    StageGate,
)


class SeedMemberInline(admin.TabularInline):
    model = SeedMember
    extra = 0


@admin.register(Seed)
class SeedAdmin(SimpleHistoryAdmin):
    list_display = ["title", "hub", "institution", "modality", "stage", "programme_slot", "registered_on"]
    list_filter = ["hub", "stage", "modality", "programme_slot", "origin"]
    search_fields = ["title", "icd10_code"]
    readonly_fields = ["stage", "stage_entered_on", "stage_before_suspension"]
    inlines = [SeedMemberInline]


@admin.register(StageGate)
class StageGateAdmin(SimpleHistoryAdmin):
    list_display = ["seed", "outcome", "from_stage", "to_stage", "decided_on", "decided_by"]
    list_filter = ["outcome", "fiscal_year"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


for model in (SeedFunding, Milestone, ProgressReport, Outcome, CompanyInterest):
    admin.site.register(model, SimpleHistoryAdmin)
