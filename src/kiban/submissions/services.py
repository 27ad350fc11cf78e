"""Writes of the request lifecycle: submit, return (差戻し), resubmit, withdraw, start review, decide, start,
complete, and calls (公募). Keyword-only; each runs in one transaction, checks the acting user's permission
`<app>.<verb>_<model>`, refuses an illegal transition with a translated message, records the change with
its reason and the user in the history, and notifies who must know."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed

from kiban.core.audit import audited_save
from kiban.core.errors import StateConflict
from kiban.core.models import Organisation, User
from kiban.core.permissions import registered_refusals
from kiban.core.services import notification_send
from kiban.programmes.models import Programme

from .choices import SubmissionState
from .models import Call, Submission


@dataclass(frozen=True)
class Action:
    method: str  # the transition on Submission
    verb: str  # the permission <app>.<verb>_<model>
    stamp: str  # the timestamp field it sets
    refusal: str  # when the state does not allow it; %(state)s is the present state
    forbidden: str
    audit: str  # the history's change reason; %(reason)s is the reason given
    tell_handlers: bool  # notify the handling office (else the applicant)


ACTIONS = {
    "submit": Action(
        "submit", "submit", "submitted_at",
        gettext_lazy("Only a draft can be submitted; this one is %(state)s."),
        gettext_lazy("You may not submit this request."),
        gettext_lazy("Submitted"), True,
    ),
    "return": Action(
        "return_for_changes", "return", "returned_at",
        gettext_lazy("Only a request waiting for screening or review can be returned for changes; "
                     "this one is %(state)s."),
        gettext_lazy("You may not return this request for changes."),
        gettext_lazy("Returned for changes: %(reason)s"), False,
    ),
    "resubmit": Action(
        "resubmit", "submit", "resubmitted_at",
        gettext_lazy("Only a request returned for changes can be resubmitted; this one is %(state)s."),
        gettext_lazy("You may not submit this request."),
        gettext_lazy("Resubmitted"), True,
    ),
    "withdraw": Action(
        "withdraw", "withdraw", "withdrawn_at",
        gettext_lazy("A request that is %(state)s can no longer be withdrawn."),
        gettext_lazy("You may not withdraw this request."),
        gettext_lazy("Withdrawn: %(reason)s"), True,
    ),
    "review": Action(
        "start_review", "review", "review_started_at",
        gettext_lazy("Only a submitted request can be put under review; this one is %(state)s."),
        gettext_lazy("You may not put this request under review."),
        gettext_lazy("Review started"), False,
    ),
    "accept": Action(
        "accept", "decide", "decided_at",
        gettext_lazy("Only a submitted request can be decided; this one is %(state)s."),
        gettext_lazy("You may not decide on this request."),
        gettext_lazy("Accepted: %(reason)s"), False,
    ),
    "reject": Action(
        "reject", "decide", "decided_at",
        gettext_lazy("Only a submitted request can be decided; this one is %(state)s."),
        gettext_lazy("You may not decide on this request."),
        gettext_lazy("Rejected: %(reason)s"), False,
    ),
    "start": Action(
        "start", "start", "started_at",
        gettext_lazy("Only an accepted request can be started; this one is %(state)s."),
        gettext_lazy("You may not start the work on this request."),
        gettext_lazy("Work started"), False,
    ),
    "complete": Action(
        "complete", "complete", "completed_at",
        gettext_lazy("Only a request in progress can be completed; this one is %(state)s."),
        gettext_lazy("You may not complete this request."),
        gettext_lazy("Completed"), False,
    ),
}  # fmt: skip

NOTICES = {
    "submit": gettext_lazy("Submitted: %(request)s"),
    "return": gettext_lazy("Returned for changes: %(request)s"),
    "resubmit": gettext_lazy("Resubmitted: %(request)s"),
    "withdraw": gettext_lazy("Withdrawn: %(request)s"),
    "review": gettext_lazy("Under review: %(request)s"),
    "accept": gettext_lazy("Accepted: %(request)s"),
    "reject": gettext_lazy("Not accepted: %(request)s"),
    "start": gettext_lazy("Work started: %(request)s"),
    "complete": gettext_lazy("Completed: %(request)s"),
}


def _today() -> datetime.date:
    return timezone.localdate()


def permission(submission: Submission, verb: str) -> str:
    """The permission an action needs, e.g. certification.return_certificationapplication."""
    meta = submission._meta
    return f"{meta.app_label}.{verb}_{meta.model_name}"


def state_label(submission: Submission) -> str:
    return str(submission.get_state_display()).lower()


def transition_refusal(submission: Submission, action: str) -> str | None:
    """Why the request's present state does not allow the action (None: it does); for pages and services."""
    spec = ACTIONS[action]
    method = getattr(submission, spec.method)
    if can_proceed(method):
        return None
    target = next(iter(method._django_fsm.transitions.values())).target
    if target not in dict(submission._meta.get_field("state").choices):
        return _("A %(kind)s is never %(state)s.") % {
            "kind": submission._meta.verbose_name,
            "state": SubmissionState(target).label.lower(),
        }
    return str(spec.refusal) % {"state": state_label(submission)}


