"""The search form: the common criteria as fields (combined with AND), an optional exclusion, and a criteria
tree in JSON for any combination of AND, OR and NOT."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kiban.core.forms import IntegerField

from .choices import DataType, MaterialType, Sex
from .clinical import MOST_UPDATE_BYTES, AsOf, as_of_check
from .models import OLDEST_AGE, Biobank, Collection, SavedSearch

MOST_TREE_CHARACTERS = 4_000


def _choices(choices, empty) -> list[tuple[str, str]]:
    return [("", empty), *choices]


class SearchForm(forms.Form):
    disease = forms.CharField(
        label=_("Disease (ICD-10)"),
        required=False,
        max_length=20,
        help_text=_("A code (J45), a block (J40-J47) or a chapter (X), with its descendants."),
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=_choices(Sex.choices, _("Any")))
    age_min = IntegerField(
        label=_("Age at enrolment from"), required=False, min_value=0, max_value=OLDEST_AGE
    )
    age_max = IntegerField(label=_("to"), required=False, min_value=0, max_value=OLDEST_AGE)
    material = forms.ChoiceField(
        label=_("Sample available"), required=False, choices=_choices(MaterialType.choices, _("Any"))
    )
    data = forms.ChoiceField(
        label=_("Data available"), required=False, choices=_choices(DataType.choices, _("Any"))
    )
    collection = forms.ChoiceField(label=_("Biobank or collection"), required=False)
    genome = forms.ChoiceField(label=_("Has a genome in dataset"), required=False)
    variant = forms.CharField(
        label=_("Carries variant"),
        required=False,
        max_length=200,
        help_text=_("chromosome-position-reference-alternate, e.g. 22-16013968-T-A, in the dataset above."),
    )
    exclude_disease = forms.CharField(
        label=_("Without disease (ICD-10)"),
        required=False,
        max_length=20,
        help_text=_("NOT: leaves these out."),
    )
    recorded_on = forms.DateField(
        label=_("As recorded on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Counts as the records stood at the end of that day; empty: today's records."),
    )
    true_on = forms.DateField(
        label=_("Clinical facts true on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only diagnoses and clinical facts that were true that day; empty: at any time."),
    )
    tree = forms.CharField(
        label=_("Further criteria (JSON)"),
        required=False,
        max_length=MOST_TREE_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Combined with AND with the fields above, e.g. "
            '{"or": [{"disease": "E11"}, {"not": {"data": "mri"}}]}.'
        ),
    )

    def __init__(self, *args, datasets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        places = [("", _("All biobanks"))]
        for collection in Collection.objects.select_related("biobank").order_by("biobank__code", "code"):
            if not any(value == collection.biobank.code for value, _label in places):
                places.append((collection.biobank.code, collection.biobank.code))
            places.append((str(collection), f"— {collection.display_name}"))
        self.fields["collection"].choices = places
        self.fields["genome"].choices = [("", _("Any")), *[(d, d) for d in datasets]]

    def clean_tree(self) -> Any:
        text = self.cleaned_data["tree"].strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(_("This is not JSON: %(why)s.") % {"why": error.msg}) from error

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("variant") and not cleaned.get("genome"):
            self.add_error("genome", _("Choose the dataset the variant is looked up in."))
        for name in ("recorded_on", "true_on"):
            try:
                as_of_check(cleaned.get(name), None)
            except forms.ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def as_of(self) -> AsOf:
        return AsOf(
            recorded_on=self.cleaned_data.get("recorded_on"), true_on=self.cleaned_data.get("true_on")
        )

    def criteria(self) -> dict[str, Any] | None:
        """The fields as one AND tree; None when nothing is asked."""
        data = self.cleaned_data
        parts: list[dict[str, Any]] = []
        for name in ("disease", "sex", "material", "data"):
            if data.get(name):
                parts.append({name: data[name]})
        ages = {end: data[f"age_{end}"] for end in ("min", "max") if data.get(f"age_{end}") is not None}
        if ages:
            parts.append({"age": ages})
        if data.get("collection"):
            key = "collection" if "/" in data["collection"] else "biobank"
            parts.append({key: data["collection"]})
        if data.get("variant"):
            parts.append({"variant": data["variant"], "dataset": data["genome"]})
        elif data.get("genome"):
            parts.append({"genome": data["genome"]})
        if data.get("exclude_disease"):
            parts.append({"not": {"disease": data["exclude_disease"]}})
        if data.get("tree") is not None:
            parts.append(data["tree"])
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else {"and": parts}


class SaveSearchForm(forms.ModelForm):
    criteria_json = forms.CharField(widget=forms.HiddenInput, max_length=MOST_TREE_CHARACTERS * 2)

    class Meta:
        model = SavedSearch
        fields = ["name", "recorded_on", "true_on"]
        widgets = {"recorded_on": forms.HiddenInput, "true_on": forms.HiddenInput}


class UpdateUploadForm(forms.Form):
    """A curator's file of clinical updates for one of the biobanks they curate."""

    biobank = forms.ModelChoiceField(
        label=_("Biobank"), queryset=Biobank.objects.none(), to_field_name="code"
    )
    file = forms.FileField(
        label=_("File of updates (.csv or .tsv)"),
        help_text=_("At most 10 MB; the format is described below."),
    )

    def __init__(self, *args, biobanks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["biobank"].queryset = biobanks
        if len(biobanks) == 1:
            self.fields["biobank"].initial = biobanks[0].code

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MOST_UPDATE_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB: split it."))
        return upload


class TimelineForm(forms.Form):
    """Opens a participant's timeline by the biobank's pseudonymous id."""

    biobank = forms.ModelChoiceField(
        label=_("Biobank"), queryset=Biobank.objects.none(), to_field_name="code"
    )
    participant = forms.CharField(label=_("Pseudonymous id"), max_length=60)

    def __init__(self, *args, biobanks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["biobank"].queryset = biobanks
        if len(biobanks) == 1:
            self.fields["biobank"].initial = biobanks[0].code


def _json_or_none(text: str):
    text = text.strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise forms.ValidationError(_("This is not JSON: %(why)s.") % {"why": error.msg}) from error


class AssociationForm(forms.Form):
    dataset = forms.ChoiceField(label=_("Genome dataset"))
    region = forms.CharField(
        label=_("Region"),
        max_length=60,
        help_text=_("chromosome:start-end, at most 1 Mb, e.g. 22:16000000-16100000."),
    )
    case_disease = forms.CharField(
        label=_("Cases: disease (ICD-10)"),
        required=False,
        max_length=20,
        help_text=_("With its descendants."),
    )
    cases = forms.CharField(
        label=_("Cases (JSON criteria)"),
        required=False,
        max_length=MOST_TREE_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    controls = forms.CharField(
        label=_("Controls (JSON criteria)"),
        required=False,
        max_length=MOST_TREE_CHARACTERS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Left empty: everyone linked to the dataset without the cases' disease."),
    )

    def __init__(self, *args, datasets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(d, d) for d in datasets]

    def clean_cases(self):
        return _json_or_none(self.cleaned_data["cases"])

    def clean_controls(self):
        return _json_or_none(self.cleaned_data["controls"])

    def clean(self):
        cleaned = super().clean()
        disease = (cleaned.get("case_disease") or "").strip()
        cases = cleaned.get("cases")
        if not self.errors:
            if not disease and cases is None:
                raise forms.ValidationError(_("Define the cases: a disease, JSON criteria or both."))
            parts = ([{"disease": disease}] if disease else []) + ([cases] if cases is not None else [])
            cleaned["case_tree"] = parts[0] if len(parts) == 1 else {"and": parts}
            controls = cleaned.get("controls")
            if controls is None:
                if not disease:
                    raise forms.ValidationError(_("Define the controls when the cases have no disease."))
                controls = {"and": [{"genome": cleaned["dataset"]}, {"not": {"disease": disease}}]}
            cleaned["control_tree"] = controls
        return cleaned
