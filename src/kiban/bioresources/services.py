"""Writes of the bioresource catalogue: the cart, orders and their MTAs, biosafety facilities, depositors'
approvals, lots and QC, shipments with their invoice, deposits and reported papers.

Keyword-only; each runs in one transaction, checks the acting user's permission, and saves through
kiban.core.audit (who, when, why). Order and deposit states move only through kiban.submissions.services.

Rules enforced here (the refusal names what is missing):
- MTA: every order line's MTA is accepted before the order is submitted, as a kiban.agreements MTA between
  the centre (provider) and the requesting institution (recipient) about the line, carrying the standard
  terms and the depositor's clauses; clauses that bind the institution (non-commercial only, no
  redistribution, co-authorship) need the institution's signatory by name and title.
- Depositor approval: a line whose terms ask for it waits for the depositor, and the centre cannot accept
  the order until each such line is approved.
- Biosafety: a resource at BSL2 or higher (every virus) is ordered only for a registered biosafety facility
  of the requesting institution at that level or higher with an approval number still valid.
- Lots: a line ships only from a lot of its resource whose every QC test passed and whose stock covers it;
  the stock is counted down under the lot's row lock.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kiban.agreements.choices import AgreementKind, AgreementState, PartyRole
from kiban.agreements.services import agreement_create, agreement_sign
from kiban.core.audit import audited_save
from kiban.core.choices import OrganisationKind
from kiban.core.errors import StateConflict, unique_or_conflict
from kiban.core.models import Organisation, User
from kiban.core.permissions import require
from kiban.core.services import notification_send
from kiban.ledger.choices import AccountKind
from kiban.ledger.models import Account
from kiban.ledger.services import account_open, invoice_create, invoice_issue, invoice_line_add
from kiban.submissions import services as lifecycle

from .choices import (
    STANDARD_TERMS,
    Availability,
    Biosafety,
    DepositorDecision,
    DepositState,
    FeeCategory,
    OrderState,
    ShipmentState,
)
from .models import (
    MAX_QUANTITY,
    BiosafetyFacility,
    CartItem,
    Deposit,
    Lot,
    OrderLine,
    PaperReport,
    QcTest,
    Reference,
    Resource,
    ResourceOrder,
    Shipment,
)
from .selectors import ordering_organisation_ids, staffed_centre_ids
from .validators import normalise_doi, validate_doi

FEES_ACCOUNT_LABEL = "バイオリソース提供料（NBRP）"


class OrderLineAgreements:
    """The MTA of an order line: managed by whoever prepared the order, and the centre's staff."""

    kinds = (AgreementKind.MTA,)

    def can_manage(self, user, record) -> bool:
        order = record.order
        return order.created_by_id == user.pk or order.centre_id in staffed_centre_ids(user=user)


def _today() -> datetime.date:
    return timezone.localdate()


def _quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError(
            _("The quantity is a whole number from 1 to %(max)s.") % {"max": MAX_QUANTITY}, "quantity"
        )
    return quantity


# --- the cart
def cart_add(*, user: User, resource: Resource, quantity: int = 1) -> CartItem:
    """Puts a resource in the user's cart (or sets its quantity); only an available resource is ordered."""
    require(user, "bioresources.add_resourceorder")
    quantity = _quantity(quantity)
    if resource.availability != Availability.AVAILABLE:
        raise ValidationError(
            _("%(resource)s is not distributed now (%(availability)s).")
            % {"resource": resource, "availability": resource.get_availability_display()},
            "not_available",
        )
    with unique_or_conflict(_("The resource was put in the cart meanwhile; reload the cart."), "in_cart"):
        item, _created = CartItem.objects.update_or_create(
            user=user, resource=resource, defaults={"quantity": quantity}
        )
    return item


def cart_remove(*, user: User, resource_id: int) -> int:
    require(user, "bioresources.add_resourceorder")
    return CartItem.objects.filter(user=user, resource_id=resource_id).delete()[0]


