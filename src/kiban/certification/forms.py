"""Forms of certification; they mirror the source's table and leave every rule to the services."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kiban.core.fiscal import FiscalYear
from kiban.core.forms import DecimalField, IntegerField
from kiban.core.models import Organisation
from kiban.programmes.models import Programme
from kiban.submissions.eligibility import rule_choices

from .choices import REQUIREMENT_TERMS, FunctionCategory, FunctionClass, OutcomeKind, Provision, Requirement
from .eligibility import CERTIFIED_INSTITUTIONS_ONLY
from .models import STATEMENT_FIELDS, Certificate, CertificationApplication, CertificationRound, FunctionItem

DATE = forms.DateInput(attrs={"type": "date"})


class ApplicationStartForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Round"), queryset=CertificationRound.objects.none())
    organisation = forms.ModelChoiceField(label=_("Institution"), queryset=Organisation.objects.none())
    renews = forms.ModelChoiceField(
        label=_("Renews certificate"),
        queryset=Certificate.objects.none(),
        required=False,
        help_text=_("For a renewal: the certificate it continues."),
    )

    def __init__(self, *args, rounds, organisations, certificates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = rounds
        self.fields["organisation"].queryset = organisations
        self.fields["renews"].queryset = certificates


class StatementsForm(forms.ModelForm):
    """Requirements A–D, each labelled as the source writes it."""

    class Meta:
        model = CertificationApplication
        fields = list(STATEMENT_FIELDS.values())
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in STATEMENT_FIELDS.values()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for requirement, name in STATEMENT_FIELDS.items():
            self.fields[name].label = REQUIREMENT_TERMS[Requirement(requirement)]
            self.fields[name].help_text = Requirement(requirement).label


class FunctionTableForm(forms.Form):
    """One row per item of the table: in place (inside the hub, or for class ② through partners), which
    partners, and a description (for class ③: what is distinctive)."""

    def __init__(self, *args, items: list[FunctionItem], partner_choices, initial_rows: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            choices = [
                (Provision.NOT_IN_PLACE, Provision.NOT_IN_PLACE.label),
                (Provision.IN_HUB, Provision.IN_HUB.label),
            ]
            if item.may_be_met_through_partners:
                choices.append((Provision.THROUGH_PARTNERS, Provision.THROUGH_PARTNERS.label))
            row = initial_rows.get(item.pk, {})
            self.fields[f"{item.code}-provision"] = forms.ChoiceField(
                label=item.name, choices=choices, initial=row.get("provision", Provision.NOT_IN_PLACE)
            )
            if item.may_be_met_through_partners:
                self.fields[f"{item.code}-partners"] = forms.ModelMultipleChoiceField(
                    label=_("Partner organisations"),
                    queryset=partner_choices,
                    required=False,
                    initial=row.get("partners", []),
                    widget=forms.SelectMultiple(attrs={"size": 4}),
                )
            self.fields[f"{item.code}-description"] = forms.CharField(
                label=_("What is distinctive")
                if item.function_class == FunctionClass.DISTINCTIVE
                else _("How"),
                required=False,
                initial=row.get("description", ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def answers(self) -> dict[int, dict]:
        """The cleaned rows by item id, for services.function_responses_save."""
        return {
            item.pk: {
                "provision": self.cleaned_data[f"{item.code}-provision"],
                "partners": list(self.cleaned_data.get(f"{item.code}-partners") or []),
                "description": self.cleaned_data[f"{item.code}-description"],
            }
            for item in self.items
        }

    def bound_rows(self, item: FunctionItem) -> dict:
        return {
            "provision": self[f"{item.code}-provision"],
            "partners": self[f"{item.code}-partners"] if item.may_be_met_through_partners else None,
            "description": self[f"{item.code}-description"],
        }


class StaffMemberForm(forms.Form):
    role = forms.ModelChoiceField(
        label=_("Role (人員)"), queryset=FunctionItem.objects.filter(category=FunctionCategory.STAFF)
    )
    person_name = forms.CharField(label=_("Name"), max_length=120)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    organisation = forms.ModelChoiceField(label=_("Works at"), queryset=Organisation.objects.none())
    fte = DecimalField(
        label=_("FTE"),
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=3,
        decimal_places=2,
        help_text=_("The share of a full-time post given to this role, from 0 to 1."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["role"].label_from_instance = lambda item: f"{item.class_mark} {item.name}"


class OutcomesForm(forms.Form):
    """The institution's own figures: one count per fiscal year and outcome."""

    def __init__(self, *args, fiscal_years: list[int], initial_counts: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fiscal_years = fiscal_years
        for year in fiscal_years:
            for kind in OutcomeKind:
                self.fields[f"{year}-{kind.value}"] = IntegerField(
                    label=f"{FiscalYear(year).label} {kind.label}",
                    min_value=0,
                    initial=initial_counts.get((year, kind.value)),
                    widget=forms.NumberInput(attrs={"min": 0}),
                )

    def counts(self) -> dict[tuple[int, str], int]:
        return {
            (year, kind.value): self.cleaned_data[f"{year}-{kind.value}"]
            for year in self.fiscal_years
            for kind in OutcomeKind
        }

    def grid(self) -> list[tuple[str, list]]:
        return [
            (FiscalYear(year).label, [self[f"{year}-{kind.value}"] for kind in OutcomeKind])
            for year in self.fiscal_years
        ]


class TrainingRecordForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Training of"), queryset=FunctionItem.objects.filter(category=FunctionCategory.TRAINING)
    )
    title = forms.CharField(label=pgettext_lazy("training", "Programme"), max_length=200)
    fiscal_year = IntegerField(label=_("Fiscal year"), min_value=1926, max_value=2200)
    trainees = IntegerField(label=_("Trainees"), min_value=0)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].label_from_instance = lambda item: (
            f"{item.class_mark} {item.group}：{item.name}" if item.group else f"{item.class_mark} {item.name}"
        )


class CallForm(forms.Form):
    title = forms.CharField(label=_("Title (Japanese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.all())
    eligibility = forms.MultipleChoiceField(
        label=_("Open to"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        initial=[CERTIFIED_INSTITUTIONS_ONLY.code],
        help_text=_("The rules an institution must meet to enter; none: any institution."),
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eligibility"].choices = rule_choices()


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Changes asked for"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant's hub staff receive it and may edit and resubmit the application."),
    )


class CallEntryForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Institution"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title of the proposal"), max_length=200)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ValidityForm(forms.Form):
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail, e.g. the decision's wording."),
    )
