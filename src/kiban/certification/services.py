"""Writes of certification: applications and their answers, submission, return for changes, review, the
ministerial decision, certificates and call entries. Keyword-only, one transaction each, with a reason on
what they save. The application's state changes go through the request lifecycle (kiban.submissions)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.core.audit import audited_delete, audited_save
from kiban.core.choices import Role
from kiban.core.errors import is_unique_violation, unique_or_conflict
from kiban.core.fiscal import FiscalYear
from kiban.core.models import Attachment, Organisation, User
from kiban.core.selectors import hub_group_ids
from kiban.core.services import attachment_create, notification_send
from kiban.submissions import services as lifecycle
from kiban.submissions.models import Call

from . import selectors
from .choices import (
    CERTIFICATE_YEARS,
    ApplicationState,
    DecisionOutcome,
    FunctionCategory,
    FunctionClass,
    OutcomeKind,
    Provision,
)
from .models import (
    CallEntry,
    Certificate,
    CertificationApplication,
    CertificationRound,
    FunctionItem,
    FunctionResponse,
    ReportedOutcome,
    StaffMember,
    TrainingRecord,
)


def _today() -> datetime.date:
    return timezone.localdate()


def _require_editable(application: CertificationApplication) -> None:
    """A draft, or an application returned for changes, may be edited; nothing else."""
    if not application.is_editable:
        raise ValidationError(
            _("The application is %(state)s and can no longer be changed.")
            % {"state": application.get_state_display().lower()},
            "not_draft",
        )


# --- applications
def application_create(
    *,
    round: CertificationRound,
    organisation: Organisation,
    actor: User,
    renews: Certificate | None = None,
    on: datetime.date | None = None,
) -> CertificationApplication:
    """Hub staff start a draft application for their own institution in a round that accepts applications."""
    on = on or _today()
    if organisation.pk not in selectors.hub_organisation_ids(user=actor):
        raise PermissionDenied(
            _("Only hub staff of %(organisation)s may apply for it.") % {"organisation": organisation}
        )
    if not round.is_open(on):
        raise ValidationError(
            _("“%(round)s” accepts applications from %(opens)s to %(closes)s.")
            % {"round": round, "opens": round.opens_on.isoformat(), "closes": round.closes_on.isoformat()},
            "round_closed",
        )
    if renews is not None and renews.organisation_id != organisation.pk:
        raise ValidationError(
            _("Certificate %(number)s was issued to another institution.") % {"number": renews.number},
            "renews_other_institution",
        )
    duplicate = _("%(organisation)s already has an application in “%(round)s”.") % {
        "organisation": organisation,
        "round": round,
    }
    application = CertificationApplication(
        round=round, organisation=organisation, renews=renews, created_by=actor
    )
    # The check is read in the inserting transaction; the unique constraint settles two arriving at once.
    with unique_or_conflict(duplicate):
        if CertificationApplication.objects.filter(round=round, organisation=organisation).exists():
            raise ValidationError(duplicate, "duplicate")
        audited_save(
            application,
            actor=actor,
            reason=_("Renewal application started") if renews else _("Application started"),
            full_clean=True,
        )
    return application


def application_update_statements(
    *,
    application: CertificationApplication,
    hub_statement: str,
    organisation_statement: str,
    track_record_statement: str,
    training_statement: str,
    actor: User,
) -> CertificationApplication:
    """The applicant's statements for requirements A–D."""
    _require_editable(application)
    application.hub_statement = hub_statement.strip()
    application.organisation_statement = organisation_statement.strip()
    application.track_record_statement = track_record_statement.strip()
    application.training_statement = training_statement.strip()
    with transaction.atomic():
        audited_save(application, actor=actor, reason=_("Requirements A–D stated"), full_clean=True)
    return application


