"""Reads of analysis funding, already filtered by who asks: calls, proposals, scores from the review engine,
the allocation's rows with their rationale, the public list of funded proposals and the genomes they plan."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.core.choices import Role
from kiban.core.models import Organisation, User
from kiban.core.money import format_yen
from kiban.reviews.choices import RoundState
from kiban.reviews.models import ReviewRound
from kiban.reviews.selectors import aggregate, rounds_for
from kiban.sequencing.selectors import FundedPlan
from kiban.submissions.choices import PENDING_STATES, SubmissionState

from . import allocation as engine
from .choices import GENOME_ASSAYS, AllocationState, LineReason, TieBreak
from .models import AllocationLine, AnalysisCall, AssayOffer, Proposal

CALL_SYSTEM = "analysis_funding"


def call_list() -> models.QuerySet[AnalysisCall]:
    return AnalysisCall.objects.select_related("call").order_by("-call__opens_on", "-call__pk")


def analysis_call(*, call_id: int) -> AnalysisCall:
    """The call's settings by the call's id (AnalysisCall.DoesNotExist when it is no analysis call)."""
    return (
        AnalysisCall.objects.select_related("call", "rubric")
        .prefetch_related("assays")
        .get(call_id=call_id, call__system=CALL_SYSTEM)
    )


def offer_for(analysis_call: AnalysisCall, assay: str) -> AssayOffer | None:
    return next((offer for offer in analysis_call.assays.all() if offer.assay == assay), None)


def proposer_organisation(*, user: User) -> Organisation | None:
    """The organisation a researcher proposes for: their first research membership."""
    membership = (
        user.memberships.filter(role=Role.RESEARCHER).select_related("organisation").order_by("pk").first()
    )
    return membership.organisation if membership else None


def proposal_list(*, user: User) -> models.QuerySet[Proposal]:
    """A researcher's own proposals; for the agency, every proposal that is no longer a draft."""
    queryset = Proposal.objects.select_related("call", "organisation", "created_by").order_by(
        "-created_at", "-pk"
    )
    if not user.is_authenticated:
        return queryset.none()
    own = models.Q(created_by=user) | models.Q(submitted_by=user)
    if user.has_role(Role.AGENCY_OFFICER):
        return queryset.filter(own | ~models.Q(state=SubmissionState.DRAFT))
    return queryset.filter(own)


def call_proposals(*, analysis_call: AnalysisCall, user: User) -> models.QuerySet[Proposal]:
    return proposal_list(user=user).filter(call_id=analysis_call.call_id).order_by("submitted_at", "pk")


def candidates(*, analysis_call: AnalysisCall) -> models.QuerySet[Proposal]:
    """The proposals an allocation shares the budget among: submitted (or resubmitted) and not decided."""
    return Proposal.objects.filter(call_id=analysis_call.call_id, state__in=PENDING_STATES).order_by("pk")


def review_round(proposal: Proposal) -> ReviewRound | None:
    """The proposal's review round that counts: the newest one not cancelled."""
    return rounds_for(proposal).exclude(state=RoundState.CANCELLED).order_by("-opened_at", "-pk").first()


def merit_score(proposal: Proposal) -> Decimal | None:
    """The review engine's aggregate of the round (its rubric's rule, conflicted reviewers left out), at two
    decimals; None when no reviewer has submitted scores."""
    round_ = review_round(proposal)
    if round_ is None:
        return None
    return engine.score_as_shown(aggregate(round_).overall)


def allocation_candidates(*, analysis_call: AnalysisCall) -> list[engine.Candidate]:
    return [
        engine.Candidate(
            key=p.pk,
            score=merit_score(p),
            samples=p.samples,
            cost_per_sample=p.cost_per_sample_yen,
            submitted_at=p.submitted_at or p.created_at,
        )
        for p in candidates(analysis_call=analysis_call)
    ]


def computed_lines(*, analysis_call: AnalysisCall) -> list[engine.Line]:
    """The allocation the call's present scores, proposals and settings give."""
    return engine.allocate(
        allocation_candidates(analysis_call=analysis_call),
        budget=analysis_call.budget_yen,
        partial=analysis_call.partial_funding,
        tie_break=analysis_call.tie_break,
        higher_is_better=analysis_call.rubric.higher_is_better,
    )


def lines_of(allocation) -> models.QuerySet[AllocationLine]:
    return allocation.lines.select_related("proposal__organisation", "proposal__created_by").order_by(
        "position"
    )


