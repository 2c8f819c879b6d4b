"""OneRoster 1.2 Japan Profile bulk/delta CSV: read, validate, plan, apply and export.

The interface (the ``oneroster_import`` / ``oneroster_export`` commands, the upload page and the
JSON API in ``terakoya.roster.views_oneroster``) calls :func:`import_file` and
:func:`export_package` only; every rule lives in this package (docs/decisions/0120–0124).
"""

from __future__ import annotations

from terakoya.roster.oneroster.api import (
    ExportScope,
    ImportOutcome,
    ImportRefused,
    Scope,
    export_package,
    export_scope_for,
    import_file,
)

__all__ = [
    "ExportScope",
    "ImportOutcome",
    "ImportRefused",
    "Scope",
    "export_package",
    "export_scope_for",
    "import_file",
]
