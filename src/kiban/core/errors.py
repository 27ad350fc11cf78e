"""Refusals a service raises besides ValidationError and PermissionDenied, read alike by pages and the API."""

from django.core.exceptions import ValidationError


class StateConflict(ValidationError):
    """The request is readable but the record's present state refuses it (already submitted, decided, or
    changed by someone else meanwhile); pages show it like any ValidationError, the API answers 409."""


def refusal_text(error: ValidationError) -> str:
    """The refusal as one sentence or several, as pages and the API show it."""
    return " ".join(error.messages)