def rationale(line: AllocationLine, *, tied: bool = False, tie_break: str = "") -> str:
    """Why the proposal got what it got, in the reader's language."""
    proposal = line.proposal
    values = {
        "rank": line.rank,
        "score": line.score,
        "requested": format_yen(line.requested_yen),
        "allocated": format_yen(line.allocated_yen),
        "left": format_yen(line.remaining_before_yen),
        "samples": f"{line.allocated_samples:,}",
        "asked": f"{proposal.samples:,}",
        "cost": format_yen(proposal.cost_per_sample_yen),
    }
    texts = {
        LineReason.FUNDED: _(
            "Rank %(rank)s (score %(score)s): %(requested)s fits in the %(left)s left, funded in full."
        ),
        LineReason.PARTIAL: _(
            "Rank %(rank)s (score %(score)s): only %(left)s was left of the %(requested)s asked for; funded "
            "in part, %(samples)s of %(asked)s samples (%(allocated)s), as this call allows; the last one "
            "funded."
        ),
        LineReason.DOES_NOT_FIT: _(
            "Rank %(rank)s (score %(score)s): %(requested)s does not fit in the %(left)s left and this call "
            "does not fund in part; the next proposal was tried."
        ),
        LineReason.BELOW_ONE_SAMPLE: _(
            "Rank %(rank)s (score %(score)s): the %(left)s left does not pay one sample (%(cost)s); the next "
            "proposal was tried."
        ),
        LineReason.BUDGET_SPENT: _(
            "Rank %(rank)s (score %(score)s): the budget was spent by the proposals ranked above."
        ),
        LineReason.NOT_SCORED: _("Not ranked: no reviewer has submitted scores for it."),
    }
    text = texts[LineReason(line.reason)] % values
    if tied:
        text += " " + _("Tied on score; ordered by the call's rule: %(rule)s.") % {
            "rule": TieBreak(tie_break).label if tie_break else "—"
        }
    return text


@dataclass(frozen=True)
class AllocationRow:
    line: AllocationLine
    rationale: str
    tied: bool


def allocation_rows(allocation) -> list[AllocationRow]:
    """The allocation's lines in rank order, each with its rationale; ties (same score) are marked."""
    lines = list(lines_of(allocation))
    scores = [line.score for line in lines if line.score is not None]
    return [
        AllocationRow(
            line=line,
            rationale=rationale(
                line,
                tied=line.score is not None and scores.count(line.score) > 1,
                tie_break=allocation.tie_break,
            ),
            tied=line.score is not None and scores.count(line.score) > 1,
        )
        for line in lines
    ]


def allocation_of(analysis_call: AnalysisCall):
    return getattr(analysis_call, "allocation", None) if analysis_call.pk else None


def published_line(proposal: Proposal) -> AllocationLine | None:
    """The proposal's line in its call's published allocation, for the proposer."""
    return (
        AllocationLine.objects.filter(proposal=proposal, allocation__state=AllocationState.PUBLISHED)
        .select_related("allocation", "proposal")
        .first()
    )


def funded_list(*, analysis_call: AnalysisCall) -> models.QuerySet[AllocationLine]:
    """The public list of a call's funded proposals, once the allocation is published: title, proposer,
    organisation, assay, samples and amount (never scores, ranks, unfunded proposals or the case)."""
    return (
        AllocationLine.objects.filter(
            allocation__analysis_call=analysis_call,
            allocation__state=AllocationState.PUBLISHED,
            allocated_yen__gt=0,
        )
        .select_related("proposal__organisation", "proposal__created_by")
        .order_by("position")
    )


def funded_plans() -> list[FundedPlan]:
    """Planned genomes from published allocations, per call and funder: one WGS or WES sample funded is one
    genome; other assays (arrays, methylation, proteome…) plan no genome."""
    totals = (
        AllocationLine.objects.filter(
            allocation__state=AllocationState.PUBLISHED,
            allocated_samples__gt=0,
            proposal__assay__in=list(GENOME_ASSAYS),
        )
        .values(
            "allocation__analysis_call__call_id",
            "allocation__analysis_call__funder",
            "allocation__analysis_call__call__title",
            "allocation__analysis_call__call__title_en",
            "allocation__published_at",
        )
        .annotate(genomes=models.Sum("allocated_samples"), proposals=models.Count("pk"))
        .order_by("allocation__published_at", "allocation__analysis_call__call_id")
    )
    from django.urls import reverse

    from kiban.core.language import is_japanese

    plans = []
    for row in totals:
        published: datetime.datetime = row["allocation__published_at"]
        title = row["allocation__analysis_call__call__title"]
        title_en = row["allocation__analysis_call__call__title_en"]
        plans.append(
            FundedPlan(
                funder=row["allocation__analysis_call__funder"],
                source=title if is_japanese() or not title_en else title_en,
                genomes=row["genomes"],
                proposals=row["proposals"],
                as_of=timezone.localtime(published).date(),
                url=reverse("analysis_funding:call-detail", args=[row["allocation__analysis_call__call_id"]]),
            )
        )
    return plans
