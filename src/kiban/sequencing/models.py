"""Sequencing figures per funder over time, as reported or as targeted."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import FigureKind, Funder


class SequencingFigure(models.Model):
    """How many genomes one funder's share has planned, sequenced and released as of a date."""

    funder = models.CharField(_("funder"), max_length=20, choices=Funder.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=FigureKind.choices, default=FigureKind.ACTUAL)
    as_of = models.DateField(_("as of"))
    planned = models.PositiveIntegerField(_("planned genomes"))
    sequenced = models.PositiveIntegerField(_("sequenced genomes"))
    released = models.PositiveIntegerField(
        _("released genomes"), null=True, blank=True, help_text=_("Empty where the source gives no figure.")
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sequencing figure")
        verbose_name_plural = _("sequencing figures")
        ordering = ["as_of", "funder", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["funder", "kind", "as_of"], name="sequencing_figure_unique"),
            models.CheckConstraint(
                condition=models.Q(sequenced__lte=models.F("planned")), name="sequenced_within_plan"
            ),
            models.CheckConstraint(
                condition=models.Q(released__isnull=True) | models.Q(released__lte=models.F("sequenced")),
                name="released_within_sequenced",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_funder_display()} {self.as_of}: {self.sequenced}/{self.planned}"
