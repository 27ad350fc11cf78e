"""Orders end to end through the services: MTAs per line, the signatory, biosafety, depositors' approval,
lots and QC, stock under lock, shipment and the invoice, receipt and reported papers."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kiban.agreements.choices import AgreementKind, AgreementState
from kiban.bioresources import services
from kiban.bioresources.choices import (
    Biosafety,
    DepositorDecision,
    OrderState,
    QcKind,
    QcResult,
    ShipmentState,
)
from kiban.bioresources.models import Lot, QcTest
from kiban.core.errors import StateConflict
from kiban.ledger.models import consumption_tax

from .conftest import accept_all, draft_order, passing_lot


def test_cart_across_centres_makes_one_order_per_centre(
    researcher, institution, cell, virus, centre, species
):
    from kiban.core.models import Organisation

    from .conftest import make_resource

    other = Organisation.objects.create(name="別センター", kind="resource_centre")
    mouse = make_resource(
        other,
        species["Mus musculus"],
        "OC-A1",
        name="試験マウス",
        resource_type="animal",
        form="frozen_embryo",
        genotype="Pax6<Sey>/+",
        strain_background="C57BL/6J",
    )
    for resource in (cell, mouse):
        services.cart_add(user=researcher, resource=resource)
    orders = services.orders_from_cart(user=researcher, organisation=institution, purpose="研究")
    assert sorted(o.centre.name for o in orders) == sorted([centre.name, "別センター"])
    assert all(o.state == OrderState.DRAFT for o in orders)
    assert not researcher.bioresource_cart.exists()


def test_submission_names_each_mta_not_accepted(researcher, institution, cell):
    order = draft_order(researcher, institution, cell)
    with pytest.raises(ValidationError) as refused:
        services.order_submit(order=order, actor=researcher)
    assert "Accept the MTA of TC-C1." in refused.value.messages


def test_accepting_the_mta_records_a_signed_mta_between_centre_and_institution(
    researcher, institution, cell, centre
):
    order = draft_order(researcher, institution, cell)
    line = order.lines.get()
    services.mta_accept(line=line, actor=researcher)
    line.refresh_from_db()
    agreement = line.agreement
    assert agreement.kind == AgreementKind.MTA and agreement.state == AgreementState.SIGNED
    assert {p.organisation_id for p in agreement.parties.all()} == {centre.pk, institution.pk}
    assert "research only" in agreement.scope
    services.order_submit(order=order, actor=researcher)
    assert order.state == OrderState.SUBMITTED


def test_terms_binding_the_institution_need_its_signatory(researcher, institution, plasmid):
    order = draft_order(researcher, institution, plasmid)
    line = order.lines.get()
    with pytest.raises(ValidationError) as refused:
        services.mta_accept(line=line, actor=researcher)
    assert "signatory" in refused.value.messages[0]
    services.mta_accept(line=line, actor=researcher, signatory_name="署名 太郎", signatory_title="理事")
    line.refresh_from_db()
    assert line.signatory_name == "署名 太郎" and "署名 太郎" in line.agreement.note


def test_a_virus_is_refused_until_a_bsl2_facility_with_approval_is_chosen(researcher, institution, virus):
    order = draft_order(researcher, institution, virus)
    accept_all(order, researcher)
    with pytest.raises(ValidationError) as refused:
        services.order_submit(order=order, actor=researcher)
    message = " ".join(refused.value.messages)
    assert "TC-V1 need BSL2" in message and "has no registered biosafety facility" in message
    bsl1 = services.facility_register(
        organisation=institution,
        name="一般実験室",
        bsl=Biosafety.BSL1,
        approval_number="P1-1",
        actor=researcher,
    )
    services.order_set_facility(order=order, facility=bsl1, actor=researcher)
    with pytest.raises(ValidationError) as refused:
        services.order_submit(order=order, actor=researcher)
    assert "is registered at BSL1" in " ".join(refused.value.messages)
    bsl2 = services.facility_register(
        organisation=institution,
        name="P2実験室",
        bsl=Biosafety.BSL2,
        approval_number="P2-7",
        actor=researcher,
    )
    services.order_set_facility(order=order, facility=bsl2, actor=researcher)
    services.order_submit(order=order, actor=researcher)
    assert order.state == OrderState.SUBMITTED


def test_a_facility_needs_its_approval_number_and_belongs_to_ones_own_institution(
    researcher, institution, depositor
):
    with pytest.raises(ValidationError, match="approval number"):
        services.facility_register(
            organisation=institution, name="室", bsl=2, approval_number=" ", actor=researcher
        )
    other = depositor.memberships.get().organisation
    with pytest.raises(PermissionDenied):
        services.facility_register(
            organisation=other, name="室", bsl=2, approval_number="X", actor=researcher
        )


def test_the_centre_waits_for_the_depositors_approval(researcher, institution, plasmid, depositor, staff):
    order = draft_order(researcher, institution, plasmid)
    accept_all(order, researcher)
    services.order_submit(order=order, actor=researcher)
    line = order.lines.get()
    line.refresh_from_db()
    assert line.depositor_decision == DepositorDecision.PENDING
    with pytest.raises(ValidationError, match="depositor has not approved TC-G1"):
        services.order_accept(order=order, actor=staff)
    with pytest.raises(PermissionDenied):
        services.depositor_decide(line=line, approve=True, actor=researcher)
    services.depositor_decide(line=line, approve=True, actor=depositor)
    services.order_accept(order=order, actor=staff)
    assert order.state == OrderState.ACCEPTED


def _accepted(researcher, institution, staff, *resources, quantity=1):
    order = draft_order(researcher, institution, *resources, quantity=quantity)
    accept_all(order, researcher)
    services.order_submit(order=order, actor=researcher)
    services.order_accept(order=order, actor=staff)
    return order


def test_a_failing_or_short_lot_cannot_be_packed(researcher, institution, staff, cell):
    order = _accepted(researcher, institution, staff, cell, quantity=3)
    line = order.lines.get()
    failing = passing_lot(cell, "L-fail", stock=10)
    QcTest.objects.filter(lot=failing, kind=QcKind.MYCOPLASMA).update(result=QcResult.FAILED)
    with pytest.raises(ValidationError, match="Mycoplasma is failed"):
        services.shipment_pack(order=order, lots={line.pk: failing}, cold_chain="dry_ice", actor=staff)
    short = passing_lot(cell, "L-short", stock=2)
    with pytest.raises(ValidationError, match="has 2 left"):
        services.shipment_pack(order=order, lots={line.pk: short}, cold_chain="dry_ice", actor=staff)
    empty = passing_lot(cell, "L-empty", stock=0)
    with pytest.raises(ValidationError, match="out of stock"):
        services.shipment_pack(order=order, lots={line.pk: empty}, cold_chain="dry_ice", actor=staff)
    assert Lot.objects.get(pk=failing.pk).stock == 10


def test_biosafety_is_checked_again_when_the_order_is_packed(researcher, institution, staff, virus):
    facility = services.facility_register(
        organisation=institution,
        name="P2実験室",
        bsl=Biosafety.BSL2,
        approval_number="P2-7",
        approved_until=datetime.date.today() + datetime.timedelta(days=30),
        actor=researcher,
    )
    order = draft_order(researcher, institution, virus)
    accept_all(order, researcher)
    services.order_set_facility(order=order, facility=facility, actor=researcher)
    services.order_submit(order=order, actor=researcher)
    services.order_accept(order=order, actor=staff)
    type(facility).objects.filter(pk=facility.pk).update(approved_until=datetime.date(2020, 3, 31))
    line = order.lines.get()
    with pytest.raises(ValidationError) as refused:
        services.shipment_pack(
            order=order, lots={line.pk: virus.lots.get()}, cold_chain="dry_ice", actor=staff
        )
    assert refused.value.code == "biosafety" and "expired on 2020-03-31" in refused.value.messages[0]
    assert virus.lots.get().stock == 5


def test_pack_ship_receive_counts_stock_down_and_invoices_the_institution(
    researcher, institution, staff, cell
):
    order = _accepted(researcher, institution, staff, cell, quantity=2)
    line = order.lines.get()
    lot = cell.lots.get(lot_number="L1")
    shipment = services.shipment_pack(
        order=order, lots={line.pk: lot}, cold_chain="liquid_nitrogen", actor=staff
    )
    lot.refresh_from_db()
    assert lot.stock == 3 and order.state == OrderState.IN_PROGRESS and shipment.state == ShipmentState.PACKED
    with pytest.raises(StateConflict):
        services.shipment_receive(order=order, actor=researcher)
    services.shipment_ship(order=order, carrier="ヤマト運輸", tracking_number="1234-5678", actor=staff)
    order.refresh_from_db()
    invoice = order.invoice
    assert invoice.issuer_id == order.centre_id and invoice.organisation_id == institution.pk
    (invoice_line,) = invoice.lines.all()
    assert (invoice_line.quantity, invoice_line.unit_price_yen) == (
        2,
        20_000,
    ) and "L1" in invoice_line.description
    assert invoice.account.balance_yen == -(40_000 + consumption_tax(40_000))
    services.shipment_receive(order=order, actor=researcher)
    order.refresh_from_db()
    assert order.state == OrderState.COMPLETED


def test_only_centre_staff_pack(researcher, institution, staff, cell):
    order = _accepted(researcher, institution, staff, cell)
    with pytest.raises(PermissionDenied):
        services.shipment_pack(order=order, lots={}, cold_chain="dry_ice", actor=researcher)


def test_company_orders_pay_the_company_price(staff, cell):
    from kiban.core.testing import user_with_role

    member = user_with_role("company")
    company = member.memberships.get().organisation
    company.kind = "company"
    company.save()
    order = draft_order(member, company, cell)
    assert order.fee_category == "company" and order.lines.get().unit_price_yen == 40_000


def test_papers_are_reported_only_for_resources_received(researcher, institution, staff, cell):
    with pytest.raises(ValidationError, match="never shipped to you"):
        services.paper_report(resource=cell, doi="10.1038/nature12373", actor=researcher)
    order = _accepted(researcher, institution, staff, cell)
    services.shipment_pack(
        order=order, lots={order.lines.get().pk: cell.lots.get()}, cold_chain="dry_ice", actor=staff
    )
    with pytest.raises(ValidationError, match="not a DOI"):
        services.paper_report(resource=cell, doi="nature12373", actor=researcher)
    report = services.paper_report(resource=cell, doi="https://doi.org/10.1038/nature12373", actor=researcher)
    assert report.doi == "10.1038/nature12373"
    with pytest.raises(StateConflict):
        services.paper_report(resource=cell, doi="10.1038/nature12373", actor=researcher)
