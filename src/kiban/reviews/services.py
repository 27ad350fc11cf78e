"""Writes of the review engine: rounds, assignments, conflicts, scores, closing and decisions.

Every function is keyword-only and runs in one transaction; what it saves goes through
`kiban.core.audit.audited_save` with the acting user and a reason, so the audit trail says who did what, when
and why. Rows that concurrent requests could both change are locked (`select_for_update`; SQLite runs
IMMEDIATE transactions), always round before assignment.
"""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from kiban.core.audit import audited_save
from kiban.core.errors import StateConflict
from kiban.core.models import Membership, User
from kiban.core.services import notification_send

from .choices import UNDECIDED_STATES, Conflict, RoundState
from .models import Assignment, Criterion, Decision, ReviewRound, Rubric, Score
from .registry import ReviewAdapter, adapter_for, outcome_label
from .selectors import undecided_round


def _require_manager(adapter: ReviewAdapter, actor: User, target) -> None:
    if not adapter.can_manage(actor, target):
        raise PermissionDenied(_("You may not manage the review of this item."))


def _refuse_if_adapter_says_so(adapter: ReviewAdapter, target) -> None:
    """An adapter may refuse any review of an item in its current state (a terminated seed, say)."""
    refusal = getattr(adapter, "review_refusal", None)
    reason = refusal(target) if refusal is not None else None
    if reason:
        raise ValidationError(reason, "refused_by_item")


def _locked_round(round_: ReviewRound) -> ReviewRound:
    # of=("self",): PostgreSQL would otherwise also lock the shared rubric row.
    return ReviewRound.objects.select_for_update(of=("self",)).select_related("rubric").get(pk=round_.pk)


def _state_message(round_: ReviewRound) -> str:
    if round_.state == RoundState.CLOSED:
        return _("The round “%(title)s” is closed; scores and assignments can no longer change.") % {
            "title": round_.title
        }
    if round_.state == RoundState.DECIDED:
        return _("The round “%(title)s” is already decided.") % {"title": round_.title}
    if round_.state == RoundState.CANCELLED:
        cancelled = round_.history.filter(state=RoundState.CANCELLED).last()
        return _("The round “%(title)s” was cancelled (%(why)s); nothing in it changes any more.") % {
            "title": round_.title,
            "why": cancelled.history_change_reason if cancelled else _("no reason recorded"),
        }
    return _("The round “%(title)s” is still open.") % {"title": round_.title}


def _undecided_message(round_: ReviewRound) -> str:
    return _("The review round “%(title)s” on this item is still under way; decide it first.") % {
        "title": round_.title
    }


def _reviewed_state(adapter: ReviewAdapter, target) -> str:
    state = getattr(adapter, "review_state", None)
    return str(state(target)) if state is not None else ""


def _refuse_if_moved_on(adapter: ReviewAdapter, round_: ReviewRound, target) -> None:
    """A decision judges the state the round reviewed; once the item is elsewhere it no longer applies."""
    current = _reviewed_state(adapter, target)
    if not round_.reviewed_state or current == round_.reviewed_state:
        return
    raise StateConflict(
        _(
            "The round “%(title)s” reviewed the item at %(reviewed)s, but it is now at %(current)s; "
            "its decision no longer applies. Open a new round for the present state."
        )
        % {
            "title": round_.title,
            "reviewed": adapter.review_state_label(round_.reviewed_state),
            "current": adapter.review_state_label(current),
        },
        "moved_on",
    )


