"""manage.py retention_sweep [--dry-run] [--today YYYY-MM-DD]: delete what has expired."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from terakoya.privacy.sweep import retention_sweep


class Command(BaseCommand):
    help = "Delete personal data whose retention period has ended (audited, without content)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")
        parser.add_argument("--today", help="sweep as of this date (YYYY-MM-DD, Japan)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must be a date, YYYY-MM-DD") from exc
        results = retention_sweep(today=today, dry_run=options["dry_run"])
        verb = "would delete" if options["dry_run"] else "deleted"
        for r in results:
            line = f"{r.label}: {verb} {r.count} (rule {r.rule}, anchors up to {r.cutoff})"
            if r.cascaded:
                line += " with " + ", ".join(f"{n} {label}" for label, n in r.cascaded.items())
            if r.blocked:
                line += f"; {r.blocked} kept: still referenced by records under retention"
            self.stdout.write(line)
        if not results:
            self.stdout.write(f"nothing {verb.split()[-1]}")
