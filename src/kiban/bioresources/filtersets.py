"""Filters of the catalogue: one search across resource types, and its facets."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kiban.core.filtersets import WholeNumberFilter

from .choices import Availability, Biosafety, ResourceClass, ResourceForm, ResourceType
from .models import Resource, Species
from .selectors import centres

SEARCHED = (
    "number", "name", "description", "genotype", "strain_background", "accession", "insert", "vector",
    "host_range", "species__scientific_name", "species__common_name", "species__common_name_en",
)  # fmt: skip


# The words of a search that count; the rest are not read (each adds a condition on every searched field).
MAX_WORDS = 8


class CatalogueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search (name, number, genotype, strain, accession, insert, vector, host)"),
        method="filter_text",
        max_length=200,
    )
    resource_type = django_filters.ChoiceFilter(label=_("Resource type"), choices=ResourceType.choices)
    species = django_filters.ModelChoiceFilter(label=_("Species"), queryset=Species.objects.all())
    taxonomy_id = WholeNumberFilter(label=_("NCBI Taxonomy id"), field_name="species__taxonomy_id")
    resource_class = django_filters.ChoiceFilter(label=_("Class"), choices=ResourceClass.choices)
    centre = django_filters.ModelChoiceFilter(label=_("Centre"), queryset=centres())
    bsl = django_filters.ChoiceFilter(label=_("Biosafety level"), choices=Biosafety.choices)
    availability = django_filters.ChoiceFilter(label=_("Availability"), choices=Availability.choices)
    form = django_filters.ChoiceFilter(label=_("Form provided"), choices=ResourceForm.choices)
    in_stock = django_filters.BooleanFilter(
        label=_("In stock from a QC-passed lot"), method="filter_in_stock"
    )

    class Meta:
        model = Resource
        fields = [
            "q", "resource_type", "species", "taxonomy_id", "resource_class", "centre", "bsl", "availability",
            "form", "in_stock",
        ]  # fmt: skip

    def filter_text(self, queryset, name, value):
        condition = Q()
        for word in value.split()[:MAX_WORDS]:
            word_condition = Q()
            for field in SEARCHED:
                word_condition |= Q(**{f"{field}__icontains": word})
            condition &= word_condition
        return queryset.filter(condition)

    def filter_in_stock(self, queryset, name, value):
        return queryset.filter(in_stock__gt=0) if value else queryset.filter(in_stock=0)
