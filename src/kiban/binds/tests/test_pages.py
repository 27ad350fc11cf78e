"""The pages people use: the catalogue searched in both languages, the application form, the dashboard and
its downloads, and the API's lists."""

import pytest

from kiban.binds import services
from kiban.core.testing import client_for, downloaded, page_text, table_rows

from .conftest import lead_of

pytestmark = pytest.mark.django_db


def test_catalogue_search_in_japanese_and_english(menu, client):
    assert "Compound docking simulation" in page_text(client.get("/binds/", {"q": "docking"}))
    rows = table_rows(client.get("/binds/", {"q": "ドッキング"}), "results")
    assert [row[1] for row in rows[1:]] == ["Compound docking simulation"]
    assert table_rows(client.get("/binds/", {"q": "zzz"}), "results")[1:] == [["No support matches."]]


def test_apply_add_items_and_submit_through_pages(people, menu):
    client = client_for("researcher")
    response = client.post(
        "/binds/applications/new/",
        {
            "title": "Pages",
            "research_summary": "s",
            "target_name": "t",
            "uniprot_accession": "BAD",
            "funding": "amed",
        },
    )
    assert response.status_code == 400
    assert "is not a UniProt accession" in page_text(response)
    response = client.post(
        "/binds/applications/new/",
        {
            "title": "Pages",
            "research_summary": "s",
            "target_name": "t",
            "uniprot_accession": "P69905",
            "funding": "amed",
        },
    )
    url = response["Location"]
    for code in ("membrane-protein", "docking"):
        client.post(url + "items/", {"menu_item": menu[code].pk, "e1_days": "0", "e2_days": "0"})
    response = client.post(url + "submit/", follow=True)
    assert "The application is submitted" in page_text(response)
    assert table_rows(response, "items")[1][1].startswith("Membrane protein expression")


def test_dashboard_and_export(routed, people):
    for item, accept in zip(routed.items.order_by("position"), [True, True, True, False], strict=True):
        if accept:
            services.item_accept(item=item, actor=lead_of(people, item), reason="ok")
        else:
            services.item_decline(item=item, actor=lead_of(people, item), reason="no")
    response = client_for("hub_staff").get("/binds/dashboard/")
    assert "1 (100.0%)" in page_text(response)
    assert len(table_rows(response, "per-unit")[1:]) == 3
    csv = downloaded(client_for("ministry_official").get("/binds/dashboard/export.csv")).decode("utf-8-sig")
    assert "Structure analysis unit,1,2,2,0,0" in csv
    # a unit sees its own figures only
    own = table_rows(client_for("auditor").get("/binds/dashboard/"), "per-unit")
    assert [row[1] for row in own[1:]] == ["Chemical seeds and lead discovery unit"]
    assert client_for("hub_staff").get("/binds/dashboard/", {"fy": "xx"}).status_code == 400


def test_api_lists(routed, people):
    body = client_for("facility_operator").get("/api/binds/items").json()
    assert body["count"] == 2  # the two items routed to the structure unit
    assert client_for("researcher").get("/api/binds/items").json()["count"] == 4
    assert client_for("company").get("/api/binds/applications").json()["count"] == 0
    detail = client_for("researcher").get(f"/api/binds/applications/{routed.pk}").json()
    assert [i["menu_item"] for i in detail["requested_items"]] == [
        "membrane-protein",
        "cryo-em-spa",
        "docking",
        "hts",
    ]


def test_api_outcome_create_checks_the_format(routed, people):
    for item in routed.items.order_by("position"):
        services.item_accept(item=item, actor=lead_of(people, item), reason="ok")
    client = client_for("researcher")
    url = f"/api/binds/applications/{routed.pk}/outcomes"
    bad = client.post(
        url, {"unit": "structure", "kind": "pdb", "identifier": "XXXX"}, content_type="application/json"
    )
    assert bad.status_code == 400
    ok = client.post(
        url,
        {"unit": "structure", "kind": "pdb", "identifier": "7K3G", "acknowledges_binds": True},
        content_type="application/json",
    )
    assert ok.status_code == 201
    assert client.get("/api/binds/outcomes").json()["items"][0]["identifier"] == "7K3G"
