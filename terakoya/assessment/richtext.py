"""Question and material text to safe HTML: escape everything, then allow a few plain tags.

Imported questions carry HTML (Moodle XML) and teachers write furigana; only tags without
attributes from :data:`ALLOWED` survive (ruby for furigana, emphasis, line breaks, paragraphs,
sub/superscript). Aozora-style furigana ``｜漢字《かんじ》`` becomes ``<ruby>``.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

ALLOWED = frozenset(
    {"ruby", "rt", "rp", "rb", "b", "strong", "i", "em", "u", "br", "p", "sub", "sup"}
)
_VOID = frozenset({"br"})
AOZORA = re.compile(r"[｜|]([^｜|《》\n]+)《([^《》\n]+)》")


class _Cleaner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ALLOWED:
            self.out.append(f"<{tag}>")
            if tag not in _VOID:
                self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open:
                top = self.open.pop()
                self.out.append(f"</{top}>")
                if top == tag:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data).replace("\n", "<br>"))

    def result(self) -> str:
        return "".join(self.out) + "".join(f"</{t}>" for t in reversed(self.open))


def safe_html(text: str) -> SafeString:
    """Return ``text`` as HTML that can only contain the allowed tags (no attributes)."""
    cleaner = _Cleaner()
    cleaner.feed(AOZORA.sub(r"<ruby>\1<rt>\2</rt></ruby>", text or ""))
    cleaner.close()
    return mark_safe(cleaner.result())  # noqa: S308  built from escaped data and fixed tags


def plain_text(text: str) -> str:
    """Text without any markup (for names, titles and statements)."""
    parser = _TextOnly()
    parser.feed(text or "")
    parser.close()
    return " ".join("".join(parser.parts).split())


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
