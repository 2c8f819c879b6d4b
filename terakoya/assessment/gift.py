"""GIFT (Moodle's plain-text question format): import and export.

Supported: multiple choice (``{=right ~wrong}``, one or several right answers with
``~%50%`` weights), true/false (``{T}``/``{FALSE#feedback if wrong#feedback if right}``), short
answer (``{=a =b}``), numeric (``{#3.14:0.01}``, ``{#1..2}``, ``{#=%50%3:1}``), matching
(``{=a -> b}``), missing word (text after the answer block: imported as a one-gap cloze) and
essay (``{}``). ``::title::``, ``[html|plain|markdown|moodle]`` text formats, per-answer feedback
after ``#``, general feedback after ``####``, ``$CATEGORY:`` lines, and tags in comments
(``// [tag:8220233111000000]``); tags that are 学習指導要領コード become the question's codes.
Escapes: ``\\~ \\= \\# \\{ \\} \\: \\n``. GIFT cannot express ordering or multi-gap cloze;
exporting those is refused by name.

Every problem is reported with its line number; a file with any problem imports nothing.
"""

from __future__ import annotations

import re
from typing import Any

from terakoya.assessment.interchange import (
    ImportFailed,
    Problem,
    QuestionDraft,
    drafts_check,
    split_tags,
)

_SPECIAL = "~=#{}:"
_TAG_RE = re.compile(r"\[tag:([^\]]+)\]")
_FORMAT_RE = re.compile(r"^\[(html|plain|markdown|moodle)\]", re.IGNORECASE)
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_NUM_TOL = re.compile(rf"^({_NUM})(?::({_NUM}))?$")
_NUM_RANGE = re.compile(rf"^({_NUM})\.\.({_NUM})$")


def _unescape(text: str) -> str:
    return _unescape_raw(text).strip()


