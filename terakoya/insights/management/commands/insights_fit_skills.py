"""Fit the mastery (BKT) parameters of every code answered in a board's schools.

    manage.py insights_fit_skills --board 139999 [--replicates 20]

Meant to run nightly; each run adds one row per code, so the history stays inspectable.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from terakoya.core.errors import UserError
from terakoya.insights import services
from terakoya.privacy.audit import SYSTEM


class Command(BaseCommand):
    help = "Fit BKT parameters per course-of-study code from a board's marked answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--board", required=True, help="教育委員会コード (6 digits)")
        parser.add_argument("--replicates", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            fits = services.skill_fit_for_board_code(
                actor=SYSTEM, board_code=options["board"], replicates=options["replicates"]
            )
        except UserError as exc:
            raise CommandError(str(exc)) from exc
        for fit in fits:
            print(
                f"{fit.code}: L0={fit.p_init:.3f} T={fit.p_transit:.3f} S={fit.p_slip:.3f} "
                f"G={fit.p_guess:.3f} ({fit.n_responses} answers, {fit.n_learners} learners)"
            )
        print(f"{len(fits)} codes fitted")
