"""`kiban serve`: serve the platform on 127.0.0.1:$KIBAN_PORT with a background task worker beside it."""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serves Kiban for development and demos (production: gunicorn kiban.wsgi, see the README)."

    def add_arguments(self, parser):
        parser.add_argument("--port", default=os.environ.get("KIBAN_PORT", "8000"))
        parser.add_argument("--no-worker", action="store_true", help="Do not start the task worker.")

    def handle(self, *args, port: str, no_worker: bool, **options):
        if not port.isdigit() or not 0 < int(port) < 65536:
            self.stderr.write(f"KIBAN_PORT must be a port number, not '{port}'.")
            sys.exit(2)
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "kiban.cli", "db_worker"])
        self.stdout.write(self.style.SUCCESS(f"Kiban is at http://127.0.0.1:{port}/ (Ctrl-C stops it)."))
        try:
            call_command(
                "runserver", f"127.0.0.1:{port}", use_reloader=False, insecure_serving=settings.DEBUG
            )
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
