"""Agreements between organisations about a record, their parties, dates, scope, signed file and state."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from kiban.core.models import Attachment, Organisation

from .choices import LIVE_STATES, AgreementKind, AgreementState, PartyRole


def parties_key(organisation_ids) -> str:
    """The parties as one value the uniqueness constraint can compare: their ids, sorted, joined by '-'."""
    return "-".join(str(pk) for pk in sorted(set(organisation_ids)))


class AgreementQuerySet(models.QuerySet):
    def about(self, record: models.Model) -> "AgreementQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)

    def about_model(self, model: type[models.Model]) -> "AgreementQuerySet":
        """Agreements about any record of the model; filter `object_id` (e.g. on an OuterRef) to narrow."""
        return self.filter(content_type=ContentType.objects.get_for_model(model))

    def live(self) -> "AgreementQuerySet":
        return self.filter(state__in=LIVE_STATES)

    def in_force(self, on: datetime.date | None = None) -> "AgreementQuerySet":
        """Signed, already effective and not past its expiry on the day (today by default), whether or not
        the expiry has yet been recorded by `services.agreements_expire`."""
        on = on or timezone.localdate()
        return self.filter(
            models.Q(effective_on__isnull=True) | models.Q(effective_on__lte=on),
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=on),
            state=AgreementState.SIGNED,
        )

    def with_party(self, organisation_ids, role: str | None = None) -> "AgreementQuerySet":
        """Agreements one of the organisations is a party to (in that role, when given)."""
        parties = AgreementParty.objects.filter(
            agreement=models.OuterRef("pk"), organisation_id__in=list(organisation_ids)
        )
        if role is not None:
            parties = parties.filter(role=role)
        return self.filter(models.Exists(parties))


class Agreement(FSMModelMixin, models.Model):
    """An agreement of one kind between organisations about one record (a seed, a resource order, a data
    access request …): its parties, dates, scope, the signed file and where it stands.

    The state changes only through the transitions below, called from `services`; assigning `state`
    directly raises AttributeError.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=AgreementKind.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    parties_key = models.CharField(max_length=200, editable=False)
    reference = models.CharField(
        _("reference number"), max_length=100, blank=True, help_text=_("The contract number, if any.")
    )
    scope = models.TextField(_("scope"), blank=True, help_text=_("What the agreement covers."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    state = FSMField(
        _("state"),
        max_length=20,
        choices=AgreementState.choices,
        default=AgreementState.DRAFT,
        protected=True,
    )
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, help_text=_("Empty: no expiry."))
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    signed_file = models.ForeignKey(
        Attachment,
        verbose_name=_("signed file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    history = HistoricalRecords()

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "kind"], name="agreement_subject")]
        constraints = [
            # One live agreement of a kind between the same parties about the same record; a concurrent
            # second insert fails here and `services.agreement_create` refuses it.
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "parties_key"],
                condition=models.Q(state__in=LIVE_STATES),
                name="agreement_one_live_per_parties",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(effective_on__isnull=True)
                | models.Q(expires_on__gte=models.F("effective_on")),
                name="agreement_expires_after_effective",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=AgreementState.SIGNED) | models.Q(signed_on__isnull=False),
                name="agreement_signed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def clean(self) -> None:
        if self.effective_on and self.expires_on and self.expires_on < self.effective_on:
            raise ValidationError({"expires_on": _("An agreement cannot expire before it takes effect.")})

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    def is_in_force(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.state == AgreementState.SIGNED
            and (self.effective_on is None or self.effective_on <= on)
            and (self.expires_on is None or self.expires_on >= on)
        )

    def standing_label(self, on: datetime.date | None = None) -> str:
        """The state as a reader needs it: a signed agreement past its expiry reads “Expired”, and one not
        yet effective “Not yet in force”, before any job has recorded it."""
        on = on or timezone.localdate()
        if self.state == AgreementState.SIGNED:
            if self.expires_on is not None and self.expires_on < on:
                return str(AgreementState.EXPIRED.label)
            if self.effective_on is not None and self.effective_on > on:
                return str(_("Not yet in force"))
        return self.get_state_display()

    # --- the state machine; the services lock the row, check the dates and write the history
    @transition(field=state, source=AgreementState.DRAFT, target=AgreementState.SENT)
    def send(self) -> None:
        """Sent to the other parties for signature."""

    @transition(field=state, source=[AgreementState.DRAFT, AgreementState.SENT], target=AgreementState.SIGNED)
    def sign(self, signed_on: datetime.date) -> None:
        """Signed by every party; an agreement negotiated elsewhere is recorded signed from its draft."""
        self.signed_on = signed_on
        self.effective_on = self.effective_on or signed_on

    @transition(field=state, source=AgreementState.SIGNED, target=AgreementState.EXPIRED)
    def expire(self) -> None:
        self.ended_on = self.expires_on

    @transition(field=state, source=AgreementState.SIGNED, target=AgreementState.TERMINATED)
    def terminate(self, ended_on: datetime.date) -> None:
        self.ended_on = ended_on

    @transition(
        field=state, source=[AgreementState.DRAFT, AgreementState.SENT], target=AgreementState.WITHDRAWN
    )
    def withdraw(self) -> None:
        """Abandoned before signature."""


class AgreementParty(models.Model):
    """An organisation that is party to an agreement, in a role its kind names (discloser, recipient …)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="agreement_parties",
    )
    role = models.CharField(_("role"), max_length=20, choices=PartyRole.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["agreement", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="agreement_party_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"