def fee_category_of(organisation: Organisation) -> str:
    """Companies pay the company price; universities, institutes and the rest the academic one."""
    return FeeCategory.COMPANY if organisation.kind == OrganisationKind.COMPANY else FeeCategory.ACADEMIC


def orders_from_cart(*, user: User, organisation: Organisation, purpose: str = "") -> list[ResourceOrder]:
    """Turns the cart into draft orders, one per centre, at the institution's prices; the cart is emptied."""
    require(user, "bioresources.add_resourceorder")
    if organisation.pk not in ordering_organisation_ids(user=user):
        raise PermissionDenied(
            _("You order only for an institution where you are a researcher or company member.")
        )
    fee = fee_category_of(organisation)
    with transaction.atomic():
        items = list(
            CartItem.objects.select_for_update().filter(user=user).select_related("resource__centre")
        )
        if not items:
            raise ValidationError(
                _("The cart is empty; add resources from the catalogue first."), "cart_empty"
            )
        orders: dict[int, ResourceOrder] = {}
        for item in items:
            resource = item.resource
            if resource.availability != Availability.AVAILABLE:
                raise ValidationError(
                    _("%(resource)s is no longer distributed; remove it from the cart.")
                    % {"resource": resource},
                    "not_available",
                )
            order = orders.get(resource.centre_id)
            if order is None:
                order = ResourceOrder(
                    centre=resource.centre,
                    organisation=organisation,
                    fee_category=fee,
                    purpose=purpose.strip(),
                    created_by=user,
                )
                audited_save(order, actor=user, reason=_("Order drafted from the cart"))
                orders[resource.centre_id] = order
            audited_save(
                OrderLine(
                    order=order,
                    resource=resource,
                    quantity=item.quantity,
                    unit_price_yen=resource.price_for(fee),
                    depositor_decision=(
                        DepositorDecision.PENDING
                        if resource.needs_depositor_approval
                        else DepositorDecision.NOT_NEEDED
                    ),
                ),
                actor=user,
                reason=_("Order line added"),
            )
        CartItem.objects.filter(pk__in=[item.pk for item in items]).delete()
    return list(orders.values())


# --- biosafety
def facility_register(
    *,
    organisation: Organisation,
    name: str,
    bsl: int,
    approval_number: str,
    approved_until: datetime.date | None = None,
    actor: User,
) -> BiosafetyFacility:
    """A researcher (or company member) registers a biosafety facility of their own institution, with the
    approval number its biosafety committee gave."""
    require(actor, "bioresources.add_biosafetyfacility")
    if organisation.pk not in ordering_organisation_ids(user=actor):
        raise PermissionDenied(_("You register facilities only for an institution where you do research."))
    name, approval_number = name.strip(), approval_number.strip()
    if not name:
        raise ValidationError(_("Name the facility (building and room)."), "facility_name")
    if bsl not in Biosafety.values:
        raise ValidationError(_("The biosafety level is 1, 2, 3 or 4."), "bsl")
    if not approval_number:
        raise ValidationError(
            _("Give the approval number of the institution's biosafety committee for this facility."),
            "approval_number",
        )
    if approved_until is not None and approved_until < _today():
        raise ValidationError(
            _("The approval has already expired (%(date)s).") % {"date": approved_until}, "expired"
        )
    duplicate = _("%(organisation)s already has a facility named “%(name)s”.") % {
        "organisation": organisation,
        "name": name,
    }
    facility = BiosafetyFacility(
        organisation=organisation,
        name=name,
        bsl=bsl,
        approval_number=approval_number,
        approved_until=approved_until,
        registered_by=actor,
    )
    with unique_or_conflict(duplicate, "facility_exists"):
        if BiosafetyFacility.objects.filter(organisation=organisation, name=name).exists():
            raise StateConflict(duplicate, "facility_exists")
        audited_save(facility, actor=actor, reason=_("Biosafety facility registered"), full_clean=True)
    return facility


