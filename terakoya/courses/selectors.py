"""Reads of the courses app that other apps' services use (no personal data)."""

from __future__ import annotations

from collections.abc import Iterable

from terakoya.core.errors import UserError
from terakoya.courses.models import CurriculumCode


def codes_check_table(codes: Iterable[str], *, location: str = "codes") -> None:
    """Where the official table has been imported for a code's revision, school type and
    subject, the code must be in it (structure alone is checked where it has not)."""
    wanted = list(codes)
    if not wanted:
        return
    known = set(CurriculumCode.objects.filter(code__in=wanted).values_list("code", flat=True))
    for code in wanted:
        if code in known:
            continue
        if CurriculumCode.objects.filter(code__startswith=code[:3]).exists():
            raise UserError(
                f"学習指導要領コード「{code}」は、取り込まれた公式のコード表にありません。",
                f"Course-of-study code {code} is not in the imported official code table.",
                code="course_of_study_code",
                location=location,
            )
