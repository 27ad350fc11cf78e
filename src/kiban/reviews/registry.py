"""Which models can be put under review, and the adapter through which the engine reads and decides them."""

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.db import models

if TYPE_CHECKING:
    from kiban.core.models import User

    from .models import Decision


@runtime_checkable
class ReviewAdapter(Protocol):
    """What the engine needs from an app that puts its records under review; the engine imports no such app.

    Optionally, an adapter may define `target_queryset(self) -> QuerySet` (the model's queryset with what
    `title`/`summary`/`applicant_label` read already joined): lists of rounds prefetch their targets with it
    so that they keep a constant number of queries. It may also define `review_refusal(self, target) -> str |
    None`: a reason, or None, why the item may not be put under review or scored in its present state; the
    engine refuses opening a round and submitting scores with that reason. And it may define
    `review_opened(self, target, round, actor) -> None`, called in the transaction that opens a round: the
    item's state follows (a request goes under review), and a ValidationError it raises refuses the round; the
    round is saved after it, so that it records the state the round holds the item in.

    And it may define `review_state(self, target) -> str` (the item's present state: a seed's stage) with
    `review_state_label(self, state) -> str` (its name for people): the round records the state it reviewed,
    a decision is refused once the item has moved on to another, and `title(target, state)` then names the
    item as it was in that state (the round page's heading).

    `apply_decision` receives the panel's decision as recorded: `decision.round` (the round it decides),
    `decision.outcome` (one of `outcomes`), `decision.rationale` and `decision.decided_by`. It runs in the
    decision's transaction, so a refusal (ValidationError) leaves neither the decision nor the round decided.
    """

    outcomes: list[tuple[str, str]]

    def title(self, target) -> str: ...

    def summary(self, target) -> str: ...

    def applicant_label(self, target) -> str: ...

    def applicant_users(self, target) -> list["User"]: ...

    def conflict_organisation_ids(self, target) -> set[int]: ...

    def conflict_user_ids(self, target) -> set[int]: ...

    def can_manage(self, user: "User", target) -> bool: ...

    def apply_decision(self, target, decision: "Decision") -> None: ...

    def url(self, target) -> str: ...


_adapters: dict[type[models.Model], ReviewAdapter] = {}


def _key(model_class: type[models.Model]) -> type[models.Model]:
    return model_class._meta.concrete_model


def register(model_class: type[models.Model], adapter: ReviewAdapter) -> None:
    """Puts a model under review; call it in the using app's AppConfig.ready()."""
    _adapters[_key(model_class)] = adapter


def unregister(model_class: type[models.Model]) -> None:
    _adapters.pop(_key(model_class), None)


def adapter_for_model(model_class: type[models.Model]) -> ReviewAdapter:
    try:
        return _adapters[_key(model_class)]
    except KeyError:
        raise LookupError(f"No review adapter is registered for {model_class._meta.label}.") from None


def adapter_for(target: models.Model) -> ReviewAdapter:
    """The adapter registered for the target's model; LookupError if none."""
    return adapter_for_model(type(target))


def registered_models() -> list[type[models.Model]]:
    return list(_adapters)


def outcome_label(adapter: ReviewAdapter, outcome: str) -> str:
    return str(dict(adapter.outcomes).get(outcome, outcome))
