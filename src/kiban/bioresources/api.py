"""Bioresource API (S7): the public catalogue and resource pages; the cart, orders with their MTAs and
biosafety facility, the centre's decisions; shipments (pack, ship, receive). The same services as the pages,
so the same refusals: 400 with what is missing, 403 with who may, 409 when the state does not allow it."""

import datetime
from typing import Literal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from kiban.core.apikit import WRITE_REFUSALS, ApiError, Page, Rows, filtered, responses
from kiban.core.inputs import Count, Id
from kiban.core.models import Organisation
from kiban.core.permissions import require
from kiban.submissions import services as lifecycle

from . import selectors, services
from .choices import ColdChain
from .filtersets import CatalogueFilter
from .models import BiosafetyFacility, Lot, OrderLine, Resource, ResourceOrder, Shipment

router = Router(tags=["bioresources (S7)"])


# --- the catalogue (public)
class CatalogueQuery(Schema):
    q: str | None = None
    resource_type: str | None = None
    species: Id | None = None
    taxonomy_id: Id | None = None
    resource_class: str | None = None
    centre: Id | None = None
    bsl: Count | None = None
    availability: str | None = None
    form: str | None = None
    in_stock: bool | None = None


class ResourceOut(Schema):
    id: int
    number: str
    name: str
    resource_type: str
    resource_class: str
    species: str
    taxonomy_id: int
    centre_id: int
    centre: str
    form: str
    bsl: int
    availability: str
    in_stock: int
    genotype: str
    strain_background: str
    accession: str
    str_profile: str
    insert: str
    vector: str
    host_range: str
    mta_terms: str
    mta_clauses: list[str]
    academic_price_yen: int
    company_price_yen: int
    prices_are_examples: bool


class ReferenceOut(Schema):
    doi: str
    pubmed_id: str
    citation: str


class QcOut(Schema):
    kind: str
    result: str
    value: str
    tested_on: datetime.date | None


class LotOut(Schema):
    id: int
    lot_number: str
    prepared_on: datetime.date
    stock: int
    shippable: bool
    problem: str
    qc_tests: list[QcOut]


class ResourceDetailOut(ResourceOut):
    description: str
    mta_text: str
    references: list[ReferenceOut]
    lots: list[LotOut]


def _resource(r: Resource, in_stock: int | None = None) -> dict:
    return {
        "id": r.pk,
        "number": r.number,
        "name": r.name,
        "resource_type": r.resource_type,
        "resource_class": r.resource_class,
        "species": r.species.scientific_name,
        "taxonomy_id": r.species.taxonomy_id,
        "centre_id": r.centre_id,
        "centre": r.centre.name,
        "form": r.form,
        "bsl": r.bsl,
        "availability": r.availability,
        "in_stock": r.in_stock if in_stock is None else in_stock,
        "genotype": r.genotype,
        "strain_background": r.strain_background,
        "accession": r.accession,
        "str_profile": r.str_profile,
        "insert": r.insert,
        "vector": r.vector,
        "host_range": r.host_range,
        "mta_terms": r.mta_terms,
        "mta_clauses": list(r.mta_clauses),
        "academic_price_yen": r.academic_price_yen,
        "company_price_yen": r.company_price_yen,
        "prices_are_examples": r.is_demo,
    }


@router.get(
    "/resources", response=responses(list[ResourceOut], 400), auth=None, summary="Search the catalogue"
)
@paginate(Page)
def resource_list(request, filters: Query[CatalogueQuery]):
    """Anyone: one search across every resource type, with the catalogue page's facets as parameters."""
    data = {
        k: str(v).lower() if isinstance(v, bool) else v for k, v in filters.dict().items() if v is not None
    }
    queryset = filtered(CatalogueFilter(data, queryset=selectors.catalogue())).order_by("number")
    return Rows(queryset, _resource)


