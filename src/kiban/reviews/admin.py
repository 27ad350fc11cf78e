"""Admin pages of the review engine (the audit trail shows every change; writes go through the services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Assignment, Criterion, Decision, ReviewRound, Rubric, Score


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.in_use

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(Rubric)
class RubricAdmin(SimpleHistoryAdmin):
    list_display = ["name", "scale_min", "scale_max", "aggregation", "higher_is_better"]
    inlines = [CriterionInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or not obj.in_use)


@admin.register(ReviewRound)
class ReviewRoundAdmin(SimpleHistoryAdmin):
    list_display = ["title", "content_type", "object_id", "state", "blind", "opened_at"]
    list_filter = ["state", "content_type"]
    readonly_fields = ["state"]


for model in (Assignment, Score, Decision):
    admin.site.register(model, SimpleHistoryAdmin)
