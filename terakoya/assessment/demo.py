"""Demo data: per demo school, a question bank tagged with real 学習指導要領コード; per homeroom
class, a 社会 course with units and a drill assigned to the class.

Called by ``manage.py seed_demo`` after the roster, inside its transaction. The course-of-study
codes are the real ones from reference/codes.md; the questions are Terakoya's own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from terakoya.assessment import services
from terakoya.core import clock
from terakoya.courses import services as courses
from terakoya.courses.codes import code_grade
from terakoya.roster.demo_context import DemoContext

#: 小学校(平成29) 社会 第3学年 (ア) 身近な地域や自分たちの市の様子を大まかに理解すること,
#: its parent, and 小6 社会 (織田信長) — reference/codes.md.
CODE_P3_LOCAL = "8220233111000000"
CODE_P3_PARENT = "8220233110000000"
CODE_P6_NOBUNAGA = "8220265232000000"

DEMO_GIFT = (Path(__file__).parent / "demo_data" / "questions.gift").read_text(encoding="utf-8")

DEMO_ORDERING_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="ordering">
    <name><text>てんかとういつ</text></name>
    <questiontext format="html"><text>できごとを おきた じゅんに ならべよう。</text></questiontext>
    <answer fraction="1"><text>|桶狭間《おけはざま》の |戦《たたか》い</text></answer>
    <answer fraction="2"><text>|長篠《ながしの》の |戦《たたか》い</text></answer>
    <answer fraction="3"><text>|本能寺《ほんのうじ》の |変《へん》</text></answer>
    <tags><tag><text>{CODE_P6_NOBUNAGA}</text></tag></tags>
  </question>
</quiz>
"""

#: OneRoster Japan Profile subject codes (P… elementary, J… junior high).
SUBJECT_CODES = {("P", "社会"): "P020", ("P", "生活"): "P050", ("J", "社会"): "J020"}
P3_DRILL = ["ほうい", "しやくしょ", "ちずきごう", "ほういじしん", "まちの ようす", "すきな ところ"]
P6_DRILL = ["ながしの", "らくいち", "てんかとういつ", "いちにち"]


def seed(ctx: DemoContext) -> None:
    now = clock.now()
    for demo_school in ctx.schools:
        questions = services.questions_import(
            school=demo_school.school, source=DEMO_GIFT.encode(), fmt="gift"
        )
        questions += services.questions_import(
            school=demo_school.school, source=DEMO_ORDERING_XML.encode(), fmt="moodlexml"
        )
        bank = {q.name: q for q in questions}
        for demo_class in demo_school.homerooms:
            school_class = demo_class.school_class
            grade = (school_class.grades or [""])[0]
            upper = grade in {"P5", "P6", "J1", "J2", "J3"}
            subject = "生活" if grade in {"P1", "P2"} else "社会"
            course = courses.course_create(
                school_class=school_class,
                subject=subject,
                subject_code=SUBJECT_CODES[(grade[:1] or "P", subject)],
            )
            # A unit carries a code only where the code's grade is the class's grade: the
            # demo has just the real codes of reference/codes.md (小3 and 小6 社会).
            if upper:
                codes = [CODE_P6_NOBUNAGA] if code_grade(CODE_P6_NOBUNAGA) == grade else []
                courses.unit_create(course=course, title="天下統一", codes=codes)
                names, code = P6_DRILL, CODE_P6_NOBUNAGA
            else:
                codes = (
                    [CODE_P3_PARENT, CODE_P3_LOCAL] if code_grade(CODE_P3_LOCAL) == grade else []
                )
                courses.unit_create(course=course, title="わたしたちの まち", codes=codes)
                names, code = P3_DRILL, CODE_P3_LOCAL
            courses.material_create(
                course=course,
                kind="page",
                title="まちたんけんの きまり",
                body="|道路《どうろ》は わたらない。\nみんなで いっしょに うごこう。",
            )
            drill = services.drill_create(
                course=course,
                title="まちの ドリル" if not upper else "てんかとういつ ドリル",
                questions=[bank[n] for n in names],
                mastery_rule={"kind": "streak", "n": 3},
                rubric=[{"name": "ていねいさ", "levels": ["A", "B", "C"]}],
                pool_codes=[code],
            )
            courses.assignment_create(
                course=course,
                title=drill.title,
                drill=drill,
                target_class=school_class,
                open_at=now - dt.timedelta(days=1),
                due_at=now + dt.timedelta(days=ctx.random.randint(3, 10)),
            )
