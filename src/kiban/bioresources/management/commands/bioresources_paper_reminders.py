"""Reminds users who received bioresources to report the papers that used them (a monthly job)."""

from django.core.management.base import BaseCommand

from kiban.bioresources.services import paper_reminders_send


class Command(BaseCommand):
    help = (
        "Reminds each user whose bioresource order was received long enough ago, with no paper reported, "
        "to report papers."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=180, help="Received at least this many days ago (default 180)."
        )

    def handle(self, *args, days: int, **options):
        if not 0 <= days <= 36_500:
            from django.core.management.base import CommandError

            raise CommandError("--days runs from 0 to 36500.")
        reminded = paper_reminders_send(older_than_days=days)
        self.stdout.write(f"{reminded} user(s) reminded to report papers.")
