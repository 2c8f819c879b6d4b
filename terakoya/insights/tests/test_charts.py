"""SVG charts: well-formed, labelled for assistive technology, escaped, same figures as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from terakoya.insights.charts import SUPPRESSED_JA, bar_chart, progress_bar, sparkline

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own markup, parsed to check it is well-formed


def _text(element: ET.Element, tag: str) -> str:
    child = element.find(f"{SVG}{tag}")
    assert child is not None
    return child.text or ""


def _assert_accessible(root: ET.Element, title: str) -> None:
    assert root.get("role") == "img"
    title_el = root.find(f"{SVG}title")
    desc_el = root.find(f"{SVG}desc")
    assert title_el is not None
    assert desc_el is not None
    assert title_el.text == title
    assert desc_el.text
    labelled_by = (root.get("aria-labelledby") or "").split()
    assert labelled_by == [title_el.get("id"), desc_el.get("id")]


def test_bar_chart_is_labelled_prints_every_value_and_keeps_the_callers_order():
    chart = bar_chart(
        title="課題の提出率",
        description="3年1組の課題ごとの提出率",
        bars=[("漢字", 80.0), ("計算", 95.0), ("日記", 40.0)],
        max_value=100,
        unit="%",
    )
    root = _parse(chart.svg)
    _assert_accessible(root, "課題の提出率")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["漢字", "80%", "計算", "95%", "日記", "40%"]
    assert chart.rows == (("漢字", "80%"), ("計算", "95%"), ("日記", "40%"))
    bar_titles = [_text(g, "title") for g in root.iter(f"{SVG}g")]
    assert bar_titles == ["漢字: 80%", "計算: 95%", "日記: 40%"]


def test_a_suppressed_figure_is_shown_as_suppressed_never_as_zero():
    chart = bar_chart(title="t", description="d", bars=[("1組", None), ("2組", 31)])
    root = _parse(chart.svg)
    assert chart.rows[0] == ("1組", SUPPRESSED_JA)
    # Only the shown figure has a filled bar over the track.
    assert len(root.findall(f".//{SVG}rect")) == 3


def test_text_is_escaped_so_names_cannot_inject_markup():
    chart = bar_chart(title='<script>alert("x")</script>', description="a & b", bars=[("<b>", 1)])
    assert "<script>" not in chart.svg
    root = _parse(chart.svg)
    assert _text(root, "title") == '<script>alert("x")</script>'
    assert _text(root, "desc") == "a & b"


def test_progress_bar_states_the_fraction_in_text():
    chart = progress_bar(title="提出", done=28, total=35)
    root = _parse(chart.svg)
    _assert_accessible(root, "提出")
    assert "35件中28件 (80%)" in _text(root, "desc")
    assert chart.rows == (("提出", "28/35"),)
    with pytest.raises(ValueError, match="progress"):
        progress_bar(title="x", done=5, total=3)


def test_sparkline_breaks_at_gaps_and_titles_every_point():
    chart = sparkline(
        title="小テストの推移",
        points=[("4月", 60.0), ("5月", 70.0), ("6月", None), ("7月", 65.0), ("9月", 80.0)],
        unit="点",
    )
    root = _parse(chart.svg)
    _assert_accessible(root, "小テストの推移")
    assert len(root.findall(f"{SVG}polyline")) == 2  # 4–5月 and 7–9月
    titles = [_text(c, "title") for c in root.iter(f"{SVG}circle")]
    assert titles == ["4月: 60点", "5月: 70点", "7月: 65点", "9月: 80点"]
    assert "6月 秘匿" in _text(root, "desc")


def test_two_charts_with_different_titles_have_different_ids():
    a = _parse(progress_bar(title="a", done=1, total=2).svg)
    b = _parse(progress_bar(title="b", done=1, total=2).svg)
    assert a.get("aria-labelledby") != b.get("aria-labelledby")
