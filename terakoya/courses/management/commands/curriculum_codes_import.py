"""Import the official 学習指導要領コード table from CSV (code, parent, school_type, subject,
grade, text); all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from terakoya.core.errors import UserError
from terakoya.courses.services import curriculum_codes_import


class Command(BaseCommand):
    help = "Import the course-of-study code table: curriculum_codes_import PATH.csv"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            source = Path(options["path"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"{options['path']}: {exc}") from exc
        try:
            count = curriculum_codes_import(source=source)
        except UserError as exc:
            raise CommandError(f"{options['path']}: {exc}") from exc
        self.stdout.write(f"{count} codes imported")