@router.get(
    "/resources/{resource_id}", response=responses(ResourceDetailOut, 404), auth=None, summary="One resource"
)
def resource_detail(request, resource_id: Id):
    """Anyone: one resource with its references, lots and QC, MTA terms and prices."""
    try:
        r = selectors.resource_detail(pk=resource_id)
    except Resource.DoesNotExist as error:
        raise ApiError(404, _("No such resource."), "not_found") from error
    lots = list(r.lots.all())
    return {
        **_resource(r, in_stock=sum(lot.stock for lot in lots if not lot.qc_problem())),
        "description": r.description,
        "mta_text": services.mta_text(r),
        "references": [
            {"doi": x.doi, "pubmed_id": x.pubmed_id, "citation": x.citation} for x in r.references.all()
        ],
        "lots": [
            {
                "id": lot.pk,
                "lot_number": lot.lot_number,
                "prepared_on": lot.prepared_on,
                "stock": lot.stock,
                "shippable": not lot.qc_problem(),
                "problem": lot.qc_problem(),
                "qc_tests": [
                    {"kind": t.kind, "result": t.result, "value": t.value, "tested_on": t.tested_on}
                    for t in lot.qc_tests.all()
                ],
            }
            for lot in lots
        ],
    }


# --- the cart and orders
class CartIn(Schema):
    resource_id: Id
    quantity: Count = 1


class CartOut(Schema):
    resource_id: int
    number: str
    centre_id: int
    quantity: int


class CheckoutIn(Schema):
    organisation_id: Id
    purpose: str = ""


class LineOut(Schema):
    id: int
    resource_id: int
    number: str
    bsl: int
    quantity: int
    unit_price_yen: int
    mta_accepted: bool
    agreement_id: int | None
    needs_signatory: bool
    depositor_decision: str
    lot_id: int | None


class OrderOut(Schema):
    id: int
    state: str
    centre_id: int
    organisation_id: int
    fee_category: str
    facility_id: int | None
    purpose: str
    invoice_id: int | None
    lines: list[LineOut]
    problems: list[str]


class MtaIn(Schema):
    signatory_name: str = ""
    signatory_title: str = ""


class FacilityChoiceIn(Schema):
    facility_id: Id | None = None


class ReasonIn(Schema):
    reason: str = ""


class FacilityIn(Schema):
    organisation_id: Id
    name: str
    bsl: Count
    approval_number: str
    approved_until: datetime.date | None = None


class FacilityOut(Schema):
    id: int
    organisation_id: int
    name: str
    bsl: int
    approval_number: str
    approved_until: datetime.date | None


def _order_out(order: ResourceOrder, user) -> dict:
    order = selectors.order_detail(pk=order.pk)
    return {
        "id": order.pk,
        "state": order.state,
        "centre_id": order.centre_id,
        "organisation_id": order.organisation_id,
        "fee_category": order.fee_category,
        "facility_id": order.facility_id,
        "purpose": order.purpose,
        "invoice_id": order.invoice_id,
        "lines": [
            {
                "id": line.pk,
                "resource_id": line.resource_id,
                "number": line.resource.number,
                "bsl": line.resource.bsl,
                "quantity": line.quantity,
                "unit_price_yen": line.unit_price_yen,
                "mta_accepted": line.agreement_id is not None,
                "agreement_id": line.agreement_id,
                "needs_signatory": line.resource.needs_signatory,
                "depositor_decision": line.depositor_decision,
                "lot_id": line.lot_id,
            }
            for line in order.lines.all()
        ],
        "problems": services.order_problems(order)
        if user.has_perm("bioresources.change_resourceorder", order)
        else [],
    }


def _visible_order(request, order_id: int) -> ResourceOrder:
    order = get_object_or_404(ResourceOrder.objects.select_related("centre", "organisation"), pk=order_id)
    require(request.user, "bioresources.view_resourceorder", order)
    return order


@router.get("/cart", response=responses(list[CartOut], 403), summary="My cart")
@paginate(Page)
def cart(request):
    """Researchers and company members: the resources in their cart, from any centre."""
    require(request.user, "bioresources.add_resourceorder")
    return [
        {
            "resource_id": i.resource_id,
            "number": i.resource.number,
            "centre_id": i.resource.centre_id,
            "quantity": i.quantity,
        }
        for i in selectors.cart_of(user=request.user)
    ]


@router.post(
    "/cart", response=responses(CartOut, *WRITE_REFUSALS, status=201), summary="Put a resource in my cart"
)
def cart_add(request, payload: CartIn):
    """Researchers and company members: add a resource (or set its quantity)."""
    require(request.user, "bioresources.add_resourceorder")
    resource = get_object_or_404(Resource, pk=payload.resource_id)
    item = services.cart_add(user=request.user, resource=resource, quantity=payload.quantity)
    return Status(
        201,
        {
            "resource_id": resource.pk,
            "number": resource.number,
            "centre_id": resource.centre_id,
            "quantity": item.quantity,
        },
    )


