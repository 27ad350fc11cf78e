"""Which models agreements may be about, and who manages the agreements about each (set by its app)."""

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.db import models

if TYPE_CHECKING:
    from kiban.core.models import User


@runtime_checkable
class AgreementAdapter(Protocol):
    """What the agreements app needs from an app whose records agreements are about; it imports no such app.

    `kinds`: the kinds of agreement a record of the model may have (values of `AgreementKind`).
    `can_manage`: whether the user may draft, send, record as signed, terminate or withdraw the record's
    agreements (the seeds' hub staff for a seed's NDAs, say).
    """

    kinds: tuple[str, ...]

    def can_manage(self, user: "User", record: models.Model) -> bool: ...


_adapters: dict[type[models.Model], AgreementAdapter] = {}


def _key(model_class: type[models.Model]) -> type[models.Model]:
    return model_class._meta.concrete_model


def register(model_class: type[models.Model], adapter: AgreementAdapter) -> None:
    """Lets agreements be made about the model's records; call it in the using app's AppConfig.ready()."""
    _adapters[_key(model_class)] = adapter


def unregister(model_class: type[models.Model]) -> None:
    _adapters.pop(_key(model_class), None)


def adapter_for(record: models.Model | None) -> AgreementAdapter | None:
    """The adapter registered for the record's model; None if agreements cannot be about it (or there is no
    record: the one an agreement was about has been deleted)."""
    return None if record is None else _adapters.get(_key(type(record)))
