"""Cryo-EM instruments held by each site, and the counts the source states for each tier."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kiban.core.models import Organisation

from .choices import NetworkTier, VoltageClass


class InstrumentHolding(models.Model):
    """How many cryo-electron microscopes of one tier and voltage class a site holds."""

    site = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="instrument_holdings")
    tier = models.CharField(_("tier"), max_length=2, choices=NetworkTier.choices)
    voltage = models.CharField(_("voltage"), max_length=3, choices=VoltageClass.choices)
    count = models.PositiveSmallIntegerField(_("instruments"))
    in_service_from_fy = models.PositiveSmallIntegerField(
        _("in service from fiscal year"),
        null=True,
        blank=True,
        help_text=_("Set where the source says 措置予定."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instrument holding")
        verbose_name_plural = _("instrument holdings")
        ordering = ["tier", "-voltage", "site__name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "tier", "voltage"], name="holding_unique"),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="holding_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.tier} {self.get_voltage_display()} ×{self.count}"


class StatedInstrumentCount(models.Model):
    """The number of instruments the source states for a tier and voltage, as of a date."""

    tier = models.CharField(_("tier"), max_length=2, choices=NetworkTier.choices)
    voltage = models.CharField(_("voltage"), max_length=3, choices=VoltageClass.choices)
    stated_count = models.PositiveSmallIntegerField(_("stated count"))
    as_of = models.DateField(_("as of"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stated instrument count")
        verbose_name_plural = _("stated instrument counts")
        constraints = [models.UniqueConstraint(fields=["tier", "voltage"], name="stated_count_unique")]

    def __str__(self) -> str:
        return f"{self.tier} {self.get_voltage_display()}: {self.stated_count}"
