"""The API's one page of a list ({count, limit, offset, items}, bounds checked) and its one error format."""

import pytest
from django.test import Client
from ninja import Schema

from kiban.api import api
from kiban.core.apikit import MAX_LIMIT
from kiban.core.models import Notification, Organisation


@pytest.fixture
def signed_in(alice):
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def five_companies(db):
    return [Organisation.objects.create(name=f"会社{n}", kind="company") for n in range(1, 6)]


def test_a_list_answers_its_count_and_one_window(signed_in, five_companies):
    # Given five companies; when the second and third are asked for
    response = signed_in.get("/api/organisations?kind=company&limit=2&offset=1")

    # Then the answer counts all five and holds the window
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (5, 2, 1)
    assert [o["name"] for o in body["items"]] == ["会社2", "会社3"]


def test_an_offset_past_the_end_is_an_empty_page(signed_in, five_companies):
    body = signed_in.get("/api/organisations?kind=company&offset=5").json()
    assert (body["count"], body["items"]) == (5, [])


def test_no_list_is_cut_silently(signed_in, alice):
    # Given more notifications than the 200 the list used to stop at
    Notification.objects.bulk_create(Notification(recipient=alice, subject=f"n{n}") for n in range(250))

    # When the last page is asked for
    body = signed_in.get("/api/notifications?limit=100&offset=200").json()

    # Then every notification is counted and the page holds the last fifty
    assert (body["count"], len(body["items"])) == (250, 50)


@pytest.mark.parametrize(
    ("query", "detail", "code"),
    [
        ("limit=0", "limit runs from 1 to 1000.", "invalid_limit"),
        ("limit=1001", "limit runs from 1 to 1000.", "invalid_limit"),
        ("offset=-1", "offset runs from 0 to 1,000,000,000.", "invalid_offset"),
        ("offset=1000000001", "offset runs from 0 to 1,000,000,000.", "invalid_offset"),
        ("offset=99999999999999999999999", "offset runs from 0 to 1,000,000,000.", "invalid_offset"),
        ("limit=１０", "limit: Input should be a valid integer, unable to parse string as an integer", None),
        ("offset=٣", "offset: Input should be a valid integer, unable to parse string as an integer", None),
        ("limit=abc", "limit: Input should be a valid integer, unable to parse string as an integer", None),
    ],
)
def test_a_page_outside_its_bounds_is_422_with_the_bound(signed_in, query, detail, code):
    # When a list is asked for with a limit or offset outside its bounds, or not written in ASCII digits
    response = signed_in.get(f"/api/organisations?{query}")

    # Then the answer is 422, never a 500, and says what is accepted
    assert response.status_code == 422
    assert response.json() == {"detail": detail, "code": code or "invalid_input"}


def test_the_bound_is_said_in_japanese_to_a_japanese_reader(signed_in):
    response = signed_in.get("/api/organisations?limit=0", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 422
    assert response.json() == {"detail": "limit は 1 から 1000 までです。", "code": "invalid_limit"}


def _schema(openapi: dict, schema: dict) -> dict:
    if "$ref" in schema:
        return openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def test_every_list_endpoint_is_documented_as_a_page():
    # Given the OpenAPI schema; when every GET answer is read
    openapi = api.get_openapi_schema()
    bare_lists, pages = [], []
    for path, operations in openapi["paths"].items():
        if path.startswith("/api/beacon"):  # GA4GH Beacon v2 keeps its own response format
            continue
        get = operations.get("get")
        if get is None:
            continue
        ok = get["responses"].get(200) or get["responses"]["200"]
        answer = _schema(openapi, ok["content"]["application/json"]["schema"])
        if answer.get("type") == "array":
            bare_lists.append(path)
        elif "items" in answer.get("properties", {}):
            pages.append(path)
            assert {"count", "limit", "offset", "items"} <= set(answer["properties"]), path
            parameters = {p["name"]: p["schema"] for p in get["parameters"]}
            assert parameters["limit"]["maximum"] == MAX_LIMIT, path
            assert parameters["offset"]["minimum"] == 0, path

    # Then no endpoint answers a bare list, and every list says its count, limit and offset
    assert bare_lists == []
    assert {"/api/seeds", "/api/seeds/outcomes", "/api/notifications", "/api/genome/datasets"} <= set(pages)


def _subclasses(cls: type) -> list[type]:
    return [cls, *(grand for sub in cls.__subclasses__() for grand in _subclasses(sub))]


def test_no_two_schemas_share_a_name_in_the_documentation():
    # Given every schema class the apps' routers define (the OpenAPI document names each component by its
    # class name, so a second class of the same name silently replaces the first one's documentation)
    api.get_openapi_schema()
    by_name: dict[str, set[str]] = {}
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("kiban."):
            by_name.setdefault(schema.__name__, set()).add(schema.__module__)

    # Then each name belongs to one class
    assert {name: modules for name, modules in by_name.items() if len(modules) > 1} == {}


def _error_schemas(operation) -> dict[int, str]:
    return {
        int(status): answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        for status, answer in operation["responses"].items()
        if 400 <= int(status) < 500
    }


def test_every_operation_documents_its_refusals_in_the_one_error_format():
    # Given the OpenAPI schema; when every operation's 4xx answers are read
    openapi = api.get_openapi_schema()
    undocumented, other_format = [], []
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            errors = _error_schemas(operation)
            expected = "BeaconErrorResponse" if path.startswith("/api/beacon") else "ErrorOut"
            if not {401} <= set(errors) or (expected == "ErrorOut" and 422 not in errors):
                undocumented.append(f"{method.upper()} {path}: {sorted(errors)}")
            other_format += [f"{method.upper()} {path} {s}" for s, name in errors.items() if name != expected]
            if method != "get" or "{" in path:
                # Every write and every record can be refused or missing (and every write needs CSRF).
                if expected == "ErrorOut" and not {403, 404} & set(errors):
                    undocumented.append(f"{method.upper()} {path}: neither 403 nor 404")

    # Then every operation says it may answer 401 and (its input) 422, each in the one error format
    assert undocumented == []
    assert other_format == []
    error = openapi["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"detail", "code"}


def test_the_beacons_query_parameters_are_typed():
    openapi = api.get_openapi_schema()
    parameters = {
        p["name"]: p["schema"] for p in openapi["paths"]["/api/beacon/g_variants"]["get"]["parameters"]
    }
    assert parameters["start"]["type"] == "array"
    assert parameters["start"]["items"]["type"] == "integer"
    assert parameters["skip"] == {**parameters["skip"], "type": "integer", "minimum": 0}
    assert parameters["requestedGranularity"]["enum"] == ["boolean", "count", "record"]
    assert parameters["referenceBases"]["pattern"] == "^[ACGTN]+$"
    assert not [name for name, schema in parameters.items() if "anyOf" in schema or "type" not in schema]
    body = openapi["paths"]["/api/beacon/g_variants"]["post"]["requestBody"]["content"]["application/json"]
    request_parameters = body["schema"]["properties"]["query"]["properties"]["requestParameters"]
    assert request_parameters["properties"]["start"]["items"] == parameters["start"]["items"]
