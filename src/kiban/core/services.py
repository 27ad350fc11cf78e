"""Every write of the core: notifications, attachments, API tokens. Keyword-only, one transaction each."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audited_save
from .choices import TokenScope
from .errors import TokenRefused
from .models import ApiToken, Attachment, Notification, User


# --- notifications
def notification_send(
    *, recipients: list[User], subject: str, body: str = "", link: str = ""
) -> list[Notification]:
    """Puts a notification in each recipient's inbox and e-mails it after the transaction commits."""
    from .tasks import send_notification_email

    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject, body=body, link=link)
        for user in {user.pk: user for user in recipients if user.is_active}.values()
    )
    for notification in notifications:
        transaction.on_commit(lambda pk=notification.pk: send_notification_email.enqueue(pk))
    return notifications


def notification_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    """Marks the user's own notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


# --- attachments
@dataclass(frozen=True)
class AllowedType:
    media_type: str
    extensions: tuple[str, ...]
    magic: bytes | None  # None: text, checked as UTF-8 without NUL bytes


ALLOWED_ATTACHMENT_TYPES = (
    AllowedType("application/pdf", (".pdf",), b"%PDF-"),
    AllowedType("image/png", (".png",), b"\x89PNG\r\n\x1a\n"),
    AllowedType("image/jpeg", (".jpg", ".jpeg"), b"\xff\xd8\xff"),
    AllowedType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), b"PK\x03\x04"
    ),
    AllowedType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), b"PK\x03\x04"
    ),
    AllowedType("text/csv", (".csv",), None),
    AllowedType("text/plain", (".txt",), None),
)


def _is_utf8_prefix(head: bytes, *, cut: bool) -> bool:
    """Whether the bytes are UTF-8, allowing one character cut off at the end where the sample is `cut`."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return cut and error.reason == "unexpected end of data"
    return True


def _attachment_type(upload: UploadedFile) -> AllowedType:
    suffix = PurePath(upload.name or "").suffix.lower()
    allowed = next((t for t in ALLOWED_ATTACHMENT_TYPES if suffix in t.extensions), None)
    if allowed is None:
        names = ", ".join(ext for t in ALLOWED_ATTACHMENT_TYPES for ext in t.extensions)
        raise ValidationError(
            _("Files of type “%(suffix)s” are not accepted. Accepted types: %(names)s."),
            code="attachment_type",
            params={"suffix": suffix or _("(none)"), "names": names},
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if allowed.magic is not None:
        looks_right = head.startswith(allowed.magic)
    else:
        looks_right = b"\x00" not in head and _is_utf8_prefix(head, cut=len(head) < upload.size)
    if not looks_right:
        raise ValidationError(
            _("The file “%(name)s” does not contain what its name says (%(media_type)s)."),
            code="attachment_content",
            params={"name": upload.name, "media_type": allowed.media_type},
        )
    return allowed


def attachment_create(
    *, target: models.Model, upload: UploadedFile, uploaded_by: User, description: str = ""
) -> Attachment:
    """Checks the size and the real content type, then stores the file outside the database."""
    limit = settings.KIBAN_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="attachment_empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="attachment_size",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
        )
    allowed = _attachment_type(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        original_name=PurePath(upload.name).name[:255],
        media_type=allowed.media_type,
        size_bytes=upload.size,
        sha256=digest.hexdigest(),
        description=description,
        uploaded_by=uploaded_by,
    )
    with transaction.atomic():
        attachment.file.save(attachment.sha256, upload, save=False)
        audited_save(attachment, actor=uploaded_by, reason=_("Attached to %(target)s") % {"target": target})
    return attachment


# --- API tokens
def api_token_create(
    *, user: User, name: str, scope: str = TokenScope.READ_WRITE, days: int = ApiToken.DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    """Creates a token valid for `days` (1 to 365) with a scope, and returns it with its key; the key is not
    kept and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name, so you can tell it apart later."), code="token_name")
    if scope not in TokenScope.values:
        raise ValidationError(
            _("Choose the token's scope: read only, or read and write."), code="token_scope"
        )
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= ApiToken.MAX_DAYS:
        raise ValidationError(
            _("A token is valid for 1 to %(max)s days.") % {"max": ApiToken.MAX_DAYS}, code="token_days"
        )
    key = ApiToken.new_key()
    token = ApiToken(
        user=user,
        name=name[:100],
        key_hash=ApiToken.hash_key(key),
        key_hint=key[:8],
        scope=scope,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audited_save(token, actor=user, reason=_("API token created"))
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        # Only the token's owner may revoke it (core.delete_apitoken).
        audited_save(token, actor=token.user, reason=_("API token revoked"), update_fields=["revoked_at"])
    return token


# "Last used" is kept to the minute: a client making many requests does not write on each of them.
TOKEN_USE_PRECISION = timedelta(minutes=1)


def api_token_authenticate(*, key: str, writes: bool = False) -> User | None:
    """The active user owning a live token with this key, recording when it was last used; None for no such
    token. An expired token, or a read-only one used to change something (`writes`), is refused with
    TokenRefused saying why."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.is_expired:
        raise TokenRefused(
            _("This API token expired on %(date)s; create a new one on your API tokens page.")
            % {"date": timezone.localtime(token.expires_at).strftime("%Y-%m-%d")},
            status=401,
            code="token_expired",
        )
    if writes and token.scope != TokenScope.READ_WRITE:
        raise TokenRefused(
            _("This API token may only read; use a read-and-write token to change anything."),
            status=403,
            code="token_read_only",
        )
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