def _notify(submission: Submission, action: str, actor: User, reason: str) -> None:
    notice = submission.lifecycle_notice(action, actor)
    if notice is None:
        notice = (
            str(NOTICES[action]) % {"request": submission},
            reason or _("By %(actor)s.") % {"actor": actor},
        )
    subject, body = notice
    spec = ACTIONS[action]
    recipients = submission.handler_users() if spec.tell_handlers else submission.applicant_users()
    link = submission.get_absolute_url() if hasattr(submission, "get_absolute_url") else ""
    notification_send(recipients=recipients, subject=subject, body=body, link=link)


def _transition(
    submission: Submission,
    action: str,
    *,
    actor: User,
    reason: str = "",
    record_as: str = "",
    check=None,
    notify: bool = True,
    **values,
) -> Submission:
    """The one path of every state change: permission, lock, state, the caller's check, then save,
    history and notification in one transaction."""
    spec = ACTIONS[action]
    perm = permission(submission, spec.verb)
    if not actor.has_perm(perm, submission):
        # The system's own sentence for the permission (its rules.py registers it), else the generic one.
        raise PermissionDenied(str(registered_refusals().get(perm, spec.forbidden)))
    with transaction.atomic():
        # Lock the row: two officers deciding at once must not both succeed.
        current = (
            type(submission)
            ._default_manager.select_for_update()
            .values_list("state", flat=True)
            .get(pk=submission.pk)
        )
        if current != submission.state:
            submission.refresh_from_db()
        refusal = transition_refusal(submission, action)
        if refusal:
            raise StateConflict(refusal, "illegal_transition")
        if check is not None:
            check()
        getattr(submission, spec.method)()
        setattr(submission, spec.stamp, timezone.now())
        for name, value in values.items():
            setattr(submission, name, value)
        audited_save(
            submission,
            actor=actor,
            reason=record_as or str(spec.audit) % {"reason": reason or "—"},
            full_clean=True,
        )
        if notify:
            _notify(submission, action, actor, reason)
    return submission


