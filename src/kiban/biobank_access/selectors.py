"""Reads of access requests, already narrowed to what the asking user may see: a researcher their own
requests, a biobank's curators the parts addressed to their biobank (never another biobank's parts)."""

from django.db import models

from kiban.agreements.models import Agreement
from kiban.biobank.models import Biobank
from kiban.core.choices import Role
from kiban.core.models import User
from kiban.core.selectors import active_users_with_role, role_organisation_ids

from .choices import DECIDED_PART_STATES, ENDED_PART_STATES, Overall, PartState
from .models import AccessPart, AccessRequest, PartEvent


def curated_biobank_ids(*, user: User) -> frozenset[int]:
    """The biobanks whose organisation the user is a biobank curator at."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    organisations = role_organisation_ids(user=user, role=Role.BIOBANK_CURATOR)
    if not organisations:
        return frozenset()
    return frozenset(Biobank.objects.filter(organisation_id__in=organisations).values_list("pk", flat=True))


def biobank_curators(*, biobank: Biobank) -> list[User]:
    """Who hears of a part addressed to the biobank: its active curators."""
    return list(active_users_with_role(Role.BIOBANK_CURATOR, organisation_ids=[biobank.organisation_id]))


def request_list(*, user: User) -> models.QuerySet[AccessRequest]:
    """The user's own requests (prepared or submitted by them), newest first, with their parts joined."""
    if not getattr(user, "is_authenticated", False):
        return AccessRequest.objects.none()
    return (
        AccessRequest.objects.filter(models.Q(created_by=user) | models.Q(submitted_by=user))
        .select_related("organisation")
        .prefetch_related(models.Prefetch("parts", AccessPart.objects.select_related("biobank")))
        .distinct()
    )


def part_list(*, user: User) -> models.QuerySet[AccessPart]:
    """The parts the user may open: of their own requests, and the submitted parts addressed to a biobank
    they curate; the biobank desk's rows, oldest step first."""
    if not getattr(user, "is_authenticated", False):
        return AccessPart.objects.none()
    own = models.Q(request__created_by=user) | models.Q(request__submitted_by=user)
    curated = models.Q(biobank_id__in=curated_biobank_ids(user=user)) & ~models.Q(state=PartState.DRAFT)
    return (
        AccessPart.objects.filter(own | curated)
        .with_signature_pending()
        .select_related("request__organisation", "request__created_by", "biobank__organisation")
        .prefetch_related(models.Prefetch("events", PartEvent.objects.select_related("actor")))
        .order_by("moved_at", "pk")
    )


def desk_parts(*, user: User, open_only: bool = True) -> models.QuerySet[AccessPart]:
    """The parts addressed to the biobanks the user curates (not their own requests' parts elsewhere)."""
    parts = (
        AccessPart.objects.filter(biobank_id__in=curated_biobank_ids(user=user))
        .exclude(state=PartState.DRAFT)
        .with_signature_pending()
        .select_related("request__organisation", "request__created_by", "biobank__organisation")
        .order_by("moved_at", "pk")
    )
    if open_only:
        parts = parts.exclude(state__in=ENDED_PART_STATES)
    return parts


def timeline(*, part: AccessPart):
    """The part's steps in order, with who took them (from prefetched rows when the list joined them)."""
    if "events" in getattr(part, "_prefetched_objects_cache", {}):
        return part.events.all()
    return part.events.select_related("actor")


def overall_of(request: AccessRequest, parts: list[AccessPart] | None = None) -> str:
    """The request as a whole, by this rule: a draft or withdrawn request is that; otherwise it is closed once
    every part has ended (unavailable, declined, made available or shipped, withdrawn), approved by one
    biobank while any part is approved (or provided) and another still open, being handled once any biobank
    has taken a step, and submitted while every part still waits for its biobank."""
    if request.state == "draft":
        return Overall.DRAFT
    if request.state == "withdrawn":
        return Overall.WITHDRAWN
    parts = list(request.parts.all()) if parts is None else parts
    states = [part.state for part in parts]
    if states and all(state in ENDED_PART_STATES for state in states):
        return Overall.CLOSED
    if any(state in (PartState.APPROVED, PartState.PROVIDED) for state in states):
        return Overall.PARTLY_APPROVED
    if any(state != PartState.SUBMITTED for state in states):
        return Overall.IN_PROGRESS
    return Overall.SUBMITTED


def in_force_kinds(parts: list[AccessPart]) -> dict[int, set[str]]:
    """The kinds of agreement in force today about each of the parts, in one query."""
    kinds: dict[int, set[str]] = {part.pk: set() for part in parts}
    rows = (
        Agreement.objects.about_model(AccessPart)
        .in_force()
        .filter(object_id__in=list(kinds))
        .values_list("object_id", "kind")
    )
    for object_id, kind in rows:
        kinds[object_id].add(kind)
    return kinds


def visible_parts(*, user: User, request: AccessRequest, parts: list[AccessPart]) -> list[AccessPart]:
    """The applicant sees every part of their request; anyone else (a curator) only the parts they may
    open, those addressed to the biobanks they curate."""
    if user.has_perm("biobank_access.submit_accessrequest", request):
        return parts
    return [part for part in parts if user.has_perm("biobank_access.view_accesspart", part)]


def all_decided(parts: list[AccessPart]) -> bool:
    return bool(parts) and all(part.state in (*DECIDED_PART_STATES, PartState.WITHDRAWN) for part in parts)
