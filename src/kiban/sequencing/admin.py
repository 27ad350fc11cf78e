"""Admin pages of sequencing progress."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import SequencingFigure

admin.site.register(SequencingFigure, SimpleHistoryAdmin)
