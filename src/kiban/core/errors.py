"""Refusals a service raises besides ValidationError and PermissionDenied, read alike by pages and the API."""

from django.core.exceptions import ValidationError


class StateConflict(ValidationError):
    """The request is readable but the record's present state refuses it (already submitted, decided, or
    changed by someone else meanwhile); pages show it like any ValidationError, the API answers 409."""


def refusal_text(error: ValidationError) -> str:
    """The refusal as one sentence or several, as pages and the API show it."""
    return " ".join(error.messages)


class TokenRefused(Exception):
    """An API token that exists but may not be used for this request (expired, or read-only on a write);
    the API answers `status` (401 or 403) with the message."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message)
        self.message, self.status, self.code = message, status, code
