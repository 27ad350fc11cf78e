"""The form a biobank curator uses to record new sequencing figures."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kiban.core.forms import IntegerField

from .choices import Funder


class SequencingFigureForm(forms.Form):
    funder = forms.ChoiceField(label=_("Funder"), choices=Funder.choices)
    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}))
    planned = IntegerField(label=_("Planned genomes"), min_value=0, max_value=10_000_000)
    sequenced = IntegerField(label=_("Sequenced genomes"), min_value=0, max_value=10_000_000)
    released = IntegerField(label=_("Released genomes"), min_value=0, max_value=10_000_000, required=False)
    reason = forms.CharField(label=_("Source or reason"), max_length=300)
