"""Filters of the core's lists."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import OrganisationKind
from .forms import IntegerField
from .models import Organisation


class WholeNumberFilter(django_filters.NumberFilter):
    """A whole-number filter read through ASCII digits (core.forms.IntegerField), not django-filter's
    DecimalField that reads any script's digits, "1e3" and "NaN"."""

    field_class = IntegerField


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name contains"), method="filter_name")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices)

    class Meta:
        model = Organisation
        fields = ["q", "kind"]

    def filter_name(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(name_en__icontains=value) | Q(short_name__icontains=value)
        )
