"""Writes of programmes and budgets."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kiban.core.audit import audited_save
from kiban.core.choices import Role
from kiban.core.errors import StateConflict
from kiban.core.fiscal import FiscalYear
from kiban.core.models import User
from kiban.core.money import format_million
from kiban.core.selectors import active_users_with_role
from kiban.core.services import notification_send

from .models import ProgrammeBudget


class StaleBudget(StateConflict):
    """The budget was changed by someone else since the form was opened."""


def programme_budget_update(
    *, budget_id: int, amount_yen: int, expected_version: int, reason: str, actor: User
) -> ProgrammeBudget:
    """Corrects one budget amount, refusing a stale edit, and tells the ministry and the agency."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Say why the amount changes; the reason is kept in the audit trail."), "reason"
        )
    if amount_yen < 0:
        raise ValidationError(_("An amount cannot be negative."), "negative_amount")
    with transaction.atomic():
        budget = ProgrammeBudget.objects.select_for_update().select_related("programme").get(pk=budget_id)
        if budget.version != expected_version:
            raise StaleBudget(
                _(
                    "Someone else changed this amount while you were editing it (it is now %(amount)s). "
                    "Reload the page and make your change again."
                )
                % {"amount": format_million(budget.amount_yen)},
                "stale",
            )
        previous = budget.amount_yen
        budget.amount_yen = amount_yen
        budget.version += 1
        audited_save(budget, actor=actor, reason=reason)
        recipients = active_users_with_role(Role.MINISTRY_OFFICIAL, Role.AGENCY_OFFICER).exclude(pk=actor.pk)
        notification_send(
            recipients=list(recipients),
            subject=_("Budget changed: %(programme)s, %(fiscal_year)s")
            % {"programme": budget.programme.name, "fiscal_year": FiscalYear(budget.fiscal_year).label},
            body=_("%(actor)s changed the %(kind)s from %(old)s to %(new)s. Reason: %(reason)s")
            % {
                "actor": actor,
                "kind": budget.get_kind_display(),
                "old": format_million(previous),
                "new": format_million(amount_yen),
                "reason": reason,
            },
            link=budget.programme.get_absolute_url(),
        )
    return budget
