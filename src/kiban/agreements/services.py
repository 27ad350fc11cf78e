"""Writes of agreements: drafting, sending, signing (with the signed file), ending and expiring them.

Every function is keyword-only and runs in one transaction; what it saves goes through
kiban.core.audit.audited_save with the acting user, so the audit trail says who did what, when and why.
A transition the agreement's state does not allow is refused with a message saying where it stands.
The app whose record the agreement is about decides who may act (`registry.AgreementAdapter.can_manage`).
"""

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from kiban.core.audit import audited_save
from kiban.core.errors import StateConflict
from kiban.core.models import Organisation, User
from kiban.core.services import attachment_create

from .choices import KIND_ROLES, AgreementKind, AgreementState, PartyRole
from .models import Agreement, AgreementParty, parties_key
from .registry import adapter_for

DUPLICATE_CODE = "duplicate_agreement"


class DuplicateAgreement(StateConflict):
    """A second live agreement of a kind between the same parties about the same record: the API answers
    409 Conflict with code `duplicate_agreement`."""

    def __init__(self, message: str) -> None:
        super().__init__(message, DUPLICATE_CODE)


def _require_manager(record: models.Model | None, actor: User) -> None:
    if record is None:
        raise ValidationError(_("The record this agreement is about no longer exists."), "no_record")
    adapter = adapter_for(record)
    if adapter is None:
        raise ValidationError(
            _("Agreements cannot be made about this record (%(model)s).")
            % {"model": record._meta.verbose_name},
            "not_registered",
        )
    if not adapter.can_manage(actor, record):
        raise PermissionDenied(
            _("You may not manage the agreements about “%(record)s”.") % {"record": record}
        )


def _parties_label(organisations: Iterable[Organisation]) -> str:
    return _(" and ").join(o.name for o in organisations)


def _check_not_future(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(
            _("%(what)s cannot be dated in the future (%(date)s).") % {"what": what, "date": day.isoformat()},
            "future_date",
        )


def _check_parties(kind: str, parties: list[tuple[Organisation, str]]) -> None:
    label = AgreementKind(kind).label
    allowed = KIND_ROLES[kind]
    seen: set[int] = set()
    for organisation, role in parties:
        if role not in allowed:
            raise ValidationError(
                _("%(kind)s: “%(role)s” is not one of its parties' roles (%(roles)s).")
                % {"role": role, "kind": label, "roles": ", ".join(str(PartyRole(r).label) for r in allowed)},
                "party_role",
            )
        if organisation.pk in seen:
            raise ValidationError(
                _("%(organisation)s is named twice; an organisation is party to an agreement once.")
                % {"organisation": organisation.name},
                "party_twice",
            )
        seen.add(organisation.pk)
    present = {role for _organisation, role in parties}
    for role in allowed:
        if role not in present:
            raise ValidationError(
                _("%(kind)s: name a party as %(role)s.") % {"kind": label, "role": PartyRole(role).label},
                "party_missing",
            )


def _locked(agreement: Agreement) -> Agreement:
    return Agreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)


def _refused(agreement: Agreement, message: str) -> StateConflict:
    """A transition the agreement's present state does not allow (the API answers 409)."""
    return StateConflict(
        message % {"state": agreement.get_state_display()},
        "illegal_transition",
    )


def _refresh(agreement: Agreement, locked: Agreement) -> Agreement:
    if agreement is not locked:
        agreement.refresh_from_db()
    return locked


# --- drafting
def agreement_create(
    *,
    kind: str,
    about: models.Model,
    parties: Iterable[tuple[Organisation, str]],
    scope: str = "",
    reference: str = "",
    note: str = "",
    effective_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    actor: User,
) -> Agreement:
    """Drafts an agreement of a kind about a record between organisations, each in a role the kind names
    (an NDA: discloser and recipient; an MTA or a data-use agreement: provider and recipient; facility-use
    terms: provider and user). Refused, with the standing one named, while an agreement of the kind between
    the same parties about the record is live (drafted, sent or signed), also when two arrive at once."""
    if kind not in AgreementKind.values:
        raise ValidationError(_("“%(kind)s” is not a kind of agreement.") % {"kind": kind}, "kind")
    _require_manager(about, actor)
    if kind not in adapter_for(about).kinds:
        raise ValidationError(
            _("%(kind)s cannot be made about this record (%(model)s).")
            % {"kind": AgreementKind(kind).label, "model": about._meta.verbose_name},
            "kind",
        )
    parties = list(parties)
    _check_parties(kind, parties)
    organisations = sorted((organisation for organisation, _role in parties), key=lambda o: o.name)
    agreement = Agreement(
        kind=kind,
        content_type=ContentType.objects.get_for_model(about),
        object_id=about.pk,
        parties_key=parties_key(o.pk for o in organisations),
        scope=scope.strip(),
        reference=reference.strip(),
        note=note.strip(),
        effective_on=effective_on,
        expires_on=expires_on,
        created_by=actor,
    )
    # The uniqueness constraint is the one check: it also holds when two requests insert at once.
    agreement.full_clean(exclude=["state", "created_by"], validate_constraints=False)
    names = {"kind": agreement.get_kind_display(), "parties": _parties_label(organisations), "record": about}
    reason = _("%(kind)s drafted between %(parties)s about “%(record)s”") % names
    with transaction.atomic():
        try:
            with transaction.atomic():
                audited_save(agreement, actor=actor, reason=reason)
        except IntegrityError as error:
            standing = (
                Agreement.objects.live()
                .filter(
                    kind=kind,
                    content_type=agreement.content_type,
                    object_id=about.pk,
                    parties_key=agreement.parties_key,
                )
                .first()
            )
            if standing is None:
                raise
            raise DuplicateAgreement(
                _("%(kind)s between %(parties)s about “%(record)s” is already recorded (%(state)s).")
                % {**names, "state": standing.get_state_display()}
            ) from error
        for organisation, role in parties:
            audited_save(
                AgreementParty(agreement=agreement, organisation=organisation, role=role),
                actor=actor,
                reason=reason,
            )
    return agreement


