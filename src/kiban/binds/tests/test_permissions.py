"""Who may open which BINDS page and endpoint; every other role is refused (core.testing's matrix).

In these tests researcher = the applicant, hub_staff = headquarters (PS), facility_operator = the structure
unit's lead (involved), biobank_curator = the in-silico unit's lead (involved once routed), auditor = the
chemical unit's lead; company, ministry and agency hold only their core role (see conftest.people)."""

import pytest

from kiban.binds import services
from kiban.core.testing import ANONYMOUS, SIGNED_IN, Access, assert_permission_matrix, client_for

from .conftest import lead_of

pytestmark = pytest.mark.django_db

UNITS_AND_HQ = ("hub_staff", "facility_operator", "biobank_curator", "auditor")
OFFICIALS = ("ministry_official", "agency_officer")


def test_catalogue_is_public(menu, people):
    assert_permission_matrix(
        [
            Access("get", "/binds/", allowed=(ANONYMOUS, *SIGNED_IN)),
            Access("get", "/binds/units/structure/", allowed=(ANONYMOUS, *SIGNED_IN)),
            Access("get", "/binds/menu/docking/", allowed=(ANONYMOUS, *SIGNED_IN)),
        ]
    )


def test_application_pages(routed, people):
    pk = routed.pk
    item = routed.items.get(position=1)
    assert_permission_matrix(
        [
            Access("get", "/binds/applications/", allowed=("researcher", *UNITS_AND_HQ, *OFFICIALS)),
            Access("get", "/binds/applications/new/", allowed=("researcher",)),
            # company members never see an academic application
            Access("get", f"/binds/applications/{pk}/", allowed=("researcher", *UNITS_AND_HQ, *OFFICIALS)),
            Access(
                "post",
                f"/binds/applications/{pk}/items/{item.pk}/screen/",
                allowed=("facility_operator",),
                data={"decision": "decline", "reason": "no"},
            ),
            Access(
                "post",
                f"/binds/applications/{pk}/messages/",
                allowed=("researcher", *UNITS_AND_HQ),
                data={"body": "hello"},
            ),
            Access("get", "/binds/dashboard/", allowed=(*UNITS_AND_HQ, *OFFICIALS)),
            # last: a return sends the items back from the units (refused here, as an item is decided)
            Access("post", f"/binds/applications/{pk}/return/", allowed=("hub_staff",), data={"reason": "x"}),
            Access("get", "/binds/dashboard/export.csv", allowed=(*UNITS_AND_HQ, *OFFICIALS)),
        ]
    )


def test_editing_is_the_applicants_alone(draft, people):
    pk = draft.pk
    assert_permission_matrix(
        [
            Access("get", f"/binds/applications/{pk}/", allowed=("researcher",)),  # a draft: nobody else
            Access("get", f"/binds/applications/{pk}/edit/", allowed=("researcher",)),
            Access("post", f"/binds/applications/{pk}/submit/", allowed=("researcher",)),
        ]
    )


def test_routing_is_headquarters_alone(submitted, people):
    item = submitted.items.get(position=1)
    assert_permission_matrix(
        [
            Access(
                "post",
                f"/binds/applications/{submitted.pk}/items/{item.pk}/route/",
                allowed=("hub_staff",),
                data={"unit": item.menu_item.unit_id},
            )
        ],
        roles=("researcher", "hub_staff", "facility_operator", "company", "ministry_official"),
    )


def test_tasks_are_changed_by_their_unit_alone(routed, people):
    for item in routed.items.order_by("position"):
        services.item_accept(item=item, actor=lead_of(people, item), reason="ok")
    first = routed.items.get(position=1)
    assert_permission_matrix(
        [
            Access(
                "post",
                f"/binds/applications/{routed.pk}/items/{first.pk}/start/",
                allowed=("facility_operator",),
            )
        ],
        roles=("researcher", "hub_staff", "facility_operator", "biobank_curator", "ministry_official"),
    )


def test_a_unit_not_involved_sees_nothing(routed, people):
    from kiban.core.testing import signed_in

    client = signed_in(people.outsider_unit)
    assert client.get(f"/binds/applications/{routed.pk}/").status_code == 403
    assert client.get(f"/api/binds/applications/{routed.pk}").status_code == 404


def test_confidential_summary_hidden_from_officials(routed, people):
    services_update = routed.__class__.objects.filter(pk=routed.pk)
    services_update.update(confidential=True)
    summary = "Transporter structure and inhibitors."
    assert (
        summary
        not in client_for("ministry_official").get(f"/binds/applications/{routed.pk}/").content.decode()
    )
    assert (
        summary in client_for("facility_operator").get(f"/binds/applications/{routed.pk}/").content.decode()
    )
    assert (
        client_for("ministry_official").get(f"/api/binds/applications/{routed.pk}").json()["research_summary"]
        is None
    )


def test_api_refusals(routed, people, menu):
    assert_permission_matrix(
        [
            Access(
                "post",
                "/api/binds/applications",
                allowed=("researcher",),
                api=True,
                data={"title": "API application"},
                content_type="application/json",
            ),
            Access(
                "post",
                f"/api/binds/applications/{routed.pk}/items",
                allowed=(),
                api=True,
                data={"menu_item": "docking"},
                content_type="application/json",
            ),
        ],
        roles=("researcher", "hub_staff", "company", "ministry_official"),
    )
