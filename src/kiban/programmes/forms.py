"""Forms of programmes and budgets."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from kiban.core.forms import DecimalField, IntegerField
from kiban.core.money import MILLION


class BudgetChangeForm(forms.Form):
    """A corrected amount in 百万円 (as the source states amounts), the version it edits, and why."""

    amount_million = DecimalField(
        label=_("Amount (million yen, 百万円)"), min_value=Decimal(0), max_digits=15, decimal_places=6
    )
    version = IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail and sent to the ministry and the agency."),
    )

    def amount_yen(self) -> int:
        try:
            return int(self.cleaned_data["amount_million"] * MILLION)
        except (InvalidOperation, TypeError) as error:
            raise forms.ValidationError(_("Enter the amount as a number of million yen.")) from error
