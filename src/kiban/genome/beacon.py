"""GA4GH Beacon v2 for the genome reference panel, mounted at /api/beacon/.

Informational endpoints (`/`, `/info`, `/service-info`, `/configuration`, `/map`, `/entry_types`,
`/filtering_terms`, `/datasets`) and genomic variant queries (`/g_variants`, GET and POST, and
`/g_variants/{id}`). Coordinates in requests and in returned locations are Beacon's: 0-based, half-open
(`start` is the 0-based position of the first base, `end` the one after the last); the engine counts 1-based
and inclusive, and this module converts. Every answer, errors included, follows the Beacon v2 framework
schemas, so errors here do not use the rest of the API's `{"detail", "code"}` format.

Who gets how much: each dataset has an access level (kiban/genome/models.py: DatasetAccess, REGISTERED
unless set) that sets the most each kind of caller gets of it (selectors.GRANULARITY_BY_ACCESS_LEVEL):

    access level   anonymous                 signed in (session or API token)
    public         count                     record
    registered     boolean                   record
    controlled     nothing (not answered)    boolean (approved access, S5, does not exist yet)

A query over several datasets is answered at the lowest granularity among them, a caller asking for more gets
the most they may have, and `meta.returnedGranularity` says which. Declared as Beacon's securityAttributes in
/info, /configuration, /map and each entry type: defaultGranularity boolean, securityLevels PUBLIC,
REGISTERED and CONTROLLED.

Every variant query, yes/no answers included, spends one of the caller's query budget (kiban/core/disclosure:
per user, whichever token or session; per client address for anonymous callers; HTTP 429 with Retry-After
once it is spent; asking the same question again is free). Counts at `count` granularity are answered
through disclosure control: a count below the minimum cell size is Beacon's imprecise count
(`numTotalResults` is the threshold, `countAdjustedTo` names it, `countPrecision` is "imprecise"), a larger
one carries the same noise every time the same caller asks the same question; zero stays 0, since whether
anything matches is the `exists` answer anyway. Records list the matching variants (their number is exact:
it counts variants, not people) with their frequencies per population as the panel's pages show them: exact
for callers with genome.view_exact_counts (biobank curators), otherwise with every count below the minimum
cell masked in every stratum and left out (a population whose frequency is masked is left out: AF × AN is
AC); for them an allele-frequency filter leaves out the variants whose frequency they see masked, so that
filtering cannot give a masked frequency back.
"""

import datetime
import functools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Annotated, Any

from django.conf import settings
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import WithJsonSchema

from kiban.core import disclosure
from kiban.core.apikit import TokenAuth
from kiban.core.inputs import MAX_ID, InputError, check_data, whole_number

from . import engine, selectors
from .datasets import all_datasets, dataset_or_404
from .engine.assembly import CHROMOSOMES, MAX_POSITION, primary_chromosome

router = Router(tags=["GA4GH Beacon v2 (S6)"], auth=None)

API_VERSION = "v2.0.0"
BEACON_ID = "jp.kiban.beacon"
BEACON_NAME = "Kiban genome reference panel Beacon"
GRANULARITIES = ("boolean", "count", "record")
DEFAULT_LIMIT = 10
MAX_LIMIT = 500
SCAN_CHUNK = 1000
MAX_SKIP = 1_000_000
SCHEMA_BASE = "https://raw.githubusercontent.com/ga4gh-beacon/beacon-v2/main"
VARIANT_SCHEMA = {"entityType": "genomicVariation", "schema": "ga4gh-beacon-variant-v2.0.0"}
DATASET_SCHEMA = {"entityType": "dataset", "schema": "ga4gh-beacon-dataset-v2.0.0"}
INCLUDE_RESULTSETS = ("HIT", "ALL", "MISS", "NONE")

# RefSeq accessions of the primary assembly's chromosomes, for `referenceName` and the returned locations.
_REFSEQ_VERSIONS = {
    "GRCh37": (10, 11, 11, 11, 9, 11, 13, 10, 11, 10, 9, 11, 10, 8, 9, 9, 10, 9, 9, 10, 8, 10, 10, 9),
    "GRCh38": (11, 12, 12, 12, 10, 12, 14, 11, 12, 11, 10, 12, 11, 9, 10, 10, 11, 10, 10, 11, 9, 11, 11, 10),
}
REFSEQ = {
    assembly: {
        **{
            chrom: f"NC_{index + 1:06d}.{version}"
            for index, (chrom, version) in enumerate(zip(CHROMOSOMES, versions, strict=False))
        },
        "MT": "NC_012920.1",
    }
    for assembly, versions in _REFSEQ_VERSIONS.items()
}
_ASSEMBLY_ALIASES = {"grch37": "GRCh37", "hg19": "GRCh37", "grch38": "GRCh38", "hg38": "GRCh38"}
_BASES = re.compile(r"^[ACGTN]+$")
_REFSEQ_ACCESSION = re.compile(r"^NC_0+(\d+)(?:\.\d+)?$", re.IGNORECASE)
_VARIANT_ID = re.compile(
    r"^(?P<chrom>(?:chr)?[0-9]{1,2}|(?:chr)?[XYM]T?)[-:](?P<pos>[0-9]+)[-:](?P<ref>[ACGTN]+)[-:](?P<alt>[ACGTN]+)$",
    re.IGNORECASE,
)
_AF_FILTER = re.compile(r"^alleleFrequency\s*(>=|<=|>|<|=|!)\s*(\S+)$")
# variantType values this beacon answers: its datasets hold small variants only.
VARIANT_TYPES = ("SNP", "MNP", "INS", "DEL", "INDEL")
_VARIANT_TYPE_ALIASES = {"SNV": "SNP"}
_STRUCTURAL_TYPES = ("DUP", "INV", "CNV", "BND", "TRA", "DUP:TANDEM", "DEL:ME", "INS:ME", "SV")

# Request parameters for genomic variants, as Beacon v2 names them.
VARIANT_PARAMETERS = (
    "assemblyId",
    "referenceName",
    "start",
    "end",
    "referenceBases",
    "alternateBases",
    "variantType",
    "geneId",
    "datasetIds",
)
_UNSUPPORTED_PARAMETERS = (
    "variantMinLength",
    "variantMaxLength",
    "mateName",
    "aminoacidChange",
    "genomicAlleleShortForm",
)
_GET_CONTROL = ("requestedGranularity", "skip", "limit", "includeResultsetResponses", "filters", "testMode")
_GET_IGNORED = ("requestedSchema", "apiVersion")


class BeaconRequestError(Exception):
    """A request this beacon cannot answer; becomes a beaconErrorResponse with this HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class ReceivedRequest:
    """The request as this beacon understood it, echoed in meta.receivedRequestSummary."""

    requested_granularity: str = "boolean"
    skip: int = 0
    limit: int = DEFAULT_LIMIT
    include: str = "HIT"
    parameters: dict[str, Any] = field(default_factory=dict)
    filters: list[str] = field(default_factory=list)
    requested_schemas: list[dict] = field(default_factory=list)
    api_version: str = API_VERSION
    test_mode: bool = False

    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = {
            "apiVersion": self.api_version,
            "requestedSchemas": self.requested_schemas,
            "pagination": {"skip": self.skip, "limit": self.limit},
            "requestedGranularity": self.requested_granularity,
            "includeResultsetResponses": self.include,
            "testMode": self.test_mode,
        }
        if self.parameters:
            # requestParameters.json wants an object per entry; the parameters are grouped by entry type.
            summary["requestParameters"] = {"genomicVariation": self.parameters}
        if self.filters:
            summary["filters"] = self.filters
        return summary


@dataclass
class VariantQuery:
    """Validated genomic variant parameters; positions are Beacon's 0-based half-open coordinates."""

    assembly: str | None = None
    chrom: str | None = None
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    ref: str | None = None
    alt: str | None = None
    variant_type: str | None = None
    gene: str | None = None
    dataset_ids: list[str] | None = None
    filters: "engine.Filters | None" = None
    variant_id: str | None = None
    # For callers who see small counts masked: an allele-frequency filter leaves out the variants whose
    # overall frequency they see masked, or asking alleleFrequency<=x for a few x would give the count back.
    hide_masked_frequencies: bool = False

    @property
    def filters_frequency(self) -> bool:
        return self.filters is not None and (
            self.filters.min_af is not None or self.filters.max_af is not None
        )

    @property
    def needs_scan(self) -> bool:
        """Whether matches must be picked out of the engine's pages (conditions the engine does not take)."""
        return bool(
            self.ref
            or self.alt
            or self.variant_type
            or len(self.start) == 2
            or self.is_sequence
            or (self.hide_masked_frequencies and self.filters_frequency)
        )

    @property
    def is_sequence(self) -> bool:
        """A sequence query: variants starting at start (the engine's regions take those overlapping it)."""
        return len(self.start) == 1 and not self.end


