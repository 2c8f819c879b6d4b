"""GIFT and Moodle XML import: every supported type with answers and feedback; errors name
the line (GIFT) or the question and element (XML) and import nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from terakoya.assessment import services
from terakoya.assessment.gift import parse_gift
from terakoya.assessment.interchange import ImportFailed
from terakoya.assessment.models import Question
from terakoya.assessment.moodlexml import parse_moodlexml
from terakoya.assessment.qtypes import mark
from terakoya.privacy.guards import MyNumberRefused

FIXTURES = Path(__file__).parent / "fixtures"


def _by_name(questions):
    return {q.name: q for q in questions}


def test_a_gift_file_with_every_gift_type_imports_with_answers_and_feedback(world):
    questions = services.questions_import(
        school=world.school, source=(FIXTURES / "every_type.gift").read_bytes(), fmt="gift"
    )
    q = _by_name(questions)
    assert {x.qtype for x in questions} == {
        "single",
        "multiple",
        "truefalse",
        "short",
        "numeric",
        "matching",
        "cloze",
        "essay",
    }
    add = q["たしざん1"]
    assert add.codes == ["8220233111000000"]
    assert add.tags == ["たしざん"]
    assert add.category == "$course$/3年/さんすう"
    assert add.general_feedback == "3と4で7になります。"
    assert [c["text"] for c in add.spec["choices"]] == ["7", "6", "8"]
    assert mark("single", add.spec, 0).fraction == 1.0
    assert mark("single", add.spec, 1).feedback == ["1つ たりないよ"]
    even = q["ぐうすう"]
    assert mark("multiple", even.spec, [0, 1]).fraction == 1.0
    assert mark("multiple", even.spec, [0, 1, 2]).fraction == 0.0
    assert mark("multiple", even.spec, [0]).fraction == 0.5
    sun, moon = q["たいよう"], q["つき"]
    assert sun.spec["answer"] is True
    assert sun.spec["feedback_true"] == "そのとおり!"
    assert sun.spec["feedback_false"] == "もういちど かんがえよう"
    assert moon.spec["answer"] is False
    assert mark("truefalse", moon.spec, False).fraction == 1.0
    capital = q["しゅと"]
    assert mark("short", capital.spec, " とうきょう ").fraction == 1.0
    assert mark("short", capital.spec, "ｔｏｋｙｏ").fraction == 1.0  # NFKC + case-insensitive
    assert mark("short", capital.spec, "東京").feedback == ["せいかい"]
    assert mark("short", capital.spec, "大阪").fraction == 0.0
    pi = q["えんしゅうりつ"]
    assert mark("numeric", pi.spec, "3.144").fraction == 1.0
    assert mark("numeric", pi.spec, "３．１４").fraction == 1.0
    assert mark("numeric", pi.spec, "3.2").fraction == 0.0
    assert mark("numeric", q["はんい"].spec, "10").fraction == 1.0
    assert mark("numeric", q["はんい"].spec, "11").fraction == 0.0
    animals = q["どうぶつ"]
    assert animals.spec["pairs"][1] == {"left": "ねこ", "right": "にゃー"}
    assert mark(
        "matching", animals.spec, {"0": "わん", "1": "にゃー", "2": "わん"}
    ).fraction == pytest.approx(2 / 3)
    blank = q["あな"]
    assert blank.qtype == "cloze"
    assert blank.text == "にほんは {{1}} に あります。"
    assert mark("cloze", blank.spec, ["1"]).fraction == 1.0
    assert q["さくぶん"].qtype == "essay"
    assert mark("essay", {}, "text").fraction is None
    escaped = q["エスケープ"]
    assert escaped.text == "1:2 の ひは? {ちゅうい}"
    assert escaped.spec["choices"][0]["text"] == "1:2"
    assert Question.objects.filter(school=world.school).count() == len(questions) == 11


def test_a_moodle_xml_file_with_every_type_imports_with_answers_feedback_and_hints(world):
    questions = services.questions_import(
        school=world.school, source=(FIXTURES / "every_type.xml").read_bytes(), fmt="moodlexml"
    )
    q = _by_name(questions)
    assert [x.qtype for x in questions] == [
        "single",
        "multiple",
        "truefalse",
        "short",
        "numeric",
        "matching",
        "ordering",
        "cloze",
        "essay",
    ]
    insect = q["こん虫"]
    assert insect.default_mark == 2.0
    assert insect.hints == ["あしの かずを かぞえよう"]
    assert insect.codes == ["8220233111000000"]
    assert insect.tags == ["こん虫"]
    assert insect.category == "$course$/top/3年/理科"
    assert mark("single", insect.spec, 1).feedback == ["クモの あしは 8本"]
    assert mark("multiple", q["植物"].spec, [0, 1]).fraction == 1.0
    assert mark("truefalse", q["じしゃく"].spec, True).feedback == ["そのとおり"]
    shadow = q["かげ"]
    assert mark("short", shadow.spec, "反対側").fraction == 1.0
    assert mark("short", shadow.spec, "うしろのほう").fraction == 0.5  # Moodle's * wildcard
    assert mark("numeric", q["温度"].spec, "0.4").fraction == 1.0
    assert q["こん虫の からだ"].spec["distractors"] == ["ねっこ"]
    order = q["チョウの 一生"]
    assert order.spec["items"] == ["たまご", "よう虫", "さなぎ", "せい虫"]
    assert mark("ordering", order.spec, [0, 1, 2, 3]).fraction == 1.0
    assert mark("ordering", order.spec, [1, 0, 2, 3]).fraction == 0.5
    cloze = q["あなうめ"]
    assert [g["kind"] for g in cloze.spec["gaps"]] == ["numeric", "choice", "short"]
    assert "{{3}}" in cloze.text
    assert mark("cloze", cloze.spec, ["6", "1", "ようちゅう"]).fraction == 1.0
    assert mark("cloze", cloze.spec, ["6", "0", "ようちゅう"]).fraction == pytest.approx(2 / 3)
    assert q["かんさつ"].spec["grader_info"] == "体の つくりに ふれていれば A"


def _fails(fn, source):
    with pytest.raises(ImportFailed) as info:
        fn(source)
    return [str(p) for p in info.value.problems]


def test_gift_errors_name_the_line_and_list_every_problem():
    source = (
        "::a:: ok {=1 ~2}\n\n::b:: no close {=1 ~2\n\n\n::c:: bad number {#abc}\n\n::d:: {~x ~y}\n"
    )
    problems = _fails(parse_gift, source)
    assert problems[0].startswith("行 3: ")
    assert any(p.startswith("行 6: ") and "abc" in p for p in problems)
    assert any(p.startswith("行 8: ") and "100%" in p for p in problems)


def test_gift_description_only_item_is_an_error_with_its_line():
    problems = _fails(parse_gift, "// c\n\n::x:: ただの説明\n")
    assert problems == [
        "行 3: 答えの「{…}」がありません(説明文だけの問題は取り込めません) / no answer block '{…}' "
        "(description-only items cannot be imported)"
    ]


def test_moodle_xml_errors_name_the_question_and_element():
    xml = b"""<quiz>
      <question type="multichoice"><name><text>ok</text></name>
        <questiontext><text>q</text></questiontext>
        <answer fraction="100"><text>a</text></answer>
        <answer fraction="0"><text>b</text></answer></question>
      <question type="numerical"><name><text>bad</text></name>
        <questiontext><text>q</text></questiontext>
        <answer fraction="100"><text>zero</text></answer></question>
      <question type="calculated"><name><text>calc</text></name>
        <questiontext><text>q</text></questiontext></question>
      <question type="shortanswer"><name><text>tags</text></name>
        <questiontext><text>q</text></questiontext>
        <answer fraction="100"><text>a</text></answer>
        <tags><tag><text>8920233111000000</text></tag></tags></question>
    </quiz>"""
    problems = _fails(parse_moodlexml, xml)
    assert problems[0].startswith('問題 2 <question type="numerical">「bad」 <answer> 1: ')
    assert any(p.startswith('問題 3 <question type="calculated">「calc」: ') for p in problems)
    assert any(
        p.startswith('問題 4 <question type="shortanswer">「tags」 <tags>: ') for p in problems
    )


def test_malformed_or_unsafe_xml_is_refused_without_expanding_entities():
    bomb = b"""<?xml version="1.0"?>
    <!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>
    <quiz><question type="essay"><name><text>&b;</text></name></question></quiz>"""
    assert _fails(parse_moodlexml, bomb)[0].startswith("XML: ")
    assert _fails(parse_moodlexml, b"<quiz><question>")[0].startswith("XML: ")


def test_a_file_with_one_error_imports_nothing(world):
    good = (FIXTURES / "every_type.gift").read_text()
    with pytest.raises(ImportFailed):
        services.questions_import(
            school=world.school, source=(good + "\n\n::bad:: {#x}\n").encode(), fmt="gift"
        )
    assert Question.objects.count() == 0


def test_a_my_number_in_a_question_is_refused_and_nothing_is_stored(world):
    source = "::a:: 番号 123456789018 は? {=1 ~2}\n".encode()
    with pytest.raises(MyNumberRefused):
        services.questions_import(school=world.school, source=source, fmt="gift")
    assert Question.objects.count() == 0


def test_exports_round_trip_through_the_same_format(world):
    xml_questions = services.questions_import(
        school=world.school, source=(FIXTURES / "every_type.xml").read_bytes(), fmt="moodlexml"
    )
    again = parse_moodlexml(services.questions_export(questions=xml_questions, fmt="moodlexml"))
    assert [(d.qtype, d.name, d.spec, d.codes, d.hints, d.category) for d in again] == [
        (q.qtype, q.name, q.spec, q.codes, q.hints, q.category) for q in xml_questions
    ]
    gift_questions = services.questions_import(
        school=world.school, source=(FIXTURES / "every_type.gift").read_bytes(), fmt="gift"
    )
    again = parse_gift(services.questions_export(questions=gift_questions, fmt="gift").decode())
    assert [(d.qtype, d.name, d.spec, d.codes, d.general_feedback) for d in again] == [
        (q.qtype, q.name, q.spec, q.codes, q.general_feedback) for q in gift_questions
    ]


def test_qti_21_choice_and_qti_30_text_entry_items_import(world):
    choice = services.questions_import(
        school=world.school, source=(FIXTURES / "choice_qti21.xml").read_bytes(), fmt="qti"
    )[0]
    assert choice.qtype == "single"
    assert choice.text == "3 × 4 は?"
    assert [c["text"] for c in choice.spec["choices"]] == ["7", "12", "34"]
    assert mark("single", choice.spec, 1).feedback == ["せいかい"]
    assert mark("single", choice.spec, 0).fraction == 0.0
    cloze = services.questions_import(
        school=world.school, source=(FIXTURES / "text_entry_qti30.xml").read_bytes(), fmt="qti"
    )[0]
    assert cloze.qtype == "cloze"
    assert cloze.text == "{{1}}の上にも{{2}}年"
    assert mark("cloze", cloze.spec, ["いし", "３"]).fraction == 1.0


def test_qti_export_round_trips_choice_and_text_entry_items(world):
    questions = services.questions_import(
        school=world.school, source=(FIXTURES / "every_type.gift").read_bytes(), fmt="gift"
    )
    wanted = [q for q in questions if q.qtype in {"single", "multiple", "short", "essay"}]
    again = services.questions_parse(
        source=services.questions_export(questions=wanted, fmt="qti"), fmt="qti"
    )
    assert [d.qtype for d in again] == [q.qtype for q in wanted]
    first = again[0]
    assert mark("single", first.spec, 0).fraction == 1.0


def test_qti_unsupported_interaction_is_named_and_nothing_is_imported(world):
    xml = b"""<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="m"
      title="match"><itemBody><matchInteraction responseIdentifier="R"/></itemBody>
      </assessmentItem>"""
    with pytest.raises(ImportFailed) as info:
        services.questions_import(school=world.school, source=xml, fmt="qti")
    assert str(info.value.problems[0]).startswith("item 「match」 <matchInteraction>: ")
    assert Question.objects.count() == 0


def test_with_the_official_table_imported_an_unknown_code_tag_stops_the_import(world):
    from terakoya.core.errors import UserError
    from terakoya.courses.services import curriculum_codes_import

    curriculum_codes_import(
        source="code,parent,school_type,subject,grade,text\n8220233111000000,,小,社会,3,まち\n".encode()
    )
    source = b"// [tag:8220233119000000]\n::a:: 1+1 {=2 ~3}\n"
    with pytest.raises(UserError) as info:
        services.questions_import(school=world.school, source=source, fmt="gift")
    assert info.value.location == "行 2"
    assert Question.objects.count() == 0
