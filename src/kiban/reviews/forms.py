"""Forms of the review engine: scores on a rubric, a conflict declaration, assignment and decision."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kiban.core.forms import IntegerField
from kiban.core.models import User

from .models import Criterion, Rubric

NOT_APPLICABLE = "na"


class ScoreForm(forms.Form):
    """One score (or "not applicable") and one comment per criterion of the round's rubric."""

    def __init__(self, *args, rubric: Rubric, criteria: list[Criterion], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        choices = [("", "—"), (NOT_APPLICABLE, _("Not applicable"))] + [
            (str(v), str(v)) for v in range(rubric.scale_min, rubric.scale_max + 1)
        ]
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.display_name, choices=choices, help_text=criterion.description
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def values(self) -> dict[int, int | None]:
        raw = {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}
        return {pk: None if value == NOT_APPLICABLE else int(value) for pk, value in raw.items()}

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"comment_{c.pk}"] for c in self.criteria}


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("What is the conflict of interest?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("You will no longer see or score this item, and your scores will not count."),
    )


def _reviewers():
    return User.objects.filter(is_active=True).order_by("username")


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=_reviewers())


class BalancedAssignForm(forms.Form):
    pool = forms.ModelMultipleChoiceField(
        label=_("Pool of reviewers"),
        queryset=_reviewers(),
        help_text=_("Those with the fewest open assignments are chosen first; conflicted ones are skipped."),
    )
    per_round = IntegerField(label=_("Reviewers per round"), min_value=1, max_value=20, initial=3)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"))
    rationale = forms.CharField(
        label=_("Rationale"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Sent to the applicant with the decision and kept in the audit trail."),
    )

    def __init__(self, *args, outcomes: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcomes


class RoundOpenForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("review round", "Title"), max_length=200)
    rubric = forms.ModelChoiceField(label=_("Rubric"), queryset=Rubric.objects.order_by("name"))
    blind = forms.BooleanField(label=_("Blind (hide the applicant from reviewers)"), required=False)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