def _required(reason: str, message: str, code: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(message, code)
    return reason


def submission_submit(
    *, submission: Submission, actor: User, on: datetime.date | None = None, record_as: str = ""
) -> Submission:
    """The applicant sends a complete draft; refused with what is missing, or when its call (if it has
    one) is closed or does not admit the applicant."""
    on = on or _today()

    def check() -> None:
        call = getattr(submission, "call", None)
        if call is not None:
            refusal = call_refusal(call=call, organisation=submission.organisation, on=on)
            if refusal:
                raise ValidationError(refusal, "not_eligible")
        problems = submission.submission_problems()
        if problems:
            raise ValidationError(problems, "incomplete")

    return _transition(
        submission, "submit", actor=actor, check=check, record_as=record_as, submitted_by=actor
    )


def submission_return(*, submission: Submission, reason: str, actor: User) -> Submission:
    """Screening or review sends the request back (差戻し) saying what must change; the applicant may edit
    it again and resubmit."""
    reason = _required(reason, _("Say what must change; the applicant receives it."), "reason")
    return _transition(submission, "return", actor=actor, reason=reason, return_reason=reason)


def submission_resubmit(*, submission: Submission, actor: User, record_as: str = "") -> Submission:
    """The applicant sends the changed request again; what is missing is refused as on the first submission.
    The call's window is not checked again: a return may come after the call has closed."""

    def check() -> None:
        problems = submission.submission_problems()
        if problems:
            raise ValidationError(problems, "incomplete")

    return _transition(submission, "resubmit", actor=actor, check=check, record_as=record_as)


def submission_withdraw(*, submission: Submission, actor: User, reason: str = "") -> Submission:
    """The applicant gives the request up before it is decided."""
    return _transition(submission, "withdraw", actor=actor, reason=reason.strip())


def submission_review_start(*, submission: Submission, actor: User, check=None) -> Submission:
    """Reviewers start on a submitted (or resubmitted) request; `check` may refuse with a ValidationError."""
    return _transition(submission, "review", actor=actor, check=check)


def submission_decide(
    *,
    submission: Submission,
    accept: bool,
    reason: str,
    actor: User,
    record_as: str = "",
    notify: bool = True,
) -> Submission:
    """Accepts or rejects a request waiting for a decision, with the reasons the applicant receives
    (notify=False when the system sends its own notice, e.g. with the certificate it issues)."""
    reason = _required(
        reason, _("Give the reasons for the decision; the applicant receives them."), "rationale"
    )
    return _transition(
        submission,
        "accept" if accept else "reject",
        actor=actor,
        reason=reason,
        record_as=record_as,
        notify=notify,
        decided_by=actor,
        decision_reason=reason,
    )


def submission_start(*, submission: Submission, actor: User) -> Submission:
    """The accepted work begins (support starts, access is opened, the order is prepared)."""
    return _transition(submission, "start", actor=actor)


def submission_complete(*, submission: Submission, actor: User) -> Submission:
    return _transition(submission, "complete", actor=actor)


# --- calls
def call_create(
    *,
    system: str,
    title: str,
    title_en: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    eligibility: list[str] | tuple[str, ...] = (),
    programme: Programme | None = None,
    description: str = "",
    actor: User,
) -> Call:
    """Opens a call of a system; who may is the system's permission `<system>.add_call`."""
    perm = f"{system}.add_call"
    if not actor.has_perm(perm):
        raise PermissionDenied(str(registered_refusals().get(perm, _("You may not open calls."))))
    if closes_on < opens_on:
        raise ValidationError(_("A call cannot close before it opens."), "dates")
    call = Call(
        system=system,
        title=title.strip(),
        title_en=title_en.strip(),
        programme=programme,
        eligibility=list(dict.fromkeys(eligibility)),
        opens_on=opens_on,
        closes_on=closes_on,
        description=description.strip(),
    )
    with transaction.atomic():
        audited_save(call, actor=actor, reason=_("Call opened"), full_clean=True)
    return call


def call_refusal(*, call: Call, organisation: Organisation, on: datetime.date) -> str | None:
    """Why the organisation may not apply to the call on the day (closed, or a rule does not admit it,
    naming the rule), or None if it may."""
    if not call.is_open(on):
        return _("“%(call)s” accepts entries from %(opens)s to %(closes)s.") % {
            "call": call,
            "opens": call.opens_on.isoformat(),
            "closes": call.closes_on.isoformat(),
        }
    for rule in call.rules:
        refusal = rule.refusal(call=call, organisation=organisation, on=on)
        if refusal:
            return refusal
    return None
