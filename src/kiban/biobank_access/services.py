"""Every write of access requests to the biobanks (分譲): drafting a request from a saved search, its ethics
approval document, submitting and withdrawing it (through kiban.submissions), each biobank's steps on its own
part, the committee's decision (through kiban.reviews, review.py), the part's agreement (through
kiban.agreements) and the reminders. Keyword-only; each runs in one transaction, checks the actor's
permission, locks the rows it changes, records who/when/why and notifies only whom it concerns.

The request follows its parts (`_request_follows`): it goes under review once any biobank takes a step; it
is decided once every part is decided (approved, declined, unavailable, or withdrawn), accepted if any
biobank approved; it is in progress once an approved part has been made available or shipped, and completed
once every approved part has. The overall state shown to people is `selectors.overall_of`.

Rows are locked in one order everywhere, the review engine's (a decision locks its round, then the part):
review rounds, then parts (by pk), then the request."""

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from kiban.agreements.choices import AgreementKind, PartyRole
from kiban.agreements.models import Agreement
from kiban.agreements.services import agreement_create, agreement_send, agreement_sign
from kiban.biobank.criteria import CriteriaError
from kiban.biobank.models import Biobank, SavedSearch
from kiban.biobank.search import search_run
from kiban.core.audit import audited_delete, audited_save
from kiban.core.choices import Role
from kiban.core.errors import StateConflict
from kiban.core.inputs import InputError, check_text, whole_number
from kiban.core.models import Organisation, User
from kiban.core.permissions import require
from kiban.core.selectors import role_organisation_ids
from kiban.core.services import attachment_create, notification_send
from kiban.reviews.choices import UNDECIDED_STATES
from kiban.reviews.models import Decision, ReviewRound
from kiban.reviews.services import review_rounds_cancel_for
from kiban.submissions import services as lifecycle
from kiban.submissions.choices import PENDING_STATES, SubmissionState

from . import selectors
from .choices import CommitteeDecision, PartState, PartStep
from .models import (
    MAX_ALIQUOTS,
    MAX_PARTICIPANTS,
    AccessPart,
    AccessRequest,
    PartEvent,
    PartMessage,
    reminder_days,
)

S = SubmissionState
P = PartState
TEXT_FIELDS = (
    "title",
    "project_summary",
    "irb_committee",
    "irb_number",
    "amount_detail",
    "data_use_terms",
)
TEXT_LIMITS = {"title": 200, "irb_committee": 200, "irb_number": 100}
REQUEST_FIELDS = (
    *TEXT_FIELDS,
    "irb_approved_on",
    "wants_samples",
    "wants_data",
    "participants_wanted",
    "aliquots_per_participant",
    "terms_accepted",
)
# States of the request in which its biobanks work on their parts.
HANDLED_STATES = (*PENDING_STATES, S.ACCEPTED, S.IN_PROGRESS)
# A part in one of these has been approved by its biobank's committee: the request can no longer be withdrawn.
APPROVED_PART_STATES = (P.APPROVED, P.PROVIDED)


def _locked(record):
    return type(record)._default_manager.select_for_update().get(pk=record.pk)


def _text(value: str, *, limit: int | None = None) -> str:
    try:
        value = check_text(value or "").strip()
    except InputError as error:  # the same refusal as a form's, for callers other than a request
        raise ValidationError(error.message, error.code) from error
    if limit is not None and len(value) > limit:
        raise ValidationError(
            _("At most %(limit)s characters, please (this is %(length)s).")
            % {"limit": limit, "length": len(value)},
            "too_long",
        )
    return value


