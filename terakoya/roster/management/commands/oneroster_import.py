"""``manage.py oneroster_import PATH [--dry-run]``: import a OneRoster Japan Profile ZIP.

Exit status 0 when the package was applied (or, with --dry-run, would apply); otherwise 1 with
every error listed. The logic lives in :mod:`terakoya.roster.oneroster`.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from terakoya.roster.oneroster import ImportRefused, import_file


class Command(BaseCommand):
    help = "OneRoster 1.2 Japan Profile の ZIP を取り込みます / Import a OneRoster JP ZIP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="検証と計画のみ / validate and plan only"
        )
        parser.add_argument("--json", action="store_true", help="JSON で結果を出力 / JSON output")
        parser.add_argument("--lang", default="ja", choices=["ja", "en"])

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        english = options["lang"] == "en"

        def progress(stage: str, rows: int) -> None:
            if not options["json"]:
                self.stdout.write(
                    f"  {stage}: {rows} 行 / rows ({time.monotonic() - started:.1f}s)"
                )

        try:
            outcome = import_file(options["path"], dry_run=options["dry_run"], progress=progress)
        except ImportRefused as refused:
            if options["json"]:
                body = {
                    "ok": False,
                    "error_count": refused.error_count,
                    "errors": [i.as_dict() for i in refused.issues],
                }
                self.stdout.write(json.dumps(body, ensure_ascii=False, indent=2))
            else:
                for issue in refused.issues:
                    message = issue.message_en if english else issue.message_ja
                    value = f" value={issue.value!r}" if issue.value else ""
                    self.stderr.write(
                        f"{issue.severity}: {issue.location} [{issue.rule}]{value} {message}"
                    )
            raise CommandError(refused.message("en" if english else "ja")) from refused
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2))
            return
        for issue in outcome.warnings:
            message = issue.message_en if english else issue.message_ja
            self.stdout.write(f"warning: {issue.location} [{issue.rule}] {message}")
        report = outcome.report
        self.stdout.write(
            f"OneRoster {report.version} ({report.package_kind})"
            + (" — 試行のみ・変更なし / dry run, nothing written" if outcome.result.dry_run else "")
        )
        for entity, counter in sorted(outcome.result.counts.items()):
            parts = ", ".join(f"{action} {n}" for action, n in sorted(counter.items()))
            self.stdout.write(f"  {entity}: {parts}")
        self.stdout.write(
            f"変更 {outcome.result.total_changes} 件 / {outcome.result.total_changes} changes "
            f"in {time.monotonic() - started:.1f}s"
        )