def biosafety_refusal(order: ResourceOrder, lines=None, *, on: datetime.date | None = None) -> str | None:
    """Why the order's biosafety does not allow it (naming what is missing), or None when it does."""
    lines = list(order.lines.all()) if lines is None else lines
    risky = [line.resource for line in lines if line.resource.bsl >= Biosafety.BSL2]
    if not risky:
        return None
    needed = max(resource.bsl for resource in risky)
    names = {
        "resources": ", ".join(resource.number for resource in risky),
        "level": Biosafety(needed).label,
        "organisation": order.organisation,
    }
    facility = order.facility
    if facility is None:
        if not BiosafetyFacility.objects.filter(organisation=order.organisation, bsl__gte=needed).exists():
            return (
                _(
                    "%(resources)s need %(level)s: %(organisation)s has no registered biosafety facility at "
                    "%(level)s or higher. Register one with its biosafety approval number, then choose it "
                    "for this order."
                )
                % names
            )
        return (
            _(
                "%(resources)s need %(level)s: choose the biosafety facility of %(organisation)s where they "
                "will be used."
            )
            % names
        )
    names["facility"] = facility.name
    if facility.organisation_id != order.organisation_id:
        return _("The facility “%(facility)s” is not one of %(organisation)s's.") % names
    if facility.bsl < needed:
        return _("%(resources)s need %(level)s, but “%(facility)s” is registered at %(facility_level)s.") % {
            **names,
            "facility_level": facility.get_bsl_display(),
        }
    if not facility.approval_number.strip():
        return _("“%(facility)s” has no biosafety approval number.") % names
    on = on or _today()
    if facility.approved_until is not None and facility.approved_until < on:
        return _("The biosafety approval of “%(facility)s” expired on %(date)s.") % {
            **names,
            "date": facility.approved_until.isoformat(),
        }
    return None


def order_set_facility(
    *, order: ResourceOrder, facility: BiosafetyFacility | None, actor: User
) -> ResourceOrder:
    """The orderer names the biosafety facility of their institution where the resources will be used."""
    require(actor, "bioresources.change_resourceorder", order)
    if facility is not None and facility.organisation_id != order.organisation_id:
        raise ValidationError(
            _("The facility “%(facility)s” is not one of %(organisation)s's.")
            % {"facility": facility.name, "organisation": order.organisation},
            "facility_elsewhere",
        )
    order.facility = facility
    audited_save(order, actor=actor, reason=_("Biosafety facility chosen"), update_fields=["facility"])
    return order


# --- MTAs
def mta_text(resource: Resource) -> str:
    """The terms a recipient accepts for the resource: the standard ones, then the depositor's clauses."""
    lines = [str(term) for term in STANDARD_TERMS]
    lines += [str(clause.label) for clause in resource.clauses]
    return "\n".join(f"- {line}" for line in lines)


