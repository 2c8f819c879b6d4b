"""Compile the translation catalogues (.po → .mo) with polib.

Django's ``compilemessages`` needs GNU gettext's ``msgfmt``, which a fresh machine may lack;
polib is a pinned Python dependency, so ``make run`` and ``make test`` compile with it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every ``django.po`` under ``locale_dir`` whose ``.mo`` is missing or older."""
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all():
        sys.stdout.write(f"compiled {path}\n")
