"""Every non-trivial read of the core, already filtered to what the asking user may see."""

import datetime
import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Coalesce
from simple_history.models import registered_models

from .choices import Role
from .models import Attachment, Membership, Notification, Organisation, User


def organisation_list(*, kind: str | None = None) -> models.QuerySet[Organisation]:
    organisations = Organisation.objects.select_related("lead_organisation")
    return organisations.filter(kind=kind) if kind else organisations


def organisation_members(*, organisation: Organisation):
    return organisation.memberships.select_related("user").order_by("role", "user__username")


# --- people by role, and the organisations hub staff work for
def active_users_with_role(
    *roles: str, organisation_ids: Iterable[int] | None = None
) -> models.QuerySet[User]:
    """Active users holding any of the roles (at one of the organisations, when given), each once."""
    memberships = Membership.objects.filter(role__in=roles)
    if organisation_ids is not None:
        memberships = memberships.filter(organisation_id__in=list(organisation_ids))
    # One membership must carry both the role and the organisation, hence the subquery rather than two
    # filters across the relation (which could match the role at one organisation, the other elsewhere).
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))


def role_organisation_ids(*, user: User, role: str) -> frozenset[int]:
    """The organisations where the user holds the role (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cache = user.__dict__.setdefault("_kiban_role_organisations", {})
    if role not in cache:
        cache[role] = frozenset(user.memberships.filter(role=role).values_list("organisation_id", flat=True))
    return cache[role]


def member_organisation_ids(*, user: User) -> frozenset[int]:
    """The organisations where the user holds any role (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if "_kiban_member_organisations" not in user.__dict__:
        user._kiban_member_organisations = frozenset(
            user.memberships.values_list("organisation_id", flat=True)
        )
    return user._kiban_member_organisations


def hub_group_ids(organisation_ids: Iterable[int]) -> frozenset[int]:
    """The organisations with their lead hubs and every sharing institution (分担機関) of those hubs.

    A lead hub and its sharing institutions do the hub's work together (the source document's 拠点 and
    分担機関; their outcomes count for the hub): the hub's staff see and manage the work of its sharing
    institutions, and staff at a sharing institution work for its lead hub. So every rule asking "is this
    the user's hub?" and every question "who are this hub's staff?" goes through this one group.
    """
    ids = list(organisation_ids)
    if not ids:
        return frozenset()
    leads = Organisation.objects.filter(pk__in=ids).annotate(lead=Coalesce("lead_organisation_id", "pk"))
    return frozenset(
        Organisation.objects.filter(
            models.Q(pk__in=leads.values("lead")) | models.Q(lead_organisation_id__in=leads.values("lead"))
        ).values_list("pk", flat=True)
    )


def hub_scope_ids(*, user: User) -> frozenset[int]:
    """The organisations whose work the user does as hub staff: the hub group of each organisation where
    they hold the hub-staff role (cached on the user object)."""
    if "_kiban_hub_scope" not in user.__dict__:
        user._kiban_hub_scope = hub_group_ids(role_organisation_ids(user=user, role=Role.HUB_STAFF))
    return user._kiban_hub_scope


def hub_staff_for(*, organisation_id: int) -> models.QuerySet[User]:
    """The active hub staff who work for the organisation: those whose hub scope holds it."""
    return active_users_with_role(Role.HUB_STAFF, organisation_ids=hub_group_ids([organisation_id]))


def inbox(*, user: User) -> models.QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def attachments_for(obj: models.Model) -> models.QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("uploaded_by")


# --- audit trail
def audited_models() -> dict[str, type[models.Model]]:
    """Every model whose changes are kept, by 'app_label.model_name'.

    simple-history also registers the history tables of many-to-many fields; their changes show in their
    owner's records, so only models with a history manager of their own are listed.
    """
    return {
        model._meta.label_lower: model
        for model in sorted(registered_models.values(), key=str)
        if hasattr(model._meta, "simple_history_manager_attribute")
    }


def history_model(model: type[models.Model]) -> type[models.Model]:
    return getattr(model, model._meta.simple_history_manager_attribute).model


@dataclass(frozen=True)
class AuditFilter:
    model: str = ""
    username: str = ""
    change_type: str = ""  # '+' created, '~' changed, '-' deleted
    reason: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None


@dataclass(frozen=True)
class AuditPage:
    records: list
    total: int


def _filtered_history(model: type[models.Model], audit_filter: AuditFilter) -> models.QuerySet:
    records = history_model(model).objects.select_related("history_user")
    if audit_filter.username:
        records = records.filter(history_user__username=audit_filter.username)
    if audit_filter.change_type:
        records = records.filter(history_type=audit_filter.change_type)
    if audit_filter.reason:
        records = records.filter(history_change_reason__icontains=audit_filter.reason)
    if audit_filter.since:
        records = records.filter(history_date__date__gte=audit_filter.since)
    if audit_filter.until:
        records = records.filter(history_date__date__lte=audit_filter.until)
    return records.order_by("-history_date", "-history_id")


def audit_trail(*, audit_filter: AuditFilter, offset: int = 0, limit: int = 50) -> AuditPage:
    """Changes to every audited record, newest first: two queries per audited model, whatever the size."""
    models_by_label = audited_models()
    if audit_filter.model:
        models_by_label = {k: v for k, v in models_by_label.items() if k == audit_filter.model}
    streams, total = [], 0
    for label, model in models_by_label.items():
        records = _filtered_history(model, audit_filter)
        total += records.count()
        page = list(records[: offset + limit])
        for record in page:
            record.audit_label = label
            record.audit_model_name = model._meta.verbose_name
        streams.append(page)
    merged = heapq.merge(*streams, key=lambda r: (r.history_date, r.history_id), reverse=True)
    return AuditPage(records=list(merged)[offset : offset + limit], total=total)


def audit_record(*, label: str, history_id: int):
    """One kept change with the fields it changed (None where the label or id is unknown)."""
    model = audited_models().get(label)
    if model is None:
        return None, []
    record = history_model(model).objects.select_related("history_user").filter(history_id=history_id).first()
    if record is None:
        return None, []
    record.audit_label = label
    record.audit_model_name = model._meta.verbose_name
    previous = record.prev_record
    if previous is None:
        changes = [
            (field.verbose_name, None, getattr(record, field.attname))
            for field in model._meta.concrete_fields
            if hasattr(record, field.attname)
        ]
    else:
        delta = record.diff_against(previous)
        changes = [
            (model._meta.get_field(change.field).verbose_name, change.old, change.new)
            for change in delta.changes
        ]
    return record, changes
