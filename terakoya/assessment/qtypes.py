"""Question types: what a valid ``spec`` is, how a raw answer is read, how it is marked.

Pure functions over plain data, shared by the importers, the services and the views. Fractions
are 0–1 (Moodle's percentages divided by 100); a choice's fraction may be negative in
multiple-answer questions (a penalty), and the total is clamped to 0–1.

Specs, per type:

- single / multiple: ``{"choices": [{"text", "fraction", "feedback"}], "shuffle": bool}``
- truefalse: ``{"answer": bool, "feedback_true": str, "feedback_false": str}``
- numeric: ``{"answers": [{"value", "tolerance", "fraction", "feedback"}]}``
- short: ``{"answers": [{"text", "fraction", "feedback"}], "case_sensitive": bool}``
- ordering: ``{"items": [str, ...]}`` in the correct order
- matching: ``{"pairs": [{"left", "right"}], "distractors": [str]}``
- cloze: ``{"gaps": [{"kind": "short"|"choice"|"numeric", "answers": [...]}]}``; the question
  text holds ``{{1}}``, ``{{2}}`` … where the gaps go
- essay: ``{"grader_info": str}``; marked by a teacher
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

TYPES = (
    "single",
    "multiple",
    "truefalse",
    "numeric",
    "short",
    "ordering",
    "matching",
    "cloze",
    "essay",
)
GAP_RE = re.compile(r"\{\{(\d+)\}\}")
EPS = 1e-6


@dataclass
class Marked:
    """The outcome of auto-marking one answer. ``fraction`` is None when a teacher must mark."""

    fraction: float | None
    feedback: list[str] = field(default_factory=list)

    @property
    def correct(self) -> bool | None:
        return None if self.fraction is None else self.fraction >= 1 - EPS


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
        try:
            number = float(text)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _answers_ok(answers: Any, *, key: str, name: str) -> list[str]:
    problems: list[str] = []
    if not isinstance(answers, list) or not answers:
        return [f"{name}: 正答がありません / no answers"]
    best = -1.0
    for index, answer in enumerate(answers, start=1):
        if not isinstance(answer, dict) or key not in answer:
            problems.append(f"{name}: {index}番目の答えの形式が正しくありません / answer {index}")
            continue
        fraction = _num(answer.get("fraction", 0))
        if fraction is None or fraction > 1 + EPS or fraction < -1 - EPS:
            problems.append(
                f"{name}: {index}番目の答えの得点割合が-100%〜100%の範囲外です / answer {index}: "
                "fraction out of range"
            )
            continue
        best = max(best, fraction)
    if not problems and best < 1 - EPS:
        problems.append(f"{name}: 満点(100%)の答えがありません / no answer is worth 100%")
    return problems


def spec_problems(qtype: str, spec: Any, *, text: str = "") -> list[str]:
    """Return every problem with ``spec`` for ``qtype`` (empty when valid)."""
    if qtype not in TYPES:
        return [f"問題の種類「{qtype}」には対応していません / unsupported question type"]
    if not isinstance(spec, dict):
        return ["問題の設定が正しくありません / the question's settings are malformed"]
    if qtype in {"single", "multiple"}:
        choices = spec.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            return ["選択肢は2つ以上必要です / at least two choices are needed"]
        if any(not isinstance(c, dict) or not str(c.get("text", "")).strip() for c in choices):
            return ["空の選択肢があります / a choice is empty"]
        fractions = [_num(c.get("fraction", 0)) for c in choices]
        if any(f is None or f > 1 + EPS or f < -1 - EPS for f in fractions):
            return ["選択肢の得点割合は-100%〜100%です / choice fractions must be -100%..100%"]
        values = [f for f in fractions if f is not None]
        if qtype == "single" and max(values) < 1 - EPS:
            return ["正解(100%)の選択肢がありません / no choice is worth 100%"]
        if qtype == "multiple" and sum(v for v in values if v > 0) < 1 - 0.01:
            return [
                "正解の選択肢の得点割合の合計が100%になりません / the positive fractions do not "
                "add up to 100%"
            ]
        return []
    if qtype == "truefalse":
        if not isinstance(spec.get("answer"), bool):
            return ["○×の正解がありません / the true/false answer is missing"]
        return []
    if qtype == "numeric":
        problems = _answers_ok(spec.get("answers"), key="value", name="数値 / numeric")
        for answer in spec.get("answers") or []:
            if isinstance(answer, dict) and (
                _num(answer.get("value")) is None or (_num(answer.get("tolerance", 0)) or 0) < 0
            ):
                problems.append("数値の答えまたは許容誤差が数ではありません / not a number")
        return problems
    if qtype == "short":
        return _answers_ok(spec.get("answers"), key="text", name="記述 / short answer")
    if qtype == "ordering":
        items = spec.get("items")
        if not isinstance(items, list) or len(items) < 2:
            return ["並べ替える項目は2つ以上必要です / at least two items to order"]
        if any(not str(i).strip() for i in items):
            return ["空の項目があります / an item is empty"]
        return []
    if qtype == "matching":
        pairs = spec.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 2:
            return ["組み合わせは2組以上必要です / at least two pairs are needed"]
        if any(
            not isinstance(p, dict)
            or not str(p.get("left", "")).strip()
            or not str(p.get("right", "")).strip()
            for p in pairs
        ):
            return ["空の組み合わせがあります / a pair is empty"]
        return []
    if qtype == "cloze":
        gaps = spec.get("gaps")
        if not isinstance(gaps, list) or not gaps:
            return ["穴うめの空欄がありません / the cloze text has no gaps"]
        found = sorted({int(n) for n in GAP_RE.findall(text)})
        if text and found != list(range(1, len(gaps) + 1)):
            return ["問題文の空欄の番号が空欄の数と合いません / gap markers do not match the gaps"]
        problems = []
        for index, gap in enumerate(gaps, start=1):
            if not isinstance(gap, dict) or gap.get("kind") not in {"short", "choice", "numeric"}:
                problems.append(f"空欄{index}の種類が正しくありません / gap {index}: bad kind")
                continue
            key = "value" if gap["kind"] == "numeric" else "text"
            problems.extend(
                _answers_ok(gap.get("answers"), key=key, name=f"空欄{index} / gap {index}")
            )
        return problems
    return []  # essay


def _norm_text(value: str, *, case_sensitive: bool) -> str:
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    return text if case_sensitive else text.casefold()


def _short_match(given: str, pattern: str, *, case_sensitive: bool) -> bool:
    """Moodle short-answer matching: whole answer, ``*`` matches anything."""
    g = _norm_text(given, case_sensitive=case_sensitive)
    p = _norm_text(pattern, case_sensitive=case_sensitive)
    if "*" in p.replace("\\*", ""):
        regex = ".*".join(re.escape(part.replace("\\*", "*")) for part in re.split(r"(?<!\\)\*", p))
        return re.fullmatch(regex, g, flags=re.DOTALL) is not None
    return g == p.replace("\\*", "*")


def _mark_short(answers: list[dict[str, Any]], given: Any, *, case_sensitive: bool) -> Marked:
    if not isinstance(given, str) or not given.strip():
        return Marked(0.0)
    for answer in answers:
        if _short_match(given, str(answer["text"]), case_sensitive=case_sensitive):
            fb = [answer["feedback"]] if answer.get("feedback") else []
            return Marked(max(0.0, float(answer.get("fraction", 0))), fb)
    return Marked(0.0)


def _mark_numeric(answers: list[dict[str, Any]], given: Any) -> Marked:
    number = _num(given)
    if number is None:
        return Marked(0.0)
    best: tuple[float, str] | None = None
    for answer in answers:
        value = _num(answer["value"]) or 0.0
        tolerance = _num(answer.get("tolerance", 0)) or 0.0
        if abs(number - value) <= tolerance + 1e-9 * max(1.0, abs(value)):
            fraction = float(answer.get("fraction", 0))
            if best is None or fraction > best[0]:
                best = (fraction, str(answer.get("feedback") or ""))
    if best is None:
        return Marked(0.0)
    return Marked(max(0.0, best[0]), [best[1]] if best[1] else [])


def _mark_choice_gap(answers: list[dict[str, Any]], given: Any) -> Marked:
    try:
        index = int(given)
    except (TypeError, ValueError):
        return Marked(0.0)
    if not 0 <= index < len(answers):
        return Marked(0.0)
    answer = answers[index]
    fb = [answer["feedback"]] if answer.get("feedback") else []
    return Marked(max(0.0, float(answer.get("fraction", 0))), fb)


def mark(qtype: str, spec: dict[str, Any], answer: Any) -> Marked:
    """Mark ``answer`` (as returned by :func:`answer_from_form`) against ``spec``."""
    if answer is None:
        return Marked(None if qtype == "essay" else 0.0)
    if qtype == "single":
        return _mark_choice_gap(spec["choices"], answer)
    if qtype == "multiple":
        chosen = (
            {int(i) for i in answer if str(i).lstrip("-").isdigit()}
            if isinstance(answer, list)
            else set()
        )
        total = 0.0
        feedback = []
        for index, choice in enumerate(spec["choices"]):
            if index in chosen:
                total += float(choice.get("fraction", 0))
                if choice.get("feedback"):
                    feedback.append(choice["feedback"])
        return Marked(min(1.0, max(0.0, total)), feedback)
    if qtype == "truefalse":
        if not isinstance(answer, bool):
            return Marked(0.0)
        fb = spec.get("feedback_true" if answer else "feedback_false") or ""
        return Marked(1.0 if answer is spec["answer"] else 0.0, [fb] if fb else [])
    if qtype == "numeric":
        return _mark_numeric(spec["answers"], answer)
    if qtype == "short":
        return _mark_short(spec["answers"], answer, case_sensitive=bool(spec.get("case_sensitive")))
    if qtype == "ordering":
        items = spec["items"]
        if not isinstance(answer, list) or sorted(answer) != list(range(len(items))):
            return Marked(0.0)
        right = sum(1 for position, index in enumerate(answer) if position == index)
        return Marked(right / len(items))
    if qtype == "matching":
        pairs = spec["pairs"]
        if not isinstance(answer, dict):
            return Marked(0.0)
        right = sum(
            1
            for index, pair in enumerate(pairs)
            if _norm_text(str(answer.get(str(index), "")), case_sensitive=True)
            == _norm_text(str(pair["right"]), case_sensitive=True)
        )
        return Marked(right / len(pairs))
    if qtype == "cloze":
        gaps = spec["gaps"]
        if not isinstance(answer, list):
            return Marked(0.0)
        total = 0.0
        gap_feedback: list[str] = []
        for index, gap in enumerate(gaps):
            given = answer[index] if index < len(answer) else None
            if gap["kind"] == "choice":
                part = _mark_choice_gap(gap["answers"], given)
            elif gap["kind"] == "numeric":
                part = _mark_numeric(gap["answers"], given)
            else:
                part = _mark_short(gap["answers"], given, case_sensitive=False)
            total += part.fraction or 0.0
            gap_feedback.extend(part.feedback)
        return Marked(total / len(gaps), gap_feedback)
    return Marked(None)  # essay: a teacher marks it


def answer_from_form(qtype: str, spec: dict[str, Any], data: Any) -> Any:
    """Read a learner's answer from a submitted form (a QueryDict or a dict of lists).

    Returns the stored shape: an index (single), a list of indices (multiple), a bool
    (truefalse), a string (numeric, short, essay), a list of item indices in the learner's
    order (ordering), ``{left index: right text}`` (matching), a list of gap answers (cloze);
    None when nothing was answered.
    """

    def one(name: str) -> str:
        value = data.get(name, "")
        return str(value).strip() if value is not None else ""

    def many(name: str) -> list[str]:
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter else data.get(name, [])
        return [str(v) for v in (values if isinstance(values, list) else [values])]

    if qtype == "single":
        value = one("choice")
        return int(value) if value.isdigit() and int(value) < len(spec["choices"]) else None
    if qtype == "multiple":
        picked = sorted(
            {int(v) for v in many("choice") if v.isdigit() and int(v) < len(spec["choices"])}
        )
        return picked or None
    if qtype == "truefalse":
        value = one("tf")
        return {"true": True, "false": False}.get(value)
    if qtype in {"numeric", "short"}:
        return one("value")[:500] or None
    if qtype == "essay":
        value = str(data.get("text", "") or "")
        return value[:20000] if value.strip() else None
    if qtype == "ordering":
        count = len(spec["items"])
        positions: dict[int, int] = {}
        for index in range(count):
            value = one(f"pos_{index}")
            if not value.isdigit():
                return None
            positions[index] = int(value)
        if sorted(positions.values()) != list(range(1, count + 1)):
            return None
        return [index for index, _ in sorted(positions.items(), key=lambda kv: kv[1])]
    if qtype == "matching":
        chosen = {str(i): one(f"match_{i}") for i in range(len(spec["pairs"]))}
        return chosen if any(chosen.values()) else None
    if qtype == "cloze":
        values = [one(f"gap_{i}")[:200] for i in range(len(spec["gaps"]))]
        return values if any(values) else None
    return None


def correct_answer_text(qtype: str, spec: dict[str, Any]) -> str:
    """A short human-readable statement of the correct answer (for review pages)."""
    if qtype in {"single", "multiple"}:
        return " / ".join(
            str(c["text"]) for c in spec["choices"] if float(c.get("fraction", 0)) > 0
        )
    if qtype == "truefalse":
        return "○" if spec["answer"] else "×"
    if qtype in {"numeric", "short"}:
        best = [a for a in spec["answers"] if float(a.get("fraction", 0)) >= 1 - EPS]
        key = "value" if qtype == "numeric" else "text"
        return " / ".join(str(a[key]) for a in best)
    if qtype == "ordering":
        return " → ".join(str(i) for i in spec["items"])
    if qtype == "matching":
        return "、".join(f"{p['left']} = {p['right']}" for p in spec["pairs"])
    if qtype == "cloze":
        parts = []
        for gap in spec["gaps"]:
            key = "value" if gap["kind"] == "numeric" else "text"
            best = [a for a in gap["answers"] if float(a.get("fraction", 0)) >= 1 - EPS]
            parts.append(str(best[0][key]) if best else "")
        return "、".join(parts)
    return ""


def xapi_interaction_type(qtype: str) -> str:
    """The xAPI cmi.interaction type for a question type (xAPI Data 2.4.4.1.1)."""
    return {
        "single": "choice",
        "multiple": "choice",
        "truefalse": "true-false",
        "numeric": "numeric",
        "short": "fill-in",
        "ordering": "sequencing",
        "matching": "matching",
        "cloze": "fill-in",
        "essay": "long-fill-in",
    }[qtype]
