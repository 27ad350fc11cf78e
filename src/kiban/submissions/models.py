"""The request lifecycle: an abstract submission on django-fsm-2 and calls (公募) with eligibility rules."""

import datetime

from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from kiban.core.language import is_japanese
from kiban.core.models import User

from .choices import EDITABLE_STATES, PENDING_STATES, SubmissionState
from .eligibility import EligibilityRule, rule

S = SubmissionState


def _uses(target: str):
    """A transition condition: the subclass names the target state among its choices (certification has
    no "in progress"), so a state it does not know is refused like any other illegal transition."""

    def condition(instance) -> bool:
        return target in {value for value, _label in type(instance)._meta.get_field("state").choices}

    return condition


class Submission(FSMModelMixin, models.Model):
    """A request that is drafted, submitted, screened or reviewed, decided and carried out.

    A subclass keeps the field names, may override `state` with its own labels for the same values, adds
    its own `submission_problems()`, `applicant_users()`, `handler_users()` and `lifecycle_notice()`, and
    defines the permissions `<app>.<action>_<model>` that the services check (see services.ACTIONS).
    A subclass with a `call` foreign key to Call is checked against the call's window and rules on
    submission. Write only through kiban.submissions.services: `state` is protected."""

    state = FSMField(
        _("state"), max_length=20, choices=SubmissionState.choices, default=S.DRAFT, protected=True
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_by = models.ForeignKey(
        User,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned for changes"), null=True, blank=True)
    return_reason = models.TextField(_("changes asked for"), blank=True)
    resubmitted_at = models.DateTimeField(_("resubmitted"), null=True, blank=True)
    review_started_at = models.DateTimeField(_("review started"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None) -> None:
        # Cleaning writes each value back, which a protected field refuses; the transitions (with the
        # _uses condition) only ever set a state the subclass names.
        super().clean_fields(exclude={*(exclude or ()), "state"})

    # --- what the services ask of a subclass
    def submission_problems(self) -> list[str]:
        """What is still missing before the request may be submitted (empty when complete); a subclass
        returns super().submission_problems() plus its own."""
        return []

    def applicant_users(self) -> list[User]:
        """Who is told of a return, a decision, the start and the completion."""
        return [u for u in (self.created_by, self.submitted_by) if u is not None]

    def handler_users(self) -> list[User]:
        """Who is told of a submission, a resubmission and a withdrawal (the office handling requests)."""
        return []

    def lifecycle_notice(self, action: str, actor: User) -> tuple[str, str] | None:
        """(subject, body) of the notification of an action, or None when the subclass sends its own."""
        return None

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES

    @property
    def is_returned(self) -> bool:
        return self.state == S.RETURNED

    @property
    def is_accepted(self) -> bool:
        return self.state == S.ACCEPTED

    # --- the transitions; call them through the services, which check, audit and notify
    @transition(field="state", source=S.DRAFT, target=S.SUBMITTED, conditions=[_uses(S.SUBMITTED)])
    def submit(self) -> None:
        """The applicant sends a complete draft; it can no longer be edited."""

    @transition(
        field="state",
        source=[S.SUBMITTED, S.RESUBMITTED, S.UNDER_REVIEW],
        target=S.RETURNED,
        conditions=[_uses(S.RETURNED)],
    )
    def return_for_changes(self) -> None:
        """Screening or review sends it back (差戻し) with the changes asked for; the applicant edits it."""

    @transition(field="state", source=S.RETURNED, target=S.RESUBMITTED, conditions=[_uses(S.RESUBMITTED)])
    def resubmit(self) -> None:
        """The applicant sends the changed request again."""

    @transition(
        field="state",
        source=[S.SUBMITTED, S.RESUBMITTED],
        target=S.UNDER_REVIEW,
        conditions=[_uses(S.UNDER_REVIEW)],
    )
    def start_review(self) -> None:
        """Reviewers start scoring it."""

    @transition(
        field="state",
        source=[S.SUBMITTED, S.RESUBMITTED, S.UNDER_REVIEW],
        target=S.ACCEPTED,
        conditions=[_uses(S.ACCEPTED)],
    )
    def accept(self) -> None:
        """It is granted."""

    @transition(
        field="state",
        source=[S.SUBMITTED, S.RESUBMITTED, S.UNDER_REVIEW],
        target=S.REJECTED,
        conditions=[_uses(S.REJECTED)],
    )
    def reject(self) -> None:
        """It is not granted."""

    @transition(
        field="state",
        source=[S.DRAFT, S.SUBMITTED, S.RETURNED, S.RESUBMITTED, S.UNDER_REVIEW],
        target=S.WITHDRAWN,
        conditions=[_uses(S.WITHDRAWN)],
    )
    def withdraw(self) -> None:
        """The applicant gives it up before it is decided."""

    @transition(field="state", source=S.ACCEPTED, target=S.IN_PROGRESS, conditions=[_uses(S.IN_PROGRESS)])
    def start(self) -> None:
        """The accepted work (support, access, an order) begins."""

    @transition(field="state", source=S.IN_PROGRESS, target=S.COMPLETED, conditions=[_uses(S.COMPLETED)])
    def complete(self) -> None:
        """The work is done."""


def _rule_codes_valid(value) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Eligibility is a list of rule codes."), "eligibility")
    for code in value:
        try:
            rule(code)
        except LookupError:
            raise ValidationError(
                _("There is no eligibility rule “%(code)s”.") % {"code": code}, "eligibility"
            ) from None


class Call(models.Model):
    """A call (公募) of one system: open from one day to another, to the organisations its rules admit."""

    system = models.SlugField(
        _("system"), max_length=40, help_text=_("The app whose pages show the call, e.g. certification.")
    )
    title = models.CharField(_("title (Japanese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
    )
    eligibility = models.JSONField(
        _("eligibility rules"), default=list, blank=True, validators=[_rule_codes_valid]
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("closes_on")), name="submission_call_dates_ordered"
            )
        ]
        indexes = [models.Index(fields=["system", "opens_on"], name="call_system_opens")]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        """The owning system's call page, by the convention `<system>:call-detail`."""
        try:
            return reverse(f"{self.system}:call-detail", args=[self.pk])
        except NoReverseMatch:
            return ""

    @property
    def display_title(self) -> str:
        return self.title if is_japanese() else self.title_en

    @property
    def rules(self) -> list[EligibilityRule]:
        return [rule(code) for code in self.eligibility]

    def is_open(self, on: datetime.date) -> bool:
        return self.opens_on <= on <= self.closes_on
