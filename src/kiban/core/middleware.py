"""Request middleware: the API's one error format for answers made outside its handlers (unknown path, wrong
method), and the input layer's check of every request's text and size before any view reads it."""

import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import UNIQUE_CONFLICT_MESSAGE, is_unique_violation
from .inputs import InputError, check_data
from .registry import error_body


def refusal(request: HttpRequest, status: int, detail: str, code: str) -> HttpResponse:
    """A refusal in the API's format under /api/, else as the core's error page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(request.path, status, str(detail), code),
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, "core/page_error.html", {"message": detail, "status": status}, status=status)


def too_large_message() -> str:
    return _("The request body is larger than the %(max)s bytes accepted.") % {
        "max": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,}"
    }


class RequestInputMiddleware:
    """Refuses, before any view, form or schema reads it, a request whose query string, form fields or
    JSON body holds text that cannot be stored (NUL, lone surrogates: 400), or whose body is over
    DATA_UPLOAD_MAX_MEMORY_SIZE (413); a page's unique-constraint violation is a 409. One check for every
    page and API operation; paths under settings.KIBAN_OWN_INPUT_CHECK (the Beacon, whose errors have
    their own format) get the size check here and check their text with the same core.inputs.check_data.
    Uploaded files' contents are not text and are left to the upload checks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        own_format = request.path.startswith(settings.KIBAN_OWN_INPUT_CHECK)
        try:
            if not own_format:
                check_data({key: request.GET.getlist(key) for key in request.GET})
            if request.method in ("POST", "PUT", "PATCH", "DELETE"):
                self._check_body(request, text=not own_format)
        except RequestDataTooBig:
            return refusal(request, 413, too_large_message(), "request_too_large")
        except InputError as error:
            # The API's unreadable input is a 422 (as its schemas' refusals); a page's a 400.
            status = 422 if request.path.startswith("/api/") else 400
            return refusal(request, status, error.message, error.code)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A page's insert that met a unique constraint another request satisfied first: 409, not a 500.
        # (The API answers the same in its own handler, kiban.core.apikit.)
        if isinstance(exception, IntegrityError) and is_unique_violation(exception):
            return refusal(request, 409, _(UNIQUE_CONFLICT_MESSAGE), "conflict")
        return None

    @staticmethod
    def _check_body(request: HttpRequest, *, text: bool) -> None:
        content_type = request.content_type or ""
        if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            if request.method == "POST":
                form = {key: request.POST.getlist(key) for key in request.POST}
                if text:
                    check_data(form)
        elif not text:
            request.body  # noqa: B018 — read for its size check alone; the view checks the text
        elif content_type == "application/json" or content_type.endswith("+json"):
            try:
                data = json.loads(request.body or b"null")
            except ValueError:
                return  # not JSON: the view refuses it in its own words
            check_data(data)


class ApiErrorFormatMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith("/api/")
            or not 400 <= response.status_code < 500
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        if response.status_code == 404:
            detail = _("There is no API endpoint at %(path)s; see /api/docs.") % {"path": request.path}
            code = "not_found"
        elif response.status_code == 405:
            detail = _("%(method)s is not allowed at %(path)s; allowed: %(allowed)s.") % {
                "method": request.method,
                "path": request.path,
                "allowed": response.get("Allow", ""),
            }
            code = "method_not_allowed"
        else:
            detail, code = _("The request was refused."), f"http_{response.status_code}"
        formatted = JsonResponse(
            error_body(request.path, response.status_code, str(detail), code),
            status=response.status_code,
            json_dumps_params={"ensure_ascii": False},
        )
        if response.has_header("Allow"):
            formatted["Allow"] = response["Allow"]
        return formatted
