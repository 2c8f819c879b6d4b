"""Hard-delete statements by learner or by stored-date range (retention and erasure).

    manage.py lrs_statements_delete --school 学校コード --learner <learner UUID>
    manage.py lrs_statements_delete --school 学校コード --from 2025-04-01 --to 2026-04-01

Outside the xAPI endpoint on purpose: no client credential can erase records. Audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from terakoya.core.clock import JST
from terakoya.privacy.audit import AuditActor
from terakoya.records import access, services


class Command(BaseCommand):
    help = "Delete LRS statements of one learner, or stored in a date range (JST dates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, help="学校コード")
        parser.add_argument("--learner", help="learner UUID")
        parser.add_argument("--from", dest="date_from", help="first day (YYYY-MM-DD, JST)")
        parser.add_argument("--to", dest="date_to", help="day after the last (YYYY-MM-DD, JST)")

    def handle(self, *args: Any, **options: Any) -> None:
        school = access.command_school(options["school"])
        if school is None:
            raise CommandError("学校が見つかりません / No such school.")
        actor = AuditActor(uuid=None, role="operator", label="manage.py lrs_statements_delete")
        if options["learner"]:
            learner = access.command_learner(school, options["learner"])
            if learner is None:
                raise CommandError("学習者が見つかりません / No such learner at this school.")
            count = services.statement_delete_for_learner(
                school=school, learner=learner, actor=actor
            )
        elif options["date_from"] and options["date_to"]:
            start, end = (
                dt.datetime.combine(dt.date.fromisoformat(options[k]), dt.time(), JST)
                for k in ("date_from", "date_to")
            )
            count = services.statement_delete_range(
                school=school, stored_from=start, stored_to=end, actor=actor
            )
        else:
            raise CommandError(
                "--learner か --from/--to を指定してください / Give --learner or a range."
            )
        self.stdout.write(f"deleted={count}")
