"""GA4GH Beacon v2 entry types of the biobanks, on the platform's Beacon router (kiban.genome.beacon):
`/individuals` and `/biosamples` (GET and POST) answer boolean to anyone and count to signed-in users, never
records; `/cohorts` lists the collections. /configuration, /entry_types, /map and /filtering_terms declare
them.

Filters: ICD10:<code, block or chapter> (with its descendants: includeDescendantTerms is always true),
the NCIT sex terms, UBERON sample origins (the MIABIS material types they map to), and age at enrolment as an
alphanumeric filter (GET "age>=40", POST {"id": "age", "operator": ">=", "value": "P40Y"}). Every filter is
combined with AND.

Disclosure (kiban.core.disclosure): every query spends one question of the caller's budget (429 with
Retry-After when spent). "exists" is true only when at least the minimum cell size (10) match, so a narrow
query cannot single anyone out even as yes/no; a count is count_disclose'd (noise stable per caller and
question, zero not public): below the minimum cell it is reported as 0 with countAdjustedTo [10] and
countPrecision "imprecise"."""

import json
import re
from typing import Any

from django.http import HttpRequest

from kiban.core import disclosure
from kiban.genome import beacon as genome_beacon
from kiban.genome.beacon import ANSWERS, SCHEMA_BASE, BeaconRequestError, EntryTypes, router

from .choices import Sex
from .criteria import CriteriaError, as_filter, known_codes, normalise
from .importing import NCIT_SEX, UBERON_MATERIAL
from .models import OLDEST_AGE, Collection, Participant, Sample
from .search import genome_access

INDIVIDUAL_SCHEMA = {"entityType": "individual", "schema": "ga4gh-beacon-individual-v2.0.0"}
BIOSAMPLE_SCHEMA = {"entityType": "biosample", "schema": "ga4gh-beacon-biosample-v2.0.0"}
COHORT_SCHEMA = {"entityType": "cohort", "schema": "ga4gh-beacon-cohort-v2.0.0"}
SEX_TERMS = {Sex.FEMALE: "NCIT:C16576", Sex.MALE: "NCIT:C20197", Sex.UNKNOWN: "NCIT:C17998"}
_AGE = re.compile(r"^age\s*(>=|<=|>|<|=)\s*(\S+)$", re.IGNORECASE)


def _years(value: Any) -> int:
    text = str(value).strip().upper()
    match = re.fullmatch(r"P?(\d{1,3})Y?", text)
    if not match or (text.startswith("P") != text.endswith("Y")) or int(match.group(1)) > OLDEST_AGE:
        raise BeaconRequestError(
            400,
            f"An age filter's value is whole years (40) or an ISO 8601 age (P40Y), not {json.dumps(value)}.",
        )
    return int(match.group(1))


def _age(operator: str, value: Any) -> dict[str, int]:
    years = _years(value)
    bounds = {">=": {"min": years}, ">": {"min": years + 1}, "<=": {"max": years}, "<": {"max": years - 1}}
    bound = bounds.get(operator, {"min": years, "max": years} if operator == "=" else None)
    if bound is None:
        raise BeaconRequestError(
            400, f"An age filter's operator is one of >=, >, <=, < or =, not {json.dumps(operator)}."
        )
    return bound


def _criterion(term: Any) -> tuple[str, dict[str, Any]]:
    """One Beacon filter (a GET term or a POST filter object) as (the term as received, a criterion)."""
    if isinstance(term, dict):
        ident = term.get("id")
        if not isinstance(ident, str):
            raise BeaconRequestError(
                400, "Each filter is an object with an id (and operator and value for age)."
            )
        if ident.lower() in ("age", "ageatenrolment"):
            operator, value = term.get("operator", "="), term.get("value")
            return f"age{operator}{value}", {"age": _age(str(operator), value)}
        term = ident
    if not isinstance(term, str):
        raise BeaconRequestError(400, "Each filter is a text (GET) or an object with an id (POST).")
    text = term.strip()
    match = _AGE.match(text)
    if match:
        return text, {"age": _age(match.group(1), match.group(2))}
    upper = text.upper()
    if upper.startswith("ICD10:"):
        return text, {"disease": text[6:]}
    if upper in NCIT_SEX:
        return text, {"sex": NCIT_SEX[upper]}
    if upper in UBERON_MATERIAL:
        return text, {"material": UBERON_MATERIAL[upper]}
    raise BeaconRequestError(
        400,
        f"Unknown filter {json.dumps(text)}: this beacon filters individuals and biosamples by ICD10:<code> "
        "(with descendants), NCIT:C16576 / NCIT:C20197 / NCIT:C17998 (sex), UBERON sample origins and "
        "age (age>=40); see /filtering_terms.",
    )


