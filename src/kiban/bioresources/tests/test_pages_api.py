"""The catalogue's pages and API: public search, resource pages with terms and example prices, who may open
what (the permission matrix), refusals as messages and 4xx answers, deposits into the catalogue,
statistics computed from the records, validation of references, and the paper reminder."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kiban.bioresources import services
from kiban.bioresources.choices import (
    Availability,
    DepositKind,
    DepositState,
    MtaTerms,
    OrderState,
    ResourceForm,
)
from kiban.bioresources.models import Deposit, Reference, ResourceOrder
from kiban.bioresources.stats import statistics
from kiban.bioresources.validators import validate_doi, validate_pmid, validate_str_profile
from kiban.core.choices import Role
from kiban.core.models import Notification
from kiban.core.testing import (
    ALL_ROLES,
    ANONYMOUS,
    Access,
    assert_permission_matrix,
    downloaded,
    page_text,
    signed_in,
    table_rows,
)

from .conftest import accept_all, draft_order

ORDERERS = (Role.RESEARCHER, Role.COMPANY)


def test_anyone_finds_a_resource_by_species_and_genotype(client, centre, species, cell):
    from .conftest import make_resource

    make_resource(
        centre,
        species["Mus musculus"],
        "TC-A1",
        name="試験マウス",
        resource_type="animal",
        form=ResourceForm.FROZEN_EMBRYO,
        genotype="Pax6<Sey>/+",
        strain_background="C57BL/6J",
    )
    make_resource(
        centre,
        species["Mus musculus"],
        "TC-A2",
        name="別マウス",
        resource_type="animal",
        form=ResourceForm.LIVE,
        genotype="Trp53<tm1>/+",
        strain_background="BALB/cA",
    )
    url = reverse("bioresources:catalogue")
    response = client.get(url, {"species": species["Mus musculus"].pk, "q": "Pax6"})
    rows = table_rows(response, "catalogue-table")
    assert [row[0] for row in rows[1:]] == ["TC-A1"]
    response = client.get(url, {"taxonomy_id": 10090, "resource_type": "animal"})
    assert {row[0] for row in table_rows(response, "catalogue-table")[1:]} == {"TC-A1", "TC-A2"}
    assert client.get(url, {"bsl": "7"}).status_code == 400


def test_the_resource_page_shows_attributes_terms_and_example_prices(client, cell, plasmid):
    cell.is_demo = True
    cell.save()
    Reference.objects.create(resource=cell, doi="10.1038/nature12373", pubmed_id="23903748")
    text = page_text(client.get(cell.get_absolute_url()))
    assert "D5S818: 11,12" in text and "20,000" in text and "Example prices of demo data" in text
    assert "doi:10.1038/nature12373" in text and "PMID 23903748" in text
    text = page_text(client.get(plasmid.get_absolute_url()))
    assert "Non-commercial use only" in text and "The depositor approves each request" in text


def test_the_catalogue_links_to_the_s0_programme_without_copying_figures(client, db):
    from kiban.programmes.models import Programme

    programme = Programme.objects.create(
        code="nbrp",
        name="ナショナルバイオリソースプロジェクト（内局事業）",
        name_en="National BioResource Project",
    )
    response = client.get(reverse("bioresources:catalogue"))
    assert programme.get_absolute_url() in response.content.decode()


def test_catalogue_export(client, cell):
    body = downloaded(client.get(reverse("bioresources:export", args=["csv"]))).decode("utf-8-sig")
    assert "TC-C1" in body and "9606" in body


def test_permission_matrix(researcher, staff, depositor, cell, plasmid, institution):
    order = draft_order(researcher, institution, cell)
    deposit = services.deposit_save(
        actor=researcher,
        centre=cell.centre,
        organisation=institution,
        deposit_kind=DepositKind.DONATION,
        resource_type="cell",
        name="寄託細胞",
        species=cell.species,
        form=ResourceForm.CELL_VIAL,
        str_profile="TH01: 7",
        qc_evidence="陰性",
    )
    signed = [r for r in ALL_ROLES if r != ANONYMOUS]
    accesses = [
        Access("get", reverse("bioresources:catalogue"), ALL_ROLES),
        Access("get", cell.get_absolute_url(), ALL_ROLES),
        Access("get", reverse("bioresources:cart"), ORDERERS),
        Access("get", reverse("bioresources:orders"), ORDERERS),
        Access("get", reverse("bioresources:facilities"), ORDERERS),
        Access("get", reverse("bioresources:deposits"), ORDERERS),
        Access("get", reverse("bioresources:deposit-new"), ORDERERS),
        Access("get", order.get_absolute_url(), (Role.RESEARCHER, Role.AUDITOR)),
        Access("get", deposit.get_absolute_url(), (Role.RESEARCHER, Role.AUDITOR)),
        Access("get", reverse("bioresources:centre"), (Role.FACILITY_OPERATOR,)),
        Access("get", reverse("bioresources:depositor"), ()),
        Access("get", reverse("bioresources:statistics"), (Role.MINISTRY_OFFICIAL, Role.AGENCY_OFFICER)),
        Access("post", reverse("bioresources:order-pack", args=[order.pk]), (Role.FACILITY_OPERATOR,)),
        Access("get", "/api/bioresources/resources", ALL_ROLES, api=True),
        Access("get", "/api/bioresources/cart", ORDERERS, api=True),
        Access("get", "/api/bioresources/orders", signed, api=True),
        Access(
            "get",
            f"/api/bioresources/orders/{order.pk}",
            (Role.RESEARCHER, Role.AUDITOR),
            api=True,
        ),
    ]
    assert_permission_matrix(accesses)
    # Once submitted, the centre's staff see the order too (drafts are the orderer's own).
    accept_all(order, researcher)
    services.order_submit(order=order, actor=researcher)
    assert_permission_matrix(
        [Access("get", order.get_absolute_url(), (Role.RESEARCHER, Role.FACILITY_OPERATOR, Role.AUDITOR))]
    )
    # The depositor's page is the depositor's.
    assert signed_in(depositor).get(reverse("bioresources:depositor")).status_code == 200


def test_navigation_shows_only_what_the_user_may_open(researcher, staff, cell):
    from kiban.core.registry import navigation_for

    urls = {url for url, _label in navigation_for(researcher)}
    assert reverse("bioresources:orders") in urls and reverse("bioresources:centre") not in urls
    assert reverse("bioresources:statistics") not in urls
    assert reverse("bioresources:centre") in {url for url, _label in navigation_for(staff)}


def test_the_order_page_shows_the_biosafety_refusal(researcher, institution, virus):
    order = draft_order(researcher, institution, virus)
    client = signed_in(researcher)
    response = client.post(
        reverse("bioresources:mta-accept", args=[order.pk, order.lines.get().pk]), {"agree": "on"}
    )
    assert response.status_code == 302
    response = client.post(reverse("bioresources:order-submit", args=[order.pk]), follow=True)
    assert "has no registered biosafety facility at BSL2 or higher" in page_text(response)
    order.refresh_from_db()
    assert order.state == OrderState.DRAFT


def test_api_refusals_are_4xx_with_what_is_missing(researcher, institution, virus, staff, cell):
    client = signed_in(researcher)
    response = client.post(
        "/api/bioresources/cart", {"resource_id": virus.pk}, content_type="application/json"
    )
    assert response.status_code == 201
    response = client.post(
        "/api/bioresources/orders", {"organisation_id": institution.pk}, content_type="application/json"
    )
    assert response.status_code == 201
    order = response.json()[0]
    line = order["lines"][0]
    url = f"/api/bioresources/orders/{order['id']}"
    response = client.post(f"{url}/submit")
    assert response.status_code == 400 and "Accept the MTA of TC-V1" in response.json()["detail"]
    assert (
        client.post(f"{url}/lines/{line['id']}/mta", {}, content_type="application/json").status_code == 200
    )
    response = client.post(f"{url}/submit")
    assert response.status_code == 400 and "BSL2" in response.json()["detail"]
    response = client.post(
        f"{url}/shipment/pack", {"cold_chain": "dry_ice", "lots": []}, content_type="application/json"
    )
    assert response.status_code == 403
    # A draft is the orderer's own: the centre's staff do not see it yet.
    response = signed_in(staff).post(f"{url}/accept", {"reason": ""}, content_type="application/json")
    assert response.status_code == 403
    assert client.get("/api/bioresources/resources/99999999").status_code == 404
    body = client.get("/api/bioresources/resources", {"resource_type": "virus"}).json()
    assert body["count"] == 1 and body["items"][0]["host_range"] == "ヒト、MDCK細胞"


def test_api_ships_from_a_passing_lot(researcher, institution, staff, cell):
    order = draft_order(researcher, institution, cell)
    accept_all(order, researcher)
    services.order_submit(order=order, actor=researcher)
    services.order_accept(order=order, actor=staff)
    client = signed_in(staff)
    url = f"/api/bioresources/orders/{order.pk}/shipment"
    lots = [{"line_id": order.lines.get().pk, "lot_id": cell.lots.get().pk}]
    assert (
        client.post(
            f"{url}/pack", {"cold_chain": "dry_ice", "lots": lots}, content_type="application/json"
        ).status_code
        == 201
    )
    response = client.post(
        f"{url}/ship", {"carrier": "日本郵便", "tracking_number": "EJ1"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["state"] == "shipped"
    assert (
        client.post(
            f"{url}/ship", {"carrier": "x", "tracking_number": "y"}, content_type="application/json"
        ).status_code
        == 409
    )
    listed = signed_in(researcher).get("/api/bioresources/shipments").json()
    assert listed["count"] == 1 and listed["items"][0]["tracking_number"] == "EJ1"


def test_a_deposit_is_screened_and_accepted_into_the_catalogue(
    researcher, institution, staff, centre, species, client
):
    values = dict(
        centre=centre,
        organisation=institution,
        deposit_kind=DepositKind.DEPOSITION,
        resource_type="cell",
        name="寄託細胞株",
        species=species["Homo sapiens"],
        form=ResourceForm.CELL_VIAL,
        str_profile="TH01: 7,9.3",
        mta_terms=MtaTerms.DEPOSITOR,
        mta_clauses=["cite_paper"],
        qc_evidence="",
        reference_doi="doi:10.1000/xyz123",
    )
    deposit = services.deposit_save(actor=researcher, **values)
    with pytest.raises(ValidationError, match="QC evidence"):
        services.deposit_submit(deposit=deposit, actor=researcher)
    services.deposit_save(actor=researcher, deposit=deposit, qc_evidence="マイコプラズマ陰性")
    services.deposit_submit(deposit=deposit, actor=researcher)
    services.deposit_screen(deposit=deposit, actor=staff)
    assert deposit.state == DepositState.UNDER_REVIEW
    resource = services.deposit_accept(
        deposit=deposit, academic_price_yen=15_000, company_price_yen=30_000, reason="受入", actor=staff
    )
    assert resource.depositor == researcher and resource.mta_clauses == ["cite_paper"]
    assert resource.references.get().doi == "10.1000/xyz123"
    services.resource_set_availability(resource=resource, availability=Availability.AVAILABLE, actor=staff)
    rows = table_rows(client.get(reverse("bioresources:catalogue"), {"q": "寄託細胞株"}), "catalogue-table")
    assert rows[1][0] == resource.number


def test_a_donation_takes_the_standard_terms(researcher, institution, centre, species):
    with pytest.raises(ValidationError):
        services.deposit_save(
            actor=researcher,
            centre=centre,
            organisation=institution,
            deposit_kind=DepositKind.DONATION,
            resource_type="cell",
            name="x",
            species=species["Mus musculus"],
            form=ResourceForm.CELL_VIAL,
            mta_terms=MtaTerms.DEPOSITOR,
            mta_clauses=["cite_paper"],
        )


def test_statistics_are_counted_from_the_records(researcher, institution, staff, cell, virus):
    order = draft_order(researcher, institution, cell)
    accept_all(order, researcher)
    services.order_submit(order=order, actor=researcher)
    draft_order(researcher, institution, virus)  # a draft is not counted
    stats = statistics()
    (row,) = stats.rows
    assert (row.orders, row.institutions, row.papers) == (1, 1, 0)
    ministry = signed_in(
        __import__("kiban.core.testing", fromlist=["user_with_role"]).user_with_role(Role.MINISTRY_OFFICIAL)
    )
    response = ministry.get(reverse("bioresources:statistics"))
    assert table_rows(response, "statistics")[1][3:] == ["1", "1", "0"]
    body = downloaded(ministry.get(reverse("bioresources:statistics-export", args=["csv"]))).decode(
        "utf-8-sig"
    )
    assert "Cell" in body


def test_reference_formats_are_checked():
    validate_doi("10.1038/nature12373")
    validate_pmid("23903748")
    validate_str_profile("Amelogenin: X,Y; D5S818: 11,12")
    for check, value in (
        (validate_doi, "doi 10.1/x"),
        (validate_pmid, "PMC123"),
        (validate_str_profile, "D5S818 11"),
    ):
        with pytest.raises(ValidationError):
            check(value)


def test_the_reminder_asks_for_papers_once_the_resource_was_received(researcher, institution, staff, cell):
    order = draft_order(researcher, institution, cell)
    accept_all(order, researcher)
    services.order_submit(order=order, actor=researcher)
    services.order_accept(order=order, actor=staff)
    services.shipment_pack(
        order=order, lots={order.lines.get().pk: cell.lots.get()}, cold_chain="dry_ice", actor=staff
    )
    services.shipment_ship(order=order, carrier="c", tracking_number="t", actor=staff)
    services.shipment_receive(order=order, actor=researcher)
    ResourceOrder.objects.filter(pk=order.pk).update(
        completed_at=timezone.now() - datetime.timedelta(days=200)
    )
    call_command("bioresources_paper_reminders", "--days", "180")
    assert Notification.objects.filter(recipient=researcher, subject__contains="report papers").count() == 1
    services.paper_report(resource=cell, doi="10.1038/nature12373", actor=researcher)
    call_command("bioresources_paper_reminders")
    assert Notification.objects.filter(recipient=researcher, subject__contains="report papers").count() == 1
    assert json.dumps(statistics().papers_by_year)
    assert Deposit.objects.count() == 0


def test_centre_staff_open_a_resource_for_distribution(staff, researcher, cell):
    url = reverse("bioresources:availability", args=[cell.pk])
    assert signed_in(researcher).post(url, {"availability": "suspended"}).status_code == 403
    signed_in(staff).post(url, {"availability": "suspended"})
    cell.refresh_from_db()
    assert cell.availability == Availability.SUSPENDED
    with pytest.raises(ValidationError, match="not distributed now"):
        services.cart_add(user=researcher, resource=cell)