# --- transitions
def agreement_send(*, agreement: Agreement, actor: User) -> Agreement:
    """The draft goes to the other parties for signature."""
    _require_manager(agreement.subject, actor)
    with transaction.atomic():
        locked = _locked(agreement)
        try:
            locked.send()
        except TransitionNotAllowed as error:
            raise _refused(
                locked, _("Only a draft is sent for signature; this agreement is “%(state)s”.")
            ) from error
        audited_save(locked, actor=actor, reason=_("Sent for signature"))
    return _refresh(agreement, locked)


def agreement_sign(
    *,
    agreement: Agreement,
    signed_on: datetime.date,
    effective_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    signed_file: UploadedFile | None = None,
    actor: User,
) -> Agreement:
    """Records the agreement signed on a day (a sent one, or a draft negotiated elsewhere), effective from
    that day unless another is given, with the signed file (checked for size and type) if there is one."""
    _require_manager(agreement.subject, actor)
    _check_not_future(signed_on, _("A signature"))
    with transaction.atomic():
        locked = _locked(agreement)
        if effective_on is not None:
            locked.effective_on = effective_on
        if expires_on is not None:
            locked.expires_on = expires_on
        try:
            locked.sign(signed_on)
        except TransitionNotAllowed as error:
            raise _refused(
                locked,
                _("Only a draft or an agreement sent for signature is signed; this one is “%(state)s”."),
            ) from error
        locked.full_clean(exclude=["state", "created_by", "signed_file"], validate_constraints=False)
        if signed_file is not None:
            locked.signed_file = attachment_create(
                target=locked, upload=signed_file, uploaded_by=actor, description=_("Signed copy")
            )
        audited_save(locked, actor=actor, reason=_("Signed on %(date)s") % {"date": signed_on.isoformat()})
    return _refresh(agreement, locked)


def agreement_signed_file_attach(*, agreement: Agreement, upload: UploadedFile, actor: User) -> Agreement:
    """Attaches (or replaces) the signed copy of a signed agreement; the earlier file stays in the history."""
    _require_manager(agreement.subject, actor)
    with transaction.atomic():
        locked = _locked(agreement)
        if locked.state != AgreementState.SIGNED:
            raise _refused(
                locked, _("Only a signed agreement has a signed copy; this agreement is “%(state)s”.")
            )
        locked.signed_file = attachment_create(
            target=locked, upload=upload, uploaded_by=actor, description=_("Signed copy")
        )
        audited_save(locked, actor=actor, reason=_("Signed copy attached: %(name)s") % {"name": upload.name})
    return _refresh(agreement, locked)


def agreement_terminate(
    *, agreement: Agreement, ended_on: datetime.date, reason: str, actor: User
) -> Agreement:
    """Ends a signed agreement before its expiry, for the reason given (kept in the audit trail)."""
    _require_manager(agreement.subject, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the agreement ends; it is kept in the audit trail."), "reason")
    _check_not_future(ended_on, _("A termination"))
    with transaction.atomic():
        locked = _locked(agreement)
        try:
            locked.terminate(ended_on)
        except TransitionNotAllowed as error:
            raise _refused(
                locked, _("Only a signed agreement is terminated; this agreement is “%(state)s”.")
            ) from error
        if locked.signed_on and ended_on < locked.signed_on:
            raise ValidationError(
                _("An agreement cannot end (%(date)s) before it was signed (%(signed)s).")
                % {"date": ended_on.isoformat(), "signed": locked.signed_on.isoformat()},
                "ended_before_signed",
            )
        audited_save(
            locked,
            actor=actor,
            reason=_("Terminated on %(date)s: %(reason)s") % {"date": ended_on.isoformat(), "reason": reason},
        )
    return _refresh(agreement, locked)


def agreement_withdraw(*, agreement: Agreement, reason: str, actor: User) -> Agreement:
    """Abandons a draft or an agreement sent for signature, for the reason given."""
    _require_manager(agreement.subject, actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Say why the agreement is withdrawn; it is kept in the audit trail."), "reason"
        )
    with transaction.atomic():
        locked = _locked(agreement)
        try:
            locked.withdraw()
        except TransitionNotAllowed as error:
            raise _refused(
                locked,
                _("Only a draft or an agreement sent for signature is withdrawn; this one is “%(state)s”."),
            ) from error
        audited_save(locked, actor=actor, reason=_("Withdrawn: %(reason)s") % {"reason": reason})
    return _refresh(agreement, locked)


def agreements_expire(*, today: datetime.date | None = None) -> int:
    """Marks expired every signed agreement whose expiry date has passed (a daily job; no one acts, so the
    history names no user). Returns how many expired. Whether an agreement is in force never waits for
    this: `Agreement.objects.in_force()` reads the dates."""
    today = today or timezone.localdate()
    expired = 0
    with transaction.atomic():
        for agreement in Agreement.objects.select_for_update().filter(
            state=AgreementState.SIGNED, expires_on__lt=today
        ):
            agreement.expire()
            audited_save(
                agreement,
                actor=None,
                reason=_("Expired on %(date)s") % {"date": agreement.expires_on.isoformat()},
            )
            expired += 1
    return expired
