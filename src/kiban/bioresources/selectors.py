"""Reads of the bioresource catalogue, each already narrowed to what the asking user may see."""

from django.db import models
from django.db.models import Count, Prefetch, Q

from kiban.core.choices import OrganisationKind, Role
from kiban.core.models import Organisation, User
from kiban.core.selectors import active_users_with_role, role_organisation_ids

from .choices import DepositorDecision, OrderState, QcResult
from .models import (
    BiosafetyFacility,
    CartItem,
    Deposit,
    Lot,
    OrderLine,
    PaperReport,
    QcTest,
    Resource,
    ResourceOrder,
    Shipment,
)

ORDERING_ROLES = (Role.RESEARCHER, Role.COMPANY)


def centres() -> models.QuerySet[Organisation]:
    """The core centres (中核的拠点): organisations of kind resource centre."""
    return Organisation.objects.filter(kind=OrganisationKind.RESOURCE_CENTRE).order_by("name")


def staffed_centre_ids(*, user: User) -> frozenset[int]:
    """The centres whose staff the user is: a facility operator's membership at a resource centre."""
    ids = role_organisation_ids(user=user, role=Role.FACILITY_OPERATOR)
    if not ids:
        return frozenset()
    cache = user.__dict__.setdefault("_kiban_staffed_centres", {})
    if ids not in cache:
        cache[ids] = frozenset(centres().filter(pk__in=ids).values_list("pk", flat=True))
    return cache[ids]


def centre_staff(*, centre_id: int) -> models.QuerySet[User]:
    return active_users_with_role(Role.FACILITY_OPERATOR, organisation_ids=[centre_id])


def ordering_organisation_ids(*, user: User) -> list[int]:
    """The institutions a user may order for: where they hold the researcher or company role."""
    ids: set[int] = set()
    for role in ORDERING_ROLES:
        ids |= role_organisation_ids(user=user, role=role)
    return sorted(ids)


def ordering_organisations(*, user: User) -> models.QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=ordering_organisation_ids(user=user)).order_by("name")


# --- the catalogue
def passing_lots() -> models.QuerySet[Lot]:
    """Lots that may ship: at least one QC test, every one passed, stock left."""
    tests = QcTest.objects.filter(lot=models.OuterRef("pk"))
    return Lot.objects.filter(
        models.Exists(tests), ~models.Exists(tests.exclude(result=QcResult.PASSED)), stock__gt=0
    )


def catalogue() -> models.QuerySet[Resource]:
    """Every catalogue entry with what its list row shows, and `in_stock`: the units in its passing lots."""
    stock = (
        passing_lots()
        .filter(resource=models.OuterRef("pk"))
        .values("resource")
        .annotate(total=models.Sum("stock"))
        .values("total")[:1]
    )
    return Resource.objects.select_related("species", "centre").annotate(
        in_stock=models.functions.Coalesce(models.Subquery(stock), 0)
    )


def resource_detail(*, pk: int) -> Resource:
    return (
        Resource.objects.select_related("species", "centre", "depositor", "depositor_organisation")
        .prefetch_related("references", Prefetch("lots", queryset=Lot.objects.prefetch_related("qc_tests")))
        .get(pk=pk)
    )


def cart_of(*, user: User) -> list[CartItem]:
    return list(CartItem.objects.filter(user=user).select_related("resource__centre", "resource__species"))


def facilities_for(*, organisation_ids) -> models.QuerySet[BiosafetyFacility]:
    return BiosafetyFacility.objects.filter(organisation_id__in=list(organisation_ids)).select_related(
        "organisation"
    )


# --- orders
def _orders() -> models.QuerySet[ResourceOrder]:
    return ResourceOrder.objects.select_related("centre", "organisation", "created_by", "facility").annotate(
        line_count=Count("lines")
    )


def orders_for(*, user: User) -> models.QuerySet[ResourceOrder]:
    """The orders a user prepared, and those of their centres as centre staff."""
    return _orders().filter(Q(created_by=user) | Q(centre_id__in=staffed_centre_ids(user=user)))


def centre_orders(*, user: User) -> models.QuerySet[ResourceOrder]:
    return _orders().filter(centre_id__in=staffed_centre_ids(user=user)).exclude(state=OrderState.DRAFT)


def order_detail(*, pk: int) -> ResourceOrder:
    return (
        ResourceOrder.objects.select_related("centre", "organisation", "created_by", "facility", "invoice")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=OrderLine.objects.select_related(
                    "resource__species", "resource__depositor", "agreement", "lot", "mta_accepted_by"
                ),
            )
        )
        .get(pk=pk)
    )


def shipment_of(order: ResourceOrder) -> Shipment | None:
    return Shipment.objects.filter(order=order).select_related("packed_by").first()


def shippable_lots(*, resource: Resource) -> list[Lot]:
    """The resource's lots with their QC, each with `problem` set ('' when it may ship)."""
    lots = list(Lot.objects.filter(resource=resource).prefetch_related("qc_tests"))
    for lot in lots:
        lot.problem = lot.qc_problem()
    return lots


def depositor_requests(*, user: User) -> models.QuerySet[OrderLine]:
    """Order lines for resources the user deposited whose terms ask for the depositor's approval."""
    return (
        OrderLine.objects.filter(resource__depositor=user)
        .exclude(depositor_decision=DepositorDecision.NOT_NEEDED)
        .exclude(order__state=OrderState.DRAFT)
        .select_related("order__organisation", "order__created_by", "resource")
        .order_by("-order__submitted_at", "-pk")
    )


# --- deposits
def deposits_for(*, user: User) -> models.QuerySet[Deposit]:
    return Deposit.objects.filter(
        Q(created_by=user) | Q(centre_id__in=staffed_centre_ids(user=user))
    ).select_related("centre", "organisation", "species", "created_by")


def centre_lots(*, user: User) -> models.QuerySet[Lot]:
    return (
        Lot.objects.filter(resource__centre_id__in=staffed_centre_ids(user=user))
        .select_related("resource")
        .prefetch_related(Prefetch("qc_tests", queryset=QcTest.objects.order_by("kind")))
        .order_by("resource__number", "-prepared_on")
    )


def papers_for(*, user: User) -> models.QuerySet[PaperReport]:
    return PaperReport.objects.filter(reported_by=user).select_related("resource")
