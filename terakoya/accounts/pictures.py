"""The pictures young learners tap to sign in (a picture password of three taps)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Picture:
    key: str
    emoji: str
    name_ja: str  # hiragana, readable from grade 1


PICTURES: tuple[Picture, ...] = (
    Picture("apple", "🍎", "りんご"),
    Picture("cat", "🐱", "ねこ"),
    Picture("fish", "🐟", "さかな"),
    Picture("star", "⭐", "ほし"),
    Picture("sunflower", "🌻", "ひまわり"),
    Picture("car", "🚗", "くるま"),
    Picture("dog", "🐶", "いぬ"),
    Picture("moon", "🌙", "つき"),
    Picture("balloon", "🎈", "ふうせん"),
)
BY_KEY = {p.key: p for p in PICTURES}
#: Three taps out of nine pictures: 729 sequences; with lockout after 5 failures a guess
#: succeeds with probability below 0.7% per lockout period.
SEQUENCE_LENGTH = 3


def sequence_password(keys: list[str]) -> str:
    """The password string a picture sequence stands for (hashed with argon2 like any other)."""
    if len(keys) != SEQUENCE_LENGTH or any(k not in BY_KEY for k in keys):
        raise ValueError("invalid picture sequence")
    return "picture:" + "-".join(keys)