# ---------------------------------------------------------------------------------------------------------
# who is asking


def _caller(request: HttpRequest):
    """The signed-in user by API token or browser session, or the anonymous user; a bad token is refused."""
    header = request.headers.get("Authorization")
    if header:
        scheme, _, key = header.strip().partition(" ")
        user = TokenAuth().authenticate(request, key.strip()) if scheme.lower() == "bearer" and key else None
        if user is None:
            raise BeaconRequestError(
                401,
                "The Authorization header is not a valid personal API token: send 'Authorization: Bearer "
                "<token>' with a live token, or leave the header out to be answered anonymously.",
            )
        return user
    return request.user


def granularity_allowed(user) -> str:
    """The most detailed granularity this user may get of a registered dataset, the default access level
    (see kiban/genome/rules.py); a dataset's own level decides for it (_answered)."""
    if user.has_perm("genome.beacon_record"):
        return "record"
    if user.has_perm("genome.beacon_count"):
        return "count"
    return "boolean"


def _returned_granularity(requested: str, allowed: str) -> str:
    return GRANULARITIES[min(GRANULARITIES.index(requested), GRANULARITIES.index(allowed))]


def _answered(user, manifests: Iterable["engine.Manifest"]) -> list[tuple["engine.Manifest", str]]:
    """The datasets this caller is answered about, each with the most they may get of it (never "none")."""
    levels = selectors.access_levels()
    answered = []
    for manifest in manifests:
        level = selectors.access_level(manifest.dataset_id, levels)
        granularity = selectors.dataset_granularity(user, level)
        if granularity != "none":
            answered.append((manifest, granularity))
    return answered


SECURITY_LEVELS = ["PUBLIC", "REGISTERED", "CONTROLLED"]


@dataclass(frozen=True)
class EntryTypes:
    """Entry types another app answers on this router (kiban.biobank.beacon: individuals, biosamples,
    cohorts), declared in /configuration, /entry_types, /map and /filtering_terms beside this module's own."""

    definitions: Callable[[HttpRequest], dict[str, Any]]
    endpoints: Callable[[HttpRequest], dict[str, Any]]
    filtering_terms: Callable[[], list[dict[str, Any]]]


_other_entry_types: list[EntryTypes] = []


def register_entry_types(entry_types: EntryTypes) -> None:
    _other_entry_types.append(entry_types)


def _security_attributes() -> dict[str, Any]:
    """Beacon's securityAttributes: a request without requestedGranularity gets a yes or no; each dataset's
    access level is one of Beacon's three security levels (see the module's docstring for the table)."""
    return {"defaultGranularity": "boolean", "securityLevels": list(SECURITY_LEVELS)}


# ---------------------------------------------------------------------------------------------------------
# responses


def _informational_meta(schemas: Iterable[dict] = ()) -> dict[str, Any]:
    return {"beaconId": BEACON_ID, "apiVersion": API_VERSION, "returnedSchemas": list(schemas)}


def _response_meta(received: ReceivedRequest, granularity: str, schemas: Iterable[dict]) -> dict[str, Any]:
    return {
        "beaconId": BEACON_ID,
        "apiVersion": API_VERSION,
        "returnedGranularity": granularity,
        "returnedSchemas": list(schemas),
        "receivedRequestSummary": received.summary(),
        "testMode": received.test_mode,
    }


def _error(status: int, message: str, received: ReceivedRequest | None = None):
    received = received or ReceivedRequest()
    return Status(
        status,
        {
            "meta": _response_meta(received, "boolean", []),
            "error": {"errorCode": status, "errorMessage": message},
        },
    )


def error_body(status: int, message: str) -> dict[str, Any]:
    """A beaconErrorResponse for an answer made outside the Beacon's handlers (kiban.core.registry)."""
    return _error(status, message).value


def _beacon_errors(view: Callable) -> Callable:
    """Answers a bad request with Beacon's own error format instead of the platform's."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request._beacon_received = ReceivedRequest()
        try:
            return view(request, *args, **kwargs)
        except BeaconRequestError as error:
            return _error(error.status, error.message, request._beacon_received)
        except Http404 as error:
            return _error(404, str(error) or "Not found.", request._beacon_received)
        except disclosure.QueryBudgetExhausted as refusal:
            answer = _error(refusal.status, refusal.message, request._beacon_received)
            response = JsonResponse(
                answer.value, status=answer.status_code, json_dumps_params={"ensure_ascii": False}
            )
            for header, value in refusal.headers.items():
                response[header] = value
            return response

    return wrapper


class BeaconError(Schema):
    errorCode: int
    errorMessage: str


class BeaconErrorResponse(Schema):
    """Beacon v2's beaconErrorResponse: the request as this beacon understood it, and what is wrong with it.
    400: a parameter it cannot read; 401: an Authorization header that is not a live API token; 404: no such
    dataset; 429: the caller's query budget is spent (see Retry-After)."""

    meta: dict[str, Any]
    error: BeaconError


ANSWERS = {200: dict[str, Any], **{status: BeaconErrorResponse for status in (400, 401, 404, 429)}}


# The parameters' types as Beacon v2 defines them. The handlers read the values themselves, so that a value
# of another form gets Beacon's error answer, not the platform's; these schemas only document them.
_POSITIONS = {
    "type": "array",
    "items": {"type": "integer", "minimum": 0, "maximum": MAX_POSITION},
    "minItems": 1,
    "maxItems": 2,
}
_BASES_SCHEMA = {"type": "string", "pattern": "^[ACGTN]+$"}
PARAMETER_SCHEMAS: dict[str, dict[str, Any]] = {
    "requestedGranularity": {
        "type": "string",
        "enum": list(GRANULARITIES),
        "description": "boolean (default), count or record; a caller gets at most what they may have",
    },
    "assemblyId": {
        "type": "string",
        "enum": [*_REFSEQ_VERSIONS, *(alias for alias in _ASSEMBLY_ALIASES if alias.startswith("hg"))],
        "description": "The assembly; restricts the datasets",
    },
    "referenceName": {
        "type": "string",
        "pattern": r"^(chr)?([1-9]|1[0-9]|2[0-4]|X|Y|MT?)$|^NC_0+[0-9]+(\.[0-9]+)?$",
        "description": "Chromosome 1-22, X, Y or MT, with or without 'chr', or its RefSeq accession",
    },
    "start": {
        **_POSITIONS,
        "description": "0-based start; two values (the parameter repeated) for a bracket query",
    },
    "end": {**_POSITIONS, "description": "0-based end, exclusive; two values for a bracket query"},
    "referenceBases": {**_BASES_SCHEMA, "description": "Reference bases (N matches any base)"},
    "alternateBases": {**_BASES_SCHEMA, "description": "Alternate bases (N matches any base)"},
    "variantType": {
        "type": "string",
        "enum": [*VARIANT_TYPES, *_VARIANT_TYPE_ALIASES],
        "description": "Small variant types only",
    },
    "geneId": {"type": "string", "minLength": 1, "description": "A gene symbol, e.g. BRCA2"},
    "datasetIds": {
        "type": "array",
        "items": {"type": "string", "pattern": "^[^,]+$"},
        "description": "Datasets to ask (all by default)",
    },
    "filters": {
        "type": "array",
        "items": {
            "type": "string",
            "pattern": r"^(PASS|alleleFrequency(>=|<=)(0(\.[0-9]+)?|1(\.0+)?))$",
        },
        "description": "Filtering terms: PASS, alleleFrequency>=x, alleleFrequency<=x (see /filtering_terms)",
    },
    "skip": {
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_SKIP,
        "description": "Pages of limit results to skip",
    },
    "limit": {
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_LIMIT,
        "description": f"Results per page (default {DEFAULT_LIMIT}; 0 is {MAX_LIMIT}, the most)",
    },
    "includeResultsetResponses": {
        "type": "string",
        "enum": list(INCLUDE_RESULTSETS),
        "description": "Which datasets' result sets to include (default HIT)",
    },
    "testMode": {"type": "boolean", "description": "Whether the caller is testing (echoed in meta)"},
}


