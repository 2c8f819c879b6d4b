"""How a question is shown to a learner and how an answer is shown back: pure functions.

Choice order is shuffled per attempt and question (stable: the same learner sees the same
order when they come back), and a saved answer is shown as it was given.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString

from terakoya.assessment.qtypes import GAP_RE
from terakoya.assessment.richtext import plain_text, safe_html


@dataclass
class Option:
    value: str
    label: SafeString
    checked: bool = False


@dataclass
class Row:
    """One row of an ordering or matching question: a label and a select."""

    name: str
    label: SafeString
    options: list[tuple[str, str]]
    selected: str = ""


@dataclass
class Segment:
    html: SafeString | None = None
    gap: int | None = None
    gap_kind: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    value: str = ""


@dataclass
class Presented:
    qtype: str
    text: SafeString
    options: list[Option] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    value: str = ""
    tf: str = ""
    hints: list[SafeString] = field(default_factory=list)


def _rng(seed: int, slot: int) -> random.Random:
    return random.Random(f"{seed}:{slot}")  # noqa: S311  display order, not security


def present(
    *,
    qtype: str,
    text: str,
    spec: dict[str, Any],
    hints: list[str],
    seed: int,
    slot: int,
    answer: Any,
) -> Presented:
    rng = _rng(seed, slot)
    shown = Presented(qtype=qtype, text=safe_html(text), hints=[safe_html(h) for h in hints])
    if qtype in {"single", "multiple"}:
        indices = list(range(len(spec["choices"])))
        if spec.get("shuffle", True):
            rng.shuffle(indices)
        chosen = {answer} if isinstance(answer, int) else set(answer or [])
        shown.options = [
            Option(str(i), safe_html(spec["choices"][i]["text"]), i in chosen) for i in indices
        ]
    elif qtype == "truefalse":
        shown.tf = "" if answer is None else ("true" if answer else "false")
    elif qtype in {"numeric", "short"} or qtype == "essay":
        shown.value = "" if answer is None else str(answer)
    elif qtype == "ordering":
        items = list(range(len(spec["items"])))
        rng.shuffle(items)
        positions = {index: pos for pos, index in enumerate(answer or [], start=1)}
        numbers = [(str(n), str(n)) for n in range(1, len(items) + 1)]
        shown.rows = [
            Row(f"pos_{i}", safe_html(spec["items"][i]), numbers, str(positions.get(i, "")))
            for i in items
        ]
    elif qtype == "matching":
        rights = sorted({p["right"] for p in spec["pairs"]} | set(spec.get("distractors", [])))
        rng.shuffle(rights)
        given = answer or {}
        shown.rows = [
            Row(
                f"match_{i}",
                safe_html(p["left"]),
                [(r, r) for r in rights],
                str(given.get(str(i), "")),
            )
            for i, p in enumerate(spec["pairs"])
        ]
    elif qtype == "cloze":
        values = list(answer or [])
        pos = 0
        for match in GAP_RE.finditer(text):
            shown.segments.append(Segment(html=safe_html(text[pos : match.start()])))
            index = int(match.group(1)) - 1
            gap: dict[str, Any] = (
                spec["gaps"][index]
                if index < len(spec["gaps"])
                else {"kind": "short", "answers": []}
            )
            options = []
            if gap["kind"] == "choice":
                order = list(range(len(gap["answers"])))
                rng.shuffle(order)
                options = [(str(k), plain_text(gap["answers"][k]["text"])) for k in order]
            shown.segments.append(
                Segment(
                    gap=index,
                    gap_kind=gap["kind"],
                    options=options,
                    value=str(values[index])
                    if index < len(values) and values[index] is not None
                    else "",
                )
            )
            pos = match.end()
        shown.segments.append(Segment(html=safe_html(text[pos:])))
        shown.text = safe_html("")
    return shown


def answer_display(qtype: str, spec: dict[str, Any], answer: Any) -> str:
    """A saved answer as plain text (for review and marking pages)."""
    if answer is None:
        return "—"
    try:
        if qtype == "single":
            return plain_text(spec["choices"][int(answer)]["text"])
        if qtype == "multiple":
            return "、".join(plain_text(spec["choices"][int(i)]["text"]) for i in answer)
        if qtype == "truefalse":
            return "○" if answer else "×"
        if qtype == "ordering":
            return " → ".join(plain_text(spec["items"][int(i)]) for i in answer)
        if qtype == "matching":
            return "、".join(
                f"{plain_text(p['left'])} = {answer.get(str(i), '—')}"
                for i, p in enumerate(spec["pairs"])
            )
        if qtype == "cloze":
            parts = []
            for index, gap in enumerate(spec["gaps"]):
                value = answer[index] if index < len(answer) else ""
                if (
                    gap["kind"] == "choice"
                    and str(value).isdigit()
                    and int(value) < len(gap["answers"])
                ):
                    value = plain_text(gap["answers"][int(value)]["text"])
                parts.append(str(value) or "—")
            return "、".join(parts)
    except (IndexError, KeyError, TypeError, ValueError):
        return str(answer)
    return str(answer)
