"""Shared types of the question importers and exporters (GIFT, Moodle XML, QTI).

Importers return :class:`QuestionDraft` objects or raise :class:`ImportFailed` listing every
problem with its location (``行 12`` for GIFT, ``問題 3 <question type="…">`` for XML). A file
with any problem imports nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from terakoya.assessment.qtypes import spec_problems
from terakoya.core.errors import UserError
from terakoya.courses.codes import LOOKS_LIKE_CODE, code_problem

FORMATS = ("gift", "moodlexml", "qti")
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@dataclass
class QuestionDraft:
    qtype: str
    name: str
    text: str
    spec: dict[str, Any]
    location: str
    general_feedback: str = ""
    hints: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    default_mark: float = 1.0
    category: str = ""


@dataclass(frozen=True)
class Problem:
    location: str
    message_ja: str
    message_en: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message_ja} / {self.message_en}"


class ImportFailed(UserError):
    """The file could not be imported; nothing was stored. ``problems`` lists every fault."""

    code = "import_failed"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        more_ja = f"(ほか{len(problems) - 1}件)" if len(problems) > 1 else ""
        more_en = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"{first.location}: {first.message_ja}{more_ja} — 何も取り込んでいません。",
            f"{first.location}: {first.message_en}{more_en} — nothing was imported.",
            location=first.location,
        )


def split_tags(values: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Split tags into (course-of-study codes, other tags, problems with code-like tags)."""
    codes: list[str] = []
    tags: list[str] = []
    problems: list[str] = []
    for raw in values:
        value = raw.strip()
        if not value:
            continue
        if LOOKS_LIKE_CODE.fullmatch(value):
            upper = value.upper()
            problem = code_problem(upper)
            if problem is None:
                if upper not in codes:
                    codes.append(upper)
            else:
                problems.append(
                    f"学習指導要領コード「{value}」: {problem} / bad course-of-study code"
                )
        elif value not in tags:
            tags.append(value[:100])
    return codes, tags, problems


def drafts_check(drafts: list[QuestionDraft], problems: list[Problem]) -> list[QuestionDraft]:
    """Validate every draft's spec; raise ImportFailed with all problems, if any."""
    for draft in drafts:
        problems.extend(
            Problem(draft.location, *_split(message))
            for message in spec_problems(draft.qtype, draft.spec, text=draft.text)
        )
        if not draft.text.strip():
            problems.append(Problem(draft.location, "問題文が空です", "the question text is empty"))
    if problems:
        raise ImportFailed(problems)
    if not drafts:
        raise ImportFailed(
            [Problem("ファイル / file", "問題が1つもありません", "the file contains no questions")]
        )
    return drafts


def _split(message: str) -> tuple[str, str]:
    ja, _, en = message.partition(" / ")
    return ja, en or ja