def _check_response(
    *,
    application: CertificationApplication,
    item: FunctionItem,
    provision: str,
    partners: list,
    description: str,
) -> None:
    """Raises ValidationError when the answer does not fit the item's class."""
    name = item.name
    if item.category == FunctionCategory.OUTCOME:
        raise ValidationError(
            _("“%(item)s” is counted, not answered: enter the figures under outcomes.") % {"item": name},
            "outcome",
        )
    if provision not in Provision.values:
        raise ValidationError(_("Choose how “%(item)s” is in place.") % {"item": name}, "provision")
    if provision == Provision.THROUGH_PARTNERS:
        if item.function_class != FunctionClass.THROUGH_PARTNERS:
            raise ValidationError(
                _(
                    "“%(item)s” is a class %(mark)s function: it must be in place inside the hub, "
                    "not through partners."
                )
                % {"item": name, "mark": item.class_mark},
                "partners_not_allowed",
            )
        if not partners:
            raise ValidationError(
                _("Name the partner organisation(s) through which “%(item)s” is in place.") % {"item": name},
                "partners_required",
            )
        hub_ids = set(hub_group_ids([application.organisation.pk]))
        inside = [p for p in partners if p.pk in hub_ids]
        if inside:
            raise ValidationError(
                _("A partner is an organisation outside the hub; %(organisation)s is part of it.")
                % {"organisation": inside[0]},
                "partner_is_applicant",
            )
    elif partners:
        raise ValidationError(
            _("Partner organisations are named only for a function in place through partners (“%(item)s”).")
            % {"item": name},
            "partners_without_provision",
        )
    if item.function_class == FunctionClass.DISTINCTIVE and provision == Provision.IN_HUB and not description:
        raise ValidationError(
            _("Describe what is distinctive about “%(item)s”.") % {"item": name}, "description_required"
        )


def _store_response(
    *,
    application: CertificationApplication,
    item: FunctionItem,
    provision: str,
    partners: list,
    description: str,
    actor: User,
) -> FunctionResponse:
    response = FunctionResponse.objects.filter(application=application, item=item).first()
    if response is None:
        response = FunctionResponse(application=application, item=item)
    elif (
        response.provision == provision
        and response.description == description
        and {p.pk for p in response.partners.all()} == {p.pk for p in partners}
    ):
        return response  # unchanged: no history row
    response.provision = provision
    response.description = description
    audited_save(
        response, actor=actor, reason=_("Function answered: %(item)s") % {"item": item.name}, full_clean=True
    )
    response.partners.set(partners)
    return response


def function_response_save(
    *,
    application: CertificationApplication,
    item: FunctionItem,
    provision: str,
    partners: list[Organisation] | None = None,
    description: str = "",
    actor: User,
) -> FunctionResponse:
    """Whether one function is in place, inside the hub or (class ② only) through named partners."""
    _require_editable(application)
    partners, description = list(partners or []), description.strip()
    _check_response(
        application=application, item=item, provision=provision, partners=partners, description=description
    )
    with transaction.atomic():
        return _store_response(
            application=application,
            item=item,
            provision=provision,
            partners=partners,
            description=description,
            actor=actor,
        )


def function_responses_save(
    *, application: CertificationApplication, answers: dict[int, dict], actor: User
) -> list[FunctionResponse]:
    """The whole table at once: every row is checked first; one bad row saves nothing and each bad row's
    message is returned under its item code."""
    _require_editable(application)
    items = FunctionItem.objects.in_bulk(list(answers))
    errors: dict[str, list[str]] = {}
    rows = []
    for item_id, answer in answers.items():
        item = items[item_id]
        row = {
            "provision": answer.get("provision", Provision.NOT_IN_PLACE),
            "partners": list(answer.get("partners") or []),
            "description": (answer.get("description") or "").strip(),
        }
        try:
            _check_response(application=application, item=item, **row)
        except ValidationError as error:
            errors[item.code] = error.messages
        rows.append((item, row))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return [_store_response(application=application, item=item, actor=actor, **row) for item, row in rows]


