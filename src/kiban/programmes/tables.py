"""The programme list as a table: the fiscal year beside the year before."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kiban.core.money import format_million, format_signed_million


class ProgrammeYearTable(tables.Table):
    programme = tables.Column(
        verbose_name=_("Programme"),
        linkify=lambda record: record.programme.get_absolute_url(),
        order_by=("programme__sort_order",),
    )
    amount_yen = tables.Column(
        verbose_name=_("Budget"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    previous_amount_yen = tables.Column(
        verbose_name=_("Previous year"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    change_yen = tables.Column(
        verbose_name=pgettext_lazy("amount", "Change"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    change_percent = tables.Column(
        verbose_name=_("Change (%)"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )
    previous_supplementary_total = tables.Column(
        verbose_name=_("Supplementary, previous year"), attrs={"td": {"class": "num"}, "th": {"class": "num"}}
    )

    class Meta:
        attrs = {"class": "table", "id": "programme-table"}
        orderable = True

    def __init__(self, *args, fiscal_year_label: str = "", previous_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if fiscal_year_label:
            self.columns["amount_yen"].column.verbose_name = fiscal_year_label
            self.columns["previous_amount_yen"].column.verbose_name = previous_label

    def render_amount_yen(self, value, record):
        text = format_million(value)
        return format_html("{} <small>（案）</small>", text) if record.is_request else text

    def render_previous_amount_yen(self, value):
        return format_million(value)

    def render_change_yen(self, value):
        return format_signed_million(value)

    def render_change_percent(self, value):
        return f"{value:+.1f}%"

    def render_previous_supplementary_total(self, value):
        return format_million(value) if value else "—"
