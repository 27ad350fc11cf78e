"""Tables of the core's lists."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Organisation


class OrganisationTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), accessor="display_name", linkify=True, order_by=("name",))
    kind = tables.Column(verbose_name=_("Kind"))
    lead_organisation = tables.Column(verbose_name=_("Shares the work of"), linkify=True)

    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "lead_organisation"]
        attrs = {"class": "table"}
