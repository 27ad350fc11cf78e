"""Core records: organisations, people and their roles, notifications, attachments and API tokens."""

import hashlib
import secrets
from datetime import timedelta

import rules
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .choices import OrganisationKind, Role, TokenScope
from .language import is_japanese
from .superuser import in_admin


class User(AbstractUser):
    """A person who signs in to Kiban; what they may do comes from their memberships."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def has_perm(self, perm: str, obj=None) -> bool:
        """A domain permission (registered with django-rules) is the platform's rule for everyone, superusers
        included; Django's own grant-everything to superusers holds only in /admin/, which checks the same
        model permission names (seeds.change_seed …) for its pages."""
        if not in_admin() and rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def has_role(self, *roles: str) -> bool:
        """Whether any active membership carries one of the roles (cached per user object)."""
        if not self.is_authenticated or not self.is_active:
            return False
        if not hasattr(self, "_kiban_roles"):
            self._kiban_roles = set(self.memberships.values_list("role", flat=True))
        return bool(self._kiban_roles.intersection(roles))


class Organisation(models.Model):
    """A university, hub, company, biobank, facility site, resource centre, agency or ministry."""

    name = models.CharField(_("name (Japanese)"), max_length=200, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    lead_organisation = models.ForeignKey(
        "self",
        verbose_name=_("lead organisation"),
        help_text=_("For a sharing institution (分担機関): the organisation it shares the work of."),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sharing_institutions",
    )
    website = models.URLField(_("website"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("core:organisation-detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        if not is_japanese() and self.name_en:
            return self.name_en
        return self.name


class Membership(models.Model):
    """A person's role at an organisation; one person may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    title = models.CharField(_("title"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class Notification(models.Model):
    """A message to one person: shown in the in-app inbox and, once, sent by e-mail."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.subject


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # Files are named by content hash, never by the uploader's name, so nothing user-supplied reaches disk.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file attached to any record, stored on disk outside the database, with checked size and type."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    media_type = models.CharField(_("content type"), max_length=100)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    description = models.CharField(_("description"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_target")]

    def __str__(self) -> str:
        return self.original_name


def _token_expiry():
    return timezone.now() + timedelta(days=ApiToken.DEFAULT_DAYS)


class ApiToken(models.Model):
    """A personal API token; only its hash is stored, the key is shown once when created."""

    PREFIX = "kbn_"
    DEFAULT_DAYS = 90
    MAX_DAYS = 365

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    key_hint = models.CharField(_("key starts with"), max_length=12)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), default=_token_expiry)
    scope = models.CharField(
        pgettext_lazy("API token", "scope"),
        max_length=20,
        choices=TokenScope.choices,
        default=TokenScope.READ_WRITE,
    )
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_hint}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class DisclosureBudget(models.Model):
    """The distinct aggregate questions one caller asked within the sliding window (kiban/core/disclosure.py).

    Kept in the database, not in a worker's memory, so that the budget holds across gunicorn workers. Only
    keyed hashes of the questions are stored, never the questions. Not audited: it is a rate counter that
    changes on every counted query, not a decision anyone takes."""

    caller = models.CharField(_("caller"), max_length=80, unique=True)
    # [[question digest, asked at (Unix seconds)], …], oldest first, only those still inside the window.
    questions = models.JSONField(_("questions asked"), default=list)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("disclosure query budget")
        verbose_name_plural = _("disclosure query budgets")

    def __str__(self) -> str:
        return self.caller