def _typed(name: str) -> Any:
    """A parameter read by the handler, documented with its Beacon type."""
    return Annotated[str | None, WithJsonSchema(PARAMETER_SCHEMAS[name])]


class BeaconPageQuery(Schema):
    skip: _typed("skip") = None
    limit: _typed("limit") = None


class GVariantsQuery(BeaconPageQuery):
    """Beacon v2 genomic variant parameters for a GET; all optional, checked together by the handler."""

    requestedGranularity: _typed("requestedGranularity") = None
    assemblyId: _typed("assemblyId") = None
    referenceName: _typed("referenceName") = None
    start: _typed("start") = None
    end: _typed("end") = None
    referenceBases: _typed("referenceBases") = None
    alternateBases: _typed("alternateBases") = None
    variantType: _typed("variantType") = None
    geneId: _typed("geneId") = None
    datasetIds: _typed("datasetIds") = None
    filters: _typed("filters") = None
    includeResultsetResponses: _typed("includeResultsetResponses") = None
    testMode: _typed("testMode") = None


class GVariantQuery(Schema):
    """The parameters /g_variants/{id} takes."""

    requestedGranularity: _typed("requestedGranularity") = None
    assemblyId: _typed("assemblyId") = None
    datasetIds: _typed("datasetIds") = None


_FILTER_OBJECT = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string", "enum": ["PASS", "alleleFrequency"]},
        "operator": {"type": "string", "enum": [">=", "<="]},
        "value": {"type": ["number", "string"]},
    },
}
# The POST's beaconRequestBody, with the same parameters as the GET.
REQUEST_BODY_SCHEMA = {
    "type": "object",
    "properties": {
        "meta": {
            "type": "object",
            "properties": {
                "apiVersion": {"type": "string"},
                "requestedSchemas": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"entityType": {"type": "string"}, "schema": {"type": "string"}},
                    },
                },
            },
        },
        "query": {
            "type": "object",
            "properties": {
                "requestParameters": {
                    "type": "object",
                    "properties": {name: PARAMETER_SCHEMAS[name] for name in VARIANT_PARAMETERS},
                },
                "requestedGranularity": PARAMETER_SCHEMAS["requestedGranularity"],
                "pagination": {
                    "type": "object",
                    "properties": {name: PARAMETER_SCHEMAS[name] for name in ("skip", "limit")},
                },
                "filters": {
                    "type": "array",
                    "items": {"anyOf": [PARAMETER_SCHEMAS["filters"]["items"], _FILTER_OBJECT]},
                },
                "includeResultsetResponses": PARAMETER_SCHEMAS["includeResultsetResponses"],
                "testMode": PARAMETER_SCHEMAS["testMode"],
            },
        },
    },
}
# chrom-pos-ref-alt with the VCF position, as _VARIANT_ID reads it.
VARIANT_ID = Annotated[
    str,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^(chr)?([0-9]{1,2}|[XYM]T?)[-:][0-9]+[-:][ACGTN]+[-:][ACGTN]+$",
            "description": "chrom-pos-ref-alt with the VCF (1-based) position, e.g. 1-12345-A-G",
        }
    ),
]


def _url(request: HttpRequest, name: str, **kwargs) -> str:
    return request.build_absolute_uri(reverse(f"api:{name}", kwargs=kwargs or None))


def _iso(value: str | None) -> str | None:
    """An engine timestamp as RFC 3339 (UTC), or None when it cannot be read."""
    if not value:
        return None
    try:
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _environment() -> str:
    return "prod" if getattr(settings, "PRODUCTION", False) else "dev"


def _organisation(request: HttpRequest) -> dict[str, Any]:
    return {
        "id": "jp.kiban",
        "name": "Kiban",
        "description": "The research-support platform of Japan's life-science infrastructure.",
        "welcomeUrl": request.build_absolute_uri("/"),
    }


def _dataset_record(request: HttpRequest, manifest: "engine.Manifest", level: str) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": manifest.dataset_id,
        "name": manifest.dataset_id,
        "description": (
            f"Allele frequencies of {manifest.sample_count} genomes ({manifest.assembly}), "
            f"{manifest.variant_count} variants."
        ),
        "version": manifest.version,
        "info": {
            "assemblyId": manifest.assembly,
            "sampleCount": manifest.sample_count,
            "variantCount": manifest.variant_count,
            "strata": manifest.strata,
            "sourceName": manifest.source_name,
            "sourceSha256": manifest.source_sha256,
            "securityLevel": level.upper(),
        },
    }
    created = _iso(manifest.created_at)
    if created:
        record["createDateTime"] = created
        record["updateDateTime"] = created
    return record


# ---------------------------------------------------------------------------------------------------------
# informational endpoints


def _info(request: HttpRequest) -> dict[str, Any]:
    manifests = [manifest for manifest, _ in _answered(_caller(request), all_datasets())]
    updated = max((_iso(m.created_at) or "" for m in manifests), default="")
    response: dict[str, Any] = {
        "id": BEACON_ID,
        "name": BEACON_NAME,
        "apiVersion": API_VERSION,
        "environment": _environment(),
        "organization": _organisation(request),
        "description": (
            "Allele frequencies of the Kiban genome reference panel. Each dataset's access level (public, "
            "registered, controlled) sets how much each caller gets: anyone may ask whether a variant is "
            "present in a public or registered dataset and count it in a public one; signed-in users get the "
            "variants with their frequencies per population, small counts masked. Every query spends one of "
            "the caller's hourly query budget."
        ),
        "version": API_VERSION,
        "welcomeUrl": request.build_absolute_uri("/"),
        "securityAttributes": _security_attributes(),
        "info": {
            "datasets": [m.dataset_id for m in manifests],
            "documentationUrl": request.build_absolute_uri(reverse("api:openapi-view")),
        },
    }
    if updated:
        response["updateDateTime"] = updated
    return {"meta": _informational_meta([VARIANT_SCHEMA, DATASET_SCHEMA]), "response": response}


@router.get(
    "/",
    response=ANSWERS,
    url_name="beacon_root",
    summary="Beacon v2: about this beacon (anyone)",
    description="The beaconInfoResponse: name, organisation, API version. Permission: anyone "
    "(genome.beacon_boolean).",
)
@_beacon_errors
def beacon_root(request):
    return _info(request)


