"""Turn pydantic validation errors into precise messages, Japanese first and English second."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from terakoya.core.errors import UserError

_JA: dict[str, str] = {
    "missing": "必須の項目です。",
    "string_too_short": "入力してください。",
    "string_too_long": "長すぎます(最大{max_length}文字)。",
    "string_pattern_mismatch": "形式が正しくありません。",
    "string_type": "文字列で指定してください。",
    "literal_error": "次のいずれかを指定してください: {expected}",
    "enum": "次のいずれかを指定してください: {expected}",
    "extra_forbidden": "この項目は受け付けていません。",
    "uuid_parsing": "IDの形式(UUID)が正しくありません。",
    "uuid_type": "IDの形式(UUID)が正しくありません。",
    "date_parsing": "日付は YYYY-MM-DD の形で指定してください。",
    "date_from_datetime_parsing": "日付は YYYY-MM-DD の形で指定してください。",
    "date_type": "日付は YYYY-MM-DD の形で指定してください。",
    "int_parsing": "整数で指定してください。",
    "int_type": "整数で指定してください。",
    "greater_than_equal": "{ge} 以上で指定してください。",
    "less_than_equal": "{le} 以下で指定してください。",
    "list_type": "配列で指定してください。",
    "model_type": "オブジェクトで指定してください。",
    "json_invalid": "JSONとして読み取れません。",
}


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "$"


def validation_errors(error: ValidationError) -> list[UserError]:
    """One :class:`UserError` per problem, located by field path, in both languages."""
    found: list[UserError] = []
    for item in error.errors(include_url=False):
        context: dict[str, Any] = dict(item.get("ctx") or {})
        template = _JA.get(item["type"], "値が正しくありません。")
        try:
            message_ja = template.format(**context)
        except (KeyError, IndexError):
            message_ja = template
        found.append(
            UserError(
                message_ja,
                str(item.get("msg", "Invalid value")),
                code=item["type"],
                location=_location(tuple(item.get("loc", ()))),
            )
        )
    return found
