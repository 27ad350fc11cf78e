"""Programmes (事業) with their budgets per fiscal year, sub-allocations and the totals the source states."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kiban.core.fiscal import FiscalYear
from kiban.core.language import is_japanese
from kiban.core.models import Organisation
from kiban.core.money import YenField

from .choices import BudgetKind


class Programme(models.Model):
    """A budget programme of the ministry, such as 橋渡し研究プログラム or B-cure."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    field = models.CharField(_("field (Japanese)"), max_length=60, blank=True, help_text=_("e.g. 【がん】"))
    note = models.TextField(_("note (Japanese)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.name if is_japanese() else self.name_en

    @property
    def display_note(self) -> str:
        return self.note if is_japanese() else (self.note_en or self.note)


class ProgrammeBudget(models.Model):
    """One amount of one programme in one fiscal year's initial or supplementary budget."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budgets")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    kind = models.CharField(
        _("budget"), max_length=20, choices=BudgetKind.choices, default=BudgetKind.INITIAL
    )
    amount_yen = YenField()
    is_request = models.BooleanField(
        _("budget request (案)"),
        default=False,
        help_text=_("The source states the amount as a request (案)."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme budget")
        verbose_name_plural = _("programme budgets")
        ordering = ["programme__sort_order", "-fiscal_year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "fiscal_year", "kind"], name="budget_unique_per_fy"),
            models.CheckConstraint(condition=models.Q(amount_yen__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {FiscalYear(self.fiscal_year)} {self.get_kind_display()}"


class SubAllocation(models.Model):
    """Part of a programme's budget earmarked for a purpose or recipient (e.g. シーズの育成 4,707百万円)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sub_allocations")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    recipient = models.ForeignKey(
        Organisation, verbose_name=_("recipient"), null=True, blank=True, on_delete=models.PROTECT
    )
    amount_yen = YenField()
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sub-allocation")
        verbose_name_plural = _("sub-allocations")
        ordering = ["programme__sort_order", "-fiscal_year", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "fiscal_year", "name"], name="suballocation_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name if is_japanese() else self.name_en


class StatedTotal(models.Model):
    """A total exactly as the source states it (令和3年度予算額 876億円), shown beside the programmes' sum."""

    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    kind = models.CharField(
        _("budget"), max_length=20, choices=BudgetKind.choices, default=BudgetKind.INITIAL
    )
    amount_yen = YenField()
    source = models.CharField(_("as stated"), max_length=200, help_text=_("The wording of the source."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stated total")
        verbose_name_plural = _("stated totals")
        ordering = ["-fiscal_year", "kind"]
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "kind"], name="stated_total_unique")]

    def __str__(self) -> str:
        return f"{FiscalYear(self.fiscal_year)} {self.get_kind_display()}"