@router.get(
    "/info",
    response=ANSWERS,
    url_name="beacon_info",
    summary="Beacon v2: about this beacon (anyone)",
    description="The same beaconInfoResponse as /api/beacon/. Permission: anyone (genome.beacon_boolean).",
)
@_beacon_errors
def beacon_info(request):
    return _info(request)


@router.get(
    "/service-info",
    response=ANSWERS,
    url_name="beacon_service_info",
    summary="Beacon v2: GA4GH service-info (anyone)",
    description="This beacon described in the GA4GH service-info 1.0 format. Permission: anyone "
    "(genome.beacon_boolean).",
)
@_beacon_errors
def beacon_service_info(request):
    manifests = all_datasets()
    updated = max((_iso(m.created_at) or "" for m in manifests), default="")
    info: dict[str, Any] = {
        "id": BEACON_ID,
        "name": BEACON_NAME,
        "type": {"group": "org.ga4gh", "artifact": "beacon", "version": API_VERSION},
        "description": "GA4GH Beacon v2 for the allele frequencies of the Kiban genome reference panel.",
        "organization": {"name": "Kiban", "url": request.build_absolute_uri("/")},
        "documentationUrl": request.build_absolute_uri(reverse("api:openapi-view")),
        "environment": _environment(),
        "version": API_VERSION,
    }
    if updated:
        info["updatedAt"] = updated
    return info


def _entry_types(request: HttpRequest) -> dict[str, Any]:
    types = _own_entry_types(request)
    for other in _other_entry_types:
        types.update(other.definitions(request))
    return types


def _own_entry_types(request: HttpRequest) -> dict[str, Any]:
    return {
        "genomicVariation": {
            "id": "genomicVariation",
            "name": "Genomic variant",
            "description": "A small variant (SNP, MNP, insertion or deletion) with its allele frequencies in "
            "the panel and in each population (sex, cohort and the sample sheet's other groups).",
            "partOfSpecification": "Beacon v2.0.0",
            "ontologyTermForThisType": {"id": "ENSGLOSSARY:0000092", "label": "Variant"},
            "defaultSchema": {
                "id": "ga4gh-beacon-variant-v2.0.0",
                "name": "Default schema for a genomic variation",
                "referenceToSchemaDefinition": f"{SCHEMA_BASE}/models/json/beacon-v2-default-model/"
                "genomicVariations/defaultSchema.json",
                "schemaVersion": "v2.0.0",
            },
            "additionallySupportedSchemas": [],
            "nonFilteredQueriesAllowed": False,
            "securityAttributes": _security_attributes(),
        },
        "dataset": {
            "id": "dataset",
            "name": "Dataset",
            "description": "One ingested version of a joint-called VCF with its sample sheet.",
            "partOfSpecification": "Beacon v2.0.0",
            "ontologyTermForThisType": {"id": "NCIT:C47824", "label": "Data set"},
            "defaultSchema": {
                "id": "ga4gh-beacon-dataset-v2.0.0",
                "name": "Default schema for datasets",
                "referenceToSchemaDefinition": f"{SCHEMA_BASE}/models/json/beacon-v2-default-model/"
                "datasets/defaultSchema.json",
                "schemaVersion": "v2.0.0",
            },
            "aCollectionOf": [{"id": "genomicVariation", "name": "Genomic variants"}],
            "additionallySupportedSchemas": [],
            "nonFilteredQueriesAllowed": True,
            "securityAttributes": _security_attributes(),
        },
    }


@router.get(
    "/configuration",
    response=ANSWERS,
    url_name="beacon_configuration",
    summary="Beacon v2: configuration (anyone)",
    description="Maturity, security levels and entry types. Permission: anyone (genome.beacon_boolean).",
)
@_beacon_errors
def beacon_configuration(request):
    return {
        "meta": _informational_meta(),
        "response": {
            "$schema": f"{SCHEMA_BASE}/framework/json/configuration/beaconConfigurationSchema.json",
            "maturityAttributes": {"productionStatus": "PROD" if _environment() == "prod" else "DEV"},
            "securityAttributes": _security_attributes(),
            "entryTypes": _entry_types(request),
        },
    }


@router.get(
    "/map",
    response=ANSWERS,
    url_name="beacon_map",
    summary="Beacon v2: map of the endpoints (anyone)",
    description="Permission: anyone (genome.beacon_boolean).",
)
@_beacon_errors
def beacon_map(request):
    variants = _url(request, "beacon_g_variants")
    return {
        "meta": _informational_meta(),
        "response": {
            "$schema": f"{SCHEMA_BASE}/framework/json/configuration/beaconMapSchema.json",
            "securityAttributes": _security_attributes(),
            "endpointSets": {
                "genomicVariation": {
                    "entryType": "genomicVariation",
                    "rootUrl": variants,
                    "singleEntryUrl": f"{variants}/{{id}}",
                    "openAPIEndpointsDefinition": request.build_absolute_uri(reverse("api:openapi-json")),
                },
                "dataset": {
                    "entryType": "dataset",
                    "rootUrl": _url(request, "beacon_datasets"),
                    "openAPIEndpointsDefinition": request.build_absolute_uri(reverse("api:openapi-json")),
                },
                **{key: url for other in _other_entry_types for key, url in other.endpoints(request).items()},
            },
        },
    }


@router.get(
    "/entry_types",
    response=ANSWERS,
    url_name="beacon_entry_types",
    summary="Beacon v2: entry types (anyone)",
    description="Permission: anyone (genome.beacon_boolean).",
)
@_beacon_errors
def beacon_entry_types(request):
    return {"meta": _informational_meta(), "response": {"entryTypes": _entry_types(request)}}


FILTERING_TERMS = [
    {
        "type": "alphanumeric",
        "id": "alleleFrequency",
        "label": "Allele frequency in the whole dataset; operators >= and <= (e.g. alleleFrequency<=0.01)",
        "scopes": ["genomicVariation"],
    },
    {
        "type": "custom",
        "id": "PASS",
        "label": "Only variants that passed every filter (VCF FILTER is PASS or .)",
        "scopes": ["genomicVariation"],
    },
]


@router.get(
    "/filtering_terms",
    response=ANSWERS,
    url_name="beacon_filtering_terms",
    summary="Beacon v2: filtering terms (anyone)",
    description="The filters /g_variants understands: alleleFrequency (>= and <=) and PASS. "
    "Permission: anyone (genome.beacon_boolean).",
)
@_beacon_errors
def beacon_filtering_terms(request):
    terms = FILTERING_TERMS + [term for other in _other_entry_types for term in other.filtering_terms()]
    return {"meta": _informational_meta(), "response": {"filteringTerms": terms, "resources": []}}


@router.get(
    "/datasets",
    response=ANSWERS,
    url_name="beacon_datasets",
    summary="Beacon v2: the datasets (anyone)",
    description="One entry per ingested dataset (its current version): assembly, sample and variant counts, "
    "strata, access level. Paged with skip (pages) and limit. As much as the caller may get of the datasets "
    "(genome.beacon_boolean: anyone): the descriptions (record) of the datasets a caller gets records "
    "from, the number (count) of those they may count, or only whether any exists (boolean); anonymous "
    "callers get boolean for registered datasets and count for public ones, controlled datasets are not "
    "answered to them.",
)
@_beacon_errors
def beacon_datasets(request, paging: Query[BeaconPageQuery]):
    user = _caller(request)
    received = request._beacon_received
    received.requested_granularity = "record"
    received.skip, received.limit = _pagination(paging.skip, paging.limit)
    answered = _answered(user, all_datasets())
    granularity = max(
        (g for _, g in answered),
        key=GRANULARITIES.index,
        default=granularity_allowed(user),
    )
    # Only the datasets the caller gets at this granularity are counted and described.
    shown = [manifest for manifest, g in answered if g == granularity]
    answer: dict[str, Any] = {
        "meta": _response_meta(received, granularity, [DATASET_SCHEMA]),
        "responseSummary": {"exists": bool(answered)},
    }
    if granularity in ("count", "record"):
        answer["responseSummary"]["numTotalResults"] = len(shown)
    if granularity == "record":
        levels = selectors.access_levels()
        page = shown[received.skip * received.limit :][: received.limit]
        answer["response"] = {
            "collections": [
                _dataset_record(request, m, selectors.access_level(m.dataset_id, levels)) for m in page
            ]
        }
    return answer


