"""Admin of the lifecycle's calls: read and correct them; every write keeps its history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Call


@admin.register(Call)
class CallAdmin(SimpleHistoryAdmin):
    list_display = ["title", "system", "opens_on", "closes_on"]
    list_filter = ["system"]
