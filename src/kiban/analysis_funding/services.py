"""Writes of analysis funding: calls and their settings, proposals (through kiban.submissions' lifecycle),
opening their review (through kiban.reviews), and the allocation: compute, approve, publish.

Keyword-only; each write checks the actor's permission, runs in one transaction, locks what concurrent
requests could both change, and leaves an audit record (who, when, what, why)."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.biobank.criteria import CriteriaError
from kiban.biobank.models import SavedSearch
from kiban.biobank.search import search_run
from kiban.core import disclosure
from kiban.core.audit import audited_delete, audited_save
from kiban.core.errors import StateConflict, unique_or_conflict
from kiban.core.inputs import MAX_YEN
from kiban.core.models import User
from kiban.core.money import format_yen
from kiban.core.permissions import require
from kiban.reviews import services as reviews
from kiban.reviews.choices import RoundState
from kiban.reviews.models import ReviewRound, Rubric
from kiban.submissions import services as lifecycle
from kiban.submissions.choices import EDITABLE_STATES, SubmissionState
from kiban.submissions.models import Call

from . import selectors
from .choices import AllocationState, ReviewOutcome
from .models import MAX_SAMPLES, Allocation, AllocationLine, AnalysisCall, AssayOffer, Proposal


def _today() -> datetime.date:
    return timezone.localdate()


# --- the standard rubric
MERIT_RUBRIC = "解析費配分：科学的メリット"


def merit_rubric() -> Rubric:
    """The rubric analysis calls use unless told otherwise: three criteria, 1 (poor) to 5 (excellent)."""
    rubric = Rubric.objects.filter(name=MERIT_RUBRIC).first()
    if rubric is not None:
        return rubric
    return reviews.rubric_create(
        name=MERIT_RUBRIC,
        name_en="Analysis funding: scientific merit",
        scale_min=1,
        scale_max=5,
        aggregation="mean",
        higher_is_better=True,
        criteria=[
            {"name": "科学的重要性", "name_en": "Scientific significance", "description": ""},
            {"name": "試料・データの活用可能性", "name_en": "Use of the samples and data", "description": ""},
            {"name": "解析計画の妥当性", "name_en": "Soundness of the analysis plan", "description": ""},
        ],
    )


# --- calls
@dataclass(frozen=True)
class AssaySpec:
    assay: str
    material: str
    cost_per_sample_yen: int


def _check_yen(amount: int, what: str) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_YEN:
        raise ValidationError(
            _("%(what)s runs from ¥1 to ¥%(max)s.") % {"what": what, "max": f"{MAX_YEN:,}"}, "amount"
        )
    return amount


def _refuse_once_approved(analysis_call: AnalysisCall) -> None:
    allocation = selectors.allocation_of(analysis_call)
    if allocation is not None and allocation.state != AllocationState.DRAFT:
        raise StateConflict(
            _("The allocation of this call is %(state)s; the call's settings no longer change.")
            % {"state": allocation.get_state_display().lower()},
            "allocation_approved",
        )


def analysis_call_open(
    *,
    title: str,
    title_en: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    budget_yen: int,
    funder: str,
    assays: Sequence[AssaySpec],
    partial_funding: bool = False,
    blind_review: bool = True,
    tie_break: str = "lower_request",
    example_costs: bool = False,
    rubric: Rubric | None = None,
    eligibility: Iterable[str] = (),
    description: str = "",
    actor: User,
) -> AnalysisCall:
    """Opens a call (kiban.submissions' Call, system "analysis_funding") with its budget, funder, assays and
    their costs, and its rules of review and allocation."""
    require(actor, "analysis_funding.add_call")
    _check_yen(budget_yen, _("The budget"))
    assays = list(assays)
    if not assays:
        raise ValidationError(_("Offer at least one assay with its cost per sample."), "no_assays")
    if len({a.assay for a in assays}) != len(assays):
        raise ValidationError(_("Each assay is offered once, at one cost per sample."), "duplicate_assay")
    for spec in assays:
        _check_yen(spec.cost_per_sample_yen, _("The cost per sample"))
    with transaction.atomic():
        call = lifecycle.call_create(
            system=selectors.CALL_SYSTEM,
            title=title,
            title_en=title_en,
            opens_on=opens_on,
            closes_on=closes_on,
            eligibility=list(eligibility),
            description=description,
            actor=actor,
        )
        analysis_call = AnalysisCall(
            call=call,
            budget_yen=budget_yen,
            funder=funder,
            partial_funding=partial_funding,
            blind_review=blind_review,
            tie_break=tie_break,
            example_costs=example_costs,
            rubric=rubric or merit_rubric(),
        )
        audited_save(analysis_call, actor=actor, reason=_("Call opened"), full_clean=True)
        for spec in assays:
            offer = AssayOffer(
                analysis_call=analysis_call,
                assay=spec.assay,
                material=spec.material,
                cost_per_sample_yen=spec.cost_per_sample_yen,
            )
            audited_save(offer, actor=actor, reason=_("Call opened"), full_clean=True)
    return analysis_call


def _has_rounds(analysis_call: AnalysisCall) -> bool:
    from django.contrib.contenttypes.models import ContentType

    return ReviewRound.objects.filter(
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id__in=Proposal.objects.filter(call_id=analysis_call.call_id).values("pk"),
    ).exists()


def analysis_call_configure(
    *,
    analysis_call: AnalysisCall,
    budget_yen: int,
    funder: str,
    partial_funding: bool,
    blind_review: bool,
    tie_break: str,
    example_costs: bool,
    rubric: Rubric,
    reason: str = "",
    actor: User,
) -> AnalysisCall:
    """Changes the call's settings until its allocation is approved; the rubric and blindness only until
    the review has started (scores on two rubrics cannot be ranked together)."""
    require(actor, "analysis_funding.change_analysiscall")
    _check_yen(budget_yen, _("The budget"))
    with transaction.atomic():
        locked = AnalysisCall.objects.select_for_update().get(pk=analysis_call.pk)
        _refuse_once_approved(locked)
        if (rubric.pk != locked.rubric_id or blind_review != locked.blind_review) and _has_rounds(locked):
            raise StateConflict(
                _("The review of this call's proposals has started; its rubric and blindness stay."),
                "review_started",
            )
        changes = {
            "budget_yen": budget_yen,
            "funder": funder,
            "partial_funding": partial_funding,
            "blind_review": blind_review,
            "tie_break": tie_break,
            "example_costs": example_costs,
            "rubric": rubric,
        }
        for name, value in changes.items():
            setattr(locked, name, value)
        audited_save(
            locked,
            actor=actor,
            reason=_("Settings changed: %(reason)s") % {"reason": reason.strip() or "—"},
            full_clean=True,
        )
    return locked


def _refuse_if_costs_in_use(analysis_call: AnalysisCall) -> None:
    if (
        Proposal.objects.filter(call_id=analysis_call.call_id)
        .exclude(state__in=[SubmissionState.DRAFT, SubmissionState.WITHDRAWN])
        .exists()
    ):
        raise StateConflict(
            _("Proposals have been submitted at the present assays and costs; they no longer change."),
            "costs_in_use",
        )


def assay_offer_set(
    *, analysis_call: AnalysisCall, assay: str, material: str, cost_per_sample_yen: int, actor: User
) -> AssayOffer:
    """Offers an assay at a cost per sample, or changes one, until a proposal is submitted."""
    require(actor, "analysis_funding.change_analysiscall")
    _check_yen(cost_per_sample_yen, _("The cost per sample"))
    with transaction.atomic():
        locked = AnalysisCall.objects.select_for_update().get(pk=analysis_call.pk)
        _refuse_if_costs_in_use(locked)
        offer = AssayOffer.objects.filter(analysis_call=locked, assay=assay).first() or AssayOffer(
            analysis_call=locked, assay=assay
        )
        offer.material = material
        offer.cost_per_sample_yen = cost_per_sample_yen
        with unique_or_conflict(_("This assay is already offered."), "duplicate_assay"):
            audited_save(
                offer,
                actor=actor,
                reason=_("Assay %(assay)s offered at %(cost)s per sample")
                % {"assay": offer.get_assay_display(), "cost": format_yen(cost_per_sample_yen)},
                full_clean=True,
            )
    return offer


def assay_offer_remove(*, offer: AssayOffer, actor: User) -> None:
    require(actor, "analysis_funding.change_analysiscall")
    with transaction.atomic():
        locked = AnalysisCall.objects.select_for_update().get(pk=offer.analysis_call_id)
        _refuse_if_costs_in_use(locked)
        if locked.assays.count() <= 1:
            raise ValidationError(_("A call offers at least one assay."), "last_assay")
        audited_delete(offer, actor=actor, reason=_("Assay no longer offered"))


# --- proposals
def _material_tree(sample_set: SavedSearch, material: str) -> dict:
    return {"and": [sample_set.criteria, {"material": material}]}


def sample_set_count(
    *, sample_set: SavedSearch, material: str, user: User, address: str | None
) -> disclosure.DisclosedCount:
    """Participants of the sample set with the material, as the user may see them (disclosure control)."""
    try:
        result = search_run(tree=_material_tree(sample_set, material), user=user, address=address)
    except CriteriaError as error:
        raise ValidationError(
            _("The sample set “%(name)s” can no longer be counted: %(problem)s")
            % {"name": sample_set.name, "problem": error},
            "sample_set",
        ) from error
    except disclosure.QueryBudgetExhausted as error:
        raise ValidationError(error.message, "query_budget_exhausted") from error
    return result.total.shown


def _checked(
    *,
    analysis_call: AnalysisCall,
    sample_set: SavedSearch | None,
    assay: str,
    samples: int,
    actor: User,
    address: str | None,
) -> tuple[AssayOffer, int | None]:
    """The assay's offer and the sample set's count as the proposer sees it, or the refusal."""
    offer = selectors.offer_for(analysis_call, assay)
    if offer is None:
        raise ValidationError(
            _("This call does not offer %(assay)s; choose one of its assays.") % {"assay": assay}, "assay"
        )
    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= MAX_SAMPLES:
        raise ValidationError(_("Ask for 1 to %(max)s samples.") % {"max": f"{MAX_SAMPLES:,}"}, "samples")
    if samples * offer.cost_per_sample_yen > MAX_YEN:
        # Stored with the allocation as a whole-yen amount: it stays inside the platform's bound on money.
        raise ValidationError(
            _("%(samples)s samples at %(cost)s each come to more than %(max)s; ask for fewer samples.")
            % {
                "samples": f"{samples:,}",
                "cost": format_yen(offer.cost_per_sample_yen),
                "max": format_yen(MAX_YEN),
            },
            "requested_too_large",
        )
    if sample_set is None:
        return offer, None
    if sample_set.user_id != actor.pk:
        raise ValidationError(_("Choose one of your own saved searches as the sample set."), "sample_set")
    shown = sample_set_count(sample_set=sample_set, material=offer.material, user=actor, address=address)
    material = offer.get_material_display()
    if shown.masked:
        raise ValidationError(
            _(
                "The sample set “%(name)s” holds fewer than %(threshold)s participants with %(material)s as "
                "you may see it (shown “%(shown)s”); choose a larger set."
            )
            % {"name": sample_set.name, "threshold": shown.threshold, "material": material, "shown": shown},
            "sample_set_too_small",
        )
    if samples > shown.value:
        raise ValidationError(
            _(
                "The sample set “%(name)s” holds %(count)s participants with %(material)s as you may see it "
                "(under disclosure control); ask for at most %(count)s samples."
            )
            % {"name": sample_set.name, "count": f"{shown.value:,}", "material": material},
            "too_many_samples",
        )
    return offer, shown.value


def _clean_text(value: str) -> str:
    return (value or "").strip()


def proposal_create(
    *,
    call: Call,
    title: str,
    sample_set: SavedSearch | None,
    assay: str,
    samples: int,
    scientific_case: str = "",
    actor: User,
    address: str | None = None,
    on: datetime.date | None = None,
) -> Proposal:
    """A researcher's draft proposal to an open call: the sample set is counted for the assay's material as
    they may see it, and the samples asked for must not exceed it."""
    require(actor, "analysis_funding.add_proposal")
    analysis_call = selectors.analysis_call(call_id=call.pk)
    organisation = selectors.proposer_organisation(user=actor)
    if organisation is None:
        raise ValidationError(
            _("You propose for your research organisation, and you have none."), "organisation"
        )
    refusal = lifecycle.call_refusal(call=call, organisation=organisation, on=on or _today())
    if refusal:
        raise ValidationError(refusal, "not_eligible")
    title = _clean_text(title)
    if not title:
        raise ValidationError(_("Give the proposal a title."), "title")
    offer, count = _checked(
        analysis_call=analysis_call,
        sample_set=sample_set,
        assay=assay,
        samples=samples,
        actor=actor,
        address=address,
    )
    proposal = Proposal(
        call=call,
        organisation=organisation,
        title=title,
        assay=assay,
        samples=samples,
        cost_per_sample_yen=offer.cost_per_sample_yen,
        scientific_case=_clean_text(scientific_case),
        created_by=actor,
    )
    _take_sample_set(proposal, sample_set, count)
    with transaction.atomic():
        audited_save(proposal, actor=actor, reason=_("Proposal drafted"), full_clean=True)
    return proposal


def _take_sample_set(proposal: Proposal, sample_set: SavedSearch | None, count: int | None) -> None:
    proposal.sample_set = sample_set
    if sample_set is not None:
        proposal.sample_set_name = sample_set.name
        proposal.sample_set_criteria = sample_set.criteria
        proposal.sample_set_count = count


def proposal_update(
    *,
    proposal: Proposal,
    title: str,
    sample_set: SavedSearch | None,
    assay: str,
    samples: int,
    scientific_case: str,
    actor: User,
    address: str | None = None,
) -> Proposal:
    """The proposer changes a draft (or a proposal returned for changes); checked as when it was drafted."""
    require(actor, "analysis_funding.change_proposal", proposal)
    title = _clean_text(title)
    if not title:
        raise ValidationError(_("Give the proposal a title."), "title")
    analysis_call = selectors.analysis_call(call_id=proposal.call_id)
    offer, count = _checked(
        analysis_call=analysis_call,
        sample_set=sample_set,
        assay=assay,
        samples=samples,
        actor=actor,
        address=address,
    )
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.state not in EDITABLE_STATES:
            raise StateConflict(
                _("Only a draft or a proposal returned for changes can be changed; this one is %(state)s.")
                % {"state": locked.get_state_display().lower()},
                "not_editable",
            )
        locked.title = title
        locked.assay = assay
        locked.samples = samples
        locked.cost_per_sample_yen = offer.cost_per_sample_yen
        locked.scientific_case = _clean_text(scientific_case)
        _take_sample_set(locked, sample_set, count)
        audited_save(locked, actor=actor, reason=_("Proposal changed"), full_clean=True)
    return locked


def proposal_submit(
    *, proposal: Proposal, actor: User, address: str | None = None, on: datetime.date | None = None
) -> Proposal:
    """The proposer submits (or resubmits) it: its call must be open to their organisation (the lifecycle
    checks), the assay still offered at its cost and the sample set still large enough as they see it."""
    require(actor, "analysis_funding.submit_proposal", proposal)
    checked = None
    if proposal.is_editable and proposal.sample_set_id is not None:
        # Counted before the transaction: a refused count still spends the proposer's query budget.
        analysis_call = selectors.analysis_call(call_id=proposal.call_id)
        offer, count = _checked(
            analysis_call=analysis_call,
            sample_set=proposal.sample_set,
            assay=proposal.assay,
            samples=proposal.samples,
            actor=actor,
            address=address,
        )
        checked = (proposal.sample_set_id, proposal.assay, proposal.samples)
    with transaction.atomic():
        # The row as it is now, locked: the stale copy the request loaded would undo a change saved meanwhile.
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if checked is not None and locked.is_editable:
            if (locked.sample_set_id, locked.assay, locked.samples) != checked:
                raise StateConflict(
                    _("The proposal was changed while it was being submitted; read it again, then submit."),
                    "changed",
                )
            if (offer.cost_per_sample_yen, count) != (locked.cost_per_sample_yen, locked.sample_set_count):
                locked.cost_per_sample_yen = offer.cost_per_sample_yen
                _take_sample_set(locked, locked.sample_set, count)
                audited_save(
                    locked, actor=actor, reason=_("Cost and sample set counted again before submission")
                )
        if locked.is_returned:
            return lifecycle.submission_resubmit(submission=locked, actor=actor)
        return lifecycle.submission_submit(submission=locked, actor=actor, on=on)


def proposal_withdraw(*, proposal: Proposal, actor: User, reason: str = "") -> Proposal:
    """The proposer gives it up before the allocation is approved; its review rounds are cancelled."""
    require(actor, "analysis_funding.withdraw_proposal", proposal)
    with transaction.atomic():
        # The call first (the order the allocation's approval locks in), so that the approval and this
        # withdrawal cannot both pass their checks.
        locked_call = _locked_call(selectors.analysis_call(call_id=proposal.call_id))
        _refuse_once_approved(locked_call)
        # Then the row as it is now, not the request's copy, which saved whole would undo a change meanwhile.
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        proposal = lifecycle.submission_withdraw(submission=proposal, actor=actor, reason=reason)
        reviews.review_rounds_cancel_for(
            target=proposal,
            actor=actor,
            reason=_("The proposal was withdrawn: %(reason)s") % {"reason": reason or "—"},
        )
    return proposal


# --- review
def call_reviews_open(
    *,
    analysis_call: AnalysisCall,
    reviewers: Sequence[User],
    per_round: int,
    due_date: datetime.date | None = None,
    actor: User,
) -> list[ReviewRound]:
    """Opens a review round, with the call's rubric and blindness, on every submitted proposal that has none,
    and brings each open round up to `per_round` reviewers from the pool without a conflict of interest
    (the proposer and their organisation)."""
    require(actor, "analysis_funding.manage_review")
    if not reviewers:
        raise ValidationError(_("Choose the reviewers to assign."), "reviewers")
    rounds = []
    with transaction.atomic():
        analysis_call = _locked_call(analysis_call)
        _refuse_once_approved(analysis_call)
        for proposal in selectors.candidates(analysis_call=analysis_call):
            round_ = selectors.review_round(proposal)
            if round_ is None:
                round_ = reviews.review_round_open(
                    target=proposal,
                    rubric=analysis_call.rubric,
                    title=_("Merit review: %(title)s") % {"title": proposal.title},
                    blind=analysis_call.blind_review,
                    due_date=due_date,
                    actor=actor,
                )
            if round_.state == RoundState.OPEN:
                rounds.append(round_)
        if rounds:
            reviews.reviewers_assign_balanced(
                rounds=rounds, pool=list(reviewers), per_round=per_round, actor=actor
            )
    return rounds


# --- the allocation
def _locked_call(analysis_call: AnalysisCall) -> AnalysisCall:
    return (
        AnalysisCall.objects.select_for_update(of=("self",))
        .select_related("call", "rubric")
        .get(pk=analysis_call.pk)
    )


def _summary(lines) -> dict:
    return {
        "funded": sum(1 for line in lines if line.allocated),
        "count": len(lines),
        "allocated": format_yen(sum(line.allocated for line in lines)),
    }


def allocation_compute(
    *, analysis_call: AnalysisCall, actor: User, on: datetime.date | None = None
) -> Allocation:
    """Computes the allocation from the reviews' scores under the call's budget as a draft (again, replacing
    the draft, as often as needed); refused before the call has closed and once the allocation is approved."""
    require(actor, "analysis_funding.compute_allocation", analysis_call)
    on = on or _today()
    with transaction.atomic():
        locked = _locked_call(analysis_call)
        if on <= locked.call.closes_on:
            raise ValidationError(
                _("The call takes proposals until %(date)s; compute the allocation once it has closed.")
                % {"date": locked.call.closes_on.isoformat()},
                "call_open",
            )
        allocation = Allocation.objects.select_for_update().filter(analysis_call=locked).first()
        if allocation is not None and allocation.state != AllocationState.DRAFT:
            raise StateConflict(
                _("The allocation is %(state)s; it can no longer be computed again.")
                % {"state": allocation.get_state_display().lower()},
                "allocation_approved",
            )
        lines = selectors.computed_lines(analysis_call=locked)
        if not lines:
            raise ValidationError(
                _("No submitted proposal waits for an allocation in this call."), "no_proposals"
            )
        if allocation is None:
            allocation = Allocation(analysis_call=locked, computed_by=actor)
        allocation.budget_yen = locked.budget_yen
        allocation.partial_funding = locked.partial_funding
        allocation.tie_break = locked.tie_break
        allocation.higher_is_better = locked.rubric.higher_is_better
        allocation.computed_by = actor
        allocation.computed_at = timezone.now()
        reason = _(
            "Allocation computed: %(funded)s of %(count)s proposals funded, %(allocated)s allocated"
        ) % {**_summary(lines)}
        audited_save(allocation, actor=actor, reason=reason, full_clean=True)
        for old in list(allocation.lines.all()):
            audited_delete(old, actor=actor, reason=_("Allocation computed again"))
        for position, line in enumerate(lines, 1):
            audited_save(
                AllocationLine(
                    allocation=allocation,
                    proposal_id=line.key,
                    position=position,
                    rank=line.rank,
                    score=line.score,
                    requested_yen=line.requested,
                    allocated_yen=line.allocated,
                    allocated_samples=line.allocated_samples,
                    remaining_before_yen=line.remaining_before,
                    reason=line.reason,
                ),
                actor=actor,
                reason=reason,
                full_clean=True,
            )
    return allocation


def _stored(allocation: Allocation) -> tuple:
    """What the draft was computed under and gave: its settings and, line by line, every figure its
    rationale quotes (what was left before each turn included)."""
    settings = (
        allocation.budget_yen,
        allocation.partial_funding,
        allocation.tie_break,
        allocation.higher_is_better,
    )
    return settings, [
        (
            ln.proposal_id,
            ln.rank,
            ln.score,
            ln.requested_yen,
            ln.allocated_yen,
            ln.allocated_samples,
            ln.remaining_before_yen,
            ln.reason,
        )
        for ln in allocation.lines.order_by("position")
    ]


def _fresh(analysis_call: AnalysisCall, lines) -> tuple:
    settings = (
        analysis_call.budget_yen,
        analysis_call.partial_funding,
        analysis_call.tie_break,
        analysis_call.rubric.higher_is_better,
    )
    return settings, [
        (
            ln.key,
            ln.rank,
            ln.score,
            ln.requested,
            ln.allocated,
            ln.allocated_samples,
            ln.remaining_before,
            ln.reason,
        )
        for ln in lines
    ]


def allocation_approve(*, allocation: Allocation, actor: User) -> Allocation:
    """A programme officer approves the draft as computed: scoring ends (open rounds are closed), and it is
    refused if scores, proposals or settings have changed since it was computed (compute it again)."""
    require(actor, "analysis_funding.approve_allocation", allocation.analysis_call)
    with transaction.atomic():
        locked_call = _locked_call(allocation.analysis_call)
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.state != AllocationState.DRAFT:
            raise StateConflict(
                _("Only a draft allocation can be approved; this one is %(state)s.")
                % {"state": allocation.get_state_display().lower()},
                "not_draft",
            )
        for proposal in selectors.candidates(analysis_call=locked_call):
            round_ = selectors.review_round(proposal)
            if round_ is not None and round_.state == RoundState.OPEN:
                reviews.review_round_close(round=round_, actor=actor)
        if _fresh(locked_call, selectors.computed_lines(analysis_call=locked_call)) != _stored(allocation):
            raise StateConflict(
                _(
                    "Scores, proposals or the call's settings changed since the allocation was computed; "
                    "compute it again, check it, then approve."
                ),
                "stale",
            )
        allocation.approve()
        allocation.approved_by = actor
        allocation.approved_at = timezone.now()
        audited_save(allocation, actor=actor, reason=_("Allocation approved"))
    return allocation


def allocation_publish(*, allocation: Allocation, actor: User) -> Allocation:
    """Publishes an approved allocation: each proposal is accepted (funded, in full or in part) or rejected
    through the lifecycle with its rationale, which the proposer receives; its review round records the same
    decision; the funded list becomes public and the genomes it funds appear in the sequencing progress."""
    require(actor, "analysis_funding.publish_allocation", allocation.analysis_call)
    with transaction.atomic():
        _locked_call(allocation.analysis_call)
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if allocation.state != AllocationState.APPROVED:
            raise StateConflict(
                _("Only an approved allocation can be published; this one is %(state)s.")
                % {"state": allocation.get_state_display().lower()},
                "not_approved",
            )
        for row in selectors.allocation_rows(allocation):
            line, proposal = row.line, row.line.proposal
            round_ = selectors.review_round(proposal)
            decided_in_review = round_ is not None and round_.state != RoundState.DECIDED
            lifecycle.submission_decide(
                submission=proposal,
                accept=line.is_funded,
                reason=row.rationale,
                actor=actor,
                record_as=(
                    _("Funded by the allocation: %(why)s") if line.is_funded else _("Not funded: %(why)s")
                )
                % {"why": row.rationale},
                notify=not decided_in_review,  # the review's decision notice tells the proposer instead
            )
            if decided_in_review:
                if round_.state == RoundState.OPEN:
                    reviews.review_round_close(round=round_, actor=actor)
                reviews.decision_record(
                    round=round_,
                    outcome=ReviewOutcome.FUNDED if line.is_funded else ReviewOutcome.NOT_FUNDED,
                    rationale=row.rationale,
                    actor=actor,
                )
        allocation.publish()
        allocation.published_by = actor
        allocation.published_at = timezone.now()
        audited_save(allocation, actor=actor, reason=_("Allocation published; proposals decided"))
    return allocation