# ---------------------------------------------------------------------------------------------------------
# reading requests


def _non_negative_int(name: str, value: Any, *, maximum: int, beyond: str) -> int:
    """A whole number read by the core's input layer (the digits 0-9 only: "³" and "①" are refused), from
    0 to maximum; `beyond` is the refusal of a larger one."""
    try:
        return whole_number(
            value.strip() if isinstance(value, str) else value, name=name, minimum=0, maximum=maximum
        )
    except InputError as error:
        if error.code == "out_of_range" and not (isinstance(value, int) and value < 0):
            raise BeaconRequestError(400, beyond) from error
        raise BeaconRequestError(
            400, f"{name} must be a whole number of 0 or more, not {json.dumps(value)}."
        ) from error


def _pagination(skip: Any, limit: Any) -> tuple[int, int]:
    """skip counts pages (as Beacon's Skip says); limit 0 or over MAX_LIMIT is served as MAX_LIMIT."""
    skip_n = (
        0
        if skip in (None, "")
        else _non_negative_int(
            "skip", skip, maximum=MAX_SKIP, beyond=f"skip counts pages and may be at most {MAX_SKIP:,}."
        )
    )
    limit_n = (
        DEFAULT_LIMIT
        if limit in (None, "")
        else _non_negative_int(
            "limit", limit, maximum=MAX_ID, beyond=f"limit over {MAX_LIMIT:,} is served as {MAX_LIMIT:,}."
        )
    )
    if limit_n == 0 or limit_n > MAX_LIMIT:
        limit_n = MAX_LIMIT
    return skip_n, limit_n


def _granularity(value: Any) -> str:
    if value in (None, ""):
        return "boolean"
    if value not in GRANULARITIES:
        raise BeaconRequestError(
            400, f"requestedGranularity must be one of boolean, count or record, not {json.dumps(value)}."
        )
    return value


def _include(value: Any) -> str:
    if value in (None, ""):
        return "HIT"
    if not isinstance(value, str) or value.upper() not in INCLUDE_RESULTSETS:
        raise BeaconRequestError(
            400, f"includeResultsetResponses must be one of HIT, ALL, MISS or NONE, not {json.dumps(value)}."
        )
    return value.upper()


def _test_mode(value: Any) -> bool:
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise BeaconRequestError(400, f"testMode must be true or false, not {json.dumps(value)}.")


def _assembly(value: Any) -> str:
    text = str(value).strip()
    key = text.lower().split(".")[0]
    if key not in _ASSEMBLY_ALIASES:
        raise BeaconRequestError(
            400,
            f"Unknown assemblyId {json.dumps(text)}: this beacon holds GRCh37 and GRCh38 data "
            "(hg19 and hg38 are accepted as their names too).",
        )
    return _ASSEMBLY_ALIASES[key]


def _chromosome(value: Any) -> str:
    text = str(value).strip()
    accession = _REFSEQ_ACCESSION.match(text)
    if accession:
        number = int(accession.group(1))
        chrom = primary_chromosome("MT" if number == 12920 else str(number), numbered_sex=True)
    else:
        chrom = primary_chromosome(text, numbered_sex=True)
    if chrom is None:
        raise BeaconRequestError(
            400,
            f"Unknown referenceName {json.dumps(text)}: give a chromosome 1-22, X, Y or MT (with or without "
            "'chr'), or its RefSeq accession such as NC_000001.11.",
        )
    return chrom


def _bases(name: str, value: Any) -> str:
    text = str(value).strip().upper()
    if not _BASES.match(text):
        bad = sorted({letter for letter in text if letter not in "ACGTN"}) or ["nothing"]
        raise BeaconRequestError(
            400,
            f"{name} {json.dumps(str(value))} may only hold the letters A, C, G, T and N "
            f"(N matches any base); it has {', '.join(bad)}.",
        )
    return text


def _variant_type(value: Any) -> str:
    text = str(value).strip().upper()
    text = _VARIANT_TYPE_ALIASES.get(text, text)
    if text in VARIANT_TYPES:
        return text
    if text in _STRUCTURAL_TYPES:
        raise BeaconRequestError(
            400,
            f"variantType {text} is a structural variant type; this beacon holds small variants only "
            f"({', '.join(VARIANT_TYPES)}).",
        )
    raise BeaconRequestError(
        400, f"Unknown variantType {json.dumps(str(value))}: use one of {', '.join(VARIANT_TYPES)}."
    )


def _positions(name: str, value: Any) -> list[int]:
    if isinstance(value, list):
        items = value
    elif isinstance(value, str):
        items = [part for part in value.split(",")]
    else:
        items = [value]
    if not 1 <= len(items) <= 2:
        raise BeaconRequestError(
            400, f"{name} takes one value, or two for a bracket query; got {len(items)}."
        )
    beyond = f"{name} is beyond the end of every chromosome ({MAX_POSITION:,} bases)."
    return [_non_negative_int(name, item, maximum=MAX_POSITION, beyond=beyond) for item in items]


def _dataset_ids(value: Any) -> list[str]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) and item.strip() for item in items):
        raise BeaconRequestError(400, "datasetIds must be a list of dataset ids (comma-separated in a GET).")
    return [item.strip() for item in items]


def _filters(items: list[Any]) -> tuple["engine.Filters", list[str]]:
    """Filters as Beacon sends them (ids, or objects with id/operator/value) for the engine's Filters."""
    min_af = max_af = None
    pass_only = False
    echoed: list[str] = []
    for item in items:
        if isinstance(item, str):
            term, operator, value = item.strip(), None, None
            match = _AF_FILTER.match(term)
            if match:
                term, operator, value = "alleleFrequency", match.group(1), match.group(2)
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            term, operator, value = item["id"].strip(), item.get("operator"), item.get("value")
        else:
            raise BeaconRequestError(
                400, f"A filter must be a term id or an object with an id, not {item!r}."
            )
        if term == "PASS":
            pass_only = True
            echoed.append("PASS")
        elif term == "alleleFrequency":
            if operator not in (">=", "<="):
                raise BeaconRequestError(
                    400,
                    "The alleleFrequency filter takes the operator >= or <= and a number, e.g. "
                    "alleleFrequency<=0.01.",
                )
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = -1.0
            if not 0.0 <= number <= 1.0:
                raise BeaconRequestError(
                    400, f"The alleleFrequency filter needs a number from 0 to 1, not {json.dumps(value)}."
                )
            if operator == ">=":
                min_af = number if min_af is None else max(min_af, number)
            else:
                max_af = number if max_af is None else min(max_af, number)
            echoed.append(f"alleleFrequency{operator}{value}")
        else:
            raise BeaconRequestError(
                400,
                f"Unknown filter {json.dumps(term)}: this beacon understands alleleFrequency (>= or <=) and "
                "PASS (see /api/beacon/filtering_terms).",
            )
    return engine.Filters(min_af=min_af, max_af=max_af, pass_only=pass_only), echoed


