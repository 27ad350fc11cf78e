"""Forms of the core, and the form fields that read numbers through the input layer (core.inputs)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import TokenScope
from .inputs import MAX_ID
from .models import ApiToken
from .selectors import audited_models

_ASCII_NUMBER = re.compile(r"[+-]?[0-9]+")
_ASCII_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


class AsciiDigitsMixin:
    """For an IntegerField: the digits 0-9 only. int() also reads other scripts' digits ("١٢", full-width
    "１２") and "1_000"; a number typed into a form or a query string is written 0-9 (a sign allowed: the
    field's bounds decide whether a negative number is)."""

    ascii_number = _ASCII_NUMBER

    def to_python(self, value):
        if value not in self.empty_values and not self.ascii_number.fullmatch(str(value).strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class AsciiDecimalMixin(AsciiDigitsMixin):
    """For a DecimalField or FloatField: 0-9 with one point and an exponent; Decimal() and float() read
    other scripts' digits, "1_000", "Infinity" and "NaN" too."""

    ascii_number = _ASCII_DECIMAL


class IntegerField(AsciiDigitsMixin, forms.IntegerField):
    """Django's IntegerField read through ASCII digits only; every form of the project uses this one
    (tests/test_forms_numbers.py checks)."""


class DecimalField(AsciiDecimalMixin, forms.DecimalField):
    """Django's DecimalField read through ASCII digits only."""


class FloatField(AsciiDecimalMixin, forms.FloatField):
    """Django's FloatField read through ASCII digits only."""


class IdField(IntegerField):
    """A record's id in a form or a query string: 1 to the database's largest key."""

    def __init__(self, **kwargs):
        super().__init__(**{"min_value": 1, "max_value": MAX_ID, **kwargs})


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
    scope = forms.ChoiceField(
        label=pgettext_lazy("API token", "Scope"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        required=False,
        help_text=_("A read-only token cannot change anything."),
    )
    days = IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=ApiToken.MAX_DAYS,
        initial=ApiToken.DEFAULT_DAYS,
        required=False,
        help_text=_("1 to 365 days; after that the token is refused and you create a new one."),
    )

    # Left out (a script posting only the name), they take the defaults the form shows.
    def clean_scope(self) -> str:
        return self.cleaned_data.get("scope") or TokenScope.READ

    def clean_days(self) -> int:
        days = self.cleaned_data.get("days")
        return ApiToken.DEFAULT_DAYS if days is None else days


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
