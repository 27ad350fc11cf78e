"""The API's shared parts: its error answers, authentication, renderer and the page of every list endpoint.

It imports no app, so an app's api.py may import it while `kiban.api` imports that app's router.
"""

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PaginationBase
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer

from .disclosure import QueryBudgetExhausted
from .errors import UNIQUE_CONFLICT_MESSAGE, StateConflict, TokenRefused, is_unique_violation, refusal_text
from .inputs import MAX_OFFSET
from .pages import filter_problems
from .permissions import DEFAULT_REFUSAL
from .services import api_token_authenticate

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

# One page size for every list endpoint; the offset bound keeps a typed number from reaching the database.
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
SERVER_ERROR_MESSAGE = gettext_noop(
    "The server failed to answer; the error is logged for the administrators."
)
logger = logging.getLogger("kiban.api")


class ApiError(HttpError):
    """A 4xx answer with a message a person can act on and a stable machine-readable code."""

    def __init__(self, status_code: int, detail: str, code: str) -> None:
        super().__init__(status_code, str(detail))
        self.code = code


class ErrorOut(Schema):
    """Every 4xx answer of the platform API (the Beacon has its own format). 400: a service's rule refused the
    request, or a filter cannot be read; 401: not signed in; 403: not allowed (or a browser session's CSRF
    check failed); 404: no such record, or none you may see; 409: the record's state does not allow it, or it
    would duplicate one; 413: the body is too large; 422: a parameter or the body does not have the
    documented form; 429: too many requests (see Retry-After)."""

    detail: str = Field(description="What went wrong, in the caller's language, and what to do about it")
    code: str = Field(description="A stable machine-readable name of the refusal")


ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429)
# Every operation of the platform API authenticates and checks the form of its input.
ALWAYS = (401, 422)
# What a write can be refused with: a service's rule, permission or CSRF, a missing record, a conflict, a body
# over DATA_UPLOAD_MAX_MEMORY_SIZE (kiban.core.middleware).
WRITE_REFUSALS = (400, 403, 404, 409, 413)


def responses(out: Any = None, *errors: int, status: int = 200) -> dict[int, Any]:
    """An operation's documented answers: `out` with `status`, and ErrorOut for 401, 422 and each of `errors`.

    `@router.get(..., response=responses(list[ItemOut], 403))` under `@paginate(Page)` documents the page.
    """
    unknown = sorted(set(errors) - set(ERROR_STATUSES))
    if unknown:
        raise ValueError(f"{unknown} is not an error status of this API; it answers {ERROR_STATUSES}.")
    return {status: out, **{code: ErrorOut for code in sorted({*ALWAYS, *errors})}}


class TokenAuth(HttpBearer):
    """Authorization: Bearer kbn_… with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str):
        try:
            user = api_token_authenticate(key=token, writes=request.method not in SAFE_METHODS)
        except TokenRefused as refused:  # expired (401) or read-only on a write (403)
            raise ApiError(refused.status, refused.message, refused.code) from refused
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session; unsafe methods also need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated and user.is_active else None


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Japanese text as it is, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


# --- the page of a list
class PageIn(Schema):
    """Which rows of a list to answer; bounds are checked by `check_page` so that the refusal is readable."""

    limit: int = Field(
        DEFAULT_LIMIT,
        description=f"Rows to return, 1 to {MAX_LIMIT}",
        json_schema_extra={"minimum": 1, "maximum": MAX_LIMIT},
    )
    offset: int = Field(
        0,
        description=f"Rows to skip, 0 to {MAX_OFFSET:,}",
        json_schema_extra={"minimum": 0, "maximum": MAX_OFFSET},
    )


class PageOut(Schema):
    """Every list endpoint's answer: the number of matching rows and one window of them."""

    count: int
    limit: int
    offset: int
    items: list[Any]


def check_page(page: PageIn) -> PageIn:
    """The page asked for, or a 422 naming the bound it is outside."""
    if not 1 <= page.limit <= MAX_LIMIT:
        raise ApiError(422, _("limit runs from 1 to %(max)s.") % {"max": MAX_LIMIT}, "invalid_limit")
    if not 0 <= page.offset <= MAX_OFFSET:
        raise ApiError(
            422, _("offset runs from 0 to %(max)s.") % {"max": f"{MAX_OFFSET:,}"}, "invalid_offset"
        )
    return page


