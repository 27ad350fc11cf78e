"""Reads of BINDS support, already filtered by what the user may see; the dashboards' figures."""

import datetime
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch, Q

from kiban.core.choices import Role
from kiban.core.fiscal import FiscalYear
from kiban.core.models import User
from kiban.submissions.choices import SubmissionState

from .choices import Funding, ItemState, TaskState, UnitRole
from .models import (
    MenuItem,
    Outcome,
    RequestedItem,
    SupportApplication,
    SupportTask,
    SupportUnit,
    UnitMember,
    report_due_on,
)

S = SubmissionState


# --- membership
def unit_roles(*, user: User) -> dict[int, set[str]]:
    """The user's roles by unit id (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    if not hasattr(user, "_binds_unit_roles"):
        roles: dict[int, set[str]] = defaultdict(set)
        for unit_id, role in UnitMember.objects.filter(user=user).values_list("unit_id", "role"):
            roles[unit_id].add(role)
        user._binds_unit_roles = dict(roles)
    return user._binds_unit_roles


def headquarters() -> SupportUnit | None:
    return SupportUnit.objects.filter(is_headquarters=True).first()


def headquarters_id() -> int | None:
    unit = headquarters()
    return unit.pk if unit else None


def is_headquarters_member(*, user: User) -> bool:
    roles = unit_roles(user=user)
    return bool(roles) and SupportUnit.objects.filter(pk__in=roles, is_headquarters=True).exists()


def member_unit_ids(*, user: User, roles: tuple[str, ...] = ()) -> set[int]:
    """The support units (not headquarters) the user works in, with one of the roles if given."""
    found = {unit_id for unit_id, held in unit_roles(user=user).items() if not roles or held & set(roles)}
    hq = headquarters_id()
    return found - {hq}


def unit_members(*, unit: SupportUnit) -> list[User]:
    return list(User.objects.filter(binds_units__unit=unit, is_active=True).distinct())


# --- catalogue
def unit_list() -> models.QuerySet[SupportUnit]:
    menu = MenuItem.objects.prefetch_related("institutions")
    return SupportUnit.objects.prefetch_related(Prefetch("menu_items", queryset=menu))


def menu_search(*, query: str = "") -> models.QuerySet[MenuItem]:
    """Menu items whose name, description or unit matches the words, in Japanese or English."""
    items = MenuItem.objects.select_related("unit").prefetch_related("institutions", "staff")
    for word in query.split()[:10]:
        items = items.filter(
            Q(name__icontains=word)
            | Q(name_en__icontains=word)
            | Q(description__icontains=word)
            | Q(description_en__icontains=word)
            | Q(unit__name__icontains=word)
            | Q(unit__name_en__icontains=word)
        )
    return items


# --- applications
def _involved_q(unit_ids: set[int]) -> Q:
    return Q(items__unit_id__in=unit_ids) & ~Q(state=S.DRAFT)


def application_list(*, user: User) -> models.QuerySet[SupportApplication]:
    """Applicants their own; units the applications with an item routed to them; headquarters, the ministry
    and the agency all but drafts. Companies see none they did not prepare."""
    applications = SupportApplication.objects.select_related("organisation", "created_by")
    if not getattr(user, "is_authenticated", False):
        return applications.none()
    own = Q(created_by=user) | Q(submitted_by=user)
    if is_headquarters_member(user=user) or user.has_role(Role.MINISTRY_OFFICIAL, Role.AGENCY_OFFICER):
        return applications.filter(own | ~Q(state=S.DRAFT)).distinct()
    units = member_unit_ids(user=user)
    if units:
        return applications.filter(own | _involved_q(units)).distinct()
    return applications.filter(own)


def application_detail(*, pk: int) -> SupportApplication:
    items = RequestedItem.objects.select_related("menu_item__unit", "unit", "task__responsible", "decided_by")
    return (
        SupportApplication.objects.select_related("organisation", "created_by", "submitted_by")
        .prefetch_related(Prefetch("items", queryset=items))
        .get(pk=pk)
    )


def involved_unit_ids(*, application: SupportApplication) -> set[int]:
    return {pk for pk in application.items.values_list("unit_id", flat=True) if pk}


def item_list(*, user: User) -> models.QuerySet[RequestedItem]:
    """Items the user may see: of their own applications, routed to their units, or all (headquarters)."""
    items = RequestedItem.objects.select_related("application", "menu_item__unit", "unit")
    if not getattr(user, "is_authenticated", False):
        return items.none()
    visible = application_list(user=user).values("pk")
    if is_headquarters_member(user=user) or user.has_role(Role.MINISTRY_OFFICIAL, Role.AGENCY_OFFICER):
        return items.filter(application__in=visible)
    own = Q(application__created_by=user)
    return items.filter(own | Q(unit_id__in=member_unit_ids(user=user), application__in=visible))


def outcome_list(*, user: User) -> models.QuerySet[Outcome]:
    return Outcome.objects.select_related("unit", "application").filter(
        application__in=application_list(user=user).values("pk")
    )


def next_task(*, task: SupportTask) -> SupportTask | None:
    """The accepted item after this one in the application's order: the unit it hands off to."""
    return (
        SupportTask.objects.select_related("item__unit", "item__menu_item")
        .filter(item__application_id=task.item.application_id, item__position__gt=task.item.position)
        .order_by("item__position")
        .first()
    )


