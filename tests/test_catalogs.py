"""The Japanese catalog: complete, placeholders intact, compiled .mo in step with the .po, and used by pages.

After changing translatable strings, refresh and compile the catalog (from the repository root):
    cd src/kiban && ../../.venv/bin/kiban makemessages -l ja --no-obsolete --add-location file \
        -i 'tests/*' -i '*/tests/*' -i 'static/*' && cd ../.. && .venv/bin/python scripts/compile_messages.py
then translate the new entries in src/kiban/locale/ja/LC_MESSAGES/django.po and compile again.
"""

import re
from pathlib import Path

import polib
from django.conf import settings

from kiban.core.testing import user_with_role

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "ja" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# %(name)s, %(count)d, %s, %d, %i, %f; a literal "%)" or "%%" is no placeholder.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]")


def _catalog() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def _key(entry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def _translation(entry):
    if entry.msgid_plural:
        return {int(n): text for n, text in entry.msgstr_plural.items()}
    return entry.msgstr


def test_catalog_header_is_japanese_with_one_plural_form():
    metadata = _catalog().metadata
    assert metadata["Language"] == "ja"
    assert "charset=UTF-8" in metadata["Content-Type"]
    assert metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_catalog_has_entries():
    assert len(_live(_catalog())) > 100


def _is_empty(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(text.strip() for text in entry.msgstr_plural.values())
    return not entry.msgstr.strip()


def test_no_entry_is_untranslated():
    # Checked directly rather than with untranslated_entries(), which leaves out fuzzy entries.
    untranslated = [entry.msgid for entry in _live(_catalog()) if _is_empty(entry)]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:10]}"


def test_no_entry_is_fuzzy():
    fuzzy = [entry.msgid for entry in _catalog().fuzzy_entries() if not entry.obsolete]
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"


def test_plural_entries_fill_the_single_japanese_form():
    for entry in _live(_catalog()):
        if entry.msgid_plural:
            assert set(entry.msgstr_plural) == {0}, entry.msgid
            assert entry.msgstr_plural[0].strip(), entry.msgid


def test_every_placeholder_is_kept():
    problems = []
    for entry in _live(_catalog()):
        if entry.msgid_plural:
            # Japanese has one form, used for every count: it must carry the plural's placeholders.
            expected = _placeholders(entry.msgid_plural)
            for form, text in entry.msgstr_plural.items():
                if _placeholders(text) != expected:
                    problems.append(f"{entry.msgid!r}[{form}]: {expected} vs {_placeholders(text)}")
        elif _placeholders(entry.msgid) != _placeholders(entry.msgstr):
            problems.append(f"{entry.msgid!r}: {_placeholders(entry.msgid)} vs {_placeholders(entry.msgstr)}")
        if "python-format" in entry.flags:
            # A python-format msgstr is interpolated: a stray single % would raise at run time.
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                assert "%" not in PLACEHOLDER.sub("", text.replace("%%", "")), entry.msgid
    assert not problems, "\n".join(problems)


def test_html_markup_is_kept():
    tag = re.compile(r"</?\w+[^>]*>")
    for entry in _live(_catalog()):
        if not entry.msgid_plural:
            assert sorted(tag.findall(entry.msgid)) == sorted(tag.findall(entry.msgstr)), entry.msgid


def test_compiled_catalog_matches_the_po():
    po = _catalog()
    expected = {_key(entry): _translation(entry) for entry in po.translated_entries() if not entry.obsolete}
    compiled = {_key(entry): _translation(entry) for entry in polib.mofile(str(MO_PATH)) if entry.msgid}
    assert compiled == expected, (
        "django.mo is out of date with django.po; run `.venv/bin/python scripts/compile_messages.py`"
    )


def test_home_page_is_in_japanese_for_ja(client, db):
    label = next(
        entry for entry in _catalog() if entry.msgid == "Programmes and budgets" and not entry.msgctxt
    )
    assert label.msgstr and label.msgstr != label.msgid
    client.force_login(user_with_role("researcher"))
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert label.msgstr in html
    assert "Programmes and budgets" not in html


def test_home_page_is_in_english_for_en(client, db):
    client.force_login(user_with_role("researcher"))
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Programmes and budgets" in html
    assert "事業・予算" not in html
