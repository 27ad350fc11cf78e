"""Reads of seeds, already filtered to what the asking user may see; dashboards; outcome counts for S2."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from kiban.agreements.choices import AgreementKind, PartyRole
from kiban.agreements.models import Agreement, AgreementParty
from kiban.core.choices import OrganisationKind
from kiban.core.fiscal import FiscalYear
from kiban.core.models import Organisation, User

from .choices import CERTIFICATION_OUTCOME_KINDS, PIPELINE, GateOutcome, Modality, OutcomeKind, Stage
from .models import (
    CompanyInterest,
    Milestone,
    Outcome,
    ProgressReport,
    Seed,
    SeedFunding,
    SeedMember,
    StageGate,
)
from .rules import company_ndas, is_overseer, seed_scope


# --- which seeds a user sees
def seeds_visible_to(user: User) -> QuerySet[Seed]:
    """The seeds whose page the user may open: overseers all; hub staff their hub's; the team their own;
    company members the listed seeds and those their company holds an NDA for."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Seed.objects.none()
    if is_overseer(user):
        return Seed.objects.all()
    scope = seed_scope(user)
    visible = Q(pi=user) | Q(Exists(SeedMember.objects.filter(seed=OuterRef("pk"), user=user)))
    if scope.hub_ids:
        visible |= Q(hub_id__in=scope.hub_ids)
    if scope.company_ids:
        visible |= Q(listed_for_matching=True) & ~Q(stage=Stage.TERMINATED)
        visible |= Q(Exists(company_ndas(scope.company_ids).filter(object_id=OuterRef("pk"))))
    return Seed.objects.filter(visible)


def seed_list(*, user: User) -> QuerySet[Seed]:
    """The visible seeds with what the list shows already joined."""
    return seeds_visible_to(user).select_related("hub", "institution", "pi", "committed_company")


def hubs() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.TRANSLATIONAL_HUB).order_by("pk")


def companies() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.COMPANY).order_by("name")


# --- one seed
@dataclass
class YearRecords:
    """A seed's records in one fiscal year."""

    fiscal_year: int
    fundings: list[SeedFunding] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    reports: list[ProgressReport] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def label(self) -> str:
        return FiscalYear(self.fiscal_year).label

    @property
    def funding_yen(self) -> int | None:
        return sum(f.amount_yen for f in self.fundings) if self.fundings else None


@dataclass
class SeedPage:
    """What a seed's page shows; the confidential parts are empty for a reader without the right to them."""

    seed: Seed
    full: bool
    members: list[SeedMember]
    stage_gates: list[StageGate]
    years: list[YearRecords]
    interests: list[CompanyInterest]
    ndas: list["SeedNda"]
    total_funding_yen: int


def seed_detail(*, pk: int) -> Seed:
    """One seed with its people and organisations joined (raises Seed.DoesNotExist)."""
    return (
        Seed.objects.select_related("hub", "institution", "pi", "committed_company", "registered_by")
        .prefetch_related("members__user")
        .get(pk=pk)
    )


def seed_page(*, seed: Seed, full: bool, matching: bool) -> SeedPage:
    """The seed's records grouped by fiscal year, newest first, in a fixed number of queries.
    `full`: the reader sees the confidential records; `matching`: they see the interests and NDAs."""
    years: dict[int, YearRecords] = {}

    def year(fiscal_year: int) -> YearRecords:
        return years.setdefault(fiscal_year, YearRecords(fiscal_year))

    stage_gates: list[StageGate] = []
    if full:
        stage_gates = list(seed.stage_gates.select_related("decided_by").order_by("decided_on", "pk"))
        for funding in seed.fundings.select_related("programme"):
            year(funding.fiscal_year).fundings.append(funding)
        for milestone in seed.milestones.order_by("due_on", "pk"):
            year(milestone.fiscal_year).milestones.append(milestone)
        for report in seed.progress_reports.select_related("submitted_by").order_by("-submitted_on", "-pk"):
            year(report.fiscal_year).reports.append(report)
        for outcome in seed.outcomes.select_related("company").order_by("-occurred_on", "-pk"):
            year(outcome.fiscal_year).outcomes.append(outcome)
    interests = ndas = []
    if matching:
        interests = list(seed.interests.select_related("company", "registered_by"))
        ndas = seed_ndas(seed=seed)
    ordered = [years[y] for y in sorted(years, reverse=True)]
    return SeedPage(
        seed=seed,
        full=full,
        members=list(seed.members.all()) if full else [],
        stage_gates=stage_gates,
        years=ordered,
        interests=interests,
        ndas=ndas,
        total_funding_yen=sum(y.funding_yen or 0 for y in ordered),
    )


@dataclass(frozen=True)
class SeedNda:
    """One of a seed's NDAs as its page and the API show it: the company receiving, when it was signed."""

    agreement: Agreement
    company: Organisation

    @property
    def id(self) -> int:
        return self.agreement.pk

    @property
    def signed_on(self) -> datetime.date:
        return self.agreement.signed_on

    @property
    def note(self) -> str:
        return self.agreement.note

    @property
    def in_force(self) -> bool:
        return self.agreement.is_in_force()

    @property
    def state_label(self) -> str:
        return self.agreement.standing_label()


