"""Export a school's question bank as GIFT, Moodle XML or QTI 2.1 (zip)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from terakoya.assessment import services
from terakoya.assessment.access import first_school, school_by_code, school_questions
from terakoya.assessment.interchange import FORMATS
from terakoya.core.errors import UserError


class Command(BaseCommand):
    help = (
        "Export questions: questions_export --format gift|moodlexml|qti [--school CODE] [-o PATH]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--school", help="学校コード (default: the first school)")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        school = school_by_code(options["school"]) if options["school"] else first_school()
        if school is None:
            raise CommandError("学校がありません / no such school")
        try:
            data = services.questions_export(
                questions=school_questions(school), fmt=options["format"]
            )
        except UserError as exc:
            raise CommandError(str(exc)) from exc
        if options["output"]:
            Path(options["output"]).write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
