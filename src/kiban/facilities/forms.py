"""Forms of the cryo-EM network; every rule is left to the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kiban.core.forms import AsciiDigitsMixin
from kiban.core.models import Organisation, User

from .choices import BlockKind, Decision, IceQuality, ParticleDistribution, Results, SessionMode, UserClass

DATE = forms.DateInput(attrs={"type": "date"})
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class Count(AsciiDigitsMixin, forms.IntegerField):
    def __init__(self, *, maximum: int, **kwargs):
        super().__init__(min_value=0, max_value=maximum, **kwargs)


def _moment(label):
    return forms.DateTimeField(label=label, widget=MOMENT, input_formats=MOMENT_FORMATS)


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    organisation = forms.ModelChoiceField(label=_("User organisation"), queryset=Organisation.objects.none())
    site = forms.ModelChoiceField(label=_("Host site"), queryset=Organisation.objects.none())
    user_class = forms.ChoiceField(label=_("User class"), choices=UserClass.choices)
    results = forms.ChoiceField(label=_("Results"), choices=Results.choices)
    e1_days = Count(label=_("E1 days"), maximum=366, initial=0)
    e2_days = Count(label=_("E2 days"), maximum=366, initial=0)
    reason = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, organisations, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["site"].queryset = sites


class SampleForm(forms.Form):
    name = forms.CharField(label=_("Sample"), max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class BookingForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=None)
    sample = forms.CharField(
        label=_("Sample"),
        max_length=200,
        required=False,
        help_text=_("Required for E2 time: the screened sample."),
    )
    starts_at = _moment(_("From"))
    ends_at = _moment(_("Until"))
    mode = forms.ChoiceField(label=_("Mode"), choices=SessionMode.choices)
    assisted = forms.BooleanField(label=_("Assisted session"), required=False)
    operator = forms.ModelChoiceField(label=_("Staff operator"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, projects, operators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["operator"].queryset = operators


class BlockForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=BlockKind.choices)
    starts_at = _moment(_("From"))
    ends_at = _moment(_("Until"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CompanySlotForm(forms.Form):
    starts_at = _moment(_("From"))
    ends_at = _moment(_("Until"))
    release_on = forms.DateField(label=_("Open to all from"), widget=DATE)


class QualificationForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    qualified_on = forms.DateField(label=_("Qualified on"), widget=DATE)
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE)


class GridForm(forms.Form):
    sample = forms.CharField(label=_("Sample"), max_length=200)
    grid_type = forms.CharField(label=_("Grid type"), max_length=120)
    blotting = forms.CharField(label=_("Blotting conditions"), max_length=300)
    vitrification = forms.CharField(label=_("Vitrification conditions"), max_length=300)
    trial_number = Count(label=_("Preparation trial"), maximum=999)
    ice_quality = forms.ChoiceField(label=_("Ice quality"), choices=IceQuality.choices)
    particle_distribution = forms.ChoiceField(
        label=_("Particle distribution"), choices=ParticleDistribution.choices
    )
    result = forms.CharField(
        label=_("Screening result"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    decision = forms.ChoiceField(label=_("Go / no-go"), choices=Decision.choices)


class SessionForm(forms.Form):
    started_at = _moment(_("Actual start"))
    ended_at = _moment(_("Actual end"))
    operator = forms.ModelChoiceField(label=_("Operator"), queryset=User.objects.none())
    mode = forms.ChoiceField(label=_("Mode"), choices=SessionMode.choices)
    data_volume_gb = Count(label=_("Data volume (GB)"), maximum=10**7, initial=0)
    dataset_collected = forms.BooleanField(label=_("High-resolution dataset collected"), required=False)
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, operators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = operators


class TopUpForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Deposit"), queryset=None)
    amount_yen = Count(label=_("Payment (yen)"), maximum=10**12)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts


class InvoiceMonthForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=None)
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^20[0-9]{2}-(0[1-9]|1[0-2])$",
        widget=forms.TextInput(attrs={"type": "month"}),
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
