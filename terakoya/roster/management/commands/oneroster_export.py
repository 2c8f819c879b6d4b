"""``manage.py oneroster_export PATH [--board CODE | --school CODE]``: write a JP bulk ZIP."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from terakoya.roster.oneroster import export_package, export_scope_for


class Command(BaseCommand):
    help = "OneRoster 1.2 Japan Profile の bulk ZIP を書き出します / Export a OneRoster JP ZIP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--board", help="教育委員会コード / board code")
        group.add_argument("--school", help="学校コード / school code")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scope = export_scope_for(board_code=options["board"], school_code=options["school"])
        except LookupError as exc:
            raise CommandError(str(exc)) from exc
        with open(options["path"], "wb") as out:
            counts = export_package(out, scope=scope)
        for name, count in counts.items():
            self.stdout.write(f"  {name}.csv: {count}")
        self.stdout.write(f"書き出しました / written: {options['path']}")
