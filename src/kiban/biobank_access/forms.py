"""Forms of access requests: the request from a saved search, its ethics approval document, and the
biobank's steps on its part (a reason, the access conditions, the agreement signed)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kiban.biobank.models import Biobank, SavedSearch
from kiban.core.forms import IntegerField

from .models import MAX_ALIQUOTS, MAX_PARTICIPANTS


class RequestForm(forms.Form):
    """What the researcher writes and asks for; the saved search is chosen only when the draft is made."""

    title = forms.CharField(label=_("Project title"), max_length=200)
    biobanks = forms.ModelMultipleChoiceField(
        label=_("Biobanks to ask"),
        queryset=Biobank.objects.select_related("organisation").order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One part of the request goes to each; each biobank answers its own part."),
    )
    project_summary = forms.CharField(
        label=_("Project summary"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000, required=False
    )
    irb_committee = forms.CharField(label=_("Ethics committee"), max_length=200, required=False)
    irb_number = forms.CharField(label=_("Ethics approval number"), max_length=100, required=False)
    irb_approved_on = forms.DateField(
        label=_("Ethics approval date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    wants_samples = forms.BooleanField(label=_("Samples requested"), required=False)
    wants_data = forms.BooleanField(label=_("Data requested"), required=False)
    participants_wanted = IntegerField(
        label=_("Participants wanted"), min_value=1, max_value=MAX_PARTICIPANTS, required=False
    )
    aliquots_per_participant = IntegerField(
        label=_("Aliquots per participant"), min_value=1, max_value=MAX_ALIQUOTS, required=False
    )
    amount_detail = forms.CharField(
        label=_("What exactly, and how much"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
        help_text=_("e.g. serum 0.5 mL; WGS CRAM and clinical items"),
    )
    data_use_terms = forms.CharField(
        label=_("Intended use of the samples and data"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )
    terms_accepted = forms.BooleanField(
        label=_(
            "I accept the data-use terms: no attempt to re-identify participants, use only for this project, "
            "the biobanks acknowledged in publications."
        ),
        required=False,
    )

    def clean_irb_approved_on(self):
        day = self.cleaned_data.get("irb_approved_on")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("The ethics approval cannot be dated in the future."))
        return day


class NewRequestForm(RequestForm):
    saved_search = forms.ModelChoiceField(label=_("Saved search"), queryset=SavedSearch.objects.none())

    field_order = ["saved_search", "title", "biobanks"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved_search"].queryset = SavedSearch.objects.filter(user=user)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Ethics approval document (PDF, image or Word)"))


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the researcher"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class ConditionsForm(forms.Form):
    conditions = forms.CharField(
        label=_("Access conditions"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ProvideForm(forms.Form):
    note = forms.CharField(
        label=_("How it was provided (tracking number, access path)"), max_length=300, required=False
    )


class AgreementSendForm(forms.Form):
    reference = forms.CharField(label=_("Contract number"), max_length=100, required=False)


class AgreementSignForm(forms.Form):
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}))
    signed_file = forms.FileField(label=_("Signed copy"), required=False)


class InternalNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (the biobanks read it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
