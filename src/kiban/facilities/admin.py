"""Admin pages of shared facilities."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models

for model in (
    models.InstrumentHolding,
    models.StatedInstrumentCount,
    models.Instrument,
    models.OutOfService,
    models.CompanySlot,
    models.Qualification,
    models.FacilityProject,
    models.Sample,
    models.ScreeningExemption,
    models.Booking,
    models.GridRecord,
    models.UsageSession,
    models.Tariff,
):
    admin.site.register(model, SimpleHistoryAdmin)