def staff_member_add(
    *,
    application: CertificationApplication,
    role: FunctionItem,
    person_name: str,
    organisation: Organisation,
    fte: Decimal,
    title: str = "",
    actor: User,
) -> StaffMember:
    """One person on the roster; FTE from 0 to 1 per role and at most 1 per person across roles."""
    _require_editable(application)
    person_name = " ".join(person_name.split())
    if role.category != FunctionCategory.STAFF:
        raise ValidationError(_("“%(item)s” is not a staff role (人員).") % {"item": role.name}, "not_a_role")
    if not person_name:
        raise ValidationError(_("Give the person's name."), "person_name")
    fte = Decimal(fte)
    if not Decimal(0) <= fte <= Decimal(1):
        raise ValidationError(
            _("FTE is the share of a full-time post, from 0 to 1; %(fte)s is outside it.") % {"fte": fte},
            "fte_range",
        )
    hub_ids = set(hub_group_ids([application.organisation.pk]))
    if role.function_class != FunctionClass.THROUGH_PARTNERS and organisation.pk not in hub_ids:
        raise ValidationError(
            _("%(role)s is a class %(mark)s role: the person must work in the hub, not at %(organisation)s.")
            % {"role": role.name, "mark": role.class_mark, "organisation": organisation},
            "role_in_hub",
        )
    duplicate = _("%(name)s is already on the roster as %(role)s.") % {"name": person_name, "role": role.name}
    member = StaffMember(
        application=application,
        role=role,
        person_name=person_name,
        title=title.strip(),
        organisation=organisation,
        fte=fte,
    )
    # The application's row is locked while the person's total is summed: two additions at once cannot
    # together give one person more than 1 FTE.
    with unique_or_conflict(duplicate):
        CertificationApplication.objects.select_for_update().get(pk=application.pk)
        total = selectors.person_fte(application=application, person_name=person_name) + fte
        if total > 1:
            raise ValidationError(
                _("%(name)s would give %(total)s FTE in all; one person cannot give more than 1 FTE.")
                % {"name": person_name, "total": total},
                "fte_person_total",
            )
        if StaffMember.objects.filter(application=application, role=role, person_name=person_name).exists():
            raise ValidationError(duplicate, "duplicate")
        audited_save(member, actor=actor, reason=_("Added to the roster"), full_clean=True)
    return member


def staff_member_remove(*, member: StaffMember, actor: User) -> None:
    _require_editable(member.application)
    audited_delete(member, actor=actor, reason=_("Removed from the roster"))


def reported_outcomes_save(
    *, application: CertificationApplication, counts: dict[tuple[int, str], int], actor: User
) -> list[ReportedOutcome]:
    """The institution's own outcome figures, by fiscal year and kind, for the round's last five years."""
    _require_editable(application)
    years = application.round.outcome_fiscal_years
    for (year, kind), count in counts.items():
        if year not in years:
            raise ValidationError(
                _("Outcomes are stated for %(first)s to %(last)s, not %(year)s.")
                % {"first": FiscalYear(years[0]), "last": FiscalYear(years[-1]), "year": year},
                "fiscal_year",
            )
        if kind not in OutcomeKind.values:
            raise ValidationError(_("Unknown outcome “%(kind)s”.") % {"kind": kind}, "kind")
        if count is None or count < 0:
            raise ValidationError(_("A count is 0 or more."), "count")
    saved = []
    with transaction.atomic():
        existing = {(o.fiscal_year, o.kind): o for o in application.outcomes.select_for_update()}
        for (year, kind), count in sorted(counts.items()):
            outcome = existing.get((year, kind)) or ReportedOutcome(
                application=application, fiscal_year=year, kind=kind
            )
            if outcome.pk is None or outcome.count != count:
                outcome.count = count
                audited_save(outcome, actor=actor, reason=_("Outcome figures stated"), full_clean=True)
            saved.append(outcome)
    return saved


def training_record_add(
    *,
    application: CertificationApplication,
    item: FunctionItem,
    title: str,
    fiscal_year: int,
    trainees: int,
    description: str = "",
    actor: User,
) -> TrainingRecord:
    """A training programme the institution ran for specialists or researchers."""
    _require_editable(application)
    if item.category != FunctionCategory.TRAINING:
        raise ValidationError(_("“%(item)s” is not a training item.") % {"item": item.name}, "not_training")
    if not title.strip():
        raise ValidationError(_("Give the training programme's title."), "title")
    if trainees < 0:
        raise ValidationError(_("The number of trainees is 0 or more."), "trainees")
    FiscalYear(fiscal_year)  # raises a readable error outside the supported years
    record = TrainingRecord(
        application=application,
        item=item,
        title=title.strip(),
        fiscal_year=fiscal_year,
        trainees=trainees,
        description=description.strip(),
    )
    with transaction.atomic():
        audited_save(record, actor=actor, reason=_("Training recorded"), full_clean=True)
    return record


def training_record_remove(*, record: TrainingRecord, actor: User) -> None:
    _require_editable(record.application)
    audited_delete(record, actor=actor, reason=_("Training record removed"))


def application_attach(
    *, application: CertificationApplication, upload: UploadedFile, description: str, actor: User
) -> Attachment:
    """Evidence for the application (organisation charts, rules, training records …), while it is a draft."""
    _require_editable(application)
    return attachment_create(target=application, upload=upload, uploaded_by=actor, description=description)


