"""``{{ text|furigana }}``: <ruby> readings over the kanji young learners have not learnt yet.

The menu labels are shared by every role, so they stay plain text; the pages for grades 1–3
pass them through this filter. The dictionary lists the words those pages show (menu entries
of the learner's role and the greeting line); a word not listed is shown as it is.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

READINGS: dict[str, str] = {
    "出欠": "しゅっけつ",
    "記録": "きろく",
    "健康": "けんこう",
    "診断票": "しんだんひょう",
    "同意": "どうい",
    "設定": "せってい",
    "閲覧": "えつらん",
    "自分": "じぶん",
    "児童生徒": "じどうせいと",
    "児童": "じどう",
    "連絡": "れんらく",
    "学習": "がくしゅう",
    "課題": "かだい",
    "時間割": "じかんわり",
}
_WORDS = re.compile("|".join(sorted(map(re.escape, READINGS), key=len, reverse=True)))


@register.filter(is_safe=True)
def furigana(text: object) -> SafeString:
    """Escape ``text`` and wrap every listed word in <ruby>word<rt>reading</rt></ruby>."""
    escaped = str(escape(str(text)))
    return mark_safe(  # noqa: S308 — built from escaped text and the fixed READINGS table
        _WORDS.sub(lambda m: f"<ruby>{m.group(0)}<rt>{READINGS[m.group(0)]}</rt></ruby>", escaped)
    )
