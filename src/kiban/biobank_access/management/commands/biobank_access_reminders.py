"""Reminds each biobank of the parts of access requests it has left unanswered (run daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from kiban.biobank_access.models import reminder_days
from kiban.biobank_access.services import reminders_send


class Command(BaseCommand):
    help = (
        "Notify a biobank's curators of each part of an access request their biobank has left unanswered for "
        "KIBAN_BIOBANK_ACCESS_REMINDER_DAYS days (14 by default), once per step."
    )

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"{sent} reminder(s) sent (parts waiting {reminder_days()} days or more).")