# --- rubrics
def rubric_create(
    *,
    name: str,
    name_en: str = "",
    scale_min: int = 1,
    scale_max: int = 9,
    aggregation: str = "mean",
    higher_is_better: bool = False,
    criteria: Iterable[dict],
    actor: User | None = None,
) -> Rubric:
    """A rubric with its criteria (dicts of name, name_en, description, weight), in the order given."""
    criteria = list(criteria)
    if not criteria:
        raise ValidationError(_("A rubric needs at least one criterion."), "no_criteria")
    rubric = Rubric(
        name=name,
        name_en=name_en,
        scale_min=scale_min,
        scale_max=scale_max,
        aggregation=aggregation,
        higher_is_better=higher_is_better,
    )
    rubric.full_clean()
    with transaction.atomic():
        audited_save(rubric, actor=actor, reason=_("Rubric created"))
        for order, fields in enumerate(criteria, start=1):
            criterion = Criterion(rubric=rubric, order=order, **fields)
            criterion.full_clean()
            audited_save(criterion, actor=actor, reason=_("Rubric created"))
    return rubric


def rubric_update(*, rubric: Rubric, actor: User | None = None, **fields) -> Rubric:
    """Changes a rubric no round uses yet; one in use is refused (its scores would change meaning)."""
    with transaction.atomic():
        rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
        for name, value in fields.items():
            setattr(rubric, name, value)
        rubric.full_clean()
        audited_save(rubric, actor=actor, reason=_("Rubric changed"))
    return rubric


# --- rounds
def review_round_open(
    *,
    target: models.Model,
    rubric: Rubric,
    title: str,
    blind: bool,
    due_date: datetime.date | None,
    actor: User,
) -> ReviewRound:
    """Opens a round on any registered model; only someone who may manage the item's review may."""
    adapter = adapter_for(target)
    _require_manager(adapter, actor, target)
    _refuse_if_adapter_says_so(adapter, target)
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the round a title."), "title")
    if not rubric.criteria.exists():
        raise ValidationError(_("The rubric has no criteria to score."), "no_criteria")
    try:
        with transaction.atomic():
            # The item as it is now, locked: the round records its present state, not a stale copy's.
            target = type(target)._default_manager.select_for_update().get(pk=target.pk)
            round_ = ReviewRound(
                content_type=ContentType.objects.get_for_model(target),
                object_id=target.pk,
                rubric=rubric,
                title=title,
                blind=blind,
                due_date=due_date,
                opened_by=actor,
            )
            opened = getattr(adapter, "review_opened", None)
            if opened is not None:  # the item's own state follows (certification: under review), or refuses
                opened(target, round_, actor)
            under_way = undecided_round(target)
            if under_way is not None:
                raise StateConflict(_undecided_message(under_way), "round_under_way")
            round_.reviewed_state = _reviewed_state(adapter, target)
            audited_save(round_, actor=actor, reason=_("Review round opened"))
    except IntegrityError as error:
        # A concurrent request opened a round on the item between the check and this insert.
        under_way = undecided_round(target)
        if under_way is None:
            raise
        raise StateConflict(_undecided_message(under_way), "round_under_way") from error
    return round_


def _conflict_reason(
    reviewer: User, organisation_ids: set[int], user_ids: set[int], memberships: Iterable[Membership]
) -> str:
    if reviewer.pk in user_ids:
        return _("Named on the application.")
    shared = sorted({m.organisation.name for m in memberships if m.organisation_id in organisation_ids})
    if shared:
        return _("Member of the applicant's organisation or a partner: %(organisations)s.") % {
            "organisations": ", ".join(shared)
        }
    return ""


def _memberships_by_user(user_ids: Iterable[int]) -> dict[int, list[Membership]]:
    found: dict[int, list[Membership]] = {}
    for membership in Membership.objects.filter(user_id__in=list(user_ids)).select_related("organisation"):
        found.setdefault(membership.user_id, []).append(membership)
    return found


def _assignment_notice(assignment: Assignment, adapter: ReviewAdapter, target) -> None:
    round_ = assignment.round
    item = adapter.title(target)
    if round_.due_date:
        body = _(
            "You are asked to score “%(item)s” by %(date)s. Declare a conflict of interest if you have one."
        ) % {"item": item, "date": round_.due_date.isoformat()}
    else:
        body = _("You are asked to score “%(item)s”. Declare a conflict of interest if you have one.") % {
            "item": item
        }
    notification_send(
        recipients=[assignment.reviewer],
        subject=_("Please review: %(title)s") % {"title": round_.title},
        body=body,
        link=assignment.get_absolute_url(),
    )


