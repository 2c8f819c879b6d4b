"""Moodle XML: import and export.

Supported ``<question type>``: multichoice (``<single>``), truefalse, shortanswer, numerical,
matching, ordering, cloze (``{1:SHORTANSWER:=…}``, ``MULTICHOICE``/``MC…``, ``NUMERICAL``
gaps) and essay; ``category`` sets the category. Per-answer feedback, ``<generalfeedback>``,
``<hint>``, ``<tags>`` (a tag that is a 学習指導要領コード becomes a code) and ``<defaultgrade>``
are kept. Anything else (description, calculated, drag-and-drop …) is reported by question
number and element, and a file with any problem imports nothing.

Parsed with defusedxml: no DTDs, entities or external references.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring

from terakoya.assessment.interchange import (
    ImportFailed,
    Problem,
    QuestionDraft,
    drafts_check,
    split_tags,
)

_CLOZE_RE = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^}\\])*)\}")
_CLOZE_KINDS = {
    "SHORTANSWER": "short",
    "SA": "short",
    "MW": "short",
    "SHORTANSWER_C": "short",
    "SAC": "short",
    "MWC": "short",
    "NUMERICAL": "numeric",
    "NM": "numeric",
    "MULTICHOICE": "choice",
    "MC": "choice",
    "MULTICHOICE_V": "choice",
    "MCV": "choice",
    "MULTICHOICE_H": "choice",
    "MCH": "choice",
    "MULTICHOICE_S": "choice",
    "MCS": "choice",
}
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def _text(element: ET.Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path) if path else element
    return (found.text or "").strip() if found is not None else ""


def _fraction(value: str | None, *, where: str, problems: list[Problem]) -> float:
    try:
        number = float(value or "0")
    except ValueError:
        problems.append(
            Problem(
                where,
                f"fraction「{value}」が数ではありません",
                f"fraction {value!r} is not a number",
            )
        )
        return 0.0
    return number / 100


def _cloze_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


def _cloze_gap(kind: str, body: str, *, where: str, problems: list[Problem]) -> dict[str, Any]:
    answers = []
    for part in re.split(r"(?<!\\)~", body):
        if not part.strip():
            continue
        fraction = 0.0
        if part.startswith("="):
            fraction, part = 1.0, part[1:]
        else:
            weight = _WEIGHT.match(part)
            if weight:
                fraction, part = float(weight.group(1)) / 100, part[weight.end() :]
        value, _, feedback = _split_feedback(part)
        if kind == "numeric":
            number, _, tolerance = value.partition(":")
            try:
                answers.append(
                    {
                        "value": float(number),
                        "tolerance": float(tolerance or 0),
                        "fraction": fraction,
                        "feedback": feedback,
                    }
                )
            except ValueError:
                problems.append(
                    Problem(
                        where,
                        f"空欄の数値「{value}」が読めません",
                        f"cannot read the number {value!r}",
                    )
                )
        else:
            answers.append({"text": value, "fraction": fraction, "feedback": feedback})
    return {"kind": kind, "answers": answers}


def _split_feedback(part: str) -> tuple[str, str, str]:
    pieces = re.split(r"(?<!\\)#", part, maxsplit=1)
    value = _cloze_unescape(pieces[0])
    feedback = _cloze_unescape(pieces[1]) if len(pieces) > 1 else ""
    return value, "#", feedback


def _question(
    q: ET.Element, index: int, category: str, problems: list[Problem]
) -> QuestionDraft | None:
    qtype = q.get("type", "")
    name = _text(q.find("name"))
    where = f'問題 {index} <question type="{qtype}">' + (f"「{name}」" if name else "")
    text = _text(q.find("questiontext"))
    general = _text(q.find("generalfeedback"))
    hints = [_text(h) for h in q.findall("hint") if _text(h)]
    codes, tags, tag_problems = split_tags([_text(t) for t in q.findall("tags/tag")])
    problems.extend(
        Problem(f"{where} <tags>", p, "bad course-of-study code tag") for p in tag_problems
    )
    try:
        mark = float(_text(q, "defaultgrade") or 1)
    except ValueError:
        problems.append(
            Problem(f"{where} <defaultgrade>", "配点が数ではありません", "not a number")
        )
        mark = 1.0
    common: dict[str, Any] = {
        "name": name or text[:60] or f"問題 {index}",
        "location": where,
        "general_feedback": general,
        "hints": hints,
        "tags": tags,
        "codes": codes,
        "default_mark": mark,
        "category": category,
    }
    answers = q.findall("answer")

    def rows(key: str = "text") -> list[dict[str, Any]]:
        out = []
        for n, a in enumerate(answers, start=1):
            out.append(
                {
                    key: _text(a),
                    "fraction": _fraction(
                        a.get("fraction"), where=f"{where} <answer> {n}", problems=problems
                    ),
                    "feedback": _text(a.find("feedback")),
                }
            )
        return out

    if qtype == "multichoice":
        single = _text(q, "single").lower() not in {"false", "0"}
        spec = {
            "choices": rows(),
            "shuffle": _text(q, "shuffleanswers").lower() not in {"false", "0"},
        }
        return QuestionDraft(
            qtype="single" if single else "multiple", text=text, spec=spec, **common
        )
    if qtype == "truefalse":
        truth: bool | None = None
        feedback = {"true": "", "false": ""}
        for a in answers:
            value = _text(a).lower()
            if value not in feedback:
                problems.append(
                    Problem(
                        f"{where} <answer>",
                        "○×の答えは true か false です",
                        "answers must be true or false",
                    )
                )
                continue
            feedback[value] = _text(a.find("feedback"))
            if _fraction(a.get("fraction"), where=where, problems=problems) >= 1:
                truth = value == "true"
        if truth is None:
            problems.append(
                Problem(
                    f"{where} <answer>",
                    "正解(fraction=100)がありません",
                    "no answer has fraction 100",
                )
            )
            return None
        spec = {
            "answer": truth,
            "feedback_true": feedback["true"],
            "feedback_false": feedback["false"],
        }
        return QuestionDraft(qtype="truefalse", text=text, spec=spec, **common)
    if qtype == "shortanswer":
        spec = {"answers": rows(), "case_sensitive": _text(q, "usecase") in {"1", "true"}}
        return QuestionDraft(qtype="short", text=text, spec=spec, **common)
    if qtype == "numerical":
        numeric = []
        for n, a in enumerate(answers, start=1):
            try:
                numeric.append(
                    {
                        "value": float(_text(a)),
                        "tolerance": float(_text(a, "tolerance") or 0),
                        "fraction": _fraction(a.get("fraction"), where=where, problems=problems),
                        "feedback": _text(a.find("feedback")),
                    }
                )
            except ValueError:
                problems.append(
                    Problem(
                        f"{where} <answer> {n}",
                        "数値または <tolerance> が数ではありません",
                        "not a number",
                    )
                )
        return QuestionDraft(qtype="numeric", text=text, spec={"answers": numeric}, **common)
    if qtype == "matching":
        pairs, distractors = [], []
        for sub in q.findall("subquestion"):
            left, right = _text(sub), _text(sub.find("answer"))
            if left:
                pairs.append({"left": left, "right": right})
            elif right:
                distractors.append(right)
        return QuestionDraft(
            qtype="matching", text=text, spec={"pairs": pairs, "distractors": distractors}, **common
        )
    if qtype == "ordering":
        items = [_text(a) for a in answers]
        return QuestionDraft(qtype="ordering", text=text, spec={"items": items}, **common)
    if qtype == "essay":
        spec = {"grader_info": _text(q.find("graderinfo"))}
        return QuestionDraft(qtype="essay", text=text, spec=spec, **common)
    if qtype == "cloze":
        gaps: list[dict[str, Any]] = []

        def replace(match: re.Match[str]) -> str:
            kind = _CLOZE_KINDS.get(match.group(2))
            if kind is None:
                problems.append(
                    Problem(
                        f"{where} <questiontext>",
                        f"穴うめの種類 {match.group(2)} には対応していません",
                        f"cloze sub-question type {match.group(2)} is not supported",
                    )
                )
                return match.group(0)
            gaps.append(
                _cloze_gap(kind, match.group(3), where=f"{where} <questiontext>", problems=problems)
            )
            return f"{{{{{len(gaps)}}}}}"

        cloze_text = _CLOZE_RE.sub(replace, text)
        return QuestionDraft(qtype="cloze", text=cloze_text, spec={"gaps": gaps}, **common)
    problems.append(
        Problem(
            where,
            f"問題の種類「{qtype}」は取り込めません",
            f"question type {qtype!r} cannot be imported",
        )
    )
    return None


def parse_moodlexml(source: bytes | str) -> list[QuestionDraft]:
    """Parse a Moodle XML file, or raise ImportFailed naming the question and element."""
    try:
        root = safe_fromstring(source)
    except (ParseError, DefusedXmlException) as exc:
        raise ImportFailed(
            [
                Problem(
                    "XML",
                    f"XMLとして読めません({exc.__class__.__name__}: {exc})",
                    f"not well-formed or unsafe XML ({exc.__class__.__name__}: {exc})",
                )
            ]
        ) from exc
    if root.tag != "quiz":
        raise ImportFailed(
            [
                Problem(
                    f"<{root.tag}>",
                    "Moodle XMLの最上位は <quiz> です",
                    "the root element must be <quiz>",
                )
            ]
        )
    problems: list[Problem] = []
    drafts: list[QuestionDraft] = []
    category = ""
    for index, q in enumerate(root.findall("question"), start=1):
        if q.get("type") == "category":
            category = _text(q.find("category"))
            continue
        draft = _question(q, index, category, problems)
        if draft is not None:
            drafts.append(draft)
    return drafts_check(drafts, problems)


# ---------------------------------------------------------------- export


def _sub_text(parent: ET.Element, tag: str, value: str, *, fmt: str | None = "html") -> ET.Element:
    element = ET.SubElement(parent, tag)
    if fmt:
        element.set("format", fmt)
    ET.SubElement(element, "text").text = value
    return element


def _pct(fraction: float) -> str:
    return f"{round(float(fraction) * 100, 5):g}"


def _answer(parent: ET.Element, text: str, fraction: float, feedback: str = "") -> ET.Element:
    answer = ET.SubElement(parent, "answer", {"fraction": _pct(fraction), "format": "plain_text"})
    ET.SubElement(answer, "text").text = text
    _sub_text(answer, "feedback", feedback)
    return answer


def _cloze_escape(text: str) -> str:
    return re.sub(r"([}#~/\"\\])", r"\\\1", str(text))


def export_moodlexml(questions: list[dict[str, Any]]) -> bytes:
    """Write questions (dicts as stored) as a Moodle XML document (UTF-8 bytes)."""
    quiz = ET.Element("quiz")
    category = ""
    for q in questions:
        qtype, spec = q["qtype"], q["spec"]
        if q.get("category") and q["category"] != category:
            category = q["category"]
            holder = ET.SubElement(quiz, "question", {"type": "category"})
            _sub_text(holder, "category", category, fmt=None)
        text = q["text"]
        moodle_type = {
            "single": "multichoice",
            "multiple": "multichoice",
            "truefalse": "truefalse",
            "numeric": "numerical",
            "short": "shortanswer",
            "ordering": "ordering",
            "matching": "matching",
            "cloze": "cloze",
            "essay": "essay",
        }[qtype]
        if qtype == "cloze":

            def gap(match: re.Match[str], spec: dict[str, Any] = spec) -> str:
                g = spec["gaps"][int(match.group(1)) - 1]
                kind = {"short": "SHORTANSWER", "choice": "MULTICHOICE", "numeric": "NUMERICAL"}[
                    g["kind"]
                ]
                parts = []
                for a in g["answers"]:
                    value = (
                        f"{a['value']:g}:{a.get('tolerance', 0):g}"
                        if g["kind"] == "numeric"
                        else _cloze_escape(a["text"])
                    )
                    weight = "=" if float(a["fraction"]) >= 1 else f"%{_pct(a['fraction'])}%"
                    fb = f"#{_cloze_escape(a['feedback'])}" if a.get("feedback") else ""
                    parts.append(f"{weight}{value}{fb}")
                return "{1:" + kind + ":" + "~".join(parts) + "}"

            text = re.sub(r"\{\{(\d+)\}\}", gap, text)
        element = ET.SubElement(quiz, "question", {"type": moodle_type})
        _sub_text(element, "name", q["name"], fmt=None)
        _sub_text(element, "questiontext", text)
        _sub_text(element, "generalfeedback", q.get("general_feedback", ""))
        ET.SubElement(element, "defaultgrade").text = f"{q.get('default_mark', 1):g}"
        if qtype in {"single", "multiple"}:
            ET.SubElement(element, "single").text = "true" if qtype == "single" else "false"
            ET.SubElement(element, "shuffleanswers").text = (
                "true" if spec.get("shuffle") else "false"
            )
            for c in spec["choices"]:
                _answer(element, c["text"], c["fraction"], c.get("feedback", ""))
        elif qtype == "truefalse":
            _answer(element, "true", 1.0 if spec["answer"] else 0.0, spec.get("feedback_true", ""))
            _answer(
                element, "false", 0.0 if spec["answer"] else 1.0, spec.get("feedback_false", "")
            )
        elif qtype == "short":
            ET.SubElement(element, "usecase").text = "1" if spec.get("case_sensitive") else "0"
            for a in spec["answers"]:
                _answer(element, a["text"], a["fraction"], a.get("feedback", ""))
        elif qtype == "numeric":
            for a in spec["answers"]:
                answer = _answer(element, f"{a['value']:g}", a["fraction"], a.get("feedback", ""))
                ET.SubElement(answer, "tolerance").text = f"{a.get('tolerance', 0):g}"
        elif qtype == "matching":
            for p in spec["pairs"]:
                sub = _sub_text(element, "subquestion", p["left"])
                ET.SubElement(ET.SubElement(sub, "answer"), "text").text = p["right"]
            for d in spec.get("distractors", []):
                sub = _sub_text(element, "subquestion", "")
                ET.SubElement(ET.SubElement(sub, "answer"), "text").text = d
        elif qtype == "ordering":
            for item in spec["items"]:
                _answer(element, item, 1.0)
        elif qtype == "essay":
            _sub_text(element, "graderinfo", spec.get("grader_info", ""))
        for hint in q.get("hints", []):
            _sub_text(element, "hint", hint)
        all_tags = [*q.get("codes", []), *q.get("tags", [])]
        if all_tags:
            tags = ET.SubElement(element, "tags")
            for tag in all_tags:
                ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag
    ET.indent(quiz)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + bytes(
        ET.tostring(quiz, encoding="utf-8", xml_declaration=False)
    )