def _unescape_raw(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in _SPECIAL or nxt == "\\":
                out.append(nxt)
                i += 2
                continue
            if nxt == "n":
                out.append("\n")
                i += 2
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _find(text: str, chars: str, start: int = 0) -> int:
    """Index of the first unescaped character of ``chars`` at or after ``start``, or -1."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in chars:
            return i
        i += 1
    return -1


def _split_unescaped(text: str, chars: str) -> list[str]:
    """Split before every unescaped character of ``chars`` (the marker stays on its part)."""
    parts: list[str] = []
    start = 0
    i = _find(text, chars)
    while i != -1:
        if i > start:
            parts.append(text[start:i])
        start = i
        i = _find(text, chars, i + 1)
    parts.append(text[start:])
    return [p for p in parts if p.strip()]


def _feedback_split(item: str) -> tuple[str, str]:
    cut = _find(item, "#")
    if cut == -1:
        return _unescape(item), ""
    return _unescape(item[:cut]), _unescape(item[cut + 1 :])


class _Block:
    def __init__(self, lines: list[tuple[int, str]], tags: list[str]) -> None:
        self.lines = lines
        self.tags = tags
        self.first = lines[0][0]
        self.text = "\n".join(line for _, line in lines)

    def line_at(self, pos: int) -> int:
        return self.first + self.text.count("\n", 0, max(0, pos))


def _blocks(source: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: list[tuple[int, str]] = []
    tags: list[str] = []
    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("//"):
            tags.extend(t.strip() for t in _TAG_RE.findall(stripped))
            continue
        if not stripped:
            if current:
                blocks.append(_Block(current, tags))
                current, tags = [], []
            continue
        current.append((number, line))
    if current:
        blocks.append(_Block(current, tags))
    return blocks


def _answers(
    body: str, *, line: int, problems: list[Problem], allow_weight: bool = True
) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    for part in _split_unescaped(body, "=~"):
        marker, rest = part[0], part[1:].strip()
        if marker not in "=~":
            problems.append(
                Problem(
                    f"行 {line}",
                    f"答えは「=」か「~」で始めてください: 「{part.strip()[:30]}」",
                    f"each answer must start with '=' or '~': {part.strip()[:30]!r}",
                )
            )
            continue
        fraction = 1.0 if marker == "=" else 0.0
        weight = _WEIGHT_RE.match(rest)
        if weight and allow_weight:
            fraction = float(weight.group(1)) / 100
            rest = rest[weight.end() :]
        text, feedback = _feedback_split(rest)
        if not text:
            problems.append(Problem(f"行 {line}", "空の答えがあります", "an answer is empty"))
            continue
        answers.append({"marker": marker, "text": text, "fraction": fraction, "feedback": feedback})
    return answers


def _numeric(body: str, *, line: int, problems: list[Problem]) -> list[dict[str, Any]]:
    def one(item: str, fraction: float) -> dict[str, Any] | None:
        weight = _WEIGHT_RE.match(item)
        if weight:
            fraction = float(weight.group(1)) / 100
            item = item[weight.end() :]
        value_text, feedback = _feedback_split(item)
        value_text = value_text.replace(" ", "")
        match = _NUM_TOL.match(value_text)
        if match:
            return {
                "value": float(match.group(1)),
                "tolerance": float(match.group(2) or 0),
                "fraction": fraction,
                "feedback": feedback,
            }
        match = _NUM_RANGE.match(value_text)
        if match:
            low, high = float(match.group(1)), float(match.group(2))
            return {
                "value": (low + high) / 2,
                "tolerance": abs(high - low) / 2,
                "fraction": fraction,
                "feedback": feedback,
            }
        problems.append(
            Problem(
                f"行 {line}",
                f"数値の答え「{value_text[:30]}」が読めません(例: 3.14:0.01 または 3..4)",
                f"cannot read the numeric answer {value_text[:30]!r} (e.g. 3.14:0.01 or 3..4)",
            )
        )
        return None

    if _find(body, "=") == -1:
        found = one(body.strip(), 1.0)
        return [found] if found else []
    results = []
    for part in _split_unescaped(body, "=~"):
        found = one(part[1:].strip(), 1.0 if part[0] == "=" else 0.0)
        if found:
            results.append(found)
    return results


def _parse_block(block: _Block, category: str, problems: list[Problem]) -> QuestionDraft | None:
    text = block.text.strip()
    name = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end == -1:
            problems.append(
                Problem(f"行 {block.first}", "題名の「::」が閉じていません", "unclosed '::title::'")
            )
            return None
        name = _unescape(text[2:end])
        text = text[end + 2 :].lstrip()
    offset = block.text.find(text[:20]) if text else 0
    fmt = _FORMAT_RE.match(text)
    if fmt:
        text = text[fmt.end() :]
    open_pos = _find(text, "{")
    if open_pos == -1:
        problems.append(
            Problem(
                f"行 {block.first}",
                "答えの「{…}」がありません(説明文だけの問題は取り込めません)",
                "no answer block '{…}' (description-only items cannot be imported)",
            )
        )
        return None
    close_pos = _find(text, "}", open_pos + 1)
    line = block.line_at(offset + open_pos)
    if close_pos == -1:
        problems.append(Problem(f"行 {line}", "「{」が閉じていません", "unclosed '{'"))
        return None
    if _find(text, "{", close_pos + 1) != -1:
        problems.append(
            Problem(
                f"行 {line}",
                "答えの「{…}」は1問に1つだけです",
                "only one answer block per question",
            )
        )
        return None
    before = _unescape(text[:open_pos])
    after = _unescape(text[close_pos + 1 :])
    body = text[open_pos + 1 : close_pos]
    general = ""
    gf = body.find("####")
    if gf != -1:
        general = _unescape(body[gf + 4 :])
        body = body[:gf]
    codes, tags, tag_problems = split_tags(block.tags)
    problems.extend(
        Problem(f"行 {block.first}", p, "bad course-of-study code tag") for p in tag_problems
    )
    draft_kw: dict[str, Any] = {
        "name": name or before[:60] or f"問題 {block.first}",
        "location": f"行 {line}",
        "general_feedback": general,
        "tags": tags,
        "codes": codes,
        "category": category,
    }
    stripped = body.strip()
    missing_word = bool(after)
    raw_before = _unescape_raw(text[:open_pos]).lstrip()
    raw_after = _unescape_raw(text[close_pos + 1 :]).rstrip()
    question_text = f"{raw_before}{{{{1}}}}{raw_after}" if missing_word else before

    if not stripped:
        if missing_word:
            problems.append(
                Problem(f"行 {line}", "空欄に答えがありません", "the blank has no answer")
            )
            return None
        return QuestionDraft(qtype="essay", text=before, spec={"grader_info": ""}, **draft_kw)
    if stripped.startswith("#"):
        answers = _numeric(stripped[1:], line=line, problems=problems)
        if not answers:
            return None
        if missing_word:
            gaps = {"gaps": [{"kind": "numeric", "answers": answers}]}
            return QuestionDraft(qtype="cloze", text=question_text, spec=gaps, **draft_kw)
        return QuestionDraft(qtype="numeric", text=before, spec={"answers": answers}, **draft_kw)
    head, _, tf_feedback = stripped.partition("#")
    if head.strip().upper() in {"T", "TRUE", "F", "FALSE"} and _find(stripped, "=~") == -1:
        truth = head.strip().upper().startswith("T")
        wrong_fb, _, right_fb = tf_feedback.partition("#")
        # GIFT: the first feedback is shown for a wrong answer, the second for a right one.
        spec: dict[str, Any] = {
            "answer": truth,
            "feedback_true": _unescape(right_fb if truth else wrong_fb),
            "feedback_false": _unescape(wrong_fb if truth else right_fb),
        }
        return QuestionDraft(qtype="truefalse", text=before, spec=spec, **draft_kw)
    answers = _answers(stripped, line=line, problems=problems)
    if not answers:
        problems.append(Problem(f"行 {line}", "答えがありません", "no answers"))
        return None
    if all(a["marker"] == "=" for a in answers) and any("->" in a["text"] for a in answers):
        pairs = []
        distractors = []
        for answer in answers:
            left, arrow, right = answer["text"].partition("->")
            if not arrow or not right.strip():
                problems.append(
                    Problem(
                        f"行 {line}",
                        "組み合わせは「=左 -> 右」の形で書いてください",
                        "matching pairs must read '=left -> right'",
                    )
                )
                return None
            if left.strip():
                pairs.append({"left": left.strip(), "right": right.strip()})
            else:
                distractors.append(right.strip())
        spec = {"pairs": pairs, "distractors": distractors}
        return QuestionDraft(qtype="matching", text=before, spec=spec, **draft_kw)
    if all(a["marker"] == "=" for a in answers):
        rows = [
            {"text": a["text"], "fraction": a["fraction"], "feedback": a["feedback"]}
            for a in answers
        ]
        if missing_word:
            return QuestionDraft(
                qtype="cloze",
                text=question_text,
                spec={"gaps": [{"kind": "short", "answers": rows}]},
                **draft_kw,
            )
        return QuestionDraft(
            qtype="short", text=before, spec={"answers": rows, "case_sensitive": False}, **draft_kw
        )
    choices = [
        {"text": a["text"], "fraction": a["fraction"], "feedback": a["feedback"]} for a in answers
    ]
    if missing_word:
        spec = {"gaps": [{"kind": "choice", "answers": choices}]}
        return QuestionDraft(qtype="cloze", text=question_text, spec=spec, **draft_kw)
    partial = any(a["marker"] == "~" and a["fraction"] > 0 for a in answers)
    qtype = "multiple" if partial else "single"
    return QuestionDraft(
        qtype=qtype, text=before, spec={"choices": choices, "shuffle": True}, **draft_kw
    )


def parse_gift(source: str) -> list[QuestionDraft]:
    """Parse GIFT text into drafts, or raise ImportFailed naming the line of every problem."""
    problems: list[Problem] = []
    drafts: list[QuestionDraft] = []
    category = ""
    for block in _blocks(source.lstrip("\ufeff")):
        first_line = block.text.strip()
        if first_line.upper().startswith("$CATEGORY:"):
            category = first_line.split(":", 1)[1].strip()
            continue
        draft = _parse_block(block, category, problems)
        if draft is not None:
            drafts.append(draft)
    return drafts_check(drafts, problems)


# ---------------------------------------------------------------- export


def _esc(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for ch in _SPECIAL:
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\n")


def _pct(fraction: float) -> str:
    value = round(float(fraction) * 100, 5)
    return f"{value:g}"


def _fb(text: str) -> str:
    return f"#{_esc(text)}" if text else ""


def export_gift(questions: list[dict[str, Any]]) -> str:
    """Write questions (dicts with qtype, name, text, spec, general_feedback, tags, codes) as GIFT.

    Raises ImportFailed-style problems (as a UserError) for types GIFT cannot express.
    """
    problems: list[Problem] = []
    chunks: list[str] = []
    for index, q in enumerate(questions, start=1):
        qtype, spec, text = q["qtype"], q["spec"], q["text"]
        lines = [f"// [tag:{tag}]" for tag in [*q.get("codes", []), *q.get("tags", [])]]
        title = f"::{_esc(q['name'])}::"
        general = f"####{_esc(q['general_feedback'])}" if q.get("general_feedback") else ""
        if qtype in {"single", "multiple"}:
            parts = []
            for c in spec["choices"]:
                fr = float(c.get("fraction", 0))
                if qtype == "single" and fr >= 1:
                    parts.append(f"={_esc(c['text'])}{_fb(c.get('feedback', ''))}")
                elif fr == 0 and qtype == "single":
                    parts.append(f"~{_esc(c['text'])}{_fb(c.get('feedback', ''))}")
                else:
                    parts.append(f"~%{_pct(fr)}%{_esc(c['text'])}{_fb(c.get('feedback', ''))}")
            body = " ".join(parts)
            lines.append(f"{title}{_esc(text)} {{{body}{general}}}")
        elif qtype == "truefalse":
            truth = spec["answer"]
            wrong = spec.get("feedback_false" if truth else "feedback_true", "")
            right = spec.get("feedback_true" if truth else "feedback_false", "")
            fb = f"#{_esc(wrong)}#{_esc(right)}" if (wrong or right) else ""
            lines.append(f"{title}{_esc(text)} {{{'TRUE' if truth else 'FALSE'}{fb}{general}}}")
        elif qtype == "short":
            body = " ".join(
                f"=%{_pct(a['fraction'])}%{_esc(a['text'])}{_fb(a.get('feedback', ''))}"
                for a in spec["answers"]
            )
            lines.append(f"{title}{_esc(text)} {{{body}{general}}}")
        elif qtype == "numeric":
            body = "".join(
                f"=%{_pct(a['fraction'])}%{a['value']:g}:{a.get('tolerance', 0):g}"
                + _fb(a.get("feedback", ""))
                for a in spec["answers"]
            )
            lines.append(f"{title}{_esc(text)} {{#{body}{general}}}")
        elif qtype == "matching":
            body = " ".join(f"={_esc(p['left'])} -> {_esc(p['right'])}" for p in spec["pairs"])
            body += "".join(f" = -> {_esc(d)}" for d in spec.get("distractors", []))
            lines.append(f"{title}{_esc(text)} {{{body}{general}}}")
        elif qtype == "essay":
            lines.append(f"{title}{_esc(text)} {{{general}}}")
        elif qtype == "cloze" and len(spec["gaps"]) == 1:
            gap = spec["gaps"][0]
            before, _, after = text.partition("{{1}}")
            if gap["kind"] == "numeric":
                body = "#" + "".join(
                    f"=%{_pct(a['fraction'])}%{a['value']:g}:{a.get('tolerance', 0):g}"
                    for a in gap["answers"]
                )
            elif gap["kind"] == "choice":
                body = " ".join(
                    ("=" if float(a["fraction"]) >= 1 else "~")
                    + _esc(a["text"])
                    + _fb(a.get("feedback", ""))
                    for a in gap["answers"]
                )
            else:
                body = " ".join(
                    f"={_esc(a['text'])}{_fb(a.get('feedback', ''))}" for a in gap["answers"]
                )
            lines.append(f"{title}{_esc(before)}{{{body}}}{_esc(after)}")
        else:
            problems.append(
                Problem(
                    f"問題 {index}「{q['name']}」",
                    "GIFTでは並べ替えと複数の空欄の穴うめを書き出せません。"
                    "Moodle XMLを使ってください",
                    "GIFT cannot express ordering or multi-gap cloze; use Moodle XML",
                )
            )
            continue
        chunks.append("\n".join(lines))
    if problems:
        raise ImportFailed(problems)
    return "\n\n".join(chunks) + "\n"