def reviewer_assign(*, round: ReviewRound, reviewer: User, actor: User) -> Assignment:
    """Assigns a reviewer by hand; a conflict (the applicant's organisation or a partner, or named on the
    application) is detected and recorded, and the conflicted reviewer can neither see nor score the item."""
    target = round.target
    adapter = adapter_for(target)
    _require_manager(adapter, actor, target)
    with transaction.atomic():
        locked = _locked_round(round)
        if locked.state != RoundState.OPEN:
            raise StateConflict(_state_message(locked), "round_not_open")
        if Assignment.objects.filter(round=locked, reviewer=reviewer).exists():
            raise ValidationError(
                _("%(reviewer)s is already assigned to this round.") % {"reviewer": reviewer}, "duplicate"
            )
        reason = _conflict_reason(
            reviewer,
            adapter.conflict_organisation_ids(target),
            adapter.conflict_user_ids(target),
            _memberships_by_user([reviewer.pk]).get(reviewer.pk, []),
        )
        assignment = Assignment(
            round=locked,
            reviewer=reviewer,
            assigned_by=actor,
            conflict=Conflict.DETECTED if reason else Conflict.NONE,
            conflict_reason=reason,
        )
        audited_save(
            assignment,
            actor=actor,
            reason=_("Reviewer assigned; conflict of interest detected: %(reason)s") % {"reason": reason}
            if reason
            else _("Reviewer assigned"),
        )
        if not reason:
            _assignment_notice(assignment, adapter, target)
    return assignment


def reviewers_assign_balanced(
    *, rounds: Iterable[ReviewRound], pool: list[User], per_round: int, actor: User
) -> dict[int, list[Assignment]]:
    """Brings each round up to `per_round` reviewers without a conflict, taken from the pool: the reviewer
    with the fewest assignments in open rounds first (ties by user id); conflicted reviewers are skipped, not
    recorded. Returns the new assignments by round id; a round may get fewer when the pool runs out."""
    if per_round < 1:
        raise ValidationError(_("Ask for at least one reviewer per round."), "per_round")
    pool = list({user.pk: user for user in pool if user.is_active}.values())
    rounds = list(rounds)
    created: dict[int, list[Assignment]] = {}
    with transaction.atomic():
        locked = {
            r.pk: r
            for r in ReviewRound.objects.select_for_update(of=("self",))
            .select_related("content_type")
            .filter(pk__in=[r.pk for r in rounds])
            .order_by("pk")
        }
        load = Counter(
            Assignment.objects.filter(
                reviewer__in=pool, round__state=RoundState.OPEN, conflict=Conflict.NONE
            ).values_list("reviewer_id", flat=True)
        )
        memberships = _memberships_by_user(user.pk for user in pool)
        for round_ in locked.values():
            target = round_.target
            adapter = adapter_for(target)
            _require_manager(adapter, actor, target)
            if round_.state != RoundState.OPEN:
                raise StateConflict(_state_message(round_), "round_not_open")
            present = dict(round_.assignments.values_list("reviewer_id", "conflict"))
            wanted = per_round - sum(1 for conflict in present.values() if conflict == Conflict.NONE)
            organisation_ids = adapter.conflict_organisation_ids(target)
            user_ids = adapter.conflict_user_ids(target)
            created[round_.pk] = []
            candidates = sorted(
                (user for user in pool if user.pk not in present), key=lambda u: (load[u.pk], u.pk)
            )
            for reviewer in candidates:
                if wanted <= 0:
                    break
                if _conflict_reason(reviewer, organisation_ids, user_ids, memberships.get(reviewer.pk, [])):
                    continue
                assignment = Assignment(round=round_, reviewer=reviewer, assigned_by=actor)
                audited_save(assignment, actor=actor, reason=_("Reviewer assigned by balanced assignment"))
                _assignment_notice(assignment, adapter, target)
                created[round_.pk].append(assignment)
                load[reviewer.pk] += 1
                wanted -= 1
    return created


