"""Forms of seeds: registration and edits, yearly records, outcomes, company interest, NDAs, stage-gates."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kiban.core.choices import OrganisationKind, Role
from kiban.core.fiscal import FiscalYear
from kiban.core.forms import IntegerField
from kiban.core.icd10 import normalise_icd10, validate_icd10
from kiban.core.models import Organisation, User
from kiban.core.selectors import active_users_with_role

from .choices import PIPELINE, Modality, OutcomeKind, ProgrammeSlot, Stage
from .selectors import companies, hubs

_DATE = forms.DateInput(attrs={"type": "date"})
_FIRST_FY, _LAST_FY = 2015, 2040
_INSTITUTION_KINDS = (
    OrganisationKind.UNIVERSITY,
    OrganisationKind.TRANSLATIONAL_HUB,
    OrganisationKind.RESEARCH_INSTITUTE,
)


def _fiscal_year_choices() -> list[tuple[int, str]]:
    return [(year, FiscalYear(year).label) for year in range(_FIRST_FY, _LAST_FY + 1)]


def _current_fiscal_year() -> int:
    return FiscalYear.of(timezone.localdate()).year


class FiscalYearField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Fiscal year"))
        super().__init__(coerce=int, choices=_fiscal_year_choices, **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.username})"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} ({obj.username})"


def _researchers():
    return active_users_with_role(Role.RESEARCHER).order_by("username")


class SeedFieldsForm(forms.Form):
    """What a registration and an edit share."""

    title = forms.CharField(label=_("Seed title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary (public)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Companies looking for seeds read this; keep confidential matters out of it."),
    )
    details = forms.CharField(
        label=_("Details (confidential)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("Open to the team, the hub, the agency and the ministry, and to companies with an NDA."),
    )
    team = PeopleChoiceField(label=_("Team members"), queryset=User.objects.none(), required=False)
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Organisation.objects.none())
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    icd10_code = forms.CharField(
        label=_("Target disease (ICD-10 code)"), max_length=8, help_text=_("e.g. C34.1 or G12.2")
    )
    disease = forms.CharField(label=_("Target disease"), max_length=200, required=False)
    programme_slot = forms.ChoiceField(label=_("Programme slot"), choices=ProgrammeSlot.choices)
    committed_company = forms.ModelChoiceField(
        label=_("Committed company"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Required for a company-committed seed (導出先企業が明確)."),
    )
    support_from_fy = FiscalYearField(label=_("Supported from"))
    support_to_fy = FiscalYearField(label=_("Supported to"))
    listed_for_matching = forms.BooleanField(
        label=_("Listed for companies"),
        required=False,
        initial=True,
        help_text=_("Companies may find the public summary and register interest."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = _researchers()
        self.fields["institution"].queryset = Organisation.objects.filter(
            kind__in=_INSTITUTION_KINDS
        ).order_by("kind", "name")
        self.fields["committed_company"].queryset = companies()

    def clean_icd10_code(self) -> str:
        code = normalise_icd10(self.cleaned_data["icd10_code"])
        validate_icd10(code)
        return code

    def clean(self):
        data = super().clean()
        first, last = data.get("support_from_fy"), data.get("support_to_fy")
        if first and last and last < first:
            self.add_error("support_to_fy", _("Support cannot end before it starts."))
        slot, company = data.get("programme_slot"), data.get("committed_company")
        if slot == ProgrammeSlot.COMPANY_COMMITTED and company is None:
            self.add_error("committed_company", _("Name the company committed to this seed."))
        if slot != ProgrammeSlot.COMPANY_COMMITTED and company is not None:
            self.add_error("committed_company", _("Only a company-committed seed names a committed company."))
        return data


class SeedRegisterForm(SeedFieldsForm):
    """Registration at a hub: hub staff name the principal investigator; a researcher registers their own."""

    hub = forms.ModelChoiceField(label=_("Hub"), queryset=Organisation.objects.none())
    pi = PersonChoiceField(label=_("Principal investigator"), queryset=User.objects.none())
    stage = forms.ChoiceField(
        label=_("Stage at registration"),
        choices=[(s.value, s.label) for s in PIPELINE],
        initial=Stage.SEED_A,
    )
    field_order = ["hub", "title", "summary", "details", "pi", "team", "institution", "modality"]

    def __init__(self, *args, user: User, hub_ids: frozenset[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hub"].queryset = hubs()
        # The scope also holds sharing institutions; only hubs are offered.
        own_hubs = list(hubs().filter(pk__in=hub_ids).values_list("pk", flat=True)[:2])
        if len(own_hubs) == 1:
            self.fields["hub"].initial = own_hubs[0]
        if hub_ids:
            self.fields["pi"].queryset = _researchers()
        else:
            # A researcher registers their own seed: they are its principal investigator.
            del self.fields["pi"]
        self.fields["support_from_fy"].initial = _current_fiscal_year()
        self.fields["support_to_fy"].initial = _current_fiscal_year()


class SeedEditForm(SeedFieldsForm):
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=300,
        required=False,
        help_text=_("Kept in the audit trail."),
    )


class FundingForm(forms.Form):
    fiscal_year = FiscalYearField()
    amount_yen = IntegerField(label=_("Amount granted (yen)"), min_value=0, max_value=10**12)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MilestoneForm(forms.Form):
    fiscal_year = FiscalYearField()
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_on = forms.DateField(label=_("Due"), widget=_DATE)


class MilestoneAchievedForm(forms.Form):
    achieved_on = forms.DateField(label=_("Reached on"), widget=_DATE, initial=datetime.date.today)


class ProgressReportForm(forms.Form):
    fiscal_year = FiscalYearField()
    summary = forms.CharField(label=_("Progress made"), widget=forms.Textarea(attrs={"rows": 4}))


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutcomeKind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=_DATE)
    title = forms.CharField(label=_("Outcome title"), max_length=300)
    reference = forms.CharField(label=_("Reference number"), max_length=100, required=False)
    company = forms.ModelChoiceField(
        label=_("Licensee (license-outs)"), queryset=Organisation.objects.none(), required=False
    )
    scope = forms.CharField(
        label=_("Scope of the license"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies()


class InterestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the hub"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class NdaForm(forms.Form):
    company = forms.ModelChoiceField(label=_("Company"), queryset=Organisation.objects.none())
    signed_on = forms.DateField(label=_("Signed on"), widget=_DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies()


class StageGateOpenForm(forms.Form):
    """Opens a stage-gate review round in the review engine."""

    rubric = forms.ModelChoiceField(label=_("Rubric"), queryset=None)
    title = forms.CharField(label=_("Round title"), max_length=200)
    blind = forms.BooleanField(label=_("Blind review"), required=False)
    due_date = forms.DateField(label=_("Due"), widget=_DATE, required=False)

    def __init__(self, *args, **kwargs):
        from kiban.reviews.models import Rubric

        super().__init__(*args, **kwargs)
        self.fields["rubric"].queryset = Rubric.objects.order_by("pk")
