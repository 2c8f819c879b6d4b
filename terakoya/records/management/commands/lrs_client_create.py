"""Create an LRS client non-interactively and print its credentials.

    manage.py lrs_client_create [--school 学校コード] [--name NAME] [--purpose instruction]
                                [--read-only | --write-only] [--pseudonymous]

Prints ``key=<key>`` and ``secret=<secret>`` (the secret is shown only here, stored hashed).
Without ``--school`` the first school is used.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from terakoya.privacy.purposes import Purpose
from terakoya.records import access, services
from terakoya.records.xapi.errors import XapiError


class Command(BaseCommand):
    help = "Create an xAPI LRS client for a school and print key=… and secret=…"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", help="学校コード (default: the first school)")
        parser.add_argument("--name", default="xAPI client")
        parser.add_argument(
            "--purpose", default=Purpose.INSTRUCTION.value, choices=[p.value for p in Purpose]
        )
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--read-only", action="store_true")
        scope.add_argument("--write-only", action="store_true")
        parser.add_argument("--pseudonymous", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        school = access.command_school(options["school"])
        if school is None:
            raise CommandError(
                "学校が見つかりません / No such school (run seed_demo or name a 学校コード)."
            )
        try:
            issued = services.lrs_client_create(
                school=school,
                name=options["name"],
                purpose=Purpose(options["purpose"]),
                can_read=not options["write_only"],
                can_write=not options["read_only"],
                pseudonymous=options["pseudonymous"],
            )
        except XapiError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"school={school.code}")
        self.stdout.write(f"key={issued.client.key}")
        self.stdout.write(f"secret={issued.secret}")
