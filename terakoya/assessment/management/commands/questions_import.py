"""Import a GIFT, Moodle XML or QTI file into a school's question bank (all or nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from terakoya.assessment import services
from terakoya.assessment.access import first_school, school_by_code
from terakoya.assessment.interchange import FORMATS, ImportFailed
from terakoya.core.errors import UserError
from terakoya.privacy.audit import AuditActor


class Command(BaseCommand):
    help = "Import questions: questions_import PATH --format gift|moodlexml|qti [--school CODE]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument(
            "--school", help="学校コード (13 characters; default: the first school)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_by_code(options["school"]) if options["school"] else first_school()
        if school is None:
            raise CommandError(
                f"学校コード {options['school']} の学校がありません / no such school"
            )
        try:
            source = Path(options["path"]).read_bytes()
        except OSError as exc:
            raise CommandError(f"{options['path']}: {exc}") from exc
        try:
            questions = services.questions_import(
                school=school,
                source=source,
                fmt=options["format"],
                actor=AuditActor(uuid=None, role="system", label="questions_import"),
            )
        except ImportFailed as exc:
            for problem in exc.problems:
                self.stderr.write(f"{options['path']}: {problem}")
            raise CommandError(
                f"{len(exc.problems)} 件の問題があるため、何も取り込みませんでした / "
                f"{len(exc.problems)} problem(s): nothing was imported"
            ) from exc
        except UserError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{len(questions)} questions imported into {school.name}")
