"""The learner's pages use no kanji beyond grade 1 outside <ruby>: a first-grader can read
every word of Terakoya's own text (question content is the teacher's, with ｜漢字《かんじ》)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

# 小学校学習指導要領 学年別漢字配当表, 第1学年 (80字).
GRADE_1 = set(
    "一右雨円王音下火花貝学気九休玉金空月犬見五口校左三山子四糸字耳七車手十出女小上森人水正生"
    "青夕石赤千川先早草足村大男竹中虫町天田土二日入年白八百文木本名目立力林六"
)
KANJI = re.compile(r"[\u4e00-\u9fff]")
RUBY = re.compile(r"<ruby>.*?</ruby>", re.S)
TEMPLATE_TAG = re.compile(r"\{[{%#].*?[}%#]\}", re.S)
ROOT = Path(__file__).resolve().parents[2]
LEARNER_TEMPLATES = [
    "assessment/templates/assessment/learner_drills.html",
    "assessment/templates/assessment/drill_detail.html",
    "assessment/templates/assessment/question.html",
    "assessment/templates/assessment/question_done.html",
    "assessment/templates/assessment/attempt_result.html",
    "assessment/templates/assessment/_inputs.html",
    "courses/templates/courses/today.html",
]


def _visible_text(source: str) -> str:
    strings = re.findall(r'\{%\s*(?:translate|blocktranslate)[^%]*?"([^"]*)"', source)
    blocks = re.findall(r"\{% blocktranslate[^%]*%\}(.*?)\{% endblocktranslate %\}", source, re.S)
    plain = TEMPLATE_TAG.sub(" ", source)
    return " ".join([*strings, *blocks, plain])


@pytest.mark.parametrize("name", LEARNER_TEMPLATES)
def test_learner_pages_use_only_first_grade_kanji_outside_ruby(name):
    text = RUBY.sub("", _visible_text((ROOT / name).read_text(encoding="utf-8")))
    beyond = sorted({c for c in KANJI.findall(text) if c not in GRADE_1})
    assert beyond == [], f"{name}: add furigana or kana for {''.join(beyond)}"


def test_messages_a_learner_can_meet_while_taking_a_drill_use_first_grade_kanji_only():
    source = (ROOT / "assessment" / "services.py").read_text(encoding="utf-8")
    learner_side = source[
        source.index("def _choose_questions") : source.index("def attempt_outcomes")
    ]
    messages = re.findall(r'UserError\(\s*"([^"]+)"', learner_side)
    assert len(messages) >= 4
    beyond = sorted({c for m in messages for c in KANJI.findall(m) if c not in GRADE_1})
    assert beyond == []
