"""``{{ text|furigana }}``: titles written with furigana (``｜漢字《かんじ》`` or ``<ruby>``) shown
as ruby, everything else escaped."""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import SafeString

from terakoya.assessment.richtext import AOZORA, plain_text, safe_html

register = template.Library()
RT = re.compile(r"<rt>.*?</rt>", re.S)


@register.filter
def furigana(text: str) -> SafeString:
    return safe_html(str(text or ""))


@register.filter
def without_furigana(text: str) -> str:
    """The text with furigana dropped (for page titles and other plain-text places)."""
    return plain_text(RT.sub("", AOZORA.sub(r"\1", str(text or ""))))