def mta_accept(
    *, line: OrderLine, actor: User, signatory_name: str = "", signatory_title: str = ""
) -> OrderLine:
    """The orderer accepts the line's MTA: recorded as an MTA between the centre and the institution about
    the line, signed today; terms binding the institution need its signatory's name and title."""
    order = line.order
    require(actor, "bioresources.change_resourceorder", order)
    resource = line.resource
    signatory_name, signatory_title = signatory_name.strip(), signatory_title.strip()
    if resource.needs_signatory and not (signatory_name and signatory_title):
        raise ValidationError(
            _(
                "The terms of %(resource)s bind the institution (%(clauses)s): give the name and title of "
                "%(organisation)s's signatory."
            )
            % {
                "resource": resource.number,
                "clauses": ", ".join(str(c.label) for c in resource.clauses),
                "organisation": order.organisation,
            },
            "signatory",
        )
    with transaction.atomic():
        line = OrderLine.objects.select_for_update().select_related("order", "resource").get(pk=line.pk)
        if line.agreement_id is not None:
            raise StateConflict(
                _("The MTA of %(resource)s is already accepted.") % {"resource": resource.number},
                "mta_accepted",
            )
        note = (
            _("Signed for %(organisation)s by %(name)s, %(title)s")
            % {"organisation": order.organisation, "name": signatory_name, "title": signatory_title}
            if signatory_name
            else _("Accepted online by %(user)s") % {"user": actor}
        )
        agreement = agreement_create(
            kind=AgreementKind.MTA,
            about=line,
            parties=[(order.centre, PartyRole.PROVIDER), (order.organisation, PartyRole.RECIPIENT)],
            scope=f"{resource}\n{resource.get_mta_terms_display()}\n{mta_text(resource)}",
            reference=f"MTA-{order.pk}-{line.pk}",
            note=note[:300],
            actor=actor,
        )
        agreement_sign(agreement=agreement, signed_on=_today(), actor=actor)
        line.agreement = agreement
        line.mta_accepted_by = actor
        line.mta_accepted_at = timezone.now()
        line.signatory_name, line.signatory_title = signatory_name, signatory_title
        audited_save(line, actor=actor, reason=_("MTA accepted"))
    return line


def order_problems(order: ResourceOrder) -> list[str]:
    """What keeps the order from being submitted: no line, an MTA not accepted, biosafety."""
    lines = list(order.lines.select_related("resource", "agreement"))
    if not lines:
        return [_("The order has no resource.")]
    problems = []
    for line in lines:
        if line.agreement is None or line.agreement.state != AgreementState.SIGNED:
            problems.append(_("Accept the MTA of %(resource)s.") % {"resource": line.resource.number})
        if line.resource.availability != Availability.AVAILABLE:
            problems.append(_("%(resource)s is no longer distributed.") % {"resource": line.resource.number})
    refusal = biosafety_refusal(order, lines)
    if refusal:
        problems.append(refusal)
    return problems


def order_submit(*, order: ResourceOrder, actor: User) -> ResourceOrder:
    """The orderer sends the order to the centre (or resends one returned); lines whose terms ask for the
    depositor's approval then wait for it."""
    with transaction.atomic():
        if order.state == OrderState.RETURNED:
            lifecycle.submission_resubmit(submission=order, actor=actor)
        else:
            lifecycle.submission_submit(submission=order, actor=actor)
        for line in order.lines.select_related("resource__depositor"):
            if (
                line.resource.needs_depositor_approval
                and line.depositor_decision != DepositorDecision.APPROVED
            ):
                line.depositor_decision = DepositorDecision.PENDING
                audited_save(line, actor=actor, reason=_("Waiting for the depositor's approval"))
                if line.resource.depositor is not None:
                    notification_send(
                        recipients=[line.resource.depositor],
                        subject=_("A request for %(resource)s waits for your approval")
                        % {"resource": line.resource},
                        body=_("%(organisation)s asks for it.") % {"organisation": order.organisation},
                        link=reverse("bioresources:depositor"),
                    )
    return order


def depositor_decide(*, line: OrderLine, approve: bool, actor: User) -> OrderLine:
    """The depositor approves or declines a request for their resource while the order waits for the
    centre."""
    require(actor, "bioresources.decide_orderline", line)
    with transaction.atomic():
        line = OrderLine.objects.select_for_update().select_related("order", "resource").get(pk=line.pk)
        if line.order.state not in (OrderState.SUBMITTED, OrderState.RESUBMITTED):
            raise StateConflict(
                _("Only a request waiting for the centre is approved; this order is %(state)s.")
                % {"state": line.order.get_state_display().lower()},
                "illegal_transition",
            )
        if line.depositor_decision == DepositorDecision.NOT_NEEDED:
            raise StateConflict(_("This request does not need the depositor's approval."), "not_needed")
        line.depositor_decision = DepositorDecision.APPROVED if approve else DepositorDecision.DECLINED
        line.depositor_decided_at = timezone.now()
        audited_save(
            line, actor=actor, reason=_("Depositor approved") if approve else _("Depositor declined")
        )
    return line


