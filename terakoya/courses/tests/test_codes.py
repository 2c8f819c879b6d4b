"""学習指導要領コード: structural validation and import of the official table."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from terakoya.core.errors import UserError
from terakoya.courses import services
from terakoya.courses.codes import code_grade, code_parent_guess, code_problem, code_validate
from terakoya.courses.models import CurriculumCode


@pytest.mark.parametrize("code", ["8220233111000000", "8220265232000000", "8220233110000000"])
def test_real_codes_from_the_reference_are_valid(code):
    assert code_problem(code) is None


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("822023311100000", "16文字"),
        ("8520233111000000", "学校種"),
        ("8220633111000000", "項目の種類"),
        ("8220293111000000", "学年"),
        ("82202331110000a!", "使えない文字"),
    ],
)
def test_structurally_wrong_codes_are_refused_with_the_reason(code, why):
    problem = code_problem(code)
    assert problem is not None
    assert why in problem


def test_codes_are_normalised_and_grades_read():
    assert code_validate(" 8220233111000000 ") == "8220233111000000"
    assert code_grade("8220233111000000") == "P3"
    assert code_grade("8320A00000000000") == ""
    assert code_parent_guess("8220233111000000") == "8220233110000000"
    with pytest.raises(UserError):
        code_validate("1234")


CSV = (
    "code,parent,school_type,subject,grade,text\n"
    "8220233110000000,,小学校,社会,3,身近な地域や市区町村の様子\n"
    "8220233111000000,8220233110000000,小学校,社会,3,"
    "身近な地域や自分たちの市の様子を大まかに理解すること\n"
)


def test_the_official_table_imports_from_csv_by_command(db, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(CSV, encoding="utf-8")
    out = io.StringIO()
    call_command("curriculum_codes_import", str(path), stdout=out)
    assert "2 codes imported" in out.getvalue()
    row = CurriculumCode.objects.get(code="8220233111000000")
    assert row.parent_code == "8220233110000000"
    assert row.subject == "社会"
    # Importing again updates in place.
    services.curriculum_codes_import(source=CSV.replace("大まかに", "おおまかに").encode())
    assert "おおまかに" in CurriculumCode.objects.get(code="8220233111000000").text
    assert CurriculumCode.objects.count() == 2


def test_a_bad_row_names_row_and_column_and_imports_nothing(db, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(CSV + "82202331,,小学校,社会,3,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="行 4 列 code"):
        call_command("curriculum_codes_import", str(path))
    assert CurriculumCode.objects.count() == 0


def test_once_the_official_table_is_imported_unknown_codes_of_its_subjects_are_refused(world):
    course = services.course_create(school_class=world.homeroom, subject="社会")
    services.curriculum_codes_import(source=CSV.encode())
    services.unit_create(course=course, title="まち", codes=["8220233111000000"])
    with pytest.raises(UserError) as info:
        services.unit_create(course=course, title="?", codes=["8220233119000000"])
    assert "公式のコード表にありません" in info.value.message_ja
    # Subjects the table does not cover are still checked by structure only.
    services.unit_create(course=course, title="理科", codes=["8240233111000000"])
