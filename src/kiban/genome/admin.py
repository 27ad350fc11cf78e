"""Admin page of the datasets' access levels (every change audited with its reason by simple-history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DatasetAccess


@admin.register(DatasetAccess)
class DatasetAccessAdmin(SimpleHistoryAdmin):
    list_display = ["dataset_id", "level", "updated_at"]
    list_filter = ["level"]
    search_fields = ["dataset_id"]

    def save_model(self, request, obj, form, change) -> None:
        # Saved the way the service saves it, so the history row says who and why.
        obj._change_reason = "Access level set in /admin/"
        super().save_model(request, obj, form, change)