def order_accept(*, order: ResourceOrder, actor: User, reason: str = "") -> ResourceOrder:
    """The centre accepts a submitted order once every depositor approval it needs is given."""

    def approvals_given() -> None:
        waiting = [
            line.resource.number
            for line in OrderLine.objects.select_for_update().filter(order=order).select_related("resource")
            if line.depositor_decision in (DepositorDecision.PENDING, DepositorDecision.DECLINED)
        ]
        if waiting:
            raise ValidationError(
                _("The depositor has not approved %(resources)s; the order cannot be accepted.")
                % {"resources": ", ".join(waiting)},
                "depositor_approval",
            )

    with transaction.atomic():
        if actor.has_perm("bioresources.decide_resourceorder", order):
            approvals_given()
        return lifecycle.submission_decide(
            submission=order,
            accept=True,
            reason=reason.strip() or _("Accepted for distribution."),
            actor=actor,
        )


# --- lots and QC
def lot_create(
    *, resource: Resource, lot_number: str, prepared_on: datetime.date, stock: int, actor: User
) -> Lot:
    require(actor, "bioresources.change_resource", resource)
    lot = Lot(resource=resource, lot_number=lot_number.strip(), prepared_on=prepared_on, stock=stock)
    duplicate = _("%(resource)s already has a lot %(lot)s.") % {
        "resource": resource.number,
        "lot": lot.lot_number,
    }
    with unique_or_conflict(duplicate, "lot_exists"):
        if Lot.objects.filter(resource=resource, lot_number=lot.lot_number).exists():
            raise StateConflict(duplicate, "lot_exists")
        audited_save(lot, actor=actor, reason=_("Lot recorded"), full_clean=True)
    return lot


def qc_record(
    *, lot: Lot, kind: str, result: str, value: str = "", tested_on: datetime.date | None = None, actor: User
) -> QcTest:
    """Records (or corrects) one QC test of a lot and its result."""
    require(actor, "bioresources.change_lot", lot)
    with transaction.atomic():
        test = QcTest.objects.select_for_update().filter(lot=lot, kind=kind).first() or QcTest(
            lot=lot, kind=kind
        )
        test.result, test.value, test.tested_on = result, value.strip(), tested_on or _today()
        audited_save(test, actor=actor, reason=_("QC test recorded"), full_clean=True)
    return test


