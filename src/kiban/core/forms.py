"""Forms of the core."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import audited_models


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=_("Record type"), required=False)
    username = forms.CharField(label=_("User name"), required=False, max_length=150)
    change_type = forms.ChoiceField(
        label=_("Change"),
        required=False,
        choices=[("", _("Any")), ("+", _("Created")), ("~", _("Changed")), ("-", _("Deleted"))],
    )
    reason = forms.CharField(label=_("Reason contains"), required=False, max_length=200)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", _("Any"))] + [
            (label, model._meta.verbose_name) for label, model in audited_models().items()
        ]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("“From” must not be after “To”."))
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=100, help_text=_("What the token is for, e.g. “analysis notebook”.")
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
