"""Keeps the API's one error format for answers made outside its handlers (unknown path, wrong method)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _


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
            {"detail": detail, "code": code},
            status=response.status_code,
            json_dumps_params={"ensure_ascii": False},
        )
        if response.has_header("Allow"):
            formatted["Allow"] = response["Allow"]
        return formatted
