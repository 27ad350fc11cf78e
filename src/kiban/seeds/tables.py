"""The seed list as a table: only what the public summary shows, so every reader may see each column."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Seed


class SeedTable(tables.Table):
    title = tables.Column(verbose_name=_("Seed"), linkify=True)
    hub = tables.Column(verbose_name=_("Hub"), accessor="hub__display_name", order_by=("hub__name",))
    institution = tables.Column(
        verbose_name=_("Institution"), accessor="institution__display_name", order_by=("institution__name",)
    )
    pi = tables.Column(
        verbose_name=_("Principal investigator"), order_by=("pi__display_name", "pi__username")
    )
    modality = tables.Column(verbose_name=_("Modality"))
    stage = tables.Column(verbose_name=_("Stage"))
    programme_slot = tables.Column(verbose_name=_("Programme slot"))
    icd10_code = tables.Column(verbose_name=_("ICD-10"))
    registered_on = tables.DateColumn(verbose_name=_("Registered"), format="Y-m-d")

    class Meta:
        model = Seed
        fields = [
            "title",
            "hub",
            "institution",
            "pi",
            "modality",
            "stage",
            "programme_slot",
            "icd10_code",
            "registered_on",
        ]
        attrs = {"class": "table", "id": "seed-table"}
        order_by = ("-registered_on",)
