"""Throttles on password log-in and password reset: django-axes' lock-out page, and a per-address and
per-e-mail limit on reset e-mails."""

import hashlib

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

RESET_WINDOW_SECONDS = 3600


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _(
        "Too many failed sign-ins: after %(limit)s failures this account and this address are locked for "
        "%(minutes)s minutes. Try again in %(minutes)s minutes."
    ) % {"limit": settings.AXES_FAILURE_LIMIT, "minutes": lockout_minutes()}


def lockout_response(request, original_response=None, credentials=None):
    """What django-axes answers a locked-out log-in (AXES_LOCKOUT_CALLABLE): 429 and when to retry."""
    response = render(request, "registration/locked_out.html", {"message": lockout_message()}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def _spent(kind: str, value: str) -> bool:
    """Counts one request under `kind` for `value` in the window; True when it is over the limit."""
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()
    key = f"kiban:reset:{kind}:{digest}"
    cache.add(key, 0, RESET_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW_SECONDS)
        count = 1
    return count > settings.KIBAN_PASSWORD_RESET_LIMIT


class ThrottledPasswordResetForm(PasswordResetForm):
    """Sends at most KIBAN_PASSWORD_RESET_LIMIT reset e-mails an hour per address and per e-mail; past it the
    request is dropped silently, so the page still says the same whether or not the address exists."""

    def save(self, *args, request=None, **kwargs):
        address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
        by_address = _spent("address", address)
        by_email = _spent("email", self.cleaned_data["email"])
        if by_address or by_email:
            return None
        return super().save(*args, request=request, **kwargs)