def conflict_declare(*, assignment: Assignment, reason: str, actor: User) -> Assignment:
    """The reviewer declares a conflict of interest: from now on they see nothing of the item, and the
    aggregate leaves their scores out."""
    if actor.pk != assignment.reviewer_id:
        raise PermissionDenied(_("Only the reviewer can declare their own conflict of interest."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Say what the conflict of interest is; it is kept in the audit trail."), "reason"
        )
    with transaction.atomic():
        round_ = _locked_round(assignment.round)
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if round_.state not in UNDECIDED_STATES:
            raise StateConflict(_state_message(round_), "round_decided")
        if assignment.conflict == Conflict.DECLARED:
            raise ValidationError(_("You have already declared a conflict of interest."), "already_declared")
        assignment.conflict = Conflict.DECLARED
        assignment.conflict_reason = reason
        audited_save(
            assignment,
            actor=actor,
            reason=_("Conflict of interest declared: %(reason)s") % {"reason": reason},
        )
        notification_send(
            recipients=[round_.opened_by],
            subject=_("Conflict of interest declared: %(title)s") % {"title": round_.title},
            body=_("%(reviewer)s declared a conflict of interest: %(reason)s")
            % {"reviewer": actor, "reason": reason},
            link=round_.get_absolute_url(),
        )
    return assignment


def scores_submit(
    *,
    assignment: Assignment,
    values: dict[int, int | None],
    comments: dict[int, str] | None = None,
    actor: User,
) -> Assignment:
    """The reviewer's scores, one per criterion (None: not applicable), submitted once. Refused when the
    reviewer is conflicted, the round is not open or a value is outside the rubric's scale."""
    if actor.pk != assignment.reviewer_id:
        raise PermissionDenied(_("Only the assigned reviewer can submit these scores."))
    comments = {int(k): (v or "").strip() for k, v in (comments or {}).items()}
    values = {int(k): v for k, v in values.items()}
    with transaction.atomic():
        round_ = _locked_round(assignment.round)
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.is_conflicted:
            raise ValidationError(
                _("You have a conflict of interest with this item (%(reason)s), so you cannot score it.")
                % {"reason": assignment.conflict_reason},
                "conflicted",
            )
        if round_.state != RoundState.OPEN:
            raise StateConflict(_state_message(round_), "round_not_open")
        if assignment.submitted_at is not None:
            raise StateConflict(_("You have already submitted your scores for this round."), "submitted")
        _refuse_if_adapter_says_so(adapter_for(round_.target), round_.target)
        rubric = round_.rubric
        criteria = list(rubric.criteria.all())
        known = {c.pk for c in criteria}
        unknown = set(values) - known
        if unknown:
            raise ValidationError(
                _("Criteria %(ids)s do not belong to this round's rubric.")
                % {"ids": ", ".join(str(i) for i in sorted(unknown))},
                "unknown_criterion",
            )
        missing = [c.display_name for c in criteria if c.pk not in values]
        if missing:
            raise ValidationError(
                _("Score every criterion (or mark it not applicable); missing: %(names)s.")
                % {"names": ", ".join(missing)},
                "missing",
            )
        for criterion in criteria:
            value = values[criterion.pk]
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not rubric.scale_min <= value <= rubric.scale_max
            ):
                raise ValidationError(
                    _(
                        "The score for “%(criterion)s” must be a whole number from %(min)s to %(max)s, "
                        "or not applicable; %(value)s is not."
                    )
                    % {
                        "criterion": criterion.display_name,
                        "min": rubric.scale_min,
                        "max": rubric.scale_max,
                        "value": value,
                    },
                    "out_of_scale",
                )
        reason = _("Scores submitted")
        for criterion in criteria:
            score = Score(
                assignment=assignment,
                criterion=criterion,
                value=values[criterion.pk],
                comment=comments.get(criterion.pk, ""),
            )
            audited_save(score, actor=actor, reason=reason)
        assignment.submitted_at = timezone.now()
        audited_save(assignment, actor=actor, reason=reason)
    return assignment