def seed_ndas(*, seed: Seed) -> list[SeedNda]:
    """The NDAs signed about the seed (in force or since ended), newest first; two queries."""
    agreements = (
        seed.agreements.filter(kind=AgreementKind.NDA, signed_on__isnull=False)
        .prefetch_related(
            Prefetch(
                "parties",
                AgreementParty.objects.filter(role=PartyRole.RECIPIENT).select_related("organisation"),
                to_attr="recipients",
            )
        )
        .order_by("-signed_on", "-pk")
    )
    return [SeedNda(a, party.organisation) for a in agreements for party in a.recipients]


def company_interest_of(*, seed: Seed, user: User) -> CompanyInterest | None:
    """The interest the user's company registered in the seed, if any."""
    companies = seed_scope(user).company_ids
    if not companies:
        return None
    return seed.interests.filter(company_id__in=companies).first()


def outcomes_visible_to(user: User) -> QuerySet[Outcome]:
    """Outcomes of the seeds whose confidential records the user may read."""
    if not getattr(user, "is_authenticated", False):
        return Outcome.objects.none()
    if is_overseer(user):
        return Outcome.objects.all()
    scope = seed_scope(user)
    readable = Q(seed__pi=user) | Q(Exists(SeedMember.objects.filter(seed=OuterRef("seed_id"), user=user)))
    if scope.hub_ids:
        readable |= Q(seed__hub_id__in=scope.hub_ids)
    if scope.company_ids:
        readable |= Q(Exists(company_ndas(scope.company_ids).filter(object_id=OuterRef("seed_id"))))
    return Outcome.objects.filter(readable)


