"""Ingest guards: the My Number guard and the prohibited-category filter.

Every input path (forms, JSON bodies, xAPI statements, CSV cells, uploaded file names) runs its
values through :func:`check_text` / :func:`scan` before anything is stored. A refused value is
never stored, logged or hashed: the errors raised here carry only the location, never the value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

from terakoya.core.errors import UserError
from terakoya.privacy.categories import LABELS_EN, LABELS_JA, DataCategory

# 総務省令 (行政手続における特定の個人を識別するための番号の利用等に関する法律の規定による通知
# カード及び個人番号カード並びに情報提供ネットワークシステムによる特定個人情報の提供等に関する
# 省令) 第5条: weights for the 11 base digits, read left to right.
_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

# Twelve digits in a row, or three groups of four separated by one space or hyphen, not part
# of a longer run of digits. Applied to NFKC-normalised text, so full-width digits, spaces and
# hyphens match too; the extra dashes are the ones NFKC leaves alone (ー, ‐, −, –, —).
_SEP = r"[ \-\u2010\u2011\u2012\u2013\u2014\u2212\u30fc]"
# Not adjacent to a letter or digit, and not the last group of a hyphenated identifier such as
# a UUID (whose final 12 hex characters are sometimes all digits).
# The two separators must agree (none, or one at both places: 4-4-4), so "73101922-7710", the
# start of a UUID, is not read as twelve digits.
_CANDIDATE = re.compile(
    rf"(?<![0-9A-Za-z])(?<![0-9A-Za-z]-)(\d{{4}})({_SEP}?)(\d{{4}})\2(\d{{4}})(?![0-9A-Za-z])"
)


class RefusedInput(UserError):
    """Base class of inputs refused by a privacy guard."""

    code = "refused"


class MyNumberRefused(RefusedInput):
    code = "my_number"

    def __init__(self, *, location: str = "") -> None:
        super().__init__(
            "マイナンバー(個人番号)と思われる12桁の番号が含まれています。寺子屋ではマイナンバーを保存できません"
            "(番号法第20条)。番号を削除してから、もう一度送信してください。",
            "This looks like a My Number (individual number). Terakoya cannot store it (My "
            "Number Act, Art. 20). Remove the number and send again.",
            location=location,
        )


class ProhibitedCategoryRefused(RefusedInput):
    code = "prohibited_category"

    def __init__(self, category: DataCategory, *, location: str = "") -> None:
        self.category = category
        super().__init__(
            f"「{LABELS_JA[category]}」のデータは寺子屋では収集しません。この項目は受け付けられません。",
            f"Terakoya does not collect {LABELS_EN[category]} data; this item is refused.",
            location=location,
        )


def my_number_check_digit(base11: str) -> int:
    """Return the check digit for 11 base digits (総務省令 第5条)."""
    r = sum(int(d) * w for d, w in zip(base11, _WEIGHTS, strict=True)) % 11
    return 0 if r <= 1 else 11 - r


def is_my_number(digits: str) -> bool:
    """True when ``digits`` is exactly 12 ASCII digits with a valid My Number check digit."""
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        return False
    return my_number_check_digit(digits[:11]) == int(digits[11])


def contains_my_number(text: str) -> bool:
    """True when ``text`` contains anything that reads as a valid My Number."""
    normalised = unicodedata.normalize("NFKC", text)
    return any(
        is_my_number(match.group(1) + match.group(3) + match.group(4))
        for match in _CANDIDATE.finditer(normalised)
    )


def check_text(text: str, *, location: str = "") -> None:
    """Raise :class:`MyNumberRefused` when ``text`` contains a My Number."""
    if contains_my_number(text):
        raise MyNumberRefused(location=location)


# Words that name a prohibited category when they appear as a key, a field name, an extension
# IRI segment, a verb or an activity type. Matched against whole tokens of the identifier, in
# English and Japanese, so "mood" and "heart-rate" are caught and "model" or "heartily" are not.
_PROHIBITED_TOKENS: dict[DataCategory, frozenset[str]] = {
    DataCategory.PHYSIOLOGICAL_SIGNAL: frozenset(
        {
            "pulse",
            "heartrate",
            "heart_rate",
            "bpm",
            "bloodpressure",
            "blood_pressure",
            "systolic",
            "diastolic",
            "perspiration",
            "sweat",
            "sweating",
            "gsr",
            "electrodermal",
            "skin_conductance",
            "eeg",
            "brainwave",
            "brainwaves",
            "brain_wave",
            "ecg",
            "ekg",
            "hrv",
            "respiration_rate",
            "spo2",
            "脈拍",
            "心拍",
            "心拍数",
            "血圧",
            "発汗",
            "脳波",
            "心電図",
        }
    ),
    DataCategory.GAZE: frozenset(
        {"gaze", "eyetracking", "eye_tracking", "eye_movement", "pupillometry", "視線", "視線計測"}
    ),
    DataCategory.FACIAL_EXPRESSION: frozenset(
        {
            "facial_expression",
            "facialexpression",
            "face_expression",
            "facial",
            "表情",
            "顔表情",
        }
    ),
    DataCategory.AFFECT_INFERENCE: frozenset(
        {
            "emotion",
            "emotions",
            "emotional_state",
            "affect",
            "affective",
            "mood",
            "moods",
            "sentiment",
            "feeling",
            "feelings",
            "engagement_emotion",
            "frustration",
            "boredom",
            "stress_level",
            "感情",
            "情動",
            "気分",
            "機嫌",
            "気持ち",
        }
    ),
    DataCategory.FAMILY_CIRCUMSTANCES_FOR_ANALYTICS: frozenset(
        {"household_income", "family_income", "家庭状況", "世帯収入", "生活保護"}
    ),
    DataCategory.MY_NUMBER: frozenset(
        {"my_number", "mynumber", "individual_number", "kojin_bango", "マイナンバー", "個人番号"}
    ),
}
_TOKEN_INDEX: dict[str, DataCategory] = {
    token: category for category, tokens in _PROHIBITED_TOKENS.items() for token in tokens
}
_SPLIT = re.compile(r"[^0-9a-z\u3040-\u30ff\u3400-\u9fff_]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def prohibited_category_of(identifier: str) -> DataCategory | None:
    """Return the prohibited category an identifier (key, IRI, field name) names, if any.

    The identifier is split into tokens on punctuation and camelCase; each token, and each
    pair of neighbouring tokens joined by ``_``, is looked up.
    """
    text = _CAMEL.sub("_", unicodedata.normalize("NFKC", identifier)).lower()
    tokens = [t for t in _SPLIT.split(text) if t]
    parts: list[str] = []
    for token in tokens:
        parts.extend(p for p in token.split("_") if p)
        parts.append(token)
    candidates = set(parts)
    candidates.update(f"{a}_{b}" for a, b in pairwise(parts))
    candidates.update(f"{a}{b}" for a, b in pairwise(parts))
    for candidate in candidates:
        category = _TOKEN_INDEX.get(candidate)
        if category is not None:
            return category
    # Japanese identifiers are not split into words: look for the words inside them.
    for token in tokens:
        if not token.isascii():
            for word, category in _TOKEN_INDEX.items():
                if not word.isascii() and word in token:
                    return category
    return None


def check_identifier(identifier: str, *, location: str = "") -> None:
    """Raise :class:`ProhibitedCategoryRefused` when ``identifier`` names a prohibited category."""
    category = prohibited_category_of(identifier)
    if category is not None:
        raise ProhibitedCategoryRefused(category, location=location or identifier)


def scan(value: Any, *, location: str = "$", identifiers: Iterable[str] = ()) -> None:
    """Check a parsed input (JSON-like) recursively before anything is stored.

    Every string is checked for a My Number; every mapping key and every string in
    ``identifiers`` (verb ids, activity types) is checked for a prohibited category.
    Raises the first :class:`RefusedInput` found; returns None when the input is clean.
    """
    for identifier in identifiers:
        check_identifier(identifier, location=location)
    if isinstance(value, str):
        check_text(value, location=location)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            key_text = str(key)
            where = f"{location}.{key_text}"
            check_identifier(key_text, location=where)
            check_text(key_text, location=where)
            scan(item, location=where)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            scan(item, location=f"{location}[{index}]")
    elif isinstance(value, int) and not isinstance(value, bool):
        check_text(str(value), location=location)