def application_submit(
    *, application: CertificationApplication, actor: User, on: datetime.date | None = None
) -> CertificationApplication:
    """Sends a complete application for review while the round accepts applications, or sends one returned
    for changes again (also after the round has closed); tells the ministry and the agency."""
    if application.state == ApplicationState.RETURNED:
        return lifecycle.submission_resubmit(
            submission=application, actor=actor, record_as=_("Application resubmitted")
        )
    on = on or _today()
    if application.is_draft and not application.round.is_open(on):
        raise ValidationError(
            _("“%(round)s” accepted applications until %(closes)s.")
            % {"round": application.round, "closes": application.round.closes_on.isoformat()},
            "round_closed",
        )
    return lifecycle.submission_submit(
        submission=application, actor=actor, on=on, record_as=_("Application submitted")
    )


def application_return(
    *, application: CertificationApplication, reason: str, actor: User
) -> CertificationApplication:
    """The ministry or the agency returns an application for changes (差戻し), saying what must change; the
    applicant's hub staff edit it and resubmit. Its undecided review round is cancelled: it judged the
    application as it was, and the changed one gets a round of its own once resubmitted."""
    from kiban.reviews.services import review_rounds_cancel_for

    with transaction.atomic():
        returned = lifecycle.submission_return(submission=application, reason=reason, actor=actor)
        review_rounds_cancel_for(
            target=returned, actor=actor, reason=_("Review round cancelled: application returned for changes")
        )
    return returned


def application_withdraw(
    *, application: CertificationApplication, reason: str, actor: User
) -> CertificationApplication:
    """The applicant's hub staff withdraw an application that is not yet decided; its undecided review
    round is cancelled, as nobody reviews a withdrawn application."""
    from kiban.reviews.services import review_rounds_cancel_for

    with transaction.atomic():
        withdrawn = lifecycle.submission_withdraw(submission=application, reason=reason, actor=actor)
        review_rounds_cancel_for(
            target=withdrawn, actor=actor, reason=_("Review round cancelled: application withdrawn")
        )
    return withdrawn


def review_opening_refusal(
    application: CertificationApplication, *, opening: models.Model | None = None
) -> str | None:
    """Why no review round may be opened on the application now (None: one may): no other round on it may
    still be undecided, and it must be submitted or resubmitted. `opening` is the round being opened."""
    from kiban.reviews.selectors import undecided_round

    under_way = undecided_round(application)
    if under_way is not None and under_way.pk != getattr(opening, "pk", None):
        return _("A review round on this application is still under way; decide it first.")
    return lifecycle.transition_refusal(application, "review")


def application_review_start(
    *, application: CertificationApplication, review_round: models.Model, actor: User
) -> CertificationApplication:
    """A review round is being opened on the application (the review engine calls this through the
    adapter, in the round's transaction): it is now under review by reviewers, or the round is refused."""

    refusal = review_opening_refusal(application, opening=review_round)
    if refusal:
        raise ValidationError(refusal, "review_refused")
    return lifecycle.submission_review_start(submission=application, actor=actor)


# --- the ministerial decision and certificates
def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def default_validity(*, start: datetime.date, years: int = CERTIFICATE_YEARS) -> datetime.date:
    """The last day of a certificate starting on `start`: five years less a day."""
    return add_years(start, years) - datetime.timedelta(days=1)


def _next_number(issued_on: datetime.date) -> str:
    """The fiscal year's highest number plus one (not a count: a gap left by a deleted certificate would
    hand out a number already issued)."""
    prefix = f"TR-{FiscalYear.of(issued_on).year}-"
    numbers = Certificate.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max(
        (int(n.removeprefix(prefix)) for n in numbers if n.removeprefix(prefix).isdecimal()), default=0
    )
    return f"{prefix}{last + 1:03d}"


def _certificate_save(certificate: Certificate, *, actor: User, reason: str) -> None:
    """Numbers and saves the certificate. Two decisions at once may read the same highest number: the unique
    constraint refuses the second, which takes the next number (certificates have no issuing row to lock)."""
    for attempt in range(_NUMBERING_ATTEMPTS):
        certificate.number = _next_number(certificate.issued_on)
        try:
            with transaction.atomic():
                audited_save(certificate, actor=actor, reason=reason, full_clean=True)
            return
        except IntegrityError as error:
            if not is_unique_violation(error) or attempt == _NUMBERING_ATTEMPTS - 1:
                raise


_NUMBERING_ATTEMPTS = 5


