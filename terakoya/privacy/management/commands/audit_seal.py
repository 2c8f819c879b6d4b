"""manage.py audit_seal: seal the unsealed audit entries under a new signed tree head."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from terakoya.privacy.tree import audit_seal


class Command(BaseCommand):
    help = "Seal unsealed audit-log entries under a new signed Merkle tree head."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="print nothing on success")

    def handle(self, *args: Any, **options: Any) -> None:
        head = audit_seal(wait=True)
        if options["quiet"]:
            return
        if head is None:
            self.stdout.write("nothing to seal")
        else:
            self.stdout.write(f"sealed: tree size {head.tree_size}, root {head.root_hash}")
