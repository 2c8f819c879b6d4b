"""The furigana filter: readings over listed words, everything else escaped and unchanged."""

from __future__ import annotations

from terakoya.web.templatetags.menu_furigana import furigana


def test_listed_words_get_their_reading_in_ruby():
    assert furigana("出欠の記録") == (
        "<ruby>出欠<rt>しゅっけつ</rt></ruby>の<ruby>記録<rt>きろく</rt></ruby>"
    )


def test_other_text_is_escaped_and_otherwise_unchanged():
    assert furigana("<b>Attendance</b> きょう") == "&lt;b&gt;Attendance&lt;/b&gt; きょう"