def _variant_query(parameters: dict[str, Any]) -> VariantQuery:
    """Checks the parameters together and says plainly what is missing or contradictory."""
    unknown = sorted(set(parameters) - set(VARIANT_PARAMETERS))
    for name in unknown:
        if name in _UNSUPPORTED_PARAMETERS:
            raise BeaconRequestError(400, f"This beacon does not support the parameter {name}.")
        raise BeaconRequestError(
            400, f"Unknown parameter {name}: this beacon understands {', '.join(VARIANT_PARAMETERS)}."
        )
    given = {name: value for name, value in parameters.items() if value not in (None, "", [])}
    query = VariantQuery()
    if "assemblyId" in given:
        query.assembly = _assembly(given["assemblyId"])
    if "referenceName" in given:
        query.chrom = _chromosome(given["referenceName"])
    if "start" in given:
        query.start = _positions("start", given["start"])
    if "end" in given:
        query.end = _positions("end", given["end"])
    if "referenceBases" in given:
        query.ref = _bases("referenceBases", given["referenceBases"])
    if "alternateBases" in given:
        query.alt = _bases("alternateBases", given["alternateBases"])
    if "variantType" in given:
        query.variant_type = _variant_type(given["variantType"])
    if "geneId" in given:
        query.gene = str(given["geneId"]).strip()
    if "datasetIds" in given:
        query.dataset_ids = _dataset_ids(given["datasetIds"])

    if query.gene:
        positional = [name for name in ("referenceName", "start", "end") if name in given]
        if positional:
            raise BeaconRequestError(
                400, f"geneId cannot be combined with {', '.join(positional)}: ask for a gene or a position."
            )
        return query
    if query.start and not query.chrom:
        raise BeaconRequestError(400, "start needs referenceName: say which chromosome the position is on.")
    if query.end and not query.start:
        raise BeaconRequestError(400, "end needs start: a range is start (0-based) to end (exclusive).")
    if not query.start:
        if query.chrom:
            raise BeaconRequestError(
                400, "referenceName needs start (and end for a range): whole chromosomes are not queried."
            )
        raise BeaconRequestError(
            400,
            "Say what to look for: referenceName with start (a sequence query, with referenceBases and "
            "alternateBases) or with start and end (a range query), or geneId.",
        )
    if len(query.start) != len(query.end) and not (len(query.start) == 1 and not query.end):
        raise BeaconRequestError(
            400,
            "Give one start (and optionally one end) for a sequence or range query, or two of each for a "
            "bracket query.",
        )
    if len(query.start) == 1 and query.end and query.end[0] <= query.start[0]:
        raise BeaconRequestError(
            400,
            f"end ({query.end[0]}) must be greater than start ({query.start[0]}): Beacon coordinates are "
            "0-based and half-open, so start=100&end=101 is the single base at VCF position 101.",
        )
    if len(query.start) == 2:
        if query.start[0] > query.start[1] or query.end[0] > query.end[1]:
            raise BeaconRequestError(
                400, "In a bracket query the first start (and end) must not be greater than the second."
            )
        if query.end[1] <= query.start[0]:
            raise BeaconRequestError(400, "In a bracket query the ends must lie after the starts.")
    return query


def _checked_text(data: Any) -> None:
    """Text that cannot be stored or compared (NUL, lone surrogates) refused by the core's input layer."""
    try:
        check_data(data)
    except InputError as error:
        raise BeaconRequestError(400, error.message) from error


def _parse_get(request: HttpRequest) -> tuple[ReceivedRequest, VariantQuery]:
    received = request._beacon_received
    data = request.GET
    _checked_text({key: data.getlist(key) for key in data})
    received.requested_granularity = _granularity(data.get("requestedGranularity"))
    received.skip, received.limit = _pagination(data.get("skip"), data.get("limit"))
    received.include = _include(data.get("includeResultsetResponses"))
    received.test_mode = _test_mode(data.get("testMode"))
    parameters: dict[str, Any] = {}
    for name in data:
        if name in _GET_CONTROL or name in _GET_IGNORED:
            continue
        values = data.getlist(name)
        parameters[name] = ",".join(values) if len(values) > 1 else values[0]
    received.parameters = {name: value for name, value in parameters.items() if value != ""}
    filters = [term for value in data.getlist("filters") for term in value.split(",") if term.strip()]
    query = _variant_query(parameters)
    query.filters, received.filters = _filters(filters)
    return received, query


def _parse_post(request: HttpRequest) -> tuple[ReceivedRequest, VariantQuery]:
    received = request._beacon_received
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as error:
        raise BeaconRequestError(400, f"The request body is not JSON: {error}.") from error
    if not isinstance(body, dict):
        raise BeaconRequestError(400, "The request body must be a JSON object with meta and query.")
    _checked_text(body)
    meta = body.get("meta") or {}
    query_part = body.get("query") or {}
    if not isinstance(meta, dict) or not isinstance(query_part, dict):
        raise BeaconRequestError(400, "meta and query in the request body must be JSON objects.")
    if isinstance(meta.get("apiVersion"), str):
        received.api_version = meta["apiVersion"]
    schemas = meta.get("requestedSchemas") or []
    if not isinstance(schemas, list) or not all(isinstance(s, dict) for s in schemas):
        raise BeaconRequestError(400, "meta.requestedSchemas must be a list of {entityType, schema} objects.")
    received.requested_schemas = schemas
    received.requested_granularity = _granularity(
        query_part.get("requestedGranularity", meta.get("requestedGranularity"))
    )
    pagination = query_part.get("pagination") or {}
    if not isinstance(pagination, dict):
        raise BeaconRequestError(400, "query.pagination must be an object with skip and limit.")
    received.skip, received.limit = _pagination(pagination.get("skip"), pagination.get("limit"))
    received.include = _include(query_part.get("includeResultsetResponses"))
    received.test_mode = _test_mode(query_part.get("testMode"))
    parameters = query_part.get("requestParameters") or {}
    if not isinstance(parameters, dict):
        raise BeaconRequestError(400, "query.requestParameters must be an object.")
    flat: dict[str, Any] = {}
    for name, value in parameters.items():
        # Accept the parameters flat (as clients send them) or grouped by entry type (as the framework's
        # examples group them): {"genomicVariation": {...}, "datasets": {"datasetIds": [...]}}.
        if name in ("genomicVariation", "genomicVariations", "g_variant", "g_variants", "datasets"):
            if not isinstance(value, dict):
                raise BeaconRequestError(400, f"requestParameters.{name} must be an object.")
            flat.update(value)
        elif name != "$schema":
            flat[name] = value
    received.parameters = {name: value for name, value in flat.items() if value not in (None, "", [])}
    filters = query_part.get("filters") or []
    if not isinstance(filters, list):
        raise BeaconRequestError(400, "query.filters must be a list.")
    query = _variant_query(flat)
    query.filters, received.filters = _filters(filters)
    return received, query


# ---------------------------------------------------------------------------------------------------------
# answering variant queries


def variant_type_of(variant: "engine.Variant") -> str:
    ref, alt = variant.ref, variant.alt
    if len(ref) == len(alt):
        return "SNP" if len(ref) == 1 else "MNP"
    if len(ref) == 1 and alt.startswith(ref):
        return "INS"
    if len(alt) == 1 and ref.startswith(alt):
        return "DEL"
    return "INDEL"


def _bases_match(pattern: str, bases: str) -> bool:
    return len(pattern) == len(bases) and all(p in ("N", b) for p, b in zip(pattern, bases, strict=True))


def _predicate(query: VariantQuery) -> Callable[["engine.Variant"], bool]:
    hide_masked = query.hide_masked_frequencies and query.filters_frequency
    threshold = disclosure.min_cell()

    def matches(variant: "engine.Variant") -> bool:
        if hide_masked and 0 < variant.counts.ac < threshold:
            return False
        if query.ref and not _bases_match(query.ref, variant.ref):
            return False
        if query.alt and not _bases_match(query.alt, variant.alt):
            return False
        if query.variant_type:
            kind = variant_type_of(variant)
            wanted = ("INS", "DEL", "INDEL") if query.variant_type == "INDEL" else (query.variant_type,)
            if kind not in wanted:
                return False
        if query.is_sequence and variant.pos - 1 != query.start[0]:
            return False
        if len(query.start) == 2:
            start0 = variant.pos - 1
            end0 = start0 + len(variant.ref)
            if not (query.start[0] <= start0 <= query.start[1] and query.end[0] <= end0 <= query.end[1]):
                return False
        return True

    return matches


