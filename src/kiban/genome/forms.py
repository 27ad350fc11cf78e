"""The filter forms of the region and gene tables: read from the query string, checked by the selectors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kiban.core.forms import FloatField, IntegerField
from kiban.core.pages import PageField

from . import selectors

_AF_RANGE = _("Allele frequencies lie between 0 and 1.")


class VariantFilterForm(forms.Form):
    """Allele-frequency range, PASS only, and the page of the table."""

    min_af = FloatField(
        label=_("Minimum allele frequency"),
        required=False,
        min_value=0,
        max_value=1,
        error_messages={"min_value": _AF_RANGE, "max_value": _AF_RANGE},
        widget=forms.NumberInput(attrs={"step": "any", "min": 0, "max": 1}),
    )
    max_af = FloatField(
        label=_("Maximum allele frequency"),
        required=False,
        min_value=0,
        max_value=1,
        error_messages={"min_value": _AF_RANGE, "max_value": _AF_RANGE},
        widget=forms.NumberInput(attrs={"step": "any", "min": 0, "max": 1}),
    )
    pass_only = forms.BooleanField(label=_("PASS only"), required=False)
    page = PageField()

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["filters"] = selectors.frequency_filters(
                    min_af=data.get("min_af"),
                    max_af=data.get("max_af"),
                    pass_only=data.get("pass_only", False),
                )
            except selectors.GenomeQueryError as error:
                raise forms.ValidationError(error.message, code=error.code) from error
        return data


class RegionForm(VariantFilterForm):
    """A region of one chromosome (1-based, inclusive) with the filters."""

    chrom = forms.CharField(label=_("Chromosome"), max_length=10)
    start = IntegerField(label=_("Start"), min_value=1, max_value=selectors.MAX_POSITION)
    end = IntegerField(label=_("End"), min_value=1, max_value=selectors.MAX_POSITION)

    field_order = ["chrom", "start", "end", "min_af", "max_af", "pass_only", "page"]

    def clean_chrom(self) -> str:
        try:
            return selectors.chromosome(self.cleaned_data["chrom"])
        except selectors.GenomeQueryError as error:
            raise forms.ValidationError(error.message, code=error.code) from error

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data["region"] = selectors.region(data["chrom"], data["start"], data["end"])
            except selectors.GenomeQueryError as error:
                raise forms.ValidationError(error.message, code=error.code) from error
        return data
