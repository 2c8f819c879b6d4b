"""manage.py audit_verify: recompute the audit log's Merkle tree and check every signed head.

Exits non-zero, naming the first bad position, when an entry was changed, removed or
reordered, or a tree head does not verify.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from terakoya.privacy.tree import audit_verify

SHOWN = 20


class Command(BaseCommand):
    help = "Verify the audit log against its signed Merkle tree heads."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if report.ok:
            self.stdout.write(
                f"OK: {report.entries} sealed entries, {report.heads} signed tree heads, "
                f"{report.unsealed} not yet sealed; root {report.root_hash}"
            )
            return
        for problem in report.problems[:SHOWN]:
            self.stderr.write(problem.message)
        if len(report.problems) > SHOWN:
            self.stderr.write(f"... and {len(report.problems) - SHOWN} more")
        first = report.first_bad_position
        where = f"first bad position: {first}" if first is not None else "tree heads do not verify"
        raise CommandError(f"audit log verification FAILED ({where})")