# --- shipping
def shipment_pack(*, order: ResourceOrder, lots: dict[int, Lot], cold_chain: str, actor: User) -> Shipment:
    """The centre packs an accepted order: each line draws from a lot of its resource that passed every QC
    test and has the stock; stocks are counted down under the lots' row locks and the order is in progress."""
    require(actor, "bioresources.ship_resourceorder", order)
    with transaction.atomic():
        # The lines alone are locked (of "self"): on PostgreSQL, FOR UPDATE over the order page's lines
        # failed with "cannot be applied to the nullable side of an outer join" (the CI failure).
        lines = list(
            OrderLine.objects.select_for_update(of=("self",))
            .filter(order=order)
            .select_related("resource")
            .order_by("pk")
        )
        if order.state != OrderState.ACCEPTED:
            raise StateConflict(
                _("Only an accepted order is packed; this one is %(state)s.")
                % {"state": order.get_state_display().lower()},
                "illegal_transition",
            )
        # Checked again as the material leaves: the facility's approval may have expired since submission.
        current = ResourceOrder.objects.select_related("facility", "organisation").get(pk=order.pk)
        refusal = biosafety_refusal(current, lines)
        if refusal:
            raise ValidationError(refusal, "biosafety")
        for line in lines:
            chosen = lots.get(line.pk)
            if chosen is None:
                raise ValidationError(
                    _("Choose the lot of %(resource)s.") % {"resource": line.resource.number}, "lot"
                )
            lot = Lot.objects.select_for_update().get(pk=chosen.pk)
            if lot.resource_id != line.resource_id:
                raise ValidationError(
                    _("Lot %(lot)s is not a lot of %(resource)s.")
                    % {"lot": lot.lot_number, "resource": line.resource.number},
                    "lot",
                )
            problem = lot.qc_problem()
            if problem:
                raise ValidationError(problem, "lot_not_shippable")
            if lot.stock < line.quantity:
                raise ValidationError(
                    _("Lot %(lot)s has %(stock)s left; %(resource)s needs %(quantity)s.")
                    % {
                        "lot": lot.lot_number,
                        "stock": lot.stock,
                        "resource": line.resource.number,
                        "quantity": line.quantity,
                    },
                    "out_of_stock",
                )
            lot.stock -= line.quantity
            audited_save(
                lot,
                actor=actor,
                reason=_("Drawn for order %(pk)s") % {"pk": order.pk},
                update_fields=["stock"],
            )
            line.lot = lot
            audited_save(line, actor=actor, reason=_("Lot assigned"), update_fields=["lot"])
        shipment = Shipment(order=order, cold_chain=cold_chain, packed_by=actor)
        with unique_or_conflict(_("The order has been packed meanwhile."), "already_packed"):
            audited_save(shipment, actor=actor, reason=_("Packed"), full_clean=True)
        lifecycle.submission_start(submission=order, actor=actor)
    return shipment


def _fees_account(organisation: Organisation, actor: User) -> Account:
    account = Account.objects.filter(organisation=organisation, label=FEES_ACCOUNT_LABEL).first()
    if account is not None:
        return account
    return account_open(
        organisation=organisation,
        kind=AccountKind.DEPOSIT,
        label=FEES_ACCOUNT_LABEL,
        may_go_negative=True,  # what the institution owes the centres
        actor=actor,
        reason=_("Opened for bioresource fees"),
    )


def shipment_ship(*, order: ResourceOrder, carrier: str, tracking_number: str, actor: User) -> Shipment:
    """The centre hands the parcel to the carrier; the invoice of the order's fees (academic or company
    price per line, 消費税 added) is issued to the requesting institution through the ledger."""
    require(actor, "bioresources.ship_resourceorder", order)
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier or not tracking_number:
        raise ValidationError(_("Give the carrier and the tracking number."), "tracking")
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().filter(order=order).first()
        if shipment is None:
            raise StateConflict(_("The order is not packed yet."), "illegal_transition")
        if shipment.state != ShipmentState.PACKED:
            raise StateConflict(
                _("Only a packed parcel is shipped; this one is %(state)s.")
                % {"state": shipment.get_state_display().lower()},
                "illegal_transition",
            )
        shipment.state, shipment.carrier, shipment.tracking_number = (
            ShipmentState.SHIPPED,
            carrier,
            tracking_number,
        )
        shipment.shipped_at = timezone.now()
        audited_save(shipment, actor=actor, reason=_("Shipped"), full_clean=True)
        lines = list(order.lines.select_related("resource", "lot"))
        if sum(line.amount_yen for line in lines) > 0:
            today = _today()
            invoice = invoice_create(
                issuer=order.centre,
                account=_fees_account(order.organisation, actor),
                period_start=today,
                period_end=today,
                actor=actor,
                note=_("Bioresource order %(pk)s (%(fee)s fees)")
                % {"pk": order.pk, "fee": order.get_fee_category_display()},
            )
            for line in lines:
                invoice_line_add(
                    invoice=invoice,
                    description=f"{line.resource.number} {line.resource.name}（{line.lot.lot_number}）",
                    quantity=line.quantity,
                    unit_price_yen=line.unit_price_yen,
                    actor=actor,
                )
            invoice_issue(invoice=invoice, actor=actor, issued_on=today)
            order.invoice = invoice
            audited_save(order, actor=actor, reason=_("Invoice issued"), update_fields=["invoice"])
        notification_send(
            recipients=[order.created_by],
            subject=_("Order %(pk)s is shipped") % {"pk": order.pk},
            body=_("%(carrier)s, tracking number %(tracking)s.")
            % {"carrier": carrier, "tracking": tracking_number},
            link=order.get_absolute_url(),
        )
    return shipment


