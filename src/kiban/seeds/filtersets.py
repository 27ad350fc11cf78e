"""Filters of the seed list."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kiban.core.filtersets import WholeNumberFilter
from kiban.core.fiscal import FiscalYear, FiscalYearError

from .choices import Modality, Origin, ProgrammeSlot, Stage
from .models import Seed
from .selectors import hubs


class SeedFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title or summary contains"), method="filter_text")
    hub = django_filters.ModelChoiceFilter(label=_("Hub"), queryset=hubs())
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Stage.choices)
    modality = django_filters.ChoiceFilter(label=_("Modality"), choices=Modality.choices)
    programme_slot = django_filters.ChoiceFilter(label=_("Programme slot"), choices=ProgrammeSlot.choices)
    origin = django_filters.ChoiceFilter(label=_("Origin"), choices=Origin.choices)
    fiscal_year = WholeNumberFilter(label=_("Supported in fiscal year"), method="filter_fiscal_year")
    icd10 = django_filters.CharFilter(label=_("ICD-10 code starts with"), method="filter_icd10")

    class Meta:
        model = Seed
        fields = ["q", "hub", "stage", "modality", "programme_slot", "origin", "fiscal_year", "icd10"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(summary__icontains=value))

    def filter_fiscal_year(self, queryset, name, value):
        try:
            year = FiscalYear(value).year
        except FiscalYearError:
            return queryset.none()
        return queryset.filter(support_from_fy__lte=year, support_to_fy__gte=year)

    def filter_icd10(self, queryset, name, value):
        return queryset.filter(icd10_code__istartswith=value.strip())