def report_due(*, application: SupportApplication) -> datetime.date | None:
    """When the next progress report is due, or None (support not started, or the final report is in)."""
    reports = list(application.reports.values_list("submitted_on", "is_final"))
    if any(final for _day, final in reports):
        return None
    return report_due_on(application, max((day for day, _final in reports), default=None))


def applications_with_report_due(*, on: datetime.date) -> list[tuple[SupportApplication, datetime.date]]:
    found = []
    for application in SupportApplication.objects.filter(state__in=[S.IN_PROGRESS, S.COMPLETED]):
        due = report_due(application=application)
        if due is not None and due <= on:
            found.append((application, due))
    return found


# --- dashboards
@dataclass
class UnitRow:
    unit: SupportUnit
    fiscal_year: int
    applications: int
    items: int
    accepted: int
    declined: int
    outcomes: int


@dataclass
class Dashboard:
    rows: list[UnitRow]
    applications: int
    cross_unit: int
    outside_amed: int
    young: int
    days_to_acceptance: list[int]
    days_to_first_support: list[int]

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def cross_unit_share(self):
        return self._share(self.cross_unit, self.applications)

    @property
    def outside_amed_share(self):
        return self._share(self.outside_amed, self.applications)

    @property
    def young_share(self):
        return self._share(self.young, self.applications)

    @staticmethod
    def _median(values):
        return statistics.median(values) if values else None

    @staticmethod
    def _p90(values):
        if not values:
            return None
        ordered = sorted(values)
        # nearest-rank 90th percentile
        return ordered[max(0, -(-9 * len(ordered) // 10) - 1)]

    @property
    def acceptance_median(self):
        return self._median(self.days_to_acceptance)

    @property
    def acceptance_p90(self):
        return self._p90(self.days_to_acceptance)

    @property
    def first_support_median(self):
        return self._median(self.days_to_first_support)

    @property
    def first_support_p90(self):
        return self._p90(self.days_to_first_support)


def dashboard_scope(*, user: User) -> set[int] | None:
    """The units whose figures the user sees: None for all (headquarters, ministry, agency)."""
    if is_headquarters_member(user=user) or user.has_role(Role.MINISTRY_OFFICIAL, Role.AGENCY_OFFICER):
        return None
    return member_unit_ids(user=user)


def dashboard(*, unit_ids: set[int] | None = None, fiscal_year: int | None = None) -> Dashboard:
    """Applications and items per unit and fiscal year of submission, with the council's shares and times."""
    items = RequestedItem.objects.filter(
        unit__isnull=False, application__submitted_at__isnull=False
    ).select_related("unit", "application")
    if unit_ids is not None:
        items = items.filter(unit_id__in=unit_ids)
    items = list(items)
    if fiscal_year is not None:
        items = [i for i in items if FiscalYear.of(i.application.submitted_at.date()).year == fiscal_year]
    application_ids = {i.application_id for i in items}
    outcomes = Counter(
        (o.unit_id, FiscalYear.of(o.application.submitted_at.date()).year)
        for o in Outcome.objects.filter(application_id__in=application_ids).select_related("application")
        if unit_ids is None or o.unit_id in unit_ids
    )
    groups: dict[tuple[int, int], list[RequestedItem]] = defaultdict(list)
    for item in items:
        groups[(item.unit_id, FiscalYear.of(item.application.submitted_at.date()).year)].append(item)
    rows = []
    for (unit_id, year), group in groups.items():
        rows.append(
            UnitRow(
                unit=group[0].unit,
                fiscal_year=year,
                applications=len({i.application_id for i in group}),
                items=len(group),
                accepted=sum(i.state == ItemState.ACCEPTED for i in group),
                declined=sum(i.state == ItemState.DECLINED for i in group),
                outcomes=outcomes[(unit_id, year)],
            )
        )
    rows.sort(key=lambda r: (r.fiscal_year, r.unit.sort_order, r.unit.code))
    applications = list(SupportApplication.objects.filter(pk__in=application_ids))
    all_units: dict[int, set[int]] = defaultdict(set)
    for application_id, unit_id in RequestedItem.objects.filter(
        application_id__in=application_ids, unit__isnull=False
    ).values_list("application_id", "unit_id"):
        all_units[application_id].add(unit_id)
    first_starts: dict[int, datetime.date] = {}
    for application_id, start in SupportTask.objects.filter(
        item__application_id__in=application_ids, actual_start__isnull=False
    ).values_list("item__application_id", "actual_start"):
        first_starts[application_id] = min(start, first_starts.get(application_id, start))
    accepted = [
        a for a in applications if a.state in (S.ACCEPTED, S.IN_PROGRESS, S.COMPLETED) and a.decided_at
    ]
    return Dashboard(
        rows=rows,
        applications=len(applications),
        cross_unit=sum(len(all_units[a.pk]) > 1 for a in applications),
        outside_amed=sum(a.funding != Funding.AMED for a in applications),
        young=sum(a.young_researcher for a in applications),
        days_to_acceptance=[(a.decided_at - a.submitted_at).days for a in accepted],
        days_to_first_support=[
            (first_starts[a.pk] - a.submitted_at.date()).days for a in applications if a.pk in first_starts
        ],
    )


def unit_tasks(*, unit_ids: set[int]) -> models.QuerySet[SupportTask]:
    return SupportTask.objects.filter(item__unit_id__in=unit_ids).exclude(state=TaskState.DONE)


ROLES_THAT_SCREEN = (UnitRole.LEAD,)
