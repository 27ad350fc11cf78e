"""Where superuser status counts: in /admin/ only; elsewhere the platform's rules decide for everyone."""

from contextvars import ContextVar

from django.urls import reverse

_in_admin: ContextVar[bool] = ContextVar("kiban_in_admin", default=False)


def in_admin() -> bool:
    """Whether the present request is one of the admin site's (where a superuser may do everything)."""
    return _in_admin.get()


class AdminScopeMiddleware:
    """Marks the requests of /admin/ for `User.has_perm`, for the duration of the request."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        marker = _in_admin.set(request.path_info.startswith(reverse("admin:index")))
        try:
            return self.get_response(request)
        finally:
            _in_admin.reset(marker)
