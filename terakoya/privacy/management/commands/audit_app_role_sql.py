"""manage.py audit_app_role_sql: print the SQL that creates the PostgreSQL application role.

Run the output as the owner role (the one that ran the migrations); the application then
connects as the printed role, which cannot disable the audit log's triggers.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from terakoya.privacy.triggers import app_role_sql


class Command(BaseCommand):
    help = "Print the SQL creating a non-owner PostgreSQL role for the application."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", default="terakoya_app")
        parser.add_argument("--owner", default="", help="owner role (default: current user)")
        parser.add_argument("--database", default="", help="database (default: current)")

    def handle(self, *args: Any, **options: Any) -> None:
        owner = options["owner"] or connection.settings_dict.get("USER") or "terakoya"
        database = options["database"] or connection.settings_dict.get("NAME") or "terakoya"
        for statement in app_role_sql(role=options["role"], owner=owner, database=str(database)):
            self.stdout.write(f"{statement};")
