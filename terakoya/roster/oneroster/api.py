"""The package's public entry points: import a file, export a scope."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from terakoya.privacy.audit import SYSTEM, AuditActor
from terakoya.roster.oneroster.apply import ProgressFn, Result, apply_package
from terakoya.roster.oneroster.export import ExportScope, export_package
from terakoya.roster.oneroster.issues import Collector, ImportRefused, Issue
from terakoya.roster.oneroster.reader import Package
from terakoya.roster.oneroster.validate import UNRESTRICTED, Report, Scope, validate_package


@dataclass
class ImportOutcome:
    """A validated (and, unless a dry run, applied) import."""

    report: Report
    result: Result

    @property
    def warnings(self) -> list[Issue]:
        return self.report.issues.warnings

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": True,
            "version": self.report.version,
            "kind": self.report.package_kind,
            "variant_columns": self.report.variant_columns,
            "rows": self.report.row_counts,
            "warnings": [i.as_dict() for i in self.report.issues.warnings],
            **self.result.as_dict(),
        }


def import_file(
    source: str | Path | IO[bytes],
    *,
    actor: AuditActor = SYSTEM,
    dry_run: bool = False,
    scope: Scope = UNRESTRICTED,
    progress: ProgressFn | None = None,
) -> ImportOutcome:
    """Validate a OneRoster ZIP and apply it all-or-nothing (or only plan it: ``dry_run``).

    Raises :class:`ImportRefused` with every error found; nothing is written then.
    """
    try:
        package = Package(source)
    except (zipfile.BadZipFile, OSError) as exc:
        issues = Collector()
        issues.error(
            "", None, "", "", "not_a_zip",
            "ZIP ファイルとして読めません。", "The file cannot be read as a ZIP archive.",
        )  # fmt: skip
        raise issues.refuse() from exc
    with package:
        report = validate_package(package, scope=scope)
        try:
            if progress is not None:
                progress("validated", sum(report.row_counts.values()))
            if not report.ok:
                raise report.issues.refuse()
            report.index.release()
            result = apply_package(package, report, actor=actor, dry_run=dry_run, progress=progress)
        finally:
            report.index.close()
    return ImportOutcome(report=report, result=result)


def export_scope_for(
    *, board_code: str | None = None, school_code: str | None = None
) -> ExportScope:
    """The export scope for a board or a school code (everything when both are None)."""
    from terakoya.roster.models import Board, School

    if board_code:
        board = Board.objects.filter(code=board_code).first()
        if board is None:
            raise LookupError(f"教育委員会コード {board_code} はありません / no such board")
        return ExportScope(board_ids=frozenset({board.pk}))
    if school_code:
        school = School.objects.filter(code=school_code).first()
        if school is None:
            raise LookupError(f"学校コード {school_code} はありません / no such school")
        return ExportScope(school_ids=frozenset({school.pk}))
    return ExportScope()


__all__ = [
    "ExportScope",
    "ImportOutcome",
    "ImportRefused",
    "Scope",
    "export_package",
    "export_scope_for",
    "import_file",
]
