"""Forms of the catalogue's pages: cart, checkout, MTA acceptance, biosafety facilities, packing, shipping,
lots and QC, deposits and reported papers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kiban.core.forms import IntegerField

from .choices import Availability, Biosafety, ColdChain, MtaClause, QcKind, QcResult
from .models import MAX_QUANTITY, MAX_STOCK, BiosafetyFacility, Deposit, Lot
from .selectors import centres


class QuantityForm(forms.Form):
    quantity = IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1)


class CheckoutForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Ordering for"), queryset=None, empty_label=None)
    purpose = forms.CharField(
        label=_("Purpose of use"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class FacilityForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Institution"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("Facility (building and room)"), max_length=200)
    bsl = forms.TypedChoiceField(label=_("Biosafety level"), choices=Biosafety.choices, coerce=int)
    approval_number = forms.CharField(label=_("Biosafety approval number"), max_length=60)
    approved_until = forms.DateField(
        label=_("Approval valid until"), required=False, help_text=_("YYYY-MM-DD")
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class OrderFacilityForm(forms.Form):
    facility = forms.ModelChoiceField(label=_("Biosafety facility"), queryset=None, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = BiosafetyFacility.objects.filter(organisation=organisation)


class MtaForm(forms.Form):
    agree = forms.BooleanField(label=_("I accept these terms for my institution"), required=True)
    signatory_name = forms.CharField(label=_("Institutional signatory"), max_length=150, required=False)
    signatory_title = forms.CharField(label=_("Signatory's title"), max_length=150, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class PackForm(forms.Form):
    cold_chain = forms.ChoiceField(label=_("Cold chain"), choices=ColdChain.choices)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"lot_{line.pk}"] = forms.ModelChoiceField(
                label=_("Lot of %(resource)s") % {"resource": line.resource.number},
                queryset=Lot.objects.filter(resource=line.resource),
            )

    def lots(self) -> dict:
        return {line.pk: self.cleaned_data[f"lot_{line.pk}"] for line in self.lines}


class ShipForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), max_length=100)
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60)


class LotForm(forms.Form):
    lot_number = forms.CharField(label=_("Lot number"), max_length=40)
    prepared_on = forms.DateField(label=_("Prepared on"), help_text=_("YYYY-MM-DD"))
    stock = IntegerField(label=_("Units in stock"), min_value=0, max_value=MAX_STOCK)


class QcForm(forms.Form):
    kind = forms.ChoiceField(label=_("Test"), choices=QcKind.choices)
    result = forms.ChoiceField(label=_("Result"), choices=QcResult.choices)
    value = forms.CharField(label=_("Measured value"), max_length=100, required=False)
    tested_on = forms.DateField(label=_("Tested on"), required=False, help_text=_("YYYY-MM-DD"))


class DepositForm(forms.ModelForm):
    mta_clauses = forms.MultipleChoiceField(
        label=_("The depositor's clauses"),
        choices=MtaClause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Deposit
        fields = [
            "centre", "organisation", "deposit_kind", "resource_type", "resource_class", "name", "species",
            "form", "bsl", "description", "genotype", "strain_background", "accession", "str_profile",
            "insert", "vector", "host_range", "mta_terms", "mta_clauses", "qc_evidence", "reference_doi",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "str_profile": forms.Textarea(attrs={"rows": 2}),
            "qc_evidence": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres()
        self.fields["organisation"].queryset = organisations

    def _post_clean(self):
        # The service runs the model's checks (and names what is missing on submission), not the form.
        pass


class DepositAcceptForm(forms.Form):
    academic_price_yen = IntegerField(label=_("Academic price (yen)"), min_value=0, max_value=10_000_000)
    company_price_yen = IntegerField(label=_("Company price (yen)"), min_value=0, max_value=10_000_000)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PaperForm(forms.Form):
    doi = forms.CharField(
        label=_("DOI of the paper"), max_length=200, help_text=_("e.g. 10.1038/nature12373")
    )


class AvailabilityForm(forms.Form):
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices)