@router.post(
    "/orders", response=responses(list[OrderOut], *WRITE_REFUSALS, status=201), summary="Order my cart"
)
def checkout(request, payload: CheckoutIn):
    """Researchers and company members: the cart becomes draft orders, one per centre."""
    require(request.user, "bioresources.add_resourceorder")
    organisation = get_object_or_404(Organisation, pk=payload.organisation_id)
    orders = services.orders_from_cart(user=request.user, organisation=organisation, purpose=payload.purpose)
    return Status(201, [_order_out(order, request.user) for order in orders])


@router.get("/orders", response=responses(list[OrderOut]), summary="Orders I may see")
@paginate(Page)
def order_list(request):
    """Signed-in users: the orders they prepared and, as centre staff, their centres' orders."""
    return Rows(
        selectors.orders_for(user=request.user).order_by("-pk"), lambda o: _order_out(o, request.user)
    )


@router.get("/orders/{order_id}", response=responses(OrderOut, 403, 404), summary="One order")
def order_detail(request, order_id: Id):
    """The orderer and the centre's staff."""
    return _order_out(_visible_order(request, order_id), request.user)


@router.post(
    "/orders/{order_id}/lines/{line_id}/mta",
    response=responses(OrderOut, *WRITE_REFUSALS),
    summary="Accept a line's MTA",
)
def mta_accept(request, order_id: Id, line_id: Id, payload: MtaIn):
    """The orderer, while the order is a draft or returned: accept the MTA of one line (with the signatory
    where the terms bind the institution)."""
    order = _visible_order(request, order_id)
    line = get_object_or_404(OrderLine.objects.select_related("resource", "order"), pk=line_id, order=order)
    services.mta_accept(
        line=line,
        actor=request.user,
        signatory_name=payload.signatory_name,
        signatory_title=payload.signatory_title,
    )
    return _order_out(order, request.user)


@router.post(
    "/orders/{order_id}/facility",
    response=responses(OrderOut, *WRITE_REFUSALS),
    summary="Choose the biosafety facility",
)
def order_facility(request, order_id: Id, payload: FacilityChoiceIn):
    """The orderer, while the order is editable: the facility of their institution where it will be used."""
    order = _visible_order(request, order_id)
    facility = None
    if payload.facility_id is not None:
        facility = get_object_or_404(BiosafetyFacility, pk=payload.facility_id)
    services.order_set_facility(order=order, facility=facility, actor=request.user)
    return _order_out(order, request.user)


@router.post(
    "/orders/{order_id}/submit", response=responses(OrderOut, *WRITE_REFUSALS), summary="Submit an order"
)
def order_submit(request, order_id: Id):
    """The orderer: refused (400) with each MTA not accepted and what biosafety is missing."""
    order = _visible_order(request, order_id)
    services.order_submit(order=order, actor=request.user)
    return _order_out(order, request.user)


@router.post(
    "/orders/{order_id}/{decision}",
    response=responses(OrderOut, *WRITE_REFUSALS),
    summary="The centre decides",
)
def order_decide(
    request, order_id: Id, decision: Literal["accept", "decline", "return", "withdraw"], payload: ReasonIn
):
    """The centre's staff: accept, decline or return a submitted order (decision: accept, decline, return);
    the orderer: withdraw it (decision: withdraw)."""
    order = _visible_order(request, order_id)
    if decision == "accept":
        services.order_accept(order=order, actor=request.user, reason=payload.reason)
    elif decision == "decline":
        lifecycle.submission_decide(submission=order, accept=False, reason=payload.reason, actor=request.user)
    elif decision == "return":
        lifecycle.submission_return(submission=order, reason=payload.reason, actor=request.user)
    else:
        lifecycle.submission_withdraw(submission=order, actor=request.user, reason=payload.reason)
    return _order_out(order, request.user)


@router.get(
    "/facilities", response=responses(list[FacilityOut], 403), summary="My institutions' biosafety facilities"
)
@paginate(Page)
def facility_list(request):
    """Researchers and company members: the facilities of the institutions they order for."""
    require(request.user, "bioresources.add_biosafetyfacility")
    return list(
        selectors.facilities_for(organisation_ids=selectors.ordering_organisation_ids(user=request.user))
    )


