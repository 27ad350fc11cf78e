"""Compiles every locale's django.po into django.mo with polib, so no gettext tools are needed."""

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "src" / "kiban" / "locale"

for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
    polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"compiled {po_path.relative_to(LOCALE_DIR)}")