def shipment_receive(*, order: ResourceOrder, actor: User) -> Shipment:
    """The recipient (or the centre) records the parcel received; the order is completed."""
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update().filter(order=order).first()
        if shipment is None or shipment.state != ShipmentState.SHIPPED:
            raise StateConflict(_("Only a shipped parcel is received."), "illegal_transition")
        lifecycle.submission_complete(submission=order, actor=actor)
        shipment.state, shipment.received_at = ShipmentState.RECEIVED, timezone.now()
        audited_save(shipment, actor=actor, reason=_("Received"))
    return shipment


# --- deposits
DEPOSIT_FIELDS = (
    "centre", "organisation", "deposit_kind", "resource_type", "resource_class", "name", "species", "form",
    "bsl", "description", "genotype", "strain_background", "accession", "str_profile", "insert", "vector",
    "host_range", "mta_terms", "mta_clauses", "qc_evidence", "reference_doi",
)  # fmt: skip


def deposit_save(*, actor: User, deposit: Deposit | None = None, **values) -> Deposit:
    """A depositor drafts a deposit (or changes one while a draft or returned) with their terms and QC
    evidence; what is incomplete is said when it is submitted."""
    if deposit is None:
        require(actor, "bioresources.add_deposit")
        deposit = Deposit(created_by=actor)
    else:
        require(actor, "bioresources.change_deposit", deposit)
    unknown = set(values) - set(DEPOSIT_FIELDS)
    if unknown:
        raise TypeError(f"unknown deposit fields: {sorted(unknown)}")
    if "organisation" in values and values["organisation"].pk not in ordering_organisation_ids(user=actor):
        raise PermissionDenied(_("You deposit only for an institution where you do research."))
    if "centre" in values and values["centre"].kind != OrganisationKind.RESOURCE_CENTRE:
        raise ValidationError(_("Deposits are made to a resource centre."), "centre")
    for name, value in values.items():
        setattr(deposit, name, value.strip() if isinstance(value, str) else value)
    deposit.reference_doi = normalise_doi(deposit.reference_doi)
    deposit.full_clean(exclude=["state", "created_by"])
    audited_save(
        deposit, actor=actor, reason=_("Deposit drafted") if deposit._state.adding else _("Deposit changed")
    )
    return deposit


def deposit_submit(*, deposit: Deposit, actor: User) -> Deposit:
    if deposit.state == DepositState.RETURNED:
        return lifecycle.submission_resubmit(submission=deposit, actor=actor)
    return lifecycle.submission_submit(submission=deposit, actor=actor)


def deposit_screen(*, deposit: Deposit, actor: User) -> Deposit:
    """The centre starts screening a submitted deposit."""
    return lifecycle.submission_review_start(submission=deposit, actor=actor)