@router.post(
    "/facilities",
    response=responses(FacilityOut, *WRITE_REFUSALS, status=201),
    summary="Register a biosafety facility",
)
def facility_register(request, payload: FacilityIn):
    """Researchers and company members, for their own institution, with its biosafety approval number."""
    require(request.user, "bioresources.add_biosafetyfacility")
    organisation = get_object_or_404(Organisation, pk=payload.organisation_id)
    facility = services.facility_register(
        organisation=organisation,
        name=payload.name,
        bsl=payload.bsl,
        approval_number=payload.approval_number,
        approved_until=payload.approved_until,
        actor=request.user,
    )
    return Status(201, facility)


# --- shipments
class ShipmentOut(Schema):
    order_id: int
    state: str
    cold_chain: str
    carrier: str
    tracking_number: str
    packed_at: datetime.datetime
    shipped_at: datetime.datetime | None
    received_at: datetime.datetime | None
    lots: list[int]


class LotChoiceIn(Schema):
    line_id: Id
    lot_id: Id


class PackIn(Schema):
    cold_chain: str
    lots: list[LotChoiceIn]


class ShipIn(Schema):
    carrier: str
    tracking_number: str


def _shipment_out(shipment: Shipment) -> dict:
    return {
        "order_id": shipment.order_id,
        "state": shipment.state,
        "cold_chain": shipment.cold_chain,
        "carrier": shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "packed_at": shipment.packed_at,
        "shipped_at": shipment.shipped_at,
        "received_at": shipment.received_at,
        "lots": sorted({line.lot_id for line in shipment.order.lines.all() if line.lot_id}),
    }


@router.get("/shipments", response=responses(list[ShipmentOut]), summary="Shipments I may see")
@paginate(Page)
def shipment_list(request):
    """Signed-in users: the shipments of their orders and, as centre staff, of their centres."""
    shipments = (
        Shipment.objects.filter(
            Q(order__created_by=request.user)
            | Q(order__centre_id__in=selectors.staffed_centre_ids(user=request.user))
        )
        .select_related("order")
        .prefetch_related("order__lines")
        .order_by("-pk")
    )
    return Rows(shipments, _shipment_out)


@router.post(
    "/orders/{order_id}/shipment/pack",
    response=responses(ShipmentOut, *WRITE_REFUSALS, status=201),
    summary="Pack an order",
)
def shipment_pack(request, order_id: Id, payload: PackIn):
    """The centre's staff: pack an accepted order, each line from a QC-passed lot with the stock."""
    order = _visible_order(request, order_id)
    require(request.user, "bioresources.ship_resourceorder", order)
    if payload.cold_chain not in ColdChain.values:
        raise ApiError(
            400,
            _("The cold chain is one of: %(values)s.") % {"values": ", ".join(ColdChain.values)},
            "cold_chain",
        )
    lots = {}
    for choice in payload.lots:
        lots[choice.line_id] = get_object_or_404(Lot, pk=choice.lot_id)
    shipment = services.shipment_pack(
        order=order, lots=lots, cold_chain=payload.cold_chain, actor=request.user
    )
    return Status(201, _shipment_out(shipment))


@router.post(
    "/orders/{order_id}/shipment/ship",
    response=responses(ShipmentOut, *WRITE_REFUSALS),
    summary="Ship a packed order",
)
def shipment_ship(request, order_id: Id, payload: ShipIn):
    """The centre's staff: the carrier and tracking number; the invoice is issued."""
    order = _visible_order(request, order_id)
    shipment = services.shipment_ship(
        order=order, carrier=payload.carrier, tracking_number=payload.tracking_number, actor=request.user
    )
    return _shipment_out(shipment)


@router.post(
    "/orders/{order_id}/shipment/receive",
    response=responses(ShipmentOut, *WRITE_REFUSALS),
    summary="Record a parcel received",
)
def shipment_receive(request, order_id: Id):
    """The orderer (or the centre's staff): the parcel arrived; the order is completed."""
    order = _visible_order(request, order_id)
    shipment = services.shipment_receive(order=order, actor=request.user)
    return _shipment_out(shipment)
