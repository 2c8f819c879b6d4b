"""English is available for every user-facing string (Japanese is the source language)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.conf import settings

PACKAGE = Path(settings.BASE_DIR) / "terakoya"
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
TEMPLATE_STRING = re.compile(r"""\{%\s*(?:translate|trans)\s+"([^"]+)"(?:\s+as\s+\w+)?\s*%\}""")
PYTHON_STRING = re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*"((?:[^"\\]|\\.)*)"\s*\)""")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _source_strings() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.html"):
        # Django escapes "%" in template strings before the catalogue lookup.
        found.update(
            text.replace("%", "%%")
            for text in TEMPLATE_STRING.findall(path.read_text(encoding="utf-8"))
        )
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found.update(PYTHON_STRING.findall(path.read_text(encoding="utf-8")))
    return {s for s in found if JAPANESE.search(s)}


def test_every_catalogue_entry_has_an_english_translation():
    catalogue = polib.pofile(str(PO))
    untranslated = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    assert untranslated == []


def test_every_japanese_string_in_templates_and_code_is_in_the_catalogue():
    catalogue = {e.msgid for e in polib.pofile(str(PO)) if e.translated()}
    missing = sorted(_source_strings() - catalogue)
    assert missing == [], "run `manage.py makemessages -l en` and translate: " + repr(missing[:20])
