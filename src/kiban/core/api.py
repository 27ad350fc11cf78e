"""Core API: who am I, my notifications, the organisation directory."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from . import selectors, services
from .apikit import Page, responses
from .choices import OrganisationKind
from .inputs import Id
from .models import Organisation

router = Router(tags=["core"])


class MembershipOut(Schema):
    organisation_id: int
    organisation: str = Field(alias="organisation.name")
    role: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    memberships: list[MembershipOut]


class NotificationOut(Schema):
    id: int
    subject: str
    body: str
    link: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None


class MarkReadIn(Schema):
    ids: list[Id] | None = None


class MarkReadOut(Schema):
    marked_read: int


class OrganisationOut(Schema):
    id: int
    name: str
    name_en: str
    short_name: str
    kind: str
    lead_organisation_id: int | None


@router.get(
    "/me", response=responses(MeOut), summary="The signed-in user and their memberships (any signed-in user)"
)
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": str(user),
        "email": user.email,
        "memberships": list(user.memberships.select_related("organisation")),
    }


@router.get(
    "/notifications",
    response=responses(list[NotificationOut]),
    summary="My notifications, newest first (owner only)",
)
@paginate(Page)
def notification_list(request, unread: bool = False):
    notifications = selectors.inbox(user=request.user)
    return notifications.filter(read_at__isnull=True) if unread else notifications


@router.post(
    "/notifications/read",
    response=responses(MarkReadOut, 400, 403, 413),
    summary="Mark my notifications read (owner only)",
)
def notification_read(request, payload: MarkReadIn):
    return {"marked_read": services.notification_mark_read(user=request.user, notification_ids=payload.ids)}


@router.get(
    "/organisations", response=responses(list[OrganisationOut]), summary="Organisations (any signed-in user)"
)
@paginate(Page)
def organisation_list(request, kind: OrganisationKind | None = None):
    return selectors.organisation_list(kind=kind)


@router.get(
    "/organisations/{organisation_id}",
    response=responses(OrganisationOut, 404),
    summary="One organisation (any signed-in user)",
)
def organisation_detail(request, organisation_id: Id):
    return get_object_or_404(Organisation, pk=organisation_id)
