"""Errors that reach a user, in Japanese first and English second."""

from __future__ import annotations

from typing import Any


class UserError(ValueError):
    """An input was refused. Carries a stable code and the message in both languages.

    ``location`` says where (a field name, ``file:row:column``, a JSON path) so the person can
    find and fix it.
    """

    code: str = "invalid"

    def __init__(
        self,
        message_ja: str,
        message_en: str,
        *,
        code: str | None = None,
        location: str = "",
    ) -> None:
        super().__init__(message_ja)
        self.message_ja = message_ja
        self.message_en = message_en
        if code is not None:
            self.code = code
        self.location = location

    def message(self, language: str | None = None) -> str:
        """Return the message in ``language`` ("en" gives English, anything else Japanese)."""
        return self.message_en if (language or "").startswith("en") else self.message_ja

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready description with both languages."""
        data: dict[str, Any] = {
            "code": self.code,
            "message": self.message_ja,
            "message_en": self.message_en,
        }
        if self.location:
            data["location"] = self.location
        return data

    def __str__(self) -> str:
        where = f" [{self.location}]" if self.location else ""
        return f"{self.message_ja} / {self.message_en}{where}"