def deposit_accept(
    *, deposit: Deposit, academic_price_yen: int, company_price_yen: int, reason: str, actor: User
) -> Resource:
    """The centre accepts the deposit: it becomes a catalogue entry with the depositor's terms, at the prices
    the centre sets, with the describing paper as its reference."""
    for price in (academic_price_yen, company_price_yen):
        if isinstance(price, bool) or not isinstance(price, int) or not 0 <= price <= 10_000_000:
            raise ValidationError(_("A price is a whole number of yen from 0 to 10,000,000."), "price")
    with transaction.atomic():
        lifecycle.submission_decide(submission=deposit, accept=True, reason=reason, actor=actor)
        resource = Resource(
            centre=deposit.centre,
            number=f"{deposit.centre.short_name or 'NBRP'}-D{deposit.pk:05d}",
            depositor=deposit.created_by,
            depositor_organisation=deposit.organisation,
            academic_price_yen=academic_price_yen,
            company_price_yen=company_price_yen,
            availability=Availability.IN_PREPARATION,
            **{
                field: getattr(deposit, field)
                for field in (
                    "resource_type", "resource_class", "name", "species", "form", "bsl", "description",
                    "genotype", "strain_background", "accession", "str_profile", "insert", "vector",
                    "host_range", "mta_terms", "mta_clauses",
                )
            },
        )  # fmt: skip
        audited_save(
            resource,
            actor=actor,
            reason=_("Entered from deposit %(pk)s") % {"pk": deposit.pk},
            full_clean=True,
        )
        if deposit.reference_doi:
            audited_save(
                Reference(resource=resource, doi=deposit.reference_doi), actor=actor, reason=_("Reference")
            )
        deposit.resource = resource
        audited_save(deposit, actor=actor, reason=_("Catalogue entry created"), update_fields=["resource"])
    return resource


def resource_set_availability(*, resource: Resource, availability: str, actor: User) -> Resource:
    require(actor, "bioresources.change_resource", resource)
    if availability not in Availability.values:
        raise ValidationError(_("Unknown availability."), "availability")
    resource.availability = availability
    audited_save(resource, actor=actor, reason=_("Availability changed"), update_fields=["availability"])
    return resource


# --- papers
def paper_report(*, resource: Resource, doi: str, actor: User) -> PaperReport:
    """A user reports a paper (by DOI) that used a resource they received."""
    require(actor, "bioresources.add_paperreport")
    doi = normalise_doi(doi)
    if not doi:
        raise ValidationError(_("Give the paper's DOI."), "doi")
    validate_doi(doi)
    order = (
        ResourceOrder.objects.filter(
            created_by=actor,
            lines__resource=resource,
            state__in=[OrderState.IN_PROGRESS, OrderState.COMPLETED],
        )
        .order_by("-pk")
        .first()
    )
    if order is None:
        raise ValidationError(
            _(
                "You report papers only for resources you have received; %(resource)s was never shipped "
                "to you."
            )
            % {"resource": resource.number},
            "not_received",
        )
    duplicate = _("The paper %(doi)s is already reported for %(resource)s.") % {
        "doi": doi,
        "resource": resource.number,
    }
    report = PaperReport(
        resource=resource, order=order, doi=doi, reported_by=actor, organisation=order.organisation
    )
    with unique_or_conflict(duplicate, "paper_reported"):
        if PaperReport.objects.filter(resource=resource, doi=doi).exists():
            raise StateConflict(duplicate, "paper_reported")
        audited_save(report, actor=actor, reason=_("Paper reported"), full_clean=True)
    return report


def paper_reminders_send(*, older_than_days: int = 180, today: datetime.date | None = None) -> int:
    """Reminds each user who received resources at least `older_than_days` ago, and reported no paper for
    them, to report the papers that used them. Returns how many users were reminded."""
    today = today or _today()
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=older_than_days), datetime.time())
    )
    orders = (
        ResourceOrder.objects.filter(
            state=OrderState.COMPLETED, completed_at__lte=cutoff, papers__isnull=True
        )
        .select_related("created_by")
        .prefetch_related("lines__resource")
    )
    by_user: dict[int, tuple[User, list[str]]] = {}
    for order in orders:
        user, numbers = by_user.setdefault(order.created_by_id, (order.created_by, []))
        numbers.extend(line.resource.number for line in order.lines.all())
    for user, numbers in by_user.values():
        notification_send(
            recipients=[user],
            subject=_("Please report papers that used the bioresources you received"),
            body=_("Resources: %(numbers)s. Report each paper's DOI on the order's page.")
            % {"numbers": ", ".join(sorted(set(numbers)))},
            link=reverse("bioresources:orders"),
        )
    return len(by_user)
