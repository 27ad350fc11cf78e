"""Admin pages of shared facilities."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import InstrumentHolding, StatedInstrumentCount

admin.site.register(InstrumentHolding, SimpleHistoryAdmin)
admin.site.register(StatedInstrumentCount, SimpleHistoryAdmin)