def _pager(dataset: "engine.Dataset", query: VariantQuery) -> Callable[[int, int], "engine.Page"]:
    filters = query.filters or engine.Filters()
    if query.gene:
        return lambda offset, limit: dataset.gene(query.gene, filters=filters, offset=offset, limit=limit)
    # Beacon's 0-based half-open [start, end) is the engine's 1-based inclusive start+1..end.
    first = query.start[0] + 1
    if len(query.start) == 2:
        last = query.start[1] + 1  # bracket: variants starting in the first bracket, ends checked after
    elif query.end:
        last = query.end[0]
    else:
        last = first  # sequence query: variants starting at start
    return lambda offset, limit: dataset.region(
        query.chrom, first, last, filters=filters, offset=offset, limit=limit
    )


def _matches(
    dataset: "engine.Dataset", query: VariantQuery, offset: int, limit: int
) -> tuple[list["engine.Variant"], int]:
    """One page of matching variants and the number of all matches (never capped)."""
    if query.variant_id:
        variant = dataset.variant(query.variant_id)
        matched = [variant] if variant is not None else []
        return matched[offset : offset + limit], len(matched)
    pager = _pager(dataset, query)
    if not query.needs_scan:
        page = pager(offset, max(limit, 1))
        return (list(page.items)[:limit], page.total)
    # Conditions the engine does not take: walk its pages, keep the requested slice, count every match.
    matches = _predicate(query)
    items: list[engine.Variant] = []
    total = 0
    position = 0
    while True:
        page = pager(position, SCAN_CHUNK)
        for variant in page.items:
            if matches(variant):
                if offset <= total < offset + limit:
                    items.append(variant)
                total += 1
        position += len(page.items)
        if not page.items or not page.has_next:
            return items, total


def _frequency(population: str, counts: "selectors.ShownCounts") -> dict[str, Any]:
    frequency = {
        "population": population,
        "alleleFrequency": counts.af,
        "alleleCount": counts.ac,
        "alleleNumber": counts.an,
        # Allele counts in homozygous / heterozygous / hemizygous genotypes (bcftools AC_Hom, AC_Het,
        # AC_Hemi), and the number of people with each genotype.
        "alleleCountHomozygous": None if counts.hom is None else 2 * counts.hom,
        "alleleCountHeterozygous": counts.het,
        "alleleCountHemizygous": counts.hemi,
        "genotypeHomozygous": counts.hom,
        "genotypeHeterozygous": counts.het,
        "genotypeHemizygous": counts.hemi,
    }
    # A masked count is left out (the schema has no "masked" value for a count).
    return {name: value for name, value in frequency.items() if value is not None}


def population_name(stratum: str, value: str) -> str:
    return f"{stratum}:{value}"


def _frequencies(variant: "engine.Variant", manifest: "engine.Manifest") -> list[dict[str, Any]]:
    """The whole panel first, then one population per stratum value; populations without calls are left out
    (their allele frequency is undefined), and so are those whose frequency disclosure control masked.
    The variant's counts are selectors.ShownCounts (selectors.disclosed_variant)."""
    populations = [("all", variant.counts)]
    for stratum, values in variant.strata.items():
        order = {value: index for index, value in enumerate(manifest.strata.get(stratum, []))}
        for value in sorted(values, key=lambda v: (order.get(v, len(order)), v)):
            populations.append((population_name(stratum, value), values[value]))
    return [_frequency(name, counts) for name, counts in populations if counts.af is not None]


def _sequence_id(assembly: str, chrom: str) -> str:
    accession = REFSEQ.get(assembly, {}).get(chrom)
    return f"refseq:{accession}" if accession else f"{assembly}:{chrom}"


def _record(
    request: HttpRequest, variant: "engine.Variant", manifest: "engine.Manifest", gene: str | None
) -> dict[str, Any]:
    """One variant as a Beacon record; its counts already through selectors.disclosed_variant."""
    start0 = variant.pos - 1
    record: dict[str, Any] = {
        "variantInternalId": variant.variant_id,
        "variation": {
            "variantType": variant_type_of(variant),
            "referenceBases": variant.ref,
            "alternateBases": variant.alt,
            "location": {
                "type": "SequenceLocation",
                "sequence_id": _sequence_id(manifest.assembly, variant.chrom),
                "interval": {
                    "type": "SequenceInterval",
                    "start": {"type": "Number", "value": start0},
                    "end": {"type": "Number", "value": start0 + len(variant.ref)},
                },
            },
        },
        "identifiers": {},
        "info": {
            "datasetId": manifest.dataset_id,
            "assemblyId": manifest.assembly,
            "referenceName": variant.chrom,
            "vcfPosition": variant.pos,
            "filters": list(variant.filters),
            "qual": variant.qual,
        },
    }
    accession = REFSEQ.get(manifest.assembly, {}).get(variant.chrom)
    if accession and len(variant.ref) == 1 and len(variant.alt) == 1:
        record["identifiers"]["genomicHGVSId"] = f"{accession}:g.{variant.pos}{variant.ref}>{variant.alt}"
    if variant.rsid:
        record["identifiers"]["variantAlternativeIds"] = [
            {"id": f"dbSNP:{variant.rsid}", "reference": f"https://www.ncbi.nlm.nih.gov/snp/{variant.rsid}"}
        ]
    if not record["identifiers"]:
        del record["identifiers"]
    if gene:
        record["molecularAttributes"] = {"geneIds": [gene]}
    frequencies = _frequencies(variant, manifest)
    if frequencies:
        record["frequencyInPopulations"] = [
            {
                "source": f"Kiban genome reference panel, dataset {manifest.dataset_id}",
                "sourceReference": _url(request, "beacon_datasets"),
                "version": manifest.version,
                "frequencies": frequencies,
            }
        ]
    return record


def _datasets_for(user, query: VariantQuery) -> list[tuple["engine.Dataset", str]]:
    """The datasets asked about that the caller is answered about, each with the most the caller may get;
    a dataset the caller is not answered about is "not found", as if it did not exist."""
    if query.dataset_ids is not None:
        datasets = [dataset_or_404(dataset_id) for dataset_id in query.dataset_ids]
    else:
        datasets = [dataset_or_404(m.dataset_id, m.version) for m in all_datasets()]
    answered = {m.dataset_id: most for m, most in _answered(user, [d.manifest for d in datasets])}
    if query.dataset_ids is not None:
        for dataset_id in query.dataset_ids:
            if dataset_id not in answered:
                raise Http404(f"There is no dataset {json.dumps(dataset_id)} this caller may query.")
    datasets = [d for d in datasets if d.manifest.dataset_id in answered]
    if query.assembly:
        datasets = [d for d in datasets if d.manifest.assembly == query.assembly]
    return [(d, answered[d.manifest.dataset_id]) for d in datasets]


def _question(query: VariantQuery) -> str:
    """The query as disclosure control knows it: validated parameters, so GET and POST ask the same."""
    parts = asdict(query)
    parts["filters"] = asdict(query.filters or engine.Filters())
    if query.dataset_ids is not None:
        parts["dataset_ids"] = sorted(set(query.dataset_ids))
    return disclosure.question_of("beacon.g_variants", parts)


