"""How the review engine reads and decides a requested item, for units that score their requests
(registered in apps.py): the unit's lead manages the round; reviewers from the applicant's institution or
who prepared the application are conflicted."""

from django.db import models
from django.utils.translation import gettext as _

from kiban.core.models import User
from kiban.reviews.models import Decision

from . import services
from .choices import ItemState, ScreeningDecision
from .models import RequestedItem
from .rules import is_item_unit_lead


class RequestedItemAdapter:
    """A unit scores an item routed to it; the decision is the unit's screening decision."""

    outcomes = ScreeningDecision.choices

    def target_queryset(self) -> models.QuerySet[RequestedItem]:
        return RequestedItem.objects.select_related("application__organisation", "menu_item", "unit")

    def title(self, target: RequestedItem, state: str | None = None) -> str:
        return _("BINDS support: %(item)s for %(application)s") % {
            "item": target.menu_item.name,
            "application": target.application.title,
        }

    def summary(self, target: RequestedItem) -> str:
        application = target.application
        parts = [
            application.research_summary,
            f"{application.target_name} {application.uniprot_accession}".strip(),
        ]
        if target.handoff_note:
            parts.append(target.handoff_note)
        return "\n\n".join(part for part in parts if part)

    def applicant_label(self, target: RequestedItem) -> str:
        return target.application.organisation.name

    def applicant_users(self, target: RequestedItem) -> list[User]:
        return target.application.applicant_users()

    def conflict_organisation_ids(self, target: RequestedItem) -> set[int]:
        return {target.application.organisation_id}

    def conflict_user_ids(self, target: RequestedItem) -> set[int]:
        application = target.application
        return {pk for pk in (application.created_by_id, application.submitted_by_id) if pk}

    def can_manage(self, user: User, target: RequestedItem) -> bool:
        return is_item_unit_lead.test(user, target)

    def review_refusal(self, target: RequestedItem) -> str | None:
        if target.state in (ItemState.ROUTED, ItemState.UNDER_REVIEW):
            return None
        return _("The item is %(state)s; only an item routed to a unit is reviewed.") % {
            "state": target.get_state_display().lower()
        }

    def review_opened(self, target: RequestedItem, round, actor: User) -> None:
        if target.state == ItemState.ROUTED:
            services.item_review_start(item=target, actor=actor)

    def apply_decision(self, target: RequestedItem, decision: Decision) -> None:
        services.item_screen(
            item=target,
            decision=decision.outcome,
            reason=decision.rationale,
            changes=decision.rationale if decision.outcome == ScreeningDecision.ACCEPT_WITH_CHANGES else "",
            actor=decision.decided_by,
        )

    def url(self, target: RequestedItem) -> str:
        return target.get_absolute_url()
