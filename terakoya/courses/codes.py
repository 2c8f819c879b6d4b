"""学習指導要領コード (course-of-study codes): structural validation without the official table.

教育データ標準 第1版 (2020), reference/codes.md: 16 characters. Position 1 revision (7 = 平成20–21,
8 = 平成29–31 告示); 2 school type (1 幼稚園, 2 小, 3 中, 4 高); 3 subject; 4 sub-subject (0 if
none); 5 item category (1–5); 6 grade or stage (0 all grades, 1–6; 中: A = 1・2年, B = 2・3年);
7–16 nested item numbers. Letters occur, so positions 3, 4 and 7–16 accept A–Z as well as digits.
"""

from __future__ import annotations

import re

from terakoya.core.errors import UserError

CODE_LENGTH = 16
SCHOOL_TYPES = {"1": "幼稚園", "2": "小学校", "3": "中学校", "4": "高等学校"}
_STRUCTURE = re.compile(r"^[0-9][1-4][0-9A-Z][0-9A-Z][1-5][0-9A-Z][0-9A-Z]{10}$")
#: Looks like a course-of-study code (used to tell codes from other tags on import).
LOOKS_LIKE_CODE = re.compile(r"^[0-9][0-9A-Za-z]{15}$")


def code_problem(code: str) -> str | None:
    """Return what is structurally wrong with ``code`` (Japanese), or None when it is valid."""
    if len(code) != CODE_LENGTH:
        return f"16文字ではありません({len(code)}文字)"
    if not _STRUCTURE.fullmatch(code):
        if code[1] not in SCHOOL_TYPES:
            return "2文字目(学校種)は1〜4です"
        if code[4] not in "12345":
            return "5文字目(項目の種類)は1〜5です"
        return "使えない文字が含まれています(数字と英大文字のみ)"
    grade = code[5]
    if code[1] == "2" and grade not in "0123456":
        return "小学校の6文字目(学年)は0〜6です"
    if code[1] == "3" and grade not in "0123AB":
        return "中学校の6文字目(学年)は0〜3・A・Bです"
    return None


def code_validate(code: str, *, location: str = "") -> str:
    """Return ``code`` normalised (trimmed, upper case), or raise a UserError naming the fault."""
    value = (code or "").strip().upper()
    problem = code_problem(value)
    if problem is not None:
        raise UserError(
            f"学習指導要領コード「{value}」が正しくありません: {problem}。",
            f"Course-of-study code {value!r} is not valid: it must be 16 characters "
            "(revision, school type 1–4, subject, sub-subject, item category 1–5, grade, "
            "10 item characters).",
            code="course_of_study_code",
            location=location,
        )
    return value


def code_grade(code: str) -> str:
    """Return the Terakoya grade (P1–P6, J1–J3) a code names, or "" for all grades/stages."""
    school, grade = code[1], code[5]
    if school == "2" and grade in "123456":
        return f"P{grade}"
    if school == "3" and grade in "123":
        return f"J{grade}"
    return ""


def code_parent_guess(code: str) -> str:
    """The structural parent: the last non-zero item character set to 0 (None at the top)."""
    items = code[6:]
    stripped = items.rstrip("0")
    if not stripped:
        return ""
    return code[:6] + (stripped[:-1] + "0" * (len(items) - len(stripped) + 1))
