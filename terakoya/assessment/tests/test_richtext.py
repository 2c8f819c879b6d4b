"""Imported question text can carry only plain tags: no scripts, attributes or links."""

from __future__ import annotations

from terakoya.assessment.richtext import plain_text, safe_html


def test_scripts_attributes_and_unknown_tags_are_removed():
    html = safe_html(
        '<p onclick="x()">あ<script>alert(1)</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">い</a><b style="color:red">う</b></p>'
    )
    assert html == "<p>あalert(1)い<b>う</b></p>"


def test_furigana_is_kept_and_aozora_notation_becomes_ruby():
    assert safe_html("<ruby>漢字<rt>かんじ</rt></ruby>") == "<ruby>漢字<rt>かんじ</rt></ruby>"
    assert safe_html("｜地図《ちず》を みる") == "<ruby>地図<rt>ちず</rt></ruby>を みる"


def test_text_is_escaped_and_unclosed_tags_are_closed():
    assert safe_html("1 < 2 & 3 > 2") == "1 &lt; 2 &amp; 3 &gt; 2"
    assert safe_html("<b>ふと") == "<b>ふと</b>"
    assert plain_text("<p>こん<b>虫</b></p>") == "こん虫"


def test_titles_show_furigana_as_ruby_and_drop_it_in_plain_text():
    from terakoya.assessment.templatetags.furigana import furigana, without_furigana

    assert furigana("｜理科《りか》ドリル") == "<ruby>理科<rt>りか</rt></ruby>ドリル"
    assert without_furigana("｜理科《りか》ドリル") == "理科ドリル"
    assert without_furigana("<ruby>理科<rt>りか</rt></ruby>") == "理科"
