"""Reads of certification: applications as each user may see them, the function table, roster, outcomes."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from kiban.core.choices import Role
from kiban.core.fiscal import FiscalYear
from kiban.core.models import Organisation, User
from kiban.core.selectors import active_users_with_role, hub_group_ids, hub_scope_ids, role_organisation_ids
from kiban.submissions.models import Call

from .choices import (
    CATEGORY_ARTICLES,
    CATEGORY_TERMS,
    REQUIREMENT_TERMS,
    DecisionOutcome,
    FunctionCategory,
    FunctionClass,
    OutcomeKind,
    Provision,
    Requirement,
)
from .models import (
    STATEMENT_FIELDS,
    CallEntry,
    Certificate,
    CertificationApplication,
    CertificationRound,
    FunctionItem,
    FunctionResponse,
    StaffMember,
)

OFFICIAL_ROLES = (Role.MINISTRY_OFFICIAL, Role.AGENCY_OFFICER)
CALL_SYSTEM = "certification"  # the lifecycle's calls shown on certification's pages


# --- who sees what
def hub_organisation_ids(*, user: User) -> frozenset[int]:
    """Organisations where the user is hub staff: those they apply for and enter into calls. What they see
    is wider: `kiban.core.selectors.hub_scope_ids` adds the hub group (lead hub and sharing institutions)."""
    return role_organisation_ids(user=user, role=Role.HUB_STAFF)


def officials() -> list[User]:
    """Active ministry officials and agency officers: who screen applications and are told of entries."""
    return list(active_users_with_role(*OFFICIAL_ROLES))


def hub_organisations(*, user: User) -> models.QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=hub_organisation_ids(user=user)).order_by("name")


def reviewed_application_ids(*, user: User) -> set[int]:
    """Applications the user is assigned to review and not conflicted on (cached on the user object)."""
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_kiban_reviewed_applications"):
        from kiban.reviews.choices import Conflict
        from kiban.reviews.models import Assignment

        user._kiban_reviewed_applications = set(
            Assignment.objects.filter(
                reviewer=user,
                conflict=Conflict.NONE,
                round__content_type=ContentType.objects.get_for_model(CertificationApplication),
            ).values_list("round__object_id", flat=True)
        )
    return user._kiban_reviewed_applications


def application_list(*, user: User) -> models.QuerySet[CertificationApplication]:
    """Applications the user may see: all for the ministry and the agency, their hub group's for hub staff,
    those assigned to them (and not conflicted) for reviewers; nothing for anyone else."""
    applications = CertificationApplication.objects.select_related(
        "round", "organisation", "renews", "certificate"
    ).order_by("-round__fiscal_year", "organisation__name")
    if user.has_role(*OFFICIAL_ROLES):
        return applications
    return applications.filter(
        Q(organisation_id__in=hub_scope_ids(user=user)) | Q(pk__in=reviewed_application_ids(user=user))
    )


def application_detail(*, pk: int) -> CertificationApplication:
    """One application with everything its page shows (raises CertificationApplication.DoesNotExist)."""
    return (
        CertificationApplication.objects.select_related(
            "round", "organisation", "renews", "created_by", "submitted_by", "certificate"
        )
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=FunctionResponse.objects.select_related("item").prefetch_related("partners"),
            ),
            Prefetch("staff", queryset=StaffMember.objects.select_related("role", "organisation")),
            "outcomes",
            "training__item",
        )
        .get(pk=pk)
    )


# --- the function table
@dataclass
class FunctionRow:
    item: FunctionItem
    response: FunctionResponse | None

    @property
    def provision(self) -> str:
        return self.response.provision if self.response else Provision.NOT_IN_PLACE

    @property
    def provision_label(self) -> str:
        return Provision(self.provision).label

    @property
    def is_in_place(self) -> bool:
        return self.provision != Provision.NOT_IN_PLACE

    @property
    def partners(self) -> list[Organisation]:
        return list(self.response.partners.all()) if self.response else []

    @property
    def description(self) -> str:
        return self.response.description if self.response else ""


@dataclass
class FunctionCell:
    """One column (組織体制, 人員, 取組 …) of one class, as the source's table lays it out."""

    category: str
    rows: list[FunctionRow]

    @property
    def term(self) -> str:
        return CATEGORY_TERMS[FunctionCategory(self.category)]

    @property
    def label(self) -> str:
        return FunctionCategory(self.category).label

    @property
    def article(self) -> str:
        return CATEGORY_ARTICLES[FunctionCategory(self.category)]

    @property
    def in_place_count(self) -> int:
        return sum(1 for row in self.rows if row.is_in_place)


@dataclass
class FunctionClassBlock:
    function_class: int
    cells: list[FunctionCell]

    @property
    def term(self) -> str:
        return FunctionItem(function_class=self.function_class).class_term

    @property
    def label(self) -> str:
        return FunctionClass(self.function_class).label


