"""Enumerations of BINDS support: unit roles, funding, requested-item and task states, outcome kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitRole(models.TextChoices):
    """What a person does in a support unit; headquarters (ヘッドクォーター) members are PS or PO."""

    LEAD = "lead", _("Unit lead (screens requests)")
    STAFF = "staff", _("Support staff")
    PS = "ps", _("Programme supervisor (PS)")
    PO = "po", _("Programme officer (PO)")


class Funding(models.TextChoices):
    """The funding that supports the applicant's work (the council asks to reach work funded outside AMED)."""

    AMED = "amed", _("AMED")
    KAKEN = "kaken", _("KAKEN (JSPS Grants-in-Aid)")
    OTHER = "other", _("Other funding")
    NONE = "none", _("No external funding")


class ItemState(models.TextChoices):
    """requested → routed (by headquarters) → [under review] → accepted / declined; per item, so that a
    declined item does not decline the whole application. Withdrawn when the application is."""

    REQUESTED = "requested", _("Requested")
    ROUTED = "routed", _("Routed to a unit")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


DECIDED_ITEM_STATES = (ItemState.ACCEPTED, ItemState.DECLINED)


class ScreeningDecision(models.TextChoices):
    """A unit's answer to an item routed to it."""

    ACCEPT = "accept", _("Accept")
    ACCEPT_WITH_CHANGES = "accept_with_changes", _("Accept with changes")
    DECLINE = "decline", _("Decline")


class TaskState(models.TextChoices):
    """waiting (for the previous unit's hand-off) → ready → in progress → done."""

    WAITING = "waiting", _("Waiting for the previous unit")
    READY = "ready", _("Input ready")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class OutcomeKind(models.TextChoices):
    PAPER = "paper", _("Paper (DOI)")
    PATENT = "patent", _("Patent")
    PDB = "pdb", _("PDB entry")
    EMDB = "emdb", _("EMDB entry")
    OTHER_ACCESSION = "other_accession", _("Other accession ID")
