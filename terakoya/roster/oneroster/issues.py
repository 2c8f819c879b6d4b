"""Problems found in a OneRoster package: where (file, row, column), what value, which rule.

Messages are Japanese first with English beside, like :class:`terakoya.core.errors.UserError`.
A value refused by a privacy guard is never repeated in the message (``value`` is blank).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from terakoya.core.errors import UserError

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding. ``row`` counts lines as a spreadsheet does (the header is row 1)."""

    file: str
    row: int | None
    column: str
    value: str
    rule: str
    message_ja: str
    message_en: str
    severity: str = ERROR

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(str(self.row))
        if self.column:
            parts.append(self.column)
        return ":".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "rule": self.rule,
            "code": self.rule,
            "message": self.message_ja,
            "message_en": self.message_en,
            "location": self.location,
        }

    def __str__(self) -> str:
        value = f" 値={self.value!r}" if self.value else ""
        where = f"[{self.severity}] {self.location} ({self.rule}){value}"
        return f"{where}: {self.message_ja} / {self.message_en}"


class ImportRefused(UserError):
    """The package was refused; ``issues`` lists every error (and warning) found."""

    code = "oneroster_invalid"

    def __init__(self, issues: list[Issue], *, error_count: int | None = None) -> None:
        self.issues = issues
        self.error_count = (
            error_count if error_count is not None else sum(i.severity == ERROR for i in issues)
        )
        super().__init__(
            f"OneRoster ファイルに {self.error_count} 件の誤りがあります。何も取り込んでいません。",
            f"The OneRoster package has {self.error_count} error(s). Nothing was imported.",
        )

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    def __str__(self) -> str:
        lines = [super().__str__(), *(str(i) for i in self.errors[:20])]
        return "\n".join(lines)


class Collector:
    """Collects issues, keeping at most ``limit`` errors (all are counted)."""

    def __init__(self, limit: int = 500) -> None:
        self.limit = limit
        self.errors: list[Issue] = []
        self.warnings: list[Issue] = []
        self.infos: list[Issue] = []
        self.error_count = 0
        self._warning_keys: set[tuple[str, str, str]] = set()

    def error(
        self, file: str, row: int | None, column: str, value: str, rule: str, ja: str, en: str
    ) -> None:
        self.error_count += 1
        if len(self.errors) < self.limit:
            self.errors.append(Issue(file, row, column, value[:200], rule, ja, en, ERROR))

    def warning(
        self,
        file: str,
        row: int | None,
        column: str,
        value: str,
        rule: str,
        ja: str,
        en: str,
        *,
        once: bool = False,
    ) -> None:
        """Record a warning; with ``once``, only the first per (file, column, rule)."""
        if once:
            key = (file, column, rule)
            if key in self._warning_keys:
                return
            self._warning_keys.add(key)
        if len(self.warnings) < self.limit:
            self.warnings.append(Issue(file, row, column, value[:200], rule, ja, en, WARNING))

    def info(self, file: str, rule: str, ja: str, en: str, value: str = "") -> None:
        self.infos.append(Issue(file, None, "", value, rule, ja, en, INFO))

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def all(self) -> list[Issue]:
        return [*self.errors, *self.warnings, *self.infos]

    def refuse(self) -> ImportRefused:
        return ImportRefused(self.all(), error_count=self.error_count)
