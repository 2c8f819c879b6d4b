"""Demo data: per demo school, a question bank tagged with real 学習指導要領コード; per homeroom
class, a 社会 course with units and a drill assigned to the class.

Called by ``manage.py seed_demo`` after the roster, inside its transaction. The course-of-study
codes are the real ones from reference/codes.md; the questions are Terakoya's own.
"""

from __future__ import annotations

import datetime as dt

from terakoya.assessment import services
from terakoya.core import clock
from terakoya.courses import services as courses
from terakoya.roster.demo_context import DemoContext

#: 小学校(平成29) 社会 第3学年 (ア) 身近な地域や自分たちの市の様子を大まかに理解すること, its parent,
#: and 小6 社会 (織田信長) — reference/codes.md.
CODE_P3_LOCAL = "8220233111000000"
CODE_P3_PARENT = "8220233110000000"
CODE_P6_NOBUNAGA = "8220265232000000"

DEMO_GIFT = f"""
// [tag:{CODE_P3_LOCAL}]
::ほうい:: |地図《ちず》で 上は どの ほうい? {{
  =北(きた) # せいかい! 地図の 上は ふつう 北です
  ~南(みなみ) # 南は 下だよ
  ~東(ひがし) # 東は 右だよ
  ~西(にし) # 西は 左だよ
}}

// [tag:{CODE_P3_LOCAL}]
::しやくしょ:: |市役所《しやくしょ》の |地図記号《ちずきごう》は ◎ である。 {{TRUE#もういちど みてみよう#そのとおり!}}

// [tag:{CODE_P3_LOCAL}]
::ちずきごう:: |地図記号《ちずきごう》と たてものを むすぼう。 {{
  =文 -> 学校(がっこう)
  =〒 -> ゆうびんきょく
  =◎ -> 市役所(しやくしょ)
}}

// [tag:{CODE_P3_LOCAL}]
::ほういじしん:: ほういじしんの はりの 色の ついた ほうは どの ほうい? {{=北 # せいかい =きた}}

// [tag:{CODE_P3_LOCAL}]
::まちの ようす:: えきの まわりには お店が {{~すくない =おおい # せいかい}} ことが 多い。

// [tag:{CODE_P3_LOCAL}]
::すきな ところ:: あなたの まちの すきな ところを かこう。 {{}}

::いちにち:: 1日は 何時間? {{#24}}

// [tag:{CODE_P6_NOBUNAGA}]
::ながしの:: |長篠《ながしの》の |戦《たたか》いで |鉄砲《てっぽう》を 使って |武田《たけだ》|軍《ぐん》を やぶった |武将《ぶしょう》は? {{
  =織田信長 # せいかい =おだのぶなが
}}

// [tag:{CODE_P6_NOBUNAGA}]
::らくいち:: |織田信長《おだのぶなが》が |安土《あづち》で |商工業《しょうこうぎょう》を さかんにするために 行った ことを えらぼう。 {{
  =楽市・楽座 # せいかい
  ~|参勤交代《さんきんこうたい》 # これは 江戸幕府の しくみです
  ~|刀狩《かたながり》 # これは 豊臣秀吉です
}}
"""

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
            upper = any(g in {"P5", "P6", "J1", "J2", "J3"} for g in school_class.grades or [])
            course = courses.course_create(
                school_class=school_class, subject="社会", subject_code="P030"
            )
            if upper:
                courses.unit_create(course=course, title="天下統一", codes=[CODE_P6_NOBUNAGA])
                names, code = P6_DRILL, CODE_P6_NOBUNAGA
            else:
                courses.unit_create(
                    course=course,
                    title="わたしたちの まち",
                    codes=[CODE_P3_PARENT, CODE_P3_LOCAL],
                )
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
