"""One way to write an audited change: every save and delete says who made it and why."""

from django.db import models

from .models import User


def _mark(record: models.Model, actor: User | None, reason: str) -> None:
    # simple-history reads these two attributes when it writes the history row. Without `_history_user`
    # it falls back to the request's user, which is unset for API tokens, tasks and commands.
    record._change_reason = str(reason)
    if actor is not None and getattr(actor, "is_authenticated", False):
        record._history_user = actor


def audited_save(
    record: models.Model,
    *,
    actor: User | None,
    reason: str,
    update_fields: list[str] | None = None,
    full_clean: bool = False,
) -> models.Model:
    """Saves the record with a history row naming the actor (None: the system) and the reason.

    With full_clean, the model's own checks run first and a ValidationError leaves nothing saved.
    """
    if full_clean:
        record.full_clean()
    _mark(record, actor, reason)
    record.save(update_fields=update_fields)
    return record


def audited_delete(record: models.Model, *, actor: User | None, reason: str) -> None:
    """Deletes the record; its last history row names the actor and the reason."""
    _mark(record, actor, reason)
    record.delete()