def _bounded(value, *, name: str, maximum: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        return whole_number(value, name=name, minimum=1, maximum=maximum)
    except InputError as error:  # the same refusal as a form's, for callers other than a request
        raise ValidationError(error.message, error.code) from error


def _clean_fields(fields: dict) -> dict:
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise ValueError(", ".join(sorted(unknown)))
    cleaned = dict(fields)
    for name in TEXT_FIELDS:
        if name in cleaned:
            cleaned[name] = _text(cleaned[name], limit=TEXT_LIMITS.get(name, 10_000))
    day = cleaned.get("irb_approved_on")
    if day is not None and day > timezone.localdate():
        raise ValidationError(_("The ethics approval cannot be dated in the future."), "irb_approved_on")
    if "participants_wanted" in cleaned:
        cleaned["participants_wanted"] = _bounded(
            cleaned["participants_wanted"], name=_("Participants wanted"), maximum=MAX_PARTICIPANTS
        )
    if "aliquots_per_participant" in cleaned:
        cleaned["aliquots_per_participant"] = _bounded(
            cleaned["aliquots_per_participant"], name=_("Aliquots per participant"), maximum=MAX_ALIQUOTS
        )
    return cleaned


# --- the counts the researcher was shown
def _counts(*, criteria, actor: User, address: str | None) -> tuple[str, dict[int, tuple[str, list[dict]]]]:
    """The saved search run as the researcher may see it (disclosure control, never a participant row): the
    total as shown, and per biobank its count as shown with its collections'."""
    try:
        result = search_run(tree=criteria, user=actor, address=address)
    except CriteriaError as error:
        raise ValidationError(
            _("The saved search can no longer be run: %(problem)s") % {"problem": error}, "criteria"
        ) from error
    per_biobank = {
        row.biobank.pk: (
            str(row.cell.shown),
            [
                {
                    "code": str(collection),
                    "name": collection.name,
                    "name_en": collection.name_en,
                    "shown": str(cell.shown),
                }
                for collection, cell in row.collections
            ],
        )
        for row in result.biobanks
    }
    return str(result.total.shown), per_biobank


def _biobanks(biobanks: Iterable[Biobank]) -> list[Biobank]:
    chosen = list({biobank.pk: biobank for biobank in biobanks}.values())
    if not chosen:
        raise ValidationError(_("Choose at least one biobank to send the request to."), "biobanks")
    return sorted(chosen, key=lambda b: b.code)


def _sync_parts(request: AccessRequest, biobanks: list[Biobank], counts, actor: User) -> None:
    wanted = {biobank.pk: biobank for biobank in biobanks}
    for part in list(request.parts.all()):
        if part.biobank_id not in wanted:
            audited_delete(part, actor=actor, reason=_("Biobank removed from the draft"))
    present = set(request.parts.values_list("biobank_id", flat=True))
    for biobank in biobanks:
        shown, collections = counts.get(biobank.pk, ("", []))
        if biobank.pk in present:
            part = request.parts.get(biobank=biobank)
            part.counts_shown, part.collections_shown = shown, collections
            audited_save(part, actor=actor, reason=_("Counts shown brought up to date"))
        else:
            part = AccessPart(
                request=request, biobank=biobank, counts_shown=shown, collections_shown=collections
            )
            audited_save(part, actor=actor, reason=_("Biobank addressed"))


# --- the request
def request_create(
    *,
    actor: User,
    saved_search: SavedSearch,
    biobanks: Iterable[Biobank],
    title: str,
    address: str | None = None,
    organisation: Organisation | None = None,
    **fields,
) -> AccessRequest:
    """A researcher drafts a request from one of their own saved searches to one or more biobanks; each
    biobank's part carries the counts the researcher is shown for it (under disclosure control)."""
    require(actor, "biobank_access.add_accessrequest")
    require(actor, "biobank.view_savedsearch", saved_search)
    own = role_organisation_ids(user=actor, role=Role.RESEARCHER)
    if organisation is None:
        organisation = Organisation.objects.filter(pk__in=own).order_by("pk").first()
    elif organisation.pk not in own:
        raise ValidationError(_("You request from an institution you are a researcher at."), "organisation")
    biobanks = _biobanks(biobanks)
    fields = _clean_fields(fields)
    title = _text(title, limit=200)
    if not title:
        raise ValidationError(_("Give the project a title."), "title")
    total, counts = _counts(criteria=saved_search.criteria, actor=actor, address=address)
    request = AccessRequest(
        created_by=actor,
        organisation=organisation,
        saved_search=saved_search,
        search_name=saved_search.name,
        criteria=saved_search.criteria,
        total_shown=total,
        title=title,
        **fields,
    )
    with transaction.atomic():
        audited_save(request, actor=actor, reason=_("Access request drafted"), full_clean=True)
        _sync_parts(request, biobanks, counts, actor)
    return request


def request_update(
    *,
    request: AccessRequest,
    actor: User,
    biobanks: Iterable[Biobank] | None = None,
    address: str | None = None,
    **fields,
) -> AccessRequest:
    """The researcher changes the draft (and the biobanks it is addressed to)."""
    require(actor, "biobank_access.change_accessrequest", request)
    fields = _clean_fields(fields)
    with transaction.atomic():
        list(_locked_parts(request))  # the parts before the request, the app's one lock order (submit's)
        request = _locked(request)
        require(actor, "biobank_access.change_accessrequest", request)
        for name, value in fields.items():
            setattr(request, name, value)
        if not request.title:
            raise ValidationError(_("Give the project a title."), "title")
        audited_save(request, actor=actor, reason=_("Access request changed"), full_clean=True)
        if biobanks is not None:
            total, counts = _counts(criteria=request.criteria, actor=actor, address=address)
            request.total_shown = total
            audited_save(request, actor=actor, reason=_("Counts shown brought up to date"))
            _sync_parts(request, _biobanks(biobanks), counts, actor)
    return request


def request_irb_attach(*, request: AccessRequest, upload: UploadedFile, actor: User) -> AccessRequest:
    """The ethics committee's approval (PDF, image or Word file, within the platform's size limit) attached to
    the draft; a new upload replaces the one before, which stays in the history."""
    with transaction.atomic():
        request = _locked(request)
        require(actor, "biobank_access.change_accessrequest", request)
        request.irb_document = attachment_create(
            target=request, upload=upload, uploaded_by=actor, description=_("Ethics approval")
        )
        audited_save(
            request, actor=actor, reason=_("Ethics approval attached: %(name)s") % {"name": upload.name}
        )
    return request


def _event(part: AccessPart, step: str, actor: User | None, note: str = "") -> PartEvent:
    return PartEvent.objects.create(part=part, step=step, state=part.state, actor=actor, note=note)


def _tell_biobank(part: AccessPart, subject: str, body: str = "") -> None:
    """The curators of the part's biobank, of their own part only (the link opens that part)."""
    notification_send(
        recipients=selectors.biobank_curators(biobank=part.biobank),
        subject=subject,
        body=body,
        link=part.get_absolute_url(),
    )


def _tell_researcher(part: AccessPart, step: str, note: str) -> None:
    request = part.request
    notification_send(
        recipients=request.applicant_users(),
        subject=_("%(biobank)s: %(step)s — %(request)s")
        % {"biobank": part.biobank.code, "step": PartStep(step).label, "request": request.title},
        body=note,
        link=request.get_absolute_url(),
    )


def request_submit(*, request: AccessRequest, actor: User) -> AccessRequest:
    """The researcher sends the complete draft: each part goes to its biobank, whose curators are told of
    their own part only."""
    require(actor, "biobank_access.submit_accessrequest", request)
    with transaction.atomic():
        # The one lock order of the app: review rounds, then parts (by pk), then the request.
        parts = list(_locked_parts(request))
        request = lifecycle.submission_submit(submission=_locked(request), actor=actor)
        for part in parts:
            part.submit()
            part.moved_at = timezone.now()
            audited_save(part, actor=actor, reason=_("Sent to %(biobank)s") % {"biobank": part.biobank.code})
            _event(part, PartStep.SUBMITTED, actor)
            _tell_biobank(
                part,
                _("Access request to %(biobank)s: %(request)s")
                % {"biobank": part.biobank.code, "request": request.title},
                request.project_summary[:500],
            )
    return request


def _locked_parts(request: AccessRequest):
    return (
        AccessPart.objects.filter(request_id=request.pk)
        .select_related("biobank")
        .select_for_update(of=("self",))
        .order_by("pk")
    )


def _undecided_rounds(part_ids: list[int]):
    return ReviewRound.objects.filter(
        content_type=ContentType.objects.get_for_model(AccessPart),
        object_id__in=part_ids,
        state__in=UNDECIDED_STATES,
    )


def request_withdraw(*, request: AccessRequest, actor: User, reason: str = "") -> AccessRequest:
    """The researcher gives the request up while no biobank has approved its part; the open parts are
    withdrawn with it, their review rounds cancelled, and each biobank hears of its own part.

    Locks in the app's one order, that of a committee's decision and of a biobank's step (round → part →
    request): the parts' undecided review rounds, then the parts, then the request; "approved" is read on
    the locked parts, so a decision committed meanwhile is seen, and one still to come waits for this."""
    require(actor, "biobank_access.withdraw_accessrequest", request)
    reason = _text(reason, limit=2000)
    with transaction.atomic():
        part_ids = list(AccessPart.objects.filter(request_id=request.pk).values_list("pk", flat=True))
        locked_rounds = _undecided_rounds(part_ids).select_for_update(of=("self",)).order_by("pk")
        rounds = set(locked_rounds.values_list("pk", flat=True))
        parts = list(_locked_parts(request))
        if set(_undecided_rounds(part_ids).values_list("pk", flat=True)) - rounds:
            # A round was opened between the two locks: its decision would lock it before the part.
            raise StateConflict(
                _("A review round has just been opened on this request; reload the page and try again."),
                "round_opened",
            )
        if any(part.state in APPROVED_PART_STATES for part in parts):
            raise StateConflict(
                _("A biobank has already approved its part of this request; it can no longer be withdrawn."),
                "approved",
            )
        request = lifecycle.submission_withdraw(submission=_locked(request), actor=actor, reason=reason)
        for part in parts:
            if not can_proceed(part.withdraw):
                continue
            was_sent = part.state != P.DRAFT
            part.withdraw()
            part.moved_at = timezone.now()
            audited_save(
                part,
                actor=actor,
                reason=_("Withdrawn with the request: %(reason)s") % {"reason": reason or "—"},
            )
            _event(part, PartStep.WITHDRAWN, actor, reason)
            review_rounds_cancel_for(target=part, actor=actor, reason=_("The access request was withdrawn"))
            if was_sent:
                _tell_biobank(
                    part,
                    _("Access request withdrawn: %(request)s") % {"request": request.title},
                    reason,
                )
    return request


def _request_follows(request: AccessRequest, actor: User) -> None:
    """Moves the request's own lifecycle as far as its parts allow (the rule in the module's docstring)."""
    request = _locked(request)
    parts = list(request.parts.all())
    if request.state in (S.SUBMITTED, S.RESUBMITTED) and any(p.state != P.SUBMITTED for p in parts):
        request = lifecycle.submission_review_start(submission=request, actor=actor)
    if request.state == S.UNDER_REVIEW and selectors.all_decided(parts):
        approved = [p for p in parts if p.state in (P.APPROVED, P.PROVIDED)]
        summary = "\n".join(
            f"{p.biobank.code}: {p.get_state_display()}{' — ' + p.outcome_reason if p.outcome_reason else ''}"
            for p in parts
        )
        # No notice of its own: the researcher has just heard of the step that decided the last part (the
        # committee's decision notice, or the biobank's step), and of every part before it.
        request = lifecycle.submission_decide(
            submission=request, accept=bool(approved), reason=summary, actor=actor, notify=False
        )
    if request.state == S.ACCEPTED and any(p.state == P.PROVIDED for p in parts):
        request = lifecycle.submission_start(submission=request, actor=actor)
    if request.state == S.IN_PROGRESS and not any(p.state == P.APPROVED for p in parts):
        lifecycle.submission_complete(submission=request, actor=actor)


def _step(
    part: AccessPart,
    method: str,
    step: str,
    *,
    actor: User,
    note: str = "",
    check=None,
    tell_researcher: bool = True,
    **values,
) -> AccessPart:
    """The one path of a part's step: permission, lock, the request's and the part's state, the caller's
    check, then the transition, the audit record, the timeline's step, the researcher's notice (unless the
    caller sends its own) and the request following, in one transaction."""
    require(actor, "biobank_access.handle_accesspart", part)
    with transaction.atomic():
        part = (
            AccessPart.objects.select_for_update(of=("self",))
            .select_related("request", "biobank")
            .get(pk=part.pk)
        )
        request = part.request
        if request.state not in HANDLED_STATES:
            raise StateConflict(
                _("The request is %(state)s; its parts are no longer handled.")
                % {"state": request.get_state_display().lower()},
                "request_closed",
            )
        if not can_proceed(getattr(part, method)):
            raise StateConflict(
                _("The part at %(biobank)s is “%(state)s”; “%(step)s” cannot follow from there.")
                % {
                    "biobank": part.biobank.code,
                    "state": part.get_state_display(),
                    "step": PartStep(step).label,
                },
                "illegal_transition",
            )
        if check is not None:
            check(part)
        getattr(part, method)()
        for name, value in values.items():
            setattr(part, name, value)
        part.moved_at = timezone.now()
        audited_save(
            part,
            actor=actor,
            reason=_("%(biobank)s: %(step)s. %(note)s")
            % {"biobank": part.biobank.code, "step": PartStep(step).label, "note": note or "—"},
            full_clean=True,
        )
        _event(part, step, actor, note)
        if tell_researcher:
            _tell_researcher(part, step, note)
        _request_follows(request, actor)
    return part


def _required(note: str, message: str) -> str:
    note = _text(note, limit=5000)
    if not note:
        raise ValidationError(message, "reason")
    return note


def part_check_start(*, part: AccessPart, actor: User, note: str = "") -> AccessPart:
    """The biobank starts checking whether it holds what is asked."""
    return _step(part, "start_check", PartStep.CHECKING, actor=actor, note=_text(note, limit=5000))


def part_mark_available(*, part: AccessPart, actor: User, note: str = "") -> AccessPart:
    return _step(part, "mark_available", PartStep.AVAILABLE, actor=actor, note=_text(note, limit=5000))


def part_mark_unavailable(*, part: AccessPart, actor: User, reason: str) -> AccessPart:
    """The biobank does not hold (or cannot give) what is asked; the researcher reads why."""
    reason = _required(reason, _("Say why the samples or data are unavailable; the researcher reads it."))
    return _step(
        part, "mark_unavailable", PartStep.UNAVAILABLE, actor=actor, note=reason, outcome_reason=reason
    )


def part_conditions_indicate(*, part: AccessPart, actor: User, conditions: str) -> AccessPart:
    """The biobank states its access conditions (fees, co-authorship, its own forms); the researcher meets
    them and the biobank records so."""
    conditions = _required(conditions, _("Write the access conditions the researcher must meet."))
    return _step(
        part, "indicate_conditions", PartStep.CONDITIONS, actor=actor, note=conditions, conditions=conditions
    )


def part_conditions_met(*, part: AccessPart, actor: User, note: str = "") -> AccessPart:
    """The biobank records that the researcher met its conditions (or that it asks none beyond the request);
    the part then goes to its access committee."""
    return _step(part, "meet_conditions", PartStep.CONDITIONS_MET, actor=actor, note=_text(note, limit=5000))


def part_review_start(*, part: AccessPart, actor: User) -> AccessPart:
    """A review round is opened on the part (the review engine calls this in the round's transaction)."""
    return _step(part, "start_review", PartStep.REVIEW, actor=actor)


def part_decide(*, part: AccessPart, decision: Decision) -> AccessPart:
    """THE place where a part is approved or declined, and only by its access committee's decision: the
    review engine records the Decision on a round about this part and calls this (review.py) in the same
    transaction; anything else is refused. The rationale is the reason the researcher reads; the review
    engine's decision notice carries it, so the step sends no second notice."""
    if (
        decision.pk is None
        or not Decision.objects.filter(
            pk=decision.pk,
            round__content_type=ContentType.objects.get_for_model(AccessPart),
            round__object_id=part.pk,
        ).exists()
    ):
        raise ValidationError(
            _("A part is approved or declined only by its access committee's recorded decision."),
            "not_a_decision",
        )
    reason = _required(decision.rationale, _("Give the reasons for the decision; the researcher reads them."))
    approve = decision.outcome == CommitteeDecision.APPROVE
    return _step(
        part,
        "approve" if approve else "decline",
        PartStep.APPROVED if approve else PartStep.DECLINED,
        actor=decision.decided_by,
        note=reason,
        tell_researcher=False,
        outcome_reason=reason,
    )


# --- the agreement of an approved part
def required_kinds(request: AccessRequest) -> list[str]:
    """A material transfer agreement (MTA) for samples, a data-use agreement (DUA) for data."""
    kinds = []
    if request.wants_samples:
        kinds.append(AgreementKind.MTA)
    if request.wants_data:
        kinds.append(AgreementKind.DATA_USE)
    return kinds


def part_agreements(part: AccessPart) -> list[Agreement]:
    return list(Agreement.objects.about(part).select_related("signed_file").order_by("kind", "-created_at"))


def missing_agreements(part: AccessPart, in_force: set[str] | None = None) -> list[str]:
    """The kinds of agreement the part still needs signed (and in force) before it is provided; `in_force`,
    the kinds in force about it when a list has read them at once (selectors.in_force_kinds)."""
    if in_force is None:
        in_force = selectors.in_force_kinds([part])[part.pk]
    return [kind for kind in required_kinds(part.request) if kind not in in_force]


def part_agreement_send(*, part: AccessPart, actor: User, reference: str = "") -> list[Agreement]:
    """The biobank drafts the approved part's agreements (MTA for samples, DUA for data) between itself
    (provider) and the researcher's institution (recipient), and sends them for signature."""
    require(actor, "biobank_access.handle_accesspart", part)
    reference = _text(reference, limit=100)
    sent = []
    with transaction.atomic():
        part = (
            AccessPart.objects.select_for_update(of=("self",))
            .select_related("request", "biobank")
            .get(pk=part.pk)
        )
        if part.state != P.APPROVED:
            raise StateConflict(
                _("An agreement is made once the committee has approved the part; it is “%(state)s”.")
                % {"state": part.get_state_display()},
                "not_approved",
            )
        live = set(Agreement.objects.about(part).live().values_list("kind", flat=True))
        kinds = [kind for kind in required_kinds(part.request) if kind not in live]
        if not kinds:
            raise StateConflict(
                _("The part's agreements are already drafted or signed."), "duplicate_agreement"
            )
        request = part.request
        for kind in kinds:
            agreement = agreement_create(
                kind=kind,
                about=part,
                parties=[
                    (part.biobank.organisation, PartyRole.PROVIDER),
                    (request.organisation, PartyRole.RECIPIENT),
                ],
                scope=f"{request.title}\n{request.amount_detail}\n{request.data_use_terms}"[:5000],
                reference=reference or f"{part.biobank.code}-{request.pk}-{kind.upper()}",
                actor=actor,
            )
            sent.append(agreement_send(agreement=agreement, actor=actor))
            _event(part, PartStep.AGREEMENT_SENT, actor, str(AgreementKind(kind).label))
        # The researcher's institution now owes the signature (AccessPart.biobank_owes); the biobank's own
        # clock starts again once it is signed.
        part.moved_at = timezone.now()
        audited_save(part, actor=actor, reason=_("Agreement sent for signature"), update_fields=["moved_at"])
        notification_send(
            recipients=request.applicant_users(),
            subject=_("%(biobank)s: agreement sent for signature — %(request)s")
            % {"biobank": part.biobank.code, "request": request.title},
            body=", ".join(str(AgreementKind(kind).label) for kind in kinds),
            link=request.get_absolute_url(),
        )
    return sent


def part_agreement_sign(
    *,
    part: AccessPart,
    agreement: Agreement,
    signed_on: datetime.date,
    actor: User,
    signed_file: UploadedFile | None = None,
) -> Agreement:
    """The biobank records the part's agreement signed by both parties on a day, with the signed copy."""
    require(actor, "biobank_access.handle_accesspart", part)
    if agreement.content_type.model_class() is not AccessPart or agreement.object_id != part.pk:
        raise ValidationError(_("That agreement is not about this part of the request."), "agreement")
    with transaction.atomic():
        part = _locked(part)  # the part before its agreement, as part_agreement_send locks them
        signed = agreement_sign(
            agreement=agreement, signed_on=signed_on, signed_file=signed_file, actor=actor
        )
        # The biobank owes the next step again (the next signature's sending, or the provision) from now.
        part.moved_at = timezone.now()
        audited_save(part, actor=actor, reason=_("Agreement signed"), update_fields=["moved_at"])
        _event(part, PartStep.AGREEMENT_SIGNED, actor, str(signed.get_kind_display()))
        _tell_researcher(part, PartStep.AGREEMENT_SIGNED, str(signed.get_kind_display()))
    return signed


def part_provide(*, part: AccessPart, actor: User, note: str = "") -> AccessPart:
    """The biobank makes the data available or ships the samples; refused until every agreement the part
    needs is signed and in force."""

    def check(locked: AccessPart) -> None:
        missing = missing_agreements(locked)
        if missing:
            raise StateConflict(
                _("Record the signed %(kinds)s before the samples or data are provided.")
                % {"kinds": ", ".join(str(AgreementKind(kind).label) for kind in missing)},
                "agreement_missing",
            )

    note = _text(note, limit=300)
    return _step(part, "provide", PartStep.PROVIDED, actor=actor, note=note, check=check, provided_note=note)


def part_note_set(*, part: AccessPart, actor: User, note: str) -> AccessPart:
    """The biobank's internal note on its part, read only by its own curators."""
    require(actor, "biobank_access.handle_accesspart", part)
    note = _text(note, limit=5000)
    with transaction.atomic():
        part = _locked(part)
        part.internal_note = note
        audited_save(part, actor=actor, reason=_("Internal note changed"), update_fields=["internal_note"])
    return part


# --- the part's messages
def part_message_post(*, part: AccessPart, actor: User, body: str) -> PartMessage:
    """A message between the researcher and the part's biobank; the other side is told (the researcher, or
    that biobank's curators only), never another biobank of the request."""
    require(actor, "biobank_access.add_partmessage", part)
    body = _text(body, limit=5000)
    if not body:
        raise ValidationError(_("Write the message."), "body")
    message = PartMessage(part=part, author=actor, body=body)
    with transaction.atomic():
        audited_save(message, actor=actor, reason=_("Message sent"), full_clean=True)
        request = part.request
        subject = _("%(biobank)s: message about “%(request)s”") % {
            "biobank": part.biobank.code,
            "request": request.title,
        }
        if actor.pk in (request.created_by_id, request.submitted_by_id):
            _tell_biobank(part, subject, body[:500])
        else:
            notification_send(
                recipients=request.applicant_users(),
                subject=subject,
                body=body[:500],
                link=part.get_absolute_url(),
            )
    return message


# --- reminders
def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Reminds each biobank of every part it has left unanswered for reminder_days() days or more, once per
    step (running it again sends nothing new); only that biobank's curators hear of it. Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=reminder_days())
    waiting = (
        AccessPart.objects.biobank_owes()
        .filter(moved_at__lte=cutoff, request__state__in=HANDLED_STATES)
        .select_related("request", "biobank")
        .order_by("pk")
    )
    sent = 0
    for candidate in waiting:
        if candidate.reminded_for == candidate.moved_at:
            continue
        with transaction.atomic():
            # Read again under the lock: a step taken (or the request withdrawn) since the list was read
            # means the biobank no longer owes this one.
            part = (
                AccessPart.objects.biobank_owes()
                .filter(moved_at__lte=cutoff, request__state__in=HANDLED_STATES, pk=candidate.pk)
                .select_for_update(of=("self",))
                .select_related("request", "biobank")
                .first()
            )
            if part is None or part.reminded_for == part.moved_at:
                continue
            days = part.age_days(now)
            _tell_biobank(
                part,
                _("Reminder: the access request “%(request)s” has waited %(days)s days for %(biobank)s")
                % {"request": part.request.title, "days": days, "biobank": part.biobank.code},
                _("Its part is “%(state)s”.") % {"state": part.get_state_display()},
            )
            part.reminded_for = part.moved_at
            audited_save(part, actor=None, reason=_("Reminder sent"), update_fields=["reminded_for"])
            _event(part, PartStep.REMINDED, None, _("%(days)s days") % {"days": days})
            sent += 1
    return sent
