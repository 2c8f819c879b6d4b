"""Mastery rules (Kolibri's three): do all, m of the last n, n correct in a row.

A rule is plain data, frozen into each attempt when it starts: ``{"kind": "all"}``,
``{"kind": "m_of_n", "m": 3, "n": 5}``, ``{"kind": "streak", "n": 3}``. Evaluation is a pure
function of the sequence of per-question outcomes in the order they were asked, where True is
correct, False wrong and None not yet known (an essay waiting for its teacher).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from terakoya.core.errors import UserError

KINDS = ("all", "m_of_n", "streak")


def rule_validate(rule: Any) -> dict[str, Any]:
    """Return the rule normalised, or raise a UserError saying what is wrong with it."""
    if not isinstance(rule, dict) or rule.get("kind") not in KINDS:
        raise UserError(
            "達成の条件は「全問」「n問中m問」「n問連続」のいずれかです。",
            "The mastery rule must be 'all', 'm of n' or 'n in a row'.",
            code="mastery_rule",
            location="mastery_rule",
        )
    kind = rule["kind"]
    if kind == "all":
        return {"kind": "all"}
    try:
        n = int(rule["n"])
        m = int(rule.get("m", n))
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(
            "達成の条件の数が正しくありません。",
            "The mastery rule's numbers are missing or not whole numbers.",
            code="mastery_rule",
            location="mastery_rule",
        ) from exc
    if n < 1 or m < 1 or m > n:
        raise UserError(
            "達成の条件は 1 ≦ m ≦ n にしてください。",
            "A mastery rule needs 1 ≤ m ≤ n.",
            code="mastery_rule",
            location="mastery_rule",
        )
    if kind == "streak":
        return {"kind": "streak", "n": n}
    return {"kind": "m_of_n", "m": m, "n": n}


def mastery_reached(rule: dict[str, Any], outcomes: Sequence[bool | None]) -> bool:
    """True when ``outcomes`` (in the order asked) satisfy ``rule``."""
    kind = rule.get("kind", "all")
    if kind == "all":
        return bool(outcomes) and all(o is True for o in outcomes)
    if kind == "streak":
        run = 0
        for outcome in outcomes:
            run = run + 1 if outcome is True else 0
            if run >= int(rule["n"]):
                return True
        return False
    m, n = int(rule["m"]), int(rule["n"])
    # m correct within any window of n consecutive answers (Kolibri's "m of n").
    for end in range(1, len(outcomes) + 1):
        window = outcomes[max(0, end - n) : end]
        if sum(1 for o in window if o is True) >= m:
            return True
    return False


def rule_describe(rule: dict[str, Any]) -> tuple[str, str]:
    """A short description of the rule, in Japanese (with furigana-free kana) and English."""
    kind = rule.get("kind", "all")
    if kind == "streak":
        return (f"{rule['n']}もん れんぞくで せいかい", f"{rule['n']} correct in a row")
    if kind == "m_of_n":
        return (
            f"{rule['n']}もんの うち {rule['m']}もん せいかい",
            f"{rule['m']} of {rule['n']} correct",
        )
    return ("ぜんぶ せいかい", "all correct")