# --- outcome counts for hub certification (S2)
def outcome_counts_by_year(
    *, organisation_ids: set[int], fiscal_years: list[int]
) -> dict[int, dict[str, int]]:
    """Per fiscal year, the trial notifications, license-outs and approval applications of the seeds
    registered at (supported by) any of the organisations, each counted in the fiscal year of its date."""
    counts = {year: dict.fromkeys(CERTIFICATION_OUTCOME_KINDS, 0) for year in fiscal_years}
    rows = (
        Outcome.objects.filter(
            seed__hub_id__in=organisation_ids,
            fiscal_year__in=fiscal_years,
            kind__in=CERTIFICATION_OUTCOME_KINDS,
        )
        .values_list("fiscal_year", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for year, kind, n in rows:
        counts[year][kind] = n
    return {year: {str(kind): n for kind, n in by_kind.items()} for year, by_kind in counts.items()}


def outcome_counts(*, organisation_ids: set[int], fiscal_years: list[int]) -> dict[str, int]:
    """The trial notifications ("trial_notification"), license-outs ("license_out") and approval
    applications ("approval_application") of the seeds registered at any of the organisations (the hubs
    that supported them), counted when the outcome's date falls in one of the fiscal years. One query."""
    totals = dict.fromkeys((str(kind) for kind in CERTIFICATION_OUTCOME_KINDS), 0)
    for by_kind in outcome_counts_by_year(
        organisation_ids=organisation_ids, fiscal_years=fiscal_years
    ).values():
        for kind, n in by_kind.items():
            totals[kind] += n
    return totals


# --- dashboards
@dataclass(frozen=True)
class StageTime:
    stage: str
    median_days: float | None  # over completed stays: seeds that have left the stage
    left: int  # decisions that took a seed out of the stage
    moved_up: int

    @property
    def label(self) -> str:
        return Stage(self.stage).label

    @property
    def conversion_percent(self) -> float | None:
        """The share of seeds leaving the stage that moved up (rather than being suspended or terminated)."""
        return round(100 * self.moved_up / self.left, 1) if self.left else None


@dataclass
class HubRow:
    hub: Organisation
    by_stage: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_stage.values())


@dataclass
class Dashboard:
    """The pipeline of one hub, or nationwide when `hub` is None."""

    hub: Organisation | None
    by_stage_modality: dict[str, dict[str, int]]
    transitions_by_year: dict[int, dict[str, int]]
    stage_times: list[StageTime]
    outcomes_by_year: dict[int, dict[str, int]]
    funding_by_year: dict[int, int]
    recent_license_outs: list[Outcome]
    hub_rows: list[HubRow]
    as_of: datetime.date

    stages = tuple(Stage)
    modalities = tuple(Modality)
    outcomes = tuple(GateOutcome)
    outcome_kinds = tuple(OutcomeKind)

    @property
    def total(self) -> int:
        return sum(sum(row.values()) for row in self.by_stage_modality.values())

    @property
    def stage_totals(self) -> dict[str, int]:
        return {stage: sum(self.by_stage_modality[stage].values()) for stage in Stage.values}

    @property
    def modality_totals(self) -> dict[str, int]:
        return {m: sum(row[m] for row in self.by_stage_modality.values()) for m in Modality.values}

    @property
    def fiscal_years(self) -> list[int]:
        years = set(self.transitions_by_year) | set(self.outcomes_by_year) | set(self.funding_by_year)
        return sorted(years)

    @property
    def stage_rows(self) -> list[tuple[str, list[int], int]]:
        """Per stage: its label, the count per modality (in Modality order) and the total."""
        return [
            (str(stage.label), list(self.by_stage_modality[stage].values()), self.stage_totals[stage])
            for stage in Stage
        ]

    @property
    def outcome_rows(self) -> list[tuple[int, list[int], int | None]]:
        """Per fiscal year: the count of each kind of outcome (in OutcomeKind order) and the funds granted."""
        return [
            (
                year,
                [self.outcomes_by_year.get(year, {}).get(kind, 0) for kind in OutcomeKind.values],
                self.funding_by_year.get(year),
            )
            for year in self.fiscal_years
        ]

    @property
    def license_outs(self) -> int:
        return sum(by_kind.get(OutcomeKind.LICENSE_OUT, 0) for by_kind in self.outcomes_by_year.values())


def _median_days(gates: QuerySet[StageGate], left: dict[str, int]) -> dict[str, float]:
    """The median days spent in each stage left: the middle one or two of its stays, read through the
    (from_stage, days_in_stage) index, one query per stage of the pipeline whatever the number of rows."""
    medians = {}
    for stage in (*PIPELINE, Stage.SUSPENDED):
        count = left.get(stage, 0)
        middle = max(count - 1, 0) // 2
        values = list(
            gates.filter(from_stage=stage, days_in_stage__isnull=False)
            .order_by("days_in_stage")
            .values_list("days_in_stage", flat=True)[middle : middle + (2 - count % 2)]
        )
        if values:
            medians[stage] = sum(values) / len(values)
    return medians


def dashboard(*, hub: Organisation | None = None) -> Dashboard:
    """Seeds by stage and modality, stage-gate decisions per fiscal year, median time in each stage,
    outcomes (license-outs among them) and funds per fiscal year: a fixed number of grouped queries."""
    seeds = Seed.objects.all()
    gates = StageGate.objects.all()
    outcomes = Outcome.objects.all()
    fundings = SeedFunding.objects.all()
    if hub is not None:
        seeds = seeds.filter(hub=hub)
        gates = gates.filter(seed__hub=hub)
        outcomes = outcomes.filter(seed__hub=hub)
        fundings = fundings.filter(seed__hub=hub)

    by_stage_modality = {stage: dict.fromkeys(Modality.values, 0) for stage in Stage.values}
    for stage, modality, n in seeds.values_list("stage", "modality").annotate(n=Count("pk")).order_by():
        by_stage_modality[stage][modality] = n

    transitions_by_year: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GateOutcome.values, 0))
    for year, outcome, n in gates.values_list("fiscal_year", "outcome").annotate(n=Count("pk")).order_by():
        transitions_by_year[year][outcome] = n

    exits: dict[str, dict[str, int]] = defaultdict(dict)
    for stage, outcome, n in (
        gates.filter(days_in_stage__isnull=False)
        .values_list("from_stage", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        exits[stage][outcome] = n
    left = {stage: sum(by_outcome.values()) for stage, by_outcome in exits.items()}
    medians = _median_days(gates, left)
    stage_times = [
        StageTime(
            stage=stage,
            median_days=medians.get(stage),
            left=left.get(stage, 0),
            moved_up=exits[stage].get(GateOutcome.STAGE_UP, 0),
        )
        for stage in (*PIPELINE, Stage.SUSPENDED)
    ]

    outcomes_by_year: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(OutcomeKind.values, 0))
    for year, kind, n in outcomes.values_list("fiscal_year", "kind").annotate(n=Count("pk")).order_by():
        outcomes_by_year[year][kind] = n

    funding_by_year = dict(
        fundings.values_list("fiscal_year").annotate(total=Sum("amount_yen")).order_by("fiscal_year")
    )
    recent_license_outs = list(
        outcomes.filter(kind=OutcomeKind.LICENSE_OUT)
        .select_related("seed__hub", "company")
        .order_by("-occurred_on", "-pk")[:10]
    )
    hub_rows: list[HubRow] = []
    if hub is None:
        by_hub: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(Stage.values, 0))
        for hub_id, stage, n in (
            Seed.objects.values_list("hub_id", "stage").annotate(n=Count("pk")).order_by()
        ):
            by_hub[hub_id][stage] = n
        hub_rows = [HubRow(h, by_hub[h.pk]) for h in hubs()]
    return Dashboard(
        hub=hub,
        by_stage_modality=by_stage_modality,
        transitions_by_year=dict(sorted(transitions_by_year.items())),
        stage_times=stage_times,
        outcomes_by_year=dict(sorted(outcomes_by_year.items())),
        funding_by_year=funding_by_year,
        recent_license_outs=recent_license_outs,
        hub_rows=hub_rows,
        as_of=timezone.localdate(),
    )
