"""Background work of the core, run by the task worker (django-tasks-db)."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.utils import timezone

from .models import Notification


@task
def send_notification_email(notification_id: int) -> bool:
    """E-mails one notification to its recipient, once; returns whether a mail was sent."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.emailed_at is not None or not notification.recipient.email:
        return False
    link = notification.link
    body = notification.body + (f"\n\n{settings.KIBAN_SITE_URL}{link}" if link else "")
    send_mail(notification.subject, body, None, [notification.recipient.email])
    Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return True