def _disclosed_count(total: int, caller: str, question: str) -> dict[str, Any]:
    """numTotalResults at count granularity, as Beacon states an adjusted count (countPrecision,
    countAdjustedTo: framework v2.1 and later)."""
    shown = disclosure.count_disclose(count=total, caller=caller, question=question, zero_is_public=True)
    if shown.masked:
        return {
            "numTotalResults": shown.threshold,
            "countAdjustedTo": [shown.threshold],
            "countPrecision": shown.precision,
        }
    if shown.precision == disclosure.EXACT:
        return {"numTotalResults": shown.value}
    return {"numTotalResults": shown.value, "countPrecision": shown.precision}


def _answer_variants(
    request: HttpRequest, user, received: ReceivedRequest, query: VariantQuery
) -> dict[str, Any]:
    offset, limit = received.skip * received.limit, received.limit
    exact = selectors.sees_exact_counts(user)
    query.hide_masked_frequencies = not exact
    # Every query spends the caller's budget before anything is read: yes/no answers are questions too.
    caller = disclosure.caller_of(user=user, address=request.META.get("REMOTE_ADDR"))
    question = _question(query)
    disclosure.budget_spend(caller=caller, question=question)
    answered = _datasets_for(user, query)
    granularity = received.requested_granularity
    if not answered:
        granularity = _returned_granularity(granularity, granularity_allowed(user))
    for _dataset, most in answered:
        granularity = _returned_granularity(granularity, most)
    datasets = [dataset for dataset, _most in answered]
    result_sets = []
    total = 0
    gene_errors = []
    for dataset in datasets:
        try:
            if granularity == "record":
                items, count = _matches(dataset, query, offset, limit)
            else:
                items, count = _matches(dataset, query, 0, 0)
        except LookupError as error:  # the gene is not in this dataset's assembly's annotation: no hit
            if not query.gene:
                raise
            gene_errors.append(str(error))
            items, count = [], 0
        total += count
        result_sets.append((dataset, items, count))
    if query.gene and result_sets and len(gene_errors) == len(result_sets):
        raise BeaconRequestError(400, "; ".join(dict.fromkeys(gene_errors)) + ".")
    exists = total > 0
    answer: dict[str, Any] = {
        "meta": _response_meta(received, granularity, [VARIANT_SCHEMA]),
        "responseSummary": {"exists": exists},
    }
    if granularity == "count":
        answer["responseSummary"].update(_disclosed_count(total, caller, question))
    if granularity == "record":
        answer["responseSummary"]["numTotalResults"] = total
    if granularity == "record":
        wanted = {
            "ALL": lambda count: True,
            "HIT": lambda count: count > 0,
            "MISS": lambda count: count == 0,
            "NONE": lambda count: False,
        }[received.include]
        answer["response"] = {
            "resultSets": [
                {
                    "id": dataset.manifest.dataset_id,
                    "setType": "dataset",
                    "exists": count > 0,
                    "resultsCount": count,
                    "results": [
                        _record(
                            request,
                            selectors.disclosed_variant(v, exact=exact),
                            dataset.manifest,
                            query.gene,
                        )
                        for v in items
                    ],
                    "info": {
                        "assemblyId": dataset.manifest.assembly,
                        "version": dataset.manifest.version,
                        "skip": received.skip,
                        "limit": received.limit,
                    },
                }
                for dataset, items, count in result_sets
                if wanted(count)
            ]
        }
    return answer


_G_VARIANTS_DESCRIPTION = (
    "Query types: sequence (referenceName, start, referenceBases, alternateBases), range (referenceName, "
    "start, end; optionally variantType, referenceBases, alternateBases), bracket (two starts, two ends), "
    "gene (geneId; optionally variantType, alternateBases). Coordinates are 0-based and half-open: "
    "start=100 is VCF position 101; a range matches the variants whose first base lies in it. "
    "assemblyId (GRCh37, GRCh38) restricts the datasets. Filters: "
    "alleleFrequency>=x, alleleFrequency<=x (leaving out, for callers who see small counts masked, the "
    "variants whose frequency they see masked), PASS. Pagination: skip counts pages of limit results, per "
    "dataset. Granularity: anyone gets boolean (genome.beacon_boolean); signed-in users count "
    "(genome.beacon_count) and record (genome.beacon_record); each dataset's access level caps it "
    "(anonymous: count for public datasets, boolean for registered ones, controlled ones not answered; "
    "signed in: boolean for controlled datasets). Every distinct question, yes/no included, spends one of "
    "the caller's query budget (per user; per address when anonymous), and once it is spent the answer is "
    "HTTP 429 with Retry-After. Counts are disclosure-controlled: below the minimum cell size they are "
    "answered as the threshold with countPrecision 'imprecise'; records carry frequencies with small counts "
    "masked (exact for genome.view_exact_counts). Bad parameters get HTTP 400 with a beaconErrorResponse."
)


@router.get(
    "/g_variants",
    response=ANSWERS,
    url_name="beacon_g_variants",
    summary="Beacon v2: genomic variants (boolean: anyone; count and record: signed in)",
    description=_G_VARIANTS_DESCRIPTION,
)
@_beacon_errors
def beacon_g_variants(request, params: Query[GVariantsQuery]):
    user = _caller(request)
    received, query = _parse_get(request)
    return _answer_variants(request, user, received, query)


@router.post(
    "/g_variants",
    response=ANSWERS,
    url_name="beacon_g_variants_post",
    summary="Beacon v2: genomic variants (boolean: anyone; count and record: signed in)",
    description="The same query as the GET, as a beaconRequestBody: meta.apiVersion, "
    "query.requestParameters, query.requestedGranularity, query.pagination {skip, limit}, query.filters, "
    "query.includeResultsetResponses. " + _G_VARIANTS_DESCRIPTION,
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {
                    "schema": REQUEST_BODY_SCHEMA,
                    "example": {
                        "meta": {"apiVersion": "v2.0"},
                        "query": {
                            "requestParameters": {
                                "assemblyId": "GRCh38",
                                "referenceName": "1",
                                "start": [12344],
                                "referenceBases": "A",
                                "alternateBases": "G",
                            },
                            "requestedGranularity": "record",
                            "pagination": {"skip": 0, "limit": 10},
                        },
                    },
                }
            },
        }
    },
)
@_beacon_errors
def beacon_g_variants_post(request):
    user = _caller(request)
    received, query = _parse_post(request)
    return _answer_variants(request, user, received, query)


@router.get(
    "/g_variants/{variant_id}",
    response=ANSWERS,
    url_name="beacon_g_variant",
    summary="Beacon v2: one variant by id (boolean: anyone; count and record: signed in)",
    description="The id is the variantInternalId, chrom-pos-ref-alt with the VCF position "
    "(e.g. 1-12345-A-G). Takes requestedGranularity, assemblyId and datasetIds. "
    "Permission as for /g_variants: boolean for anyone (genome.beacon_boolean), count for signed-in users "
    "(genome.beacon_count), record for signed-in users (genome.beacon_record).",
)
@_beacon_errors
def beacon_g_variant(
    request,
    variant_id: VARIANT_ID,
    params: Query[GVariantQuery],
):
    user = _caller(request)
    received = request._beacon_received
    received.requested_granularity = _granularity(params.requestedGranularity)
    received.parameters = {"variantInternalId": variant_id}
    match = _VARIANT_ID.match(variant_id.strip())
    if not match:
        raise BeaconRequestError(
            400,
            f"{json.dumps(variant_id)} is not a variant id: write chrom-pos-ref-alt with the VCF (1-based) "
            "position, e.g. 1-12345-A-G.",
        )
    chrom = _chromosome(match.group("chrom"))
    query = VariantQuery(
        variant_id=f"{chrom}-{match.group('pos')}-{match.group('ref').upper()}-{match.group('alt').upper()}"
    )
    if params.assemblyId:
        query.assembly = _assembly(params.assemblyId)
    if params.datasetIds:
        query.dataset_ids = _dataset_ids(params.datasetIds)
    return _answer_variants(request, user, received, query)