def _parse(request: HttpRequest) -> tuple[list[str], list[dict[str, Any]]]:
    received = request._beacon_received
    if request.method == "POST":
        if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            # A form body was read as a form already (kiban.core.middleware); a beacon request is JSON.
            raise BeaconRequestError(400, "The request body must be JSON (Content-Type: application/json).")
        try:
            body = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError) as error:
            raise BeaconRequestError(400, f"The request body is not JSON: {error}.") from error
        query = body.get("query") if isinstance(body, dict) else None
        if not isinstance(body, dict) or not isinstance(query or {}, dict):
            raise BeaconRequestError(400, "The request body must be a JSON object with meta and query.")
        genome_beacon._checked_text(body)
        query = query or {}
        received.requested_granularity = genome_beacon._granularity(query.get("requestedGranularity"))
        filters = query.get("filters") or []
        if not isinstance(filters, list):
            raise BeaconRequestError(400, "query.filters must be a list.")
    else:
        data = request.GET
        genome_beacon._checked_text({key: data.getlist(key) for key in data})
        received.requested_granularity = genome_beacon._granularity(data.get("requestedGranularity"))
        filters = [term for value in data.getlist("filters") for term in value.split(",") if term.strip()]
    if len(filters) > 20:
        raise BeaconRequestError(400, "At most 20 filters may be combined.")
    terms, criteria = [], []
    for item in filters:
        term, criterion = _criterion(item)
        terms.append(term)
        criteria.append(criterion)
    received.filters = terms
    return terms, criteria


def _tree(criteria: list[dict[str, Any]], user) -> dict[str, Any] | None:
    if not criteria:
        return None
    try:
        return normalise({"and": criteria}, genome=genome_access(user), codes=known_codes())
    except CriteriaError as error:
        raise BeaconRequestError(400, str(error)) from error


def _answer(request: HttpRequest, entry: str) -> dict[str, Any]:
    user = genome_beacon._caller(request)
    received = request._beacon_received
    _terms, criteria = _parse(request)
    tree = _tree(criteria, user)
    caller = disclosure.caller_of(user=user, address=request.META.get("REMOTE_ADDR"))
    question = disclosure.question_of(f"beacon.{entry}", {"criteria": tree})
    disclosure.budget_spend(caller=caller, question=question)
    participants = Participant.objects.all()
    if tree is not None:
        participants = participants.filter(as_filter(tree, genome=genome_access(user)))
    if entry == "individuals":
        total = participants.count()
    else:
        samples = Sample.objects.filter(aliquots__gt=0, participant__in=participants.values("pk"))
        materials = [c["material"] for c in criteria if "material" in c]
        if materials:
            samples = samples.filter(material_type__in=materials)
        total = samples.count()
    allowed = "count" if user.has_perm("biobank.beacon_count") else "boolean"
    wanted = received.requested_granularity
    granularity = "count" if allowed == "count" and wanted in ("count", "record") else "boolean"
    shown = disclosure.count_disclose(count=total, caller=caller, question=question, zero_is_public=False)
    summary: dict[str, Any] = {"exists": not shown.masked}
    if granularity == "count":
        if shown.masked:
            summary.update(
                numTotalResults=0, countAdjustedTo=[shown.threshold], countPrecision=shown.precision
            )
        else:
            summary["numTotalResults"] = shown.value
            if shown.precision != disclosure.EXACT:
                summary["countPrecision"] = shown.precision
    schema = INDIVIDUAL_SCHEMA if entry == "individuals" else BIOSAMPLE_SCHEMA
    return {"meta": genome_beacon._response_meta(received, granularity, [schema]), "responseSummary": summary}


_DESCRIPTION = (
    "Filters (GET: filters=ICD10:J45,NCIT:C16576,age>=40,age<=60; POST: query.filters objects): "
    "ICD-10 codes, blocks and chapters with their descendants, NCIT sex terms, UBERON sample origins, "
    "age at enrolment. "
    "Boolean for anyone (biobank.beacon_boolean), count for signed-in users (biobank.beacon_count); never "
    "records. exists is true only when at least the minimum cell size match; counts carry stable noise and "
    "below the minimum cell are reported as 0 with countAdjustedTo; each new query spends the caller's "
    "budget (429 with Retry-After)."
)


@router.get(
    "/individuals",
    response=ANSWERS,
    url_name="beacon_individuals",
    summary="Beacon v2: individuals of the biobanks (boolean: anyone; count: signed in)",
    description=_DESCRIPTION,
)
@genome_beacon._beacon_errors
def beacon_individuals(request):
    return _answer(request, "individuals")


@router.post(
    "/individuals",
    response=ANSWERS,
    url_name="beacon_individuals_post",
    summary="Beacon v2: individuals, as a request body (boolean: anyone; count: signed in)",
    description=_DESCRIPTION,
)
@genome_beacon._beacon_errors
def beacon_individuals_post(request):
    return _answer(request, "individuals")


@router.get(
    "/biosamples",
    response=ANSWERS,
    url_name="beacon_biosamples",
    summary="Beacon v2: biosamples of the biobanks (boolean: anyone; count: signed in)",
    description=_DESCRIPTION,
)
@genome_beacon._beacon_errors
def beacon_biosamples(request):
    return _answer(request, "biosamples")