ANSWERED_CATEGORIES = [c for c in FunctionCategory.values if c != FunctionCategory.OUTCOME]


def function_items(*, categories: list[str] | None = None) -> models.QuerySet[FunctionItem]:
    items = FunctionItem.objects.all()
    return items.filter(category__in=categories) if categories else items


def function_table(*, application: CertificationApplication | None) -> list[FunctionClassBlock]:
    """Every answered item of the table (outcomes are counted separately) with the application's answer,
    by class and column; uses the application's prefetched responses."""
    responses = {r.item_id: r for r in application.responses.all()} if application else {}
    cells: dict[int, dict[str, list[FunctionRow]]] = defaultdict(lambda: defaultdict(list))
    for item in function_items(categories=ANSWERED_CATEGORIES):
        cells[item.function_class][item.category].append(FunctionRow(item, responses.get(item.pk)))
    return [
        FunctionClassBlock(
            function_class=cls,
            cells=[
                FunctionCell(category, cells[cls][category])
                for category in ANSWERED_CATEGORIES
                if cells[cls][category]
            ],
        )
        for cls in sorted(cells)
    ]


# --- the staff roster
@dataclass
class RosterRole:
    role: FunctionItem
    members: list[StaffMember] = field(default_factory=list)

    @property
    def total_fte(self) -> Decimal:
        return sum((m.fte for m in self.members), Decimal("0.00"))

    @property
    def headcount(self) -> int:
        return len(self.members)


@dataclass
class Roster:
    roles: list[RosterRole]

    @property
    def total_fte(self) -> Decimal:
        return sum((role.total_fte for role in self.roles), Decimal("0.00"))

    @property
    def headcount(self) -> int:
        """People on the roster, each counted once however many roles they hold."""
        return len({(m.person_name, m.organisation_id) for role in self.roles for m in role.members})

    @property
    def person_totals(self) -> list[tuple[str, Decimal]]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for role in self.roles:
            for member in role.members:
                totals[member.person_name] += member.fte
        return sorted(totals.items())


def roster(*, application: CertificationApplication) -> Roster:
    """The roster by the source's roles, in the table's order, with FTE totals (prefetched staff)."""
    by_role: dict[int, RosterRole] = {}
    for member in application.staff.all():
        by_role.setdefault(member.role_id, RosterRole(member.role)).members.append(member)
    return Roster(sorted(by_role.values(), key=lambda r: (r.role.sort_order, r.role.code)))


def person_fte(
    *, application: CertificationApplication, person_name: str, exclude_pk: int | None = None
) -> Decimal:
    members = StaffMember.objects.filter(application=application, person_name=person_name)
    if exclude_pk:
        members = members.exclude(pk=exclude_pk)
    return sum((m.fte for m in members.only("fte")), Decimal("0.00"))


# --- outcomes: the institution's own figures beside the S1 pipeline's records
def s1_outcome_counts(*, organisation_ids: set[int], fiscal_years: list[int]) -> dict[int, dict[str, int]]:
    """What the seed pipeline (S1) records for the organisations per fiscal year, with no re-typing."""
    from kiban.seeds.selectors import outcome_counts_by_year

    return outcome_counts_by_year(organisation_ids=organisation_ids, fiscal_years=fiscal_years)


@dataclass(frozen=True)
class OutcomeCell:
    reported: int | None
    recorded: int | None

    @property
    def difference(self) -> int | None:
        if self.reported is None or self.recorded is None:
            return None
        return self.reported - self.recorded

    @property
    def differs(self) -> bool:
        return bool(self.difference)


@dataclass
class OutcomeComparison:
    """The last five fiscal years' outcomes as the institution states them and as S1 records them."""

    fiscal_years: list[int]
    kinds: list[str]
    cells: dict[tuple[int, str], OutcomeCell]

    def rows(self) -> list[tuple[str, list[OutcomeCell]]]:
        return [
            (FiscalYear(year).label, [self.cells[(year, kind)] for kind in self.kinds])
            for year in self.fiscal_years
        ]

    @property
    def totals(self) -> list[OutcomeCell]:
        result = []
        for kind in self.kinds:
            cells = [self.cells[(year, kind)] for year in self.fiscal_years]
            reported = [c.reported for c in cells]
            recorded = [c.recorded for c in cells]
            result.append(
                OutcomeCell(
                    reported=None if None in reported else sum(reported),
                    recorded=None if None in recorded else sum(recorded),
                )
            )
        return result

    @property
    def kind_labels(self) -> list[str]:
        return [OutcomeKind(kind).label for kind in self.kinds]

    @property
    def has_differences(self) -> bool:
        return any(cell.differs for cell in self.cells.values())


