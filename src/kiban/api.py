"""The platform's JSON API: one NinjaAPI, one error format, session and token authentication."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer

from kiban.core.services import api_token_authenticate


class ApiError(HttpError):
    """A 4xx answer with a message a person can act on and a stable machine-readable code."""

    def __init__(self, status_code: int, detail: str, code: str) -> None:
        super().__init__(status_code, detail)
        self.code = code


class TokenAuth(HttpBearer):
    """Authorization: Bearer kbn_… with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str):
        user = api_token_authenticate(key=token)
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


api = NinjaAPI(
    title="Kiban API",
    version="1",
    description="The research-support systems of Japan's life-science infrastructure. "
    "Amounts are integer yen; fiscal years are Japanese (April to March). "
    'Every 4xx answer has the form {"detail": "…", "code": "…"}.',
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    renderer=ReadableJSONRenderer(),
)


def _error(request: HttpRequest, status: int, detail, code: str):
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _error(request, exc.status_code, exc.message, exc.code)


@api.exception_handler(AuthenticationError)
def _not_authenticated(request, exc):
    return _error(
        request,
        401,
        "Sign in, or send a personal API token as 'Authorization: Bearer <token>'.",
        "not_authenticated",
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 403 and "CSRF" in exc.message:
        return _error(
            request,
            403,
            "The CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header, "
            "or use an API token instead of the browser session.",
            "csrf_failed",
        )
    return _error(request, exc.status_code, exc.message, f"http_{exc.status_code}")


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("path", "query", "body"))
        problems.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return _error(request, 422, "; ".join(problems) or "The request is not valid.", "invalid_input")


@api.exception_handler(DjangoValidationError)
def _domain_validation_error(request, exc: DjangoValidationError):
    return _error(request, 400, " ".join(exc.messages), getattr(exc, "code", None) or "invalid")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, str(exc) or "Not found.", "not_found")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, str(exc) or "You do not have permission to do this.", "forbidden")


def _add_routers() -> None:
    from kiban.certification.api import router as certification_router
    from kiban.core.api import router as core_router
    from kiban.genome.api import router as genome_router
    from kiban.genome.beacon import router as beacon_router
    from kiban.programmes.api import router as programmes_router
    from kiban.reviews.api import router as reviews_router
    from kiban.seeds.api import router as seeds_router

    api.add_router("/", core_router)
    api.add_router("/programmes", programmes_router)
    api.add_router("/genome", genome_router)
    api.add_router("/beacon", beacon_router)
    api.add_router("/reviews", reviews_router)
    api.add_router("/seeds", seeds_router)
    api.add_router("/certification", certification_router)


_add_routers()
