"""Access requests to the biobanks (分譲): one researcher's request from a saved search, its ethics approval
and what it asks for; one part per biobank addressed, each with its own state machine and timeline."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from kiban.agreements.choices import AgreementState
from kiban.agreements.models import Agreement
from kiban.biobank.models import Biobank, SavedSearch
from kiban.core.models import Attachment, Organisation, User
from kiban.submissions.choices import SubmissionState
from kiban.submissions.models import Submission

from .choices import BIOBANK_OWES_STATES, ENDED_PART_STATES, PartState, PartStep

P = PartState
MAX_PARTICIPANTS = 1_000_000  # participants asked for: past any biobank's size
MAX_ALIQUOTS = 100  # aliquots per participant
DEFAULT_REMINDER_DAYS = 14


def reminder_days() -> int:
    """Days a biobank may leave a part unanswered before it is reminded and the desk marks it overdue: the
    setting KIBAN_BIOBANK_ACCESS_REMINDER_DAYS (settings.py reads it from the environment); a value that is
    not a whole number from 1 to 365 falls back to 14."""
    value = getattr(settings, "KIBAN_BIOBANK_ACCESS_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_REMINDER_DAYS
    return days if 1 <= days <= 365 else DEFAULT_REMINDER_DAYS


class AccessRequest(Submission):
    """A researcher's access request (分譲申請) to one or more biobanks, made from a saved search of theirs:
    the project, its ethics approval (倫理審査委員会), what is asked (samples and/or data, how much) and the
    data-use terms accepted. Its lifecycle is the shared Submission's; it follows its parts (services)."""

    state = FSMField(
        _("state"),
        max_length=20,
        choices=SubmissionState.choices,
        default=SubmissionState.DRAFT,
        protected=True,
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("researcher's institution"), on_delete=models.PROTECT, related_name="+"
    )
    saved_search = models.ForeignKey(
        SavedSearch,
        verbose_name=_("saved search"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="access_requests",
    )
    search_name = models.CharField(_("search"), max_length=120)
    criteria = models.JSONField(_("search criteria"))
    total_shown = models.CharField(_("matching participants (as shown)"), max_length=40, blank=True)
    title = models.CharField(_("project title"), max_length=200)
    project_summary = models.TextField(_("project summary"), blank=True)
    irb_committee = models.CharField(_("ethics committee"), max_length=200, blank=True)
    irb_number = models.CharField(_("ethics approval number"), max_length=100, blank=True)
    irb_approved_on = models.DateField(_("ethics approval date"), null=True, blank=True)
    irb_document = models.ForeignKey(
        Attachment,
        verbose_name=_("ethics approval document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    wants_samples = models.BooleanField(_("samples requested"), default=False)
    wants_data = models.BooleanField(_("data requested"), default=False)
    participants_wanted = models.PositiveIntegerField(
        _("participants wanted"), null=True, blank=True, validators=[MaxValueValidator(MAX_PARTICIPANTS)]
    )
    aliquots_per_participant = models.PositiveSmallIntegerField(
        _("aliquots per participant"), null=True, blank=True, validators=[MaxValueValidator(MAX_ALIQUOTS)]
    )
    amount_detail = models.TextField(
        _("what exactly, and how much"),
        blank=True,
        help_text=_("e.g. serum 0.5 mL; WGS CRAM and clinical items"),
    )
    data_use_terms = models.TextField(
        _("intended use of the samples and data"),
        blank=True,
        help_text=_("What the project does with them, where they are kept, who may use them."),
    )
    terms_accepted = models.BooleanField(
        _("data-use terms accepted"),
        default=False,
        help_text=_(
            "No attempt to re-identify participants; use only for this project; results acknowledged."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("biobank_access:request-detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.state == SubmissionState.DRAFT

    def submission_problems(self) -> list[str]:
        problems = super().submission_problems()
        if not self.project_summary.strip():
            problems.append(str(_("Write the project summary.")))
        if not self.irb_number.strip() or not self.irb_committee.strip() or self.irb_approved_on is None:
            problems.append(str(_("Give the ethics committee, the approval number and the approval date.")))
        if self.irb_document_id is None:
            problems.append(str(_("Upload the ethics approval document.")))
        if not (self.wants_samples or self.wants_data):
            problems.append(str(_("Say whether samples, data or both are requested.")))
        if self.wants_samples and not (self.participants_wanted and self.aliquots_per_participant):
            problems.append(str(_("Give the number of participants and aliquots per participant wanted.")))
        if not self.amount_detail.strip():
            problems.append(str(_("Say exactly what is asked for, and how much.")))
        if not self.data_use_terms.strip():
            problems.append(str(_("Describe the intended use of the samples and data.")))
        if not self.terms_accepted:
            problems.append(str(_("Accept the data-use terms.")))
        if not self.parts.exists():
            problems.append(str(_("Address the request to at least one biobank.")))
        return problems

    def handler_users(self) -> list[User]:
        # Each biobank hears of its own part only (services send those notices), never of the others'.
        return []

    def lifecycle_notice(self, action: str, actor: User) -> tuple[str, str] | None:
        return None


class AccessPartQuerySet(models.QuerySet):
    def with_signature_pending(self) -> "AccessPartQuerySet":
        """Each part annotated `signature_sent`: one of its agreements is sent and not yet signed (so the
        researcher's institution, not the biobank, owes the next step of an approved part)."""
        sent = Agreement.objects.about_model(AccessPart).filter(
            object_id=models.OuterRef("pk"), state=AgreementState.SENT
        )
        return self.annotate(signature_sent=models.Exists(sent))

    def biobank_owes(self) -> "AccessPartQuerySet":
        """The parts whose biobank owes the next step (the rule of AccessPart.biobank_owes)."""
        return (
            self.with_signature_pending()
            .filter(state__in=BIOBANK_OWES_STATES)
            .exclude(state=P.APPROVED, signature_sent=True)
        )


class AccessPart(FSMModelMixin, models.Model):
    """The part of an access request addressed to one biobank: where it stands there, the access conditions
    the biobank indicated, the counts the researcher was shown for it, and the biobank's internal note.

    The state is protected: it changes only through the transitions below, called from `services`."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="parts")
    biobank = models.ForeignKey(
        Biobank, verbose_name=_("biobank"), on_delete=models.PROTECT, related_name="access_parts"
    )
    state = FSMField(_("state"), max_length=20, choices=PartState.choices, default=P.DRAFT, protected=True)
    counts_shown = models.CharField(_("matching participants (as shown)"), max_length=40, blank=True)
    collections_shown = models.JSONField(_("per collection (as shown)"), default=list, blank=True)
    conditions = models.TextField(_("access conditions"), blank=True)
    outcome_reason = models.TextField(_("reason given"), blank=True)
    provided_note = models.CharField(
        _("how it was provided"),
        max_length=300,
        blank=True,
        help_text=_("e.g. the shipment's tracking number"),
    )
    internal_note = models.TextField(
        _("internal note"), blank=True, help_text=_("Read only by this biobank's curators.")
    )
    moved_at = models.DateTimeField(_("last step"), default=timezone.now)
    reminded_for = models.DateTimeField(_("reminded of the step of"), null=True, blank=True)
    history = HistoricalRecords()
    objects = AccessPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("part of an access request")
        verbose_name_plural = _("parts of access requests")
        ordering = ["request", "biobank__code"]
        constraints = [
            models.UniqueConstraint(fields=["request", "biobank"], name="biobank_access_one_part_per_biobank")
        ]

    def __str__(self) -> str:
        return f"{self.request} — {self.biobank.code}"

    def get_absolute_url(self) -> str:
        return reverse("biobank_access:part-detail", args=[self.pk])

    def clean_fields(self, exclude=None) -> None:
        # Cleaning writes each value back, which a protected field refuses; the transitions set the state.
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def is_ended(self) -> bool:
        return self.state in ENDED_PART_STATES

    @property
    def awaiting_signature(self) -> bool:
        """An agreement of the (approved) part is sent and not yet signed: the researcher's institution owes
        the signature. Read from the `signature_sent` annotation when the list has it."""
        if "signature_sent" in self.__dict__:
            return bool(self.__dict__["signature_sent"])
        return Agreement.objects.about(self).filter(state=AgreementState.SENT).exists()

    @property
    def biobank_owes(self) -> bool:
        """The biobank owes the next step: in one of BIOBANK_OWES_STATES, except an approved part whose
        agreement waits for the researcher's institution to sign it."""
        if self.state not in BIOBANK_OWES_STATES:
            return False
        return not (self.state == P.APPROVED and self.awaiting_signature)

    def age_days(self, now: datetime.datetime | None = None) -> int:
        """Whole days since the part's last step."""
        return ((now or timezone.now()) - self.moved_at).days

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        return self.biobank_owes and self.age_days(now) >= reminder_days()

    # --- transitions; call them through services, which check, lock, audit and notify
    @transition(field=state, source=P.DRAFT, target=P.SUBMITTED)
    def submit(self) -> None:
        """The researcher sent the request."""

    @transition(field=state, source=P.SUBMITTED, target=P.CHECKING)
    def start_check(self) -> None:
        """The biobank checks whether it holds what is asked."""

    @transition(field=state, source=P.CHECKING, target=P.AVAILABLE)
    def mark_available(self) -> None:
        """The biobank holds it."""

    @transition(field=state, source=P.CHECKING, target=P.UNAVAILABLE)
    def mark_unavailable(self) -> None:
        """The biobank does not hold it (or cannot give it): the part ends."""

    @transition(field=state, source=P.AVAILABLE, target=P.CONDITIONS)
    def indicate_conditions(self) -> None:
        """The biobank states its access conditions (fees, co-authorship, its own forms)."""

    @transition(field=state, source=[P.AVAILABLE, P.CONDITIONS], target=P.CONDITIONS_MET)
    def meet_conditions(self) -> None:
        """The researcher has met the conditions (or the biobank asks none beyond the request)."""

    @transition(field=state, source=P.CONDITIONS_MET, target=P.UNDER_REVIEW)
    def start_review(self) -> None:
        """The biobank's access committee reviews it (a review round is opened)."""

    @transition(field=state, source=P.UNDER_REVIEW, target=P.APPROVED)
    def approve(self) -> None:
        """The committee approves it."""

    @transition(field=state, source=P.UNDER_REVIEW, target=P.DECLINED)
    def decline(self) -> None:
        """The committee declines it: the part ends."""

    @transition(field=state, source=P.APPROVED, target=P.PROVIDED)
    def provide(self) -> None:
        """The data is made available or the samples shipped, once the agreement is signed."""

    @transition(
        field=state,
        source=[
            P.DRAFT,
            P.SUBMITTED,
            P.CHECKING,
            P.AVAILABLE,
            P.CONDITIONS,
            P.CONDITIONS_MET,
            P.UNDER_REVIEW,
        ],
        target=P.WITHDRAWN,
    )
    def withdraw(self) -> None:
        """The researcher withdrew the request before this part was approved."""


class PartEvent(models.Model):
    """One step on a part's timeline: what happened (named in the reader's language when shown), who did it,
    when, and the reason or note they gave. The part's history (audit trail) records the same change."""

    part = models.ForeignKey(AccessPart, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=20, choices=PartStep.choices)
    state = models.CharField(_("state after"), max_length=20, choices=PartState.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("reason or note"), blank=True)

    class Meta:
        verbose_name = _("step of an access request")
        verbose_name_plural = _("steps of access requests")
        ordering = ["part", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.part}: {self.get_step_display()}"


class PartMessage(models.Model):
    """One message between the researcher and the biobank about the biobank's part (a question on the
    conditions, how they were met); the other biobanks of the request never read it."""

    part = models.ForeignKey(AccessPart, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("message about an access request")
        verbose_name_plural = _("messages about access requests")
        ordering = ["part", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"
