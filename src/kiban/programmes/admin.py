"""Admin pages of programmes and budgets."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Programme, ProgrammeBudget, StatedTotal, SubAllocation

for model in (Programme, ProgrammeBudget, SubAllocation, StatedTotal):
    admin.site.register(model, SimpleHistoryAdmin)