def application_decide(
    *,
    application: CertificationApplication,
    outcome: str,
    rationale: str,
    actor: User,
    decided_on: datetime.date | None = None,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> Certificate | None:
    """The minister's decision on a submitted application. Certifying issues a certificate valid five years
    unless the decision says otherwise; a renewal continues the day after the renewed certificate ends."""
    if not actor.has_role(Role.MINISTRY_OFFICIAL):
        raise ValidationError(_("Only the ministry decides on certification."), "ministry_only")
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError(
            _("Give the reasons for the decision; the applicant receives them."), "rationale"
        )
    if outcome not in DecisionOutcome.values:
        raise ValidationError(_("Unknown decision “%(outcome)s”.") % {"outcome": outcome}, "outcome")
    decided_on = decided_on or _today()
    with transaction.atomic():
        if outcome == DecisionOutcome.REJECT:
            lifecycle.submission_decide(
                submission=application,
                accept=False,
                reason=rationale,
                actor=actor,
                record_as=_("Not certified: %(rationale)s") % {"rationale": rationale},
                notify=False,  # the review engine's decision notice carries the reasons
            )
            return None
        # The certificate notice below replaces the lifecycle's "accepted" notice.
        lifecycle.submission_decide(
            submission=application,
            accept=True,
            reason=rationale,
            actor=actor,
            record_as=_("Certified: %(rationale)s") % {"rationale": rationale},
            notify=False,
        )
        if valid_from is None:
            valid_from = decided_on
            if application.renews and application.renews.valid_until >= decided_on:
                valid_from = application.renews.valid_until + datetime.timedelta(days=1)
        valid_until = valid_until or default_validity(start=valid_from)
        if valid_until < valid_from:
            raise ValidationError(_("A certificate cannot end before it starts."), "validity")
        certificate = Certificate(
            organisation=application.organisation,
            application=application,
            renews=application.renews,
            valid_from=valid_from,
            valid_until=valid_until,
            issued_on=decided_on,
            issued_by=actor,
        )
        _certificate_save(
            certificate,
            actor=actor,
            reason=_("Certificate issued: %(rationale)s") % {"rationale": rationale},
        )
        notification_send(
            recipients=application.applicant_users(),
            subject=_("Certified as a translational research support institution: certificate %(number)s")
            % {"number": certificate.number},
            body=_("%(organisation)s is certified from %(start)s to %(end)s.")
            % {
                "organisation": application.organisation.name,
                "start": valid_from.isoformat(),
                "end": valid_until.isoformat(),
            },
            link=certificate.get_absolute_url(),
        )
    return certificate


def certificate_validity_change(
    *, certificate: Certificate, valid_until: datetime.date, reason: str, actor: User
) -> Certificate:
    """The ministry sets another end date than five years (the decision said otherwise), with a reason."""
    if not actor.has_role(Role.MINISTRY_OFFICIAL):
        raise PermissionDenied(_("Only the ministry changes a certificate's validity."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Say why the validity changes; the reason is kept in the audit trail."), "reason"
        )
    if valid_until < certificate.valid_from:
        raise ValidationError(_("A certificate cannot end before it starts."), "validity")
    with transaction.atomic():
        certificate.valid_until = valid_until
        audited_save(certificate, actor=actor, reason=reason, full_clean=True)
    return certificate


# --- entries to calls (the calls themselves are the lifecycle's, kiban.submissions.models.Call)
def call_entry_create(
    *, call: Call, organisation: Organisation, title: str, actor: User, on: datetime.date | None = None
) -> CallEntry:
    """Enters an institution into a call; refused with the reason when it may not enter."""
    on = on or _today()
    if organisation.pk not in selectors.hub_organisation_ids(user=actor):
        raise PermissionDenied(
            _("Only hub staff of %(organisation)s may enter it into a call.") % {"organisation": organisation}
        )
    problem = lifecycle.call_refusal(call=call, organisation=organisation, on=on)
    if problem:
        raise ValidationError(problem, "not_eligible")
    if not title.strip():
        raise ValidationError(_("Give the title of the proposal."), "title")
    entry = CallEntry(call=call, organisation=organisation, title=title.strip(), entered_by=actor)
    with transaction.atomic():
        audited_save(entry, actor=actor, reason=_("Entered into the call"), full_clean=True)
        notification_send(
            recipients=selectors.officials(),
            subject=_("New entry to %(call)s") % {"call": call.title},
            body=_("%(organisation)s entered “%(title)s”.")
            % {"organisation": organisation.name, "title": entry.title},
            link=call.get_absolute_url(),
        )
    return entry
