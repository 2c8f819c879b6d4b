"""The questions_import management command: same service, precise errors, nothing on error."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from terakoya.assessment.models import Question

from .conftest import FIXTURES


def test_questions_import_command_imports_a_moodle_xml_file(world):
    out = io.StringIO()
    call_command(
        "questions_import",
        str(FIXTURES / "every_type.xml"),
        "--format",
        "moodlexml",
        "--school",
        world.school.code,
        stdout=out,
    )
    assert "9 questions imported" in out.getvalue()
    assert Question.objects.filter(school=world.school).count() == 9


def test_questions_import_command_names_the_line_and_imports_nothing(world, tmp_path):
    bad = tmp_path / "bad.gift"
    bad.write_text("::ok:: 1+1 {=2 ~3}\n\n::ng:: 2+2 {#four}\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "questions_import",
            str(bad),
            "--format",
            "gift",
            "--school",
            world.school.code,
            stderr=err,
        )
    assert f"{bad}: 行 3: " in err.getvalue()
    assert Question.objects.count() == 0


def test_questions_import_command_refuses_an_unknown_school(db):
    with pytest.raises(CommandError, match="no such school"):
        call_command(
            "questions_import",
            str(FIXTURES / "every_type.gift"),
            "--format",
            "gift",
            "--school",
            "B100000000000",
        )


def test_without_school_the_first_school_is_used(world):
    out = io.StringIO()
    call_command(
        "questions_import", str(FIXTURES / "every_type.gift"), "--format", "gift", stdout=out
    )
    assert f"into {world.school.name}" in out.getvalue()


def test_questions_export_command_writes_a_file_that_imports_again(world, tmp_path):
    call_command(
        "questions_import",
        str(FIXTURES / "every_type.xml"),
        "--format",
        "moodlexml",
        stdout=io.StringIO(),
    )
    target = tmp_path / "out.xml"
    call_command("questions_export", "--format", "moodlexml", "-o", str(target))
    call_command(
        "questions_import",
        str(target),
        "--format",
        "moodlexml",
        "--school",
        world.other_school.code,
        stdout=io.StringIO(),
    )
    mine = list(Question.objects.filter(school=world.school).values_list("name", "spec"))
    theirs = list(Question.objects.filter(school=world.other_school).values_list("name", "spec"))
    assert theirs == mine
    assert len(mine) == 9
