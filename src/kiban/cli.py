"""The `kiban` command: Django's management commands under the platform's own name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiban.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kiban", *sys.argv[1:]])


if __name__ == "__main__":
    main()
