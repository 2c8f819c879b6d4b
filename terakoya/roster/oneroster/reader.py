"""Reading a OneRoster ZIP: the manifest, then each CSV streamed row by row.

Nothing is loaded whole: each file is read through :mod:`csv` over the ZIP member, so memory
does not grow with the number of rows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from terakoya.roster.oneroster import spec
from terakoya.roster.oneroster.issues import Collector

MANIFEST = "manifest.csv"


@dataclass
class Manifest:
    version: str = ""
    modes: dict[str, str] = field(default_factory=dict)  # file name -> bulk | delta
    source_name: str = ""
    source_code: str = ""
    variant_columns: set[str] = field(default_factory=set)

    def mode(self, name: str) -> str:
        return self.modes.get(name, "absent")

    @property
    def kind(self) -> str:
        """``bulk``, ``delta`` or ``mixed`` over the files present."""
        present = {mode for mode in self.modes.values() if mode != "absent"}
        if len(present) == 1:
            return present.pop()
        return "mixed" if present else "empty"


class Package:
    """An opened OneRoster ZIP. Use as a context manager."""

    def __init__(self, source: str | Path | IO[bytes]) -> None:
        self._zip = zipfile.ZipFile(source)
        self._members: dict[str, str] = {}
        names = [n for n in self._zip.namelist() if not n.endswith("/")]
        # Accept files at the root or inside one folder (a zipped directory).
        for name in names:
            base = name.rsplit("/", 1)[-1]
            if base.lower().endswith(".csv") and not base.startswith("."):
                self._members.setdefault(base[:-4], name)
        self.manifest = Manifest()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def has(self, name: str) -> bool:
        return name in self._members

    def csv_names(self) -> set[str]:
        return set(self._members) - {"manifest"}

    def _open_text(self, name: str) -> io.TextIOWrapper:
        raw = self._zip.open(self._members[name])
        return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")

    def raw_rows(self, name: str) -> Iterator[list[str]]:
        with self._open_text(name) as handle:
            yield from csv.reader(handle)

    def read_manifest(self, issues: Collector) -> Manifest:
        """Read and check manifest.csv (rules: manifest, file set)."""
        m = self.manifest
        f = MANIFEST
        if not self.has("manifest"):
            issues.error(
                f, None, "", "", "manifest_missing",
                "manifest.csv がありません。", "manifest.csv is missing.",
            )  # fmt: skip
            return m
        values: dict[str, str] = {}
        try:
            for index, row in enumerate(self.raw_rows("manifest"), start=1):
                if index == 1:
                    if [c.strip() for c in row] != ["propertyName", "value"]:
                        issues.error(
                            f, 1, "", ",".join(row), "manifest_header",
                            "manifest.csv の見出しは propertyName,value です。",
                            "The header of manifest.csv must be propertyName,value.",
                        )  # fmt: skip
                        return m
                    continue
                if len(row) != 2:
                    issues.error(
                        f, index, "", ",".join(row), "manifest_row",
                        "manifest.csv の行は2列です。", "Each manifest.csv row has two columns.",
                    )  # fmt: skip
                    continue
                values[row[0].strip()] = row[1].strip()
        except (UnicodeDecodeError, csv.Error):
            issues.error(
                f, None, "", "", "encoding",
                "UTF-8 の CSV として読めません。", "The file is not a readable UTF-8 CSV.",
            )  # fmt: skip
            return m
        if values.get("manifest.version") != spec.MANIFEST_VERSION:
            issues.error(
                f, None, "manifest.version", values.get("manifest.version", ""),
                "manifest_version", "manifest.version は 1.0 です。",
                "manifest.version must be 1.0.",
            )  # fmt: skip
        m.version = values.get("oneroster.version", "")
        if m.version not in spec.VERSIONS:
            issues.error(
                f, None, "oneroster.version", m.version, "oneroster_version",
                "oneroster.version は 1.2(または 1.2_JP)です。",
                "oneroster.version must be 1.2 (or 1.2_JP).",
            )  # fmt: skip
        elif m.version == spec.VERSION_JP_VARIANT:
            issues.warning(
                f, None, "oneroster.version", m.version, "version_variant",
                "1.2_JP 形式として読みました(デジタル庁の検証ツールは 1.2 のみ受け付けます)。",
                "Read as the 1.2_JP variant (the Digital Agency's validator accepts only 1.2).",
            )  # fmt: skip
        for key in ("source.systemName", "source.systemCode"):
            if key not in values:
                issues.error(
                    f, None, key, "", "manifest_source",
                    f"manifest.csv に {key} の行がありません。",
                    f"manifest.csv has no {key} line.",
                )  # fmt: skip
        m.source_name = values.get("source.systemName", "")
        m.source_code = values.get("source.systemCode", "")
        for name in spec.ALL_FILES:
            key = f"file.{name}"
            mode = values.get(key)
            if mode is None:
                issues.error(
                    f, None, key, "", "manifest_file_line",
                    f"manifest.csv に {key} の行がありません(21ファイルすべての行が必要です)。",
                    f"manifest.csv has no {key} line (all 21 file lines are required).",
                )  # fmt: skip
                continue
            if mode not in spec.FILE_MODES:
                issues.error(
                    f, None, key, mode, "manifest_file_mode",
                    f"{key} は absent・bulk・delta のいずれかです。",
                    f"{key} must be absent, bulk or delta.",
                )  # fmt: skip
                continue
            m.modes[name] = mode
            if mode != "absent" and not self.has(name):
                issues.error(
                    f"{name}.csv", None, "", "", "file_missing",
                    f"manifest.csv で {mode} とされた {name}.csv がありません。",
                    f"{name}.csv is declared {mode} in manifest.csv but is not in the ZIP.",
                )  # fmt: skip
            if mode == "absent" and self.has(name):
                issues.error(
                    f"{name}.csv", None, "", "", "file_unexpected",
                    f"{name}.csv は manifest.csv で absent ですが、ZIP に含まれています。",
                    f"{name}.csv is in the ZIP but declared absent in manifest.csv.",
                )  # fmt: skip
        for name in sorted(self.csv_names() - set(spec.ALL_FILES)):
            issues.error(
                f"{name}.csv", None, "", "", "file_unknown",
                f"{name}.csv は OneRoster のファイルではありません。",
                f"{name}.csv is not a OneRoster file.",
            )  # fmt: skip
        return m

    def rows(
        self, name: str, issues: Collector, *, report: bool = True
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (row number, cells by column) for a file whose header is correct.

        Header problems (missing or extra columns, wrong order) are reported once and no rows
        are yielded. ``report=False`` suppresses reports on later passes over the same file.
        """
        file = f"{name}.csv"
        expected = spec.HEADERS[name]
        try:
            reader = self.raw_rows(name)
            header = next(reader, None)
            if header is None:
                if report:
                    issues.error(
                        file, 1, "", "", "header_missing",
                        "見出し行がありません。", "The header row is missing.",
                    )  # fmt: skip
                return
            columns = [self._column(c.strip()) for c in header]
            if tuple(columns) != expected:
                if report:
                    self._report_header(file, columns, expected, issues)
                return
            width = len(expected)
            for index, cells in enumerate(reader, start=2):
                if not cells or (len(cells) == 1 and not cells[0]):
                    continue  # a blank line
                if len(cells) != width:
                    if report:
                        issues.error(
                            file, index, "", "", "row_width",
                            f"この行の列数は {len(cells)} です。見出しは {width} 列です。",
                            f"This row has {len(cells)} columns; the header has {width}.",
                        )  # fmt: skip
                    continue
                yield index, dict(zip(expected, cells, strict=True))
        except (UnicodeDecodeError, csv.Error):
            if report:
                issues.error(
                    file, None, "", "", "encoding",
                    "UTF-8 の CSV として読めません(Shift_JIS なら UTF-8 で保存し直してください)。",
                    "The file is not a readable UTF-8 CSV (re-save Shift_JIS files as UTF-8).",
                )  # fmt: skip

    def _column(self, column: str) -> str:
        variant = spec.METADATA_VARIANTS.get(column.lower())
        if variant is not None and column != variant:
            self.manifest.variant_columns.add(column)
            return variant
        return column

    @staticmethod
    def _report_header(
        file: str, columns: list[str], expected: tuple[str, ...], issues: Collector
    ) -> None:
        missing = [c for c in expected if c not in columns]
        extra = [c for c in columns if c not in expected]
        if not missing and not extra:
            first = next(
                i for i, (a, b) in enumerate(zip(columns, expected, strict=True)) if a != b
            )
            issues.error(
                file, 1, columns[first], ",".join(columns), "header_order",
                f"見出しの順序が違います。{first + 1}列目は {expected[first]} です。"
                f"正しい順序: {','.join(expected)}",
                f"The header is out of order: column {first + 1} must be {expected[first]}. "
                f"Expected: {','.join(expected)}",
            )  # fmt: skip
            return
        for column in missing:
            issues.error(
                file, 1, column, "", "header_column_missing",
                f"見出しに {column} 列がありません。", f"The header has no {column} column.",
            )  # fmt: skip
        for column in extra:
            issues.error(
                file, 1, column, column, "header_column_unknown",
                f"見出しの {column} 列は Japan Profile にありません。",
                f"The header column {column} is not in the Japan Profile.",
            )  # fmt: skip