def outcome_comparison(*, application: CertificationApplication) -> OutcomeComparison:
    """The S1 counts of the round's fiscal years (one query, whatever the number of records) beside the
    stated ones."""
    years = application.round.outcome_fiscal_years
    kinds = list(OutcomeKind.values)
    reported = {(o.fiscal_year, o.kind): o.count for o in application.outcomes.all()}
    organisation_ids = set(hub_group_ids([application.organisation.pk]))
    recorded = s1_outcome_counts(organisation_ids=organisation_ids, fiscal_years=years)
    cells = {
        (year, kind): OutcomeCell(
            reported=reported.get((year, kind)),
            recorded=recorded[year].get(kind, 0),
        )
        for year in years
        for kind in kinds
    }
    return OutcomeComparison(fiscal_years=years, kinds=kinds, cells=cells)


# --- what still keeps an application from being submitted
def submission_problems(*, application: CertificationApplication) -> list[str]:
    """Everything that must be completed before the application can be submitted (empty when complete)."""
    problems = []
    for requirement, name in STATEMENT_FIELDS.items():
        if not getattr(application, name).strip():
            problems.append(
                _("State how the institution meets requirement %(requirement)s.")
                % {"requirement": REQUIREMENT_TERMS[Requirement(requirement)]}
            )
    responses = {r.item_id: r for r in application.responses.all()}
    staff_by_role: dict[int, list[StaffMember]] = defaultdict(list)
    for member in application.staff.all():
        staff_by_role[member.role_id].append(member)
    hub_ids = set(hub_group_ids([application.organisation.pk]))
    for item in function_items(categories=ANSWERED_CATEGORIES):
        response = responses.get(item.pk)
        in_place = response is not None and response.is_in_place
        if item.function_class != FunctionClass.DISTINCTIVE and not in_place:
            problems.append(
                _("%(class)s: “%(item)s” is not in place.") % {"class": item.class_term, "item": item.name}
            )
            continue
        if item.category == FunctionCategory.STAFF and in_place:
            allowed = (
                {p.pk for p in response.partners.all()}
                if response.provision == Provision.THROUGH_PARTNERS
                else hub_ids
            )
            if not any(m.organisation_id in allowed for m in staff_by_role[item.pk]):
                problems.append(
                    _("Name at least one person on the roster for “%(role)s” where it is in place.")
                    % {"role": item.name}
                )
    stated = {(o.fiscal_year, o.kind) for o in application.outcomes.all()}
    missing = [
        FiscalYear(year).label
        for year in application.round.outcome_fiscal_years
        if any((year, kind) not in stated for kind in OutcomeKind.values)
    ]
    if missing:
        problems.append(
            _("Enter the institution's own outcome figures for %(years)s (0 where there were none).")
            % {"years": ", ".join(missing)}
        )
    return problems


# --- rounds, certificates and calls
def open_rounds(*, on: datetime.date) -> models.QuerySet[CertificationRound]:
    return CertificationRound.objects.filter(opens_on__lte=on, closes_on__gte=on)


def certificate_list() -> models.QuerySet[Certificate]:
    """Every certificate ever issued, by number, with what each row of the list shows."""
    return Certificate.objects.select_related("organisation", "application__round", "renews").order_by(
        "number"
    )


def certified_institutions(*, on: datetime.date) -> models.QuerySet[Certificate]:
    """The certificates valid on the day: one row per certified institution."""
    return certificate_list().valid_on(on)


def valid_certificate(*, organisation: Organisation, on: datetime.date) -> Certificate | None:
    return Certificate.objects.filter(organisation=organisation).valid_on(on).order_by("-valid_until").first()


def is_certified(organisation: Organisation, on: datetime.date) -> bool:
    """Whether the institution holds a certificate valid on the day; an expired one certifies nothing."""
    return Certificate.objects.filter(organisation=organisation).valid_on(on).exists()


def call_list() -> models.QuerySet[Call]:
    """Certification's calls (the lifecycle's calls of system "certification") with their entry counts."""
    return (
        Call.objects.filter(system=CALL_SYSTEM)
        .select_related("programme")
        .annotate(entry_count=models.Count("certification_entries"))
    )


def call_entries(*, call: Call, user: User) -> models.QuerySet[CallEntry]:
    """All entries for the ministry and the agency; their hub group's for hub staff; none otherwise."""
    entries = call.certification_entries.select_related("organisation", "entered_by")
    if user.has_role(*OFFICIAL_ROLES):
        return entries
    return entries.filter(organisation_id__in=hub_scope_ids(user=user))


def review_rounds(*, application: CertificationApplication) -> list:
    """The review rounds of the application, newest first, each with its decision's label if decided."""
    from kiban.reviews.models import Decision, ReviewRound

    rounds = list(
        ReviewRound.objects.filter(
            content_type=ContentType.objects.get_for_model(CertificationApplication), object_id=application.pk
        )
    )
    decisions = {d.round_id: d for d in Decision.objects.filter(round__in=rounds)}
    for review_round in rounds:
        decision = decisions.get(review_round.pk)
        review_round.outcome_label = (
            dict(DecisionOutcome.choices).get(decision.outcome, decision.outcome) if decision else ""
        )
    return rounds