class Rows(Sequence):
    """A queryset read one page at a time; only the rows on the page are put into the answer's shape."""

    def __init__(self, queryset: QuerySet, shape: Callable[[Any], Any]) -> None:
        self.queryset = queryset
        self.shape = shape

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window):
        if isinstance(window, slice):
            return [self.shape(row) for row in self.queryset[window]]
        return self.shape(self.queryset[window])


class Page(PaginationBase):
    """`@paginate(Page)` on an endpoint answering `list[X]`: it answers {count, limit, offset, items}."""

    Input = PageIn
    Output = PageOut

    def paginate_queryset(self, queryset, pagination: PageIn, request: HttpRequest, **params) -> dict:
        check_page(pagination)
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        start = min(pagination.offset, count)
        return {
            "count": count,
            "limit": pagination.limit,
            "offset": pagination.offset,
            "items": queryset[start : start + pagination.limit],
        }


# --- the one error format
def install_error_handlers(api: NinjaAPI) -> None:
    """Every refusal becomes {"detail", "code"} with its status: a service's ValidationError 400 (409 for a
    StateConflict with the record's state, and for a unique constraint another request met first),
    PermissionDenied 403 with the permission's registered refusal. Anything else is a 500 that says only
    that it is logged: never a traceback, whatever DEBUG says, as anyone (anonymous Beacon callers too)
    may call the API."""

    def answer(request, status: int, detail, code: str):
        return api.create_response(request, {"detail": str(detail), "code": code}, status=status)

    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return answer(request, exc.status_code, exc.message, exc.code)

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc):
        return answer(
            request,
            401,
            _("Sign in, or send a personal API token as 'Authorization: Bearer <token>'."),
            "not_authenticated",
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if exc.status_code == 403 and "CSRF" in exc.message:
            return answer(
                request,
                403,
                _(
                    "The CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header, "
                    "or use an API token instead of the browser session."
                ),
                "csrf_failed",
            )
        return answer(request, exc.status_code, exc.message, f"http_{exc.status_code}")

    @api.exception_handler(ValidationError)
    def invalid_input(request, exc: ValidationError):
        problems = []
        for error in exc.errors:
            where = ".".join(
                str(part) for part in error.get("loc", ()) if part not in ("path", "query", "body")
            )
            problems.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
        return answer(request, 422, "; ".join(problems) or _("The request is not valid."), "invalid_input")

    @api.exception_handler(DjangoValidationError)
    def refused(request, exc: DjangoValidationError):
        status = 409 if isinstance(exc, StateConflict) else 400
        return answer(request, status, refusal_text(exc), getattr(exc, "code", None) or "invalid")

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return answer(request, 404, str(exc) or _("Not found."), "not_found")

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return answer(request, 403, str(exc) or DEFAULT_REFUSAL, "forbidden")

    @api.exception_handler(QueryBudgetExhausted)
    def too_many_questions(request, exc: QueryBudgetExhausted):
        # Disclosure control's query budget (kiban/core/disclosure.py): the wait in the text and the header.
        response = answer(request, exc.status, exc.message, "query_budget_exhausted")
        for header, value in exc.headers.items():
            response[header] = value
        return response

    @api.exception_handler(IntegrityError)
    def conflict(request, exc: IntegrityError):
        if is_unique_violation(exc):
            return answer(request, 409, _(UNIQUE_CONFLICT_MESSAGE), "conflict")
        return server_error(request, exc)

    @api.exception_handler(Exception)
    def server_error(request, exc: Exception):
        logger.error("API server error: %s %s", request.method, request.path, exc_info=exc)
        return answer(request, 500, _(SERVER_ERROR_MESSAGE), "server_error")


def filtered(filterset) -> QuerySet:
    """A django-filter FilterSet's rows, or a 400 `invalid_filter` naming each filter that cannot be read,
    in the same words as the pages (core.pages.filtered)."""
    if problems := filter_problems(filterset):
        raise ApiError(400, problems, "invalid_filter")
    return filterset.qs
