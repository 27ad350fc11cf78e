"""The catalogue as a table: the columns every visitor may see."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Resource


class CatalogueTable(tables.Table):
    number = tables.Column(verbose_name=_("Number"), linkify=True)
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    resource_type = tables.Column(verbose_name=_("Type"))
    species = tables.Column(verbose_name=_("Species"), accessor="species__scientific_name")
    attributes = tables.Column(
        verbose_name=_("Genotype / accession / insert / host"), empty_values=(), orderable=False
    )
    resource_class = tables.Column(verbose_name=_("Class"))
    centre = tables.Column(
        verbose_name=_("Centre"), accessor="centre__display_name", order_by=("centre__name",)
    )
    bsl = tables.Column(verbose_name=_("BSL"))
    form = tables.Column(verbose_name=_("Form"))
    in_stock = tables.Column(verbose_name=_("In stock"))

    class Meta:
        model = Resource
        fields = [
            "number", "name", "resource_type", "species", "attributes", "resource_class", "centre", "bsl",
            "form", "in_stock",
        ]  # fmt: skip
        attrs = {"class": "table", "id": "catalogue-table"}
        order_by = ("number",)

    def render_resource_class(self, record):
        return "①" if record.resource_class == "core" else "②"

    def render_attributes(self, record):
        parts = [
            record.genotype,
            record.strain_background,
            record.accession,
            " / ".join(p for p in (record.insert, record.vector) if p),
            record.host_range,
        ]
        return "; ".join(p for p in parts if p) or "—"
