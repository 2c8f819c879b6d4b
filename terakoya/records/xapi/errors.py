"""The one error type of the LRS: an HTTP status with a message in Japanese and English."""

from __future__ import annotations

from terakoya.core.errors import UserError


class XapiError(UserError):
    """A refused xAPI request. ``status`` is the HTTP status the endpoint answers with."""

    def __init__(
        self,
        status: int,
        message_ja: str,
        message_en: str,
        *,
        code: str = "invalid",
        location: str = "",
    ) -> None:
        super().__init__(message_ja, message_en, code=code, location=location)
        self.status = status


def bad(message_en: str, message_ja: str = "", *, location: str = "") -> XapiError:
    """A 400 Bad Request for a malformed request or statement."""
    return XapiError(
        400,
        message_ja or f"xAPIの形式が正しくありません: {message_en}",
        message_en,
        code="bad_request",
        location=location,
    )
