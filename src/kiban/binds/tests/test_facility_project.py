"""An accepted cryo-EM support item goes to the cryo-EM network as a facility project (S3 → S4)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kiban.binds import services
from kiban.core.errors import StateConflict
from kiban.core.models import Organisation
from kiban.core.testing import Access, assert_permission_matrix, signed_in
from kiban.facilities.models import FacilityProject

from .conftest import lead_of


@pytest.fixture
def sites(demo_data, menu):
    """東京大学 delivers the cryo-EM support (it holds E1 and E2 microscopes); 京都大学 does not."""
    tokyo = Organisation.objects.get(name="東京大学")
    menu["cryo-em-spa"].institutions.add(tokyo)
    return {"tokyo": tokyo, "kyoto": Organisation.objects.get(name="京都大学")}


@pytest.fixture
def cryo_item(routed, people, sites):
    item = routed.items.get(menu_item__code="cryo-em-spa")
    services.item_accept(item=item, actor=lead_of(people, item), reason="fits the E2 queue")
    item.refresh_from_db()
    return item


def test_the_applicant_opens_a_draft_project_with_the_items_days(cryo_item, people, sites):
    project = services.facility_project_open(
        item=cryo_item, site=sites["tokyo"], results="open", actor=people.applicant
    )

    assert (project.state, project.site, project.organisation) == (
        "draft", sites["tokyo"], cryo_item.application.organisation
    )  # fmt: skip
    assert (project.title, project.e1_days, project.e2_days) == (cryo_item.application.title, 0, 3)
    assert project.origin == cryo_item and project.origin_url == cryo_item.get_absolute_url()
    reason = project.history.latest().history_change_reason
    assert "Cryo-EM single-particle analysis" in reason or "クライオ電子顕微鏡" in reason


def test_one_item_opens_one_project(cryo_item, people, sites):
    services.facility_project_open(
        item=cryo_item, site=sites["tokyo"], results="open", actor=people.applicant
    )
    with pytest.raises(StateConflict, match="already has its facility project"):
        services.facility_project_open(
            item=cryo_item, site=sites["tokyo"], results="proprietary", actor=people.applicant
        )
    assert FacilityProject.objects.count() == 1


def test_refusals_name_the_rule(routed, cryo_item, people, sites):
    with pytest.raises(ValidationError, match="does not deliver"):
        services.facility_project_open(
            item=cryo_item, site=sites["kyoto"], results="open", actor=people.applicant
        )
    protein = routed.items.get(menu_item__code="membrane-protein")
    with pytest.raises(StateConflict, match="Only a cryo-EM support item"):
        services.facility_project_open(
            item=protein, site=sites["tokyo"], results="open", actor=people.applicant
        )
    with pytest.raises(PermissionDenied, match="Only the applicant"):
        services.facility_project_open(
            item=cryo_item, site=sites["tokyo"], results="open", actor=people.structure
        )
    assert not FacilityProject.objects.exists()


def test_an_item_not_yet_accepted_stays_in_binds(routed, people, sites):
    item = routed.items.get(menu_item__code="cryo-em-spa")
    with pytest.raises(StateConflict, match="once its unit accepts it"):
        services.facility_project_open(item=item, site=sites["tokyo"], results="open", actor=people.applicant)


def test_the_application_page_offers_it_and_then_links_the_project(cryo_item, people, sites):
    application = cryo_item.application
    applicant = signed_in(people.applicant)
    page = applicant.get(application.get_absolute_url()).content.decode()
    assert "Take it to the cryo-EM network" in page
    url = f"/binds/applications/{application.pk}/items/{cryo_item.pk}/facility-project/"

    # the unit lead sees the item but may not open its project
    assert (
        "Take it to the cryo-EM network"
        not in signed_in(people.structure).get(application.get_absolute_url()).content.decode()
    )
    assert (
        signed_in(people.structure).post(url, {"site": sites["tokyo"].pk, "results": "open"}).status_code
        == 403
    )

    response = applicant.post(url, {"site": sites["tokyo"].pk, "results": "open"})
    project = FacilityProject.objects.get()
    assert response.status_code == 302 and response.url == project.get_absolute_url()
    page = applicant.get(application.get_absolute_url()).content.decode()
    assert project.get_absolute_url() in page and "Take it to the cryo-EM network" not in page
    assert cryo_item.get_absolute_url() in applicant.get(project.get_absolute_url()).content.decode()

    # a second try says the project exists, and nothing is added
    again = applicant.post(url, {"site": sites["tokyo"].pk, "results": "open"}, follow=True)
    assert "already has its facility project" in again.content.decode()
    assert FacilityProject.objects.count() == 1


def test_only_the_applicant_may_open_it(cryo_item, people, sites):
    url = f"/binds/applications/{cryo_item.application_id}/items/{cryo_item.pk}/facility-project/"
    data = {"site": sites["tokyo"].pk, "results": "open"}
    assert_permission_matrix([Access("post", url, allowed=("researcher",), data=data)])
    assert FacilityProject.objects.count() == 1


def test_the_api_opens_it_once_and_says_why_it_refuses(cryo_item, people, sites):
    url = f"/api/binds/items/{cryo_item.pk}/facility-project"
    applicant = signed_in(people.applicant)
    body = {"site_id": sites["kyoto"].pk, "results": "open"}
    refused = applicant.post(url, body, content_type="application/json")
    assert refused.status_code == 400 and "does not deliver" in refused.json()["detail"]
    lead = signed_in(people.structure).post(url, {**body, "site_id": sites["tokyo"].pk}, "application/json")
    assert lead.status_code == 403

    created = applicant.post(url, {**body, "site_id": sites["tokyo"].pk}, content_type="application/json")
    assert created.status_code == 201
    assert (created.json()["site_id"], created.json()["e2_days"], created.json()["state"]) == (
        sites["tokyo"].pk, 3, "draft"
    )  # fmt: skip
    again = applicant.post(url, {**body, "site_id": sites["tokyo"].pk}, content_type="application/json")
    assert again.status_code == 409
