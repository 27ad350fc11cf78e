"""Refusals a service raises besides ValidationError and PermissionDenied, read alike by pages and the API."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

# What the API and pages answer when the database's unique constraint refuses a row another request saved
# first (the check before the insert saw nothing; the constraint is the one check that holds).
UNIQUE_CONFLICT_MESSAGE = gettext_noop(
    "The record conflicts with one saved meanwhile (it must be unique); reload and try again."
)


class StateConflict(ValidationError):
    """The request is readable but the record's present state refuses it (already submitted, decided, or
    changed by someone else meanwhile); pages show it like any ValidationError, the API answers 409."""


def is_unique_violation(error: IntegrityError) -> bool:
    """Whether the database refused a row for a unique constraint (not a missing reference or a NULL)."""
    cause = error.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if state is not None:
        return state == "23505"  # PostgreSQL's unique_violation
    return "UNIQUE constraint failed" in str(error)  # SQLite's wording


@contextmanager
def unique_or_conflict(message: str, code: str = "duplicate") -> Iterator[None]:
    """Runs an insert in its own transaction; a unique constraint met there is a StateConflict with the
    message a check beforehand would give, so that two requests arriving at once get the same answer."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        raise StateConflict(message, code) from error


def refusal_text(error: ValidationError) -> str:
    """The refusal as one sentence or several, as pages and the API show it."""
    return " ".join(error.messages)


class TokenRefused(Exception):
    """An API token that exists but may not be used for this request (expired, or read-only on a write);
    the API answers `status` (401 or 403) with the message."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


def form_errors_text(form) -> str:
    """A form's errors as one line, for a message shown above the page it was sent from."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