@router.post(
    "/biosamples",
    response=ANSWERS,
    url_name="beacon_biosamples_post",
    summary="Beacon v2: biosamples, as a request body (boolean: anyone; count: signed in)",
    description=_DESCRIPTION,
)
@genome_beacon._beacon_errors
def beacon_biosamples_post(request):
    return _answer(request, "biosamples")


def _cohort(collection: Collection) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": str(collection),
        "name": collection.name_en or collection.name,
        "cohortType": "study-defined",
    }
    if collection.stated_size:
        record["cohortSize"] = collection.stated_size
    return record


@router.get(
    "/cohorts",
    response=ANSWERS,
    url_name="beacon_cohorts",
    summary="Beacon v2: the biobanks' collections as cohorts (anyone)",
    description="The collections of the biobanks, with the size each biobank states for it. "
    "Permission: anyone (biobank.beacon_boolean).",
)
@genome_beacon._beacon_errors
def beacon_cohorts(request):
    received = request._beacon_received
    received.requested_granularity = "record"
    collections = list(Collection.objects.select_related("biobank").order_by("biobank__code", "code"))
    return {
        "meta": genome_beacon._response_meta(received, "record", [COHORT_SCHEMA]),
        "responseSummary": {"exists": bool(collections), "numTotalResults": len(collections)},
        "response": {"collections": [_cohort(c) for c in collections]},
    }


def _definition(
    request, entry: str, name: str, description: str, term: dict, schema: dict, model: str, filtered: bool
) -> dict:
    return {
        "id": entry,
        "name": name,
        "description": description,
        "partOfSpecification": "Beacon v2.0.0",
        "ontologyTermForThisType": term,
        "defaultSchema": {
            "id": schema["schema"],
            "name": f"Default schema for {name.lower()}",
            "referenceToSchemaDefinition": f"{SCHEMA_BASE}/models/json/beacon-v2-default-model/{model}/"
            "defaultSchema.json",
            "schemaVersion": "v2.0.0",
        },
        "additionallySupportedSchemas": [],
        "nonFilteredQueriesAllowed": filtered,
        "securityAttributes": genome_beacon._security_attributes(),
    }


def _definitions(request: HttpRequest) -> dict[str, Any]:
    return {
        "individual": _definition(
            request,
            "individual",
            "Individuals",
            "The biobanks' pseudonymous participants, counted only.",
            {"id": "NCIT:C25190", "label": "Person"},
            INDIVIDUAL_SCHEMA,
            "individuals",
            True,
        ),
        "biosample": _definition(
            request,
            "biosample",
            "Biosamples",
            "The biobanks' stored samples with an aliquot available, counted only.",
            {"id": "NCIT:C70699", "label": "Biospecimen"},
            BIOSAMPLE_SCHEMA,
            "biosamples",
            True,
        ),
        "cohort": _definition(
            request,
            "cohort",
            "Cohorts",
            "The biobanks' collections (MIABIS), with their stated sizes.",
            {"id": "NCIT:C61512", "label": "Cohort"},
            COHORT_SCHEMA,
            "cohorts",
            True,
        ),
    }


def _endpoints(request: HttpRequest) -> dict[str, Any]:
    openapi = request.build_absolute_uri("/api/openapi.json")
    return {
        "individual": {
            "entryType": "individual",
            "rootUrl": genome_beacon._url(request, "beacon_individuals"),
            "openAPIEndpointsDefinition": openapi,
        },
        "biosample": {
            "entryType": "biosample",
            "rootUrl": genome_beacon._url(request, "beacon_biosamples"),
            "openAPIEndpointsDefinition": openapi,
        },
        "cohort": {
            "entryType": "cohort",
            "rootUrl": genome_beacon._url(request, "beacon_cohorts"),
            "openAPIEndpointsDefinition": openapi,
        },
    }


def _filtering_terms() -> list[dict[str, Any]]:
    scopes = ["individual", "biosample"]
    terms = [
        {
            "type": "ontologyTerm",
            "id": "ICD10:J45",
            "label": "ICD-10 code, block or chapter, with its descendants (any ICD10:<term>, WHO 2019)",
            "scopes": scopes,
        },
        *(
            {"type": "ontologyTerm", "id": term, "label": f"sex: {sex}", "scopes": scopes}
            for sex, term in SEX_TERMS.items()
        ),
        *(
            {"type": "ontologyTerm", "id": term, "label": f"sample origin: {material}", "scopes": scopes}
            for term, material in UBERON_MATERIAL.items()
        ),
        {
            "type": "alphanumeric",
            "id": "age",
            "label": "Age at enrolment in years; operators >=, >, <=, <, = (e.g. age>=40)",
            "scopes": scopes,
        },
    ]
    return terms


genome_beacon.register_entry_types(
    EntryTypes(definitions=_definitions, endpoints=_endpoints, filtering_terms=_filtering_terms)
)