def review_round_close(*, round: ReviewRound, actor: User) -> ReviewRound:
    """Ends scoring; the panel then records its decision."""
    target = round.target
    _require_manager(adapter_for(target), actor, target)
    with transaction.atomic():
        locked = _locked_round(round)
        try:
            locked.close()
        except TransitionNotAllowed as error:
            raise StateConflict(
                _("Only an open round can be closed. %(state)s") % {"state": _state_message(locked)},
                "transition",
            ) from error
        audited_save(locked, actor=actor, reason=_("Review round closed"))
    return locked


def review_rounds_cancel_for(*, target: models.Model, actor: User, reason: str) -> list[ReviewRound]:
    """Cancels the item's undecided rounds (open, or closed awaiting a decision) because its own app has
    withdrawn or ended it (a terminated seed, a withdrawn or returned application): nobody scores or decides
    it any more, and a new round may be opened later. The app has checked the actor may do so."""
    from .selectors import rounds_for

    cancelled = []
    for round_ in rounds_for(target).filter(state__in=UNDECIDED_STATES):
        with transaction.atomic():
            locked = _locked_round(round_)
            if locked.state not in UNDECIDED_STATES:
                continue
            locked.cancel()
            audited_save(locked, actor=actor, reason=reason)
            cancelled.append(locked)
    return cancelled


def decision_record(*, round: ReviewRound, outcome: str, rationale: str, actor: User) -> Decision:
    """Records the panel's decision with its written rationale, lets the item's app apply it (in the same
    transaction), and sends the decision notice to the applicant."""
    target = round.target
    adapter = adapter_for(target)
    _require_manager(adapter, actor, target)
    rationale = rationale.strip()
    if not rationale:
        raise ValidationError(
            _("Write the rationale of the decision; it is sent to the applicant and kept."), "rationale"
        )
    if outcome not in dict(adapter.outcomes):
        raise ValidationError(
            _("“%(outcome)s” is not a possible decision here; choose one of: %(choices)s.")
            % {"outcome": outcome, "choices": ", ".join(str(label) for _value, label in adapter.outcomes)},
            "outcome",
        )
    with transaction.atomic():
        locked = _locked_round(round)
        if locked.state == RoundState.OPEN:
            raise ValidationError(_("Close the round before recording the decision."), "round_open")
        # Read the item's state again under a lock: it may have moved since the round was opened.
        target = type(target)._default_manager.select_for_update().get(pk=target.pk)
        _refuse_if_moved_on(adapter, locked, target)
        try:
            locked.decide()
        except TransitionNotAllowed as error:
            raise StateConflict(_state_message(locked), "transition") from error
        label = outcome_label(adapter, outcome)
        decision = Decision(round=locked, outcome=outcome, rationale=rationale, decided_by=actor)
        reason = _("Decision: %(outcome)s. Rationale: %(rationale)s") % {
            "outcome": label,
            "rationale": rationale,
        }
        audited_save(decision, actor=actor, reason=reason)
        adapter.apply_decision(target, decision)
        audited_save(locked, actor=actor, reason=reason)
        notification_send(
            recipients=list(adapter.applicant_users(target)),
            subject=_("Decision on %(title)s: %(outcome)s")
            % {"title": adapter.title(target), "outcome": label},
            body=rationale,
            link=adapter.url(target),
        )
    return decision
