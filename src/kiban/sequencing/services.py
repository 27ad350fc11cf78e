"""Writes of sequencing progress."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kiban.core.audit import audited_save
from kiban.core.choices import Role
from kiban.core.errors import unique_or_conflict
from kiban.core.models import User
from kiban.core.selectors import active_users_with_role
from kiban.core.services import notification_send

from .choices import FigureKind
from .models import SequencingFigure


def sequencing_figure_record(
    *,
    funder: str,
    as_of: datetime.date,
    planned: int,
    sequenced: int,
    released: int | None,
    reason: str,
    actor: User,
) -> SequencingFigure:
    """Records an achieved figure; the agency and the ministry are told."""
    if sequenced > planned:
        raise ValidationError(
            _("Sequenced genomes (%(sequenced)s) cannot exceed planned genomes (%(planned)s)."),
            "sequenced_over_plan",
            params={"sequenced": f"{sequenced:,}", "planned": f"{planned:,}"},
        )
    if released is not None and released > sequenced:
        raise ValidationError(
            _("Released genomes (%(released)s) cannot exceed sequenced genomes (%(sequenced)s)."),
            "released_over_sequenced",
            params={"released": f"{released:,}", "sequenced": f"{sequenced:,}"},
        )
    figure = SequencingFigure(
        funder=funder,
        kind=FigureKind.ACTUAL,
        as_of=as_of,
        planned=planned,
        sequenced=sequenced,
        released=released,
        source=reason,
    )
    duplicate = _("A figure for this funder on %(date)s is already recorded.") % {"date": as_of.isoformat()}
    with unique_or_conflict(duplicate, "duplicate_figure"):
        audited_save(figure, actor=actor, reason=reason)
    followers = active_users_with_role(Role.AGENCY_OFFICER, Role.MINISTRY_OFFICIAL)
    notification_send(
        recipients=list(followers),
        subject=_("Sequencing progress: %(funder)s, %(date)s")
        % {"funder": figure.get_funder_display(), "date": as_of.isoformat()},
        body=_("%(sequenced)s of %(planned)s genomes sequenced.")
        % {"sequenced": f"{sequenced:,}", "planned": f"{planned:,}"},
        link="/sequencing/",
    )
    return figure
