"""Forms of BINDS support pages; the rules themselves are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kiban.core.forms import AsciiDigitsMixin
from kiban.core.models import Organisation, User
from kiban.facilities.choices import Results

from .choices import OutcomeKind, ScreeningDecision
from .identifiers import outcome_identifier_problem
from .models import MAX_DAYS, MenuItem, SupportApplication, SupportUnit


class DaysField(AsciiDigitsMixin, forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=MAX_DAYS, required=False, initial=0, **kwargs)


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = SupportApplication
        fields = [
            "title",
            "research_summary",
            "target_name",
            "uniprot_accession",
            "funding",
            "funding_detail",
            "young_researcher",
            "confidential",
        ]
        widgets = {"research_summary": forms.Textarea(attrs={"rows": 6})}


class ItemAddForm(forms.Form):
    menu_item = forms.ModelChoiceField(label=_("Support"), queryset=MenuItem.objects.select_related("unit"))
    handoff_note = forms.CharField(label=_("Hand-off to the next step"), max_length=300, required=False)
    e1_days = DaysField(label=_("E1 days (cryo-EM only)"))
    e2_days = DaysField(label=_("E2 days (cryo-EM only)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["menu_item"].label_from_instance = lambda item: f"{item.unit} — {item}"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class RouteForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=SupportUnit.objects.filter(is_headquarters=False))


class ScreenForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ScreeningDecision.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    changes = forms.CharField(
        label=_("Changes (when accepting with changes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )


class FacilityProjectForm(forms.Form):
    """An accepted cryo-EM item's site (one of those the support names) and whether results stay open."""

    site = forms.ModelChoiceField(label=_("Cryo-EM site"), queryset=Organisation.objects.none())
    results = forms.ChoiceField(label=_("Results"), choices=Results.choices)

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None:
            self.fields["site"].queryset = item.menu_item.institutions.order_by("name")


class TaskPlanForm(forms.Form):
    responsible = forms.ModelChoiceField(
        label=_("Responsible staff"), queryset=User.objects.none(), required=False
    )
    planned_start = forms.DateField(label=_("Planned start"), required=False)
    planned_end = forms.DateField(label=_("Planned end"), required=False)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit is not None:
            self.fields["responsible"].queryset = User.objects.filter(binds_units__unit=unit).distinct()


class TaskFinishForm(forms.Form):
    result_note = forms.CharField(label=_("What is handed on"), required=False, max_length=2000)


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ReportForm(forms.Form):
    summary = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000)
    is_final = forms.BooleanField(label=_("Final report"), required=False)


class OutcomeForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit whose support it used"), queryset=SupportUnit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=OutcomeKind.choices)
    identifier = forms.CharField(
        label=_("Identifier"),
        max_length=200,
        help_text=_("DOI 10.xxxx/…, PDB 7K3G, EMDB EMD-12345, patent number"),
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    acknowledges_binds = forms.BooleanField(label=_("Acknowledges BINDS support"), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("kind") and data.get("identifier"):
            problem = outcome_identifier_problem(data["kind"], data["identifier"])
            if problem:
                self.add_error("identifier", problem)
        return data
