"""Forms of analysis funding: a call with its settings and assays, an assay offer, a proposal, opening the
review, withdrawing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kiban.biobank.choices import MaterialType
from kiban.biobank.models import SavedSearch
from kiban.core.forms import IntegerField
from kiban.core.inputs import MAX_YEN
from kiban.core.models import User
from kiban.reviews.models import Rubric
from kiban.sequencing.choices import Funder
from kiban.submissions.eligibility import rule_choices

from .choices import Assay, TieBreak
from .models import MAX_SAMPLES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# The material each assay is usually made from, offered first when a call is opened.
DEFAULT_MATERIAL = {
    Assay.WGS: MaterialType.DNA,
    Assay.WES: MaterialType.DNA,
    Assay.SNP_ARRAY: MaterialType.DNA,
    Assay.METHYLATION: MaterialType.DNA,
    Assay.RNA_SEQ: MaterialType.RNA,
    Assay.PROTEOME: MaterialType.PLASMA,
    Assay.METABOLOME: MaterialType.PLASMA,
}


def _yen(label, **kwargs) -> IntegerField:
    return IntegerField(label=label, min_value=1, max_value=MAX_YEN, **kwargs)


class CallSettingsForm(forms.Form):
    budget_yen = _yen(_("Budget (yen)"))
    funder = forms.ChoiceField(label=_("Funder"), choices=Funder.choices)
    partial_funding = forms.BooleanField(
        label=_("Partial funding allowed"),
        required=False,
        help_text=_("The last proposal funded may get what is left, in whole samples."),
    )
    blind_review = forms.BooleanField(
        label=_("Blind review"),
        required=False,
        initial=True,
        help_text=_("Reviewers do not see the proposer's name or organisation."),
    )
    tie_break = forms.ChoiceField(label=_("Tie-break rule"), choices=TieBreak.choices)
    rubric = forms.ModelChoiceField(label=_("Rubric"), queryset=Rubric.objects.all())
    example_costs = forms.BooleanField(
        label=_("Costs are example figures"),
        required=False,
        help_text=_("Shown with the costs, when they are illustrations rather than quoted prices."),
    )


class CallOpenForm(CallSettingsForm):
    title = forms.CharField(label=_("Title (Japanese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)
    eligibility = forms.MultipleChoiceField(
        label=_("Open to"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The rules an organisation must meet to propose; none: any organisation."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    field_order = ["title", "title_en", "opens_on", "closes_on", "eligibility", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eligibility"].choices = rule_choices()
        for value, label in Assay.choices:
            self.fields[f"cost_{value}"] = _yen(
                _("Cost per sample: %(assay)s (yen)") % {"assay": label},
                required=False,
                help_text=_("Empty: not offered. Made from %(material)s; change it on the call's page.")
                % {"material": MaterialType(DEFAULT_MATERIAL[value]).label},
            )

    def assays(self) -> list[tuple[str, str, int]]:
        return [
            (value, DEFAULT_MATERIAL[value], self.cleaned_data[f"cost_{value}"])
            for value in Assay.values
            if self.cleaned_data.get(f"cost_{value}")
        ]


class AssayOfferForm(forms.Form):
    assay = forms.ChoiceField(label=_("Assay"), choices=Assay.choices)
    material = forms.ChoiceField(label=_("Material"), choices=MaterialType.choices, initial=MaterialType.DNA)
    cost_per_sample_yen = _yen(_("Cost per sample (yen)"))


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    sample_set = forms.ModelChoiceField(
        label=_("Sample set"),
        queryset=SavedSearch.objects.none(),
        help_text=_("One of your saved biobank searches; it is counted for the assay's material."),
    )
    assay = forms.ChoiceField(label=_("Assay"))
    samples = IntegerField(
        label=_("Samples"),
        min_value=1,
        max_value=MAX_SAMPLES,
        help_text=_("At most what the sample set holds as you may see it."),
    )
    scientific_case = forms.CharField(
        label=_("Scientific case"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the data will answer and why it matters; reviewers score it."),
    )

    def __init__(self, *args, user: User, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sample_set"].queryset = SavedSearch.objects.filter(user=user).order_by("name")
        self.fields["assay"].choices = [(offer.assay, offer.get_assay_display()) for offer in offers]


class ReviewOpenForm(forms.Form):
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Reviewers"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        help_text=_(
            "The proposer and reviewers from their organisation are left out (conflict of interest)."
        ),
    )
    per_round = IntegerField(label=_("Reviewers per proposal"), min_value=1, max_value=10, initial=2)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
