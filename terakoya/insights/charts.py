"""Server-side SVG charts: readable without JavaScript, printable, with text alternatives.

Each chart is an ``<svg role="img">`` labelled by its ``<title>`` and ``<desc>``
(``aria-labelledby``), every bar or point carries its own ``<title>`` (a tooltip and a name for
assistive technology), values are also printed as text, and each function returns the same
figures as rows for a table or CSV next to the chart, so the screen, the text alternative and
the export cannot disagree. A suppressed figure (None) is drawn as a labelled gap, never as 0.
All text is escaped; the markup is built here only from numbers and escaped strings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: What a suppressed figure shows (small-cell suppression, insights.suppression).
SUPPRESSED_JA = "秘匿"

# Colours with at least 4.5:1 contrast on white (WCAG 2.x AA) for text, 3:1 for shapes.
INK = "#1f2933"
BAR = "#2563a8"
TRACK = "#d9e2ec"
MUTED = "#52606d"


@dataclass(frozen=True)
class Chart:
    """An SVG and the rows of its text alternative (label, value as shown)."""

    svg: SafeString
    rows: tuple[tuple[str, str], ...]
    title: str
    description: str


def _ids(kind: str, title: str) -> tuple[str, str]:
    digest = hashlib.sha256(f"{kind}:{title}".encode()).hexdigest()[:10]
    return f"{kind}-{digest}-title", f"{kind}-{digest}-desc"


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return SUPPRESSED_JA
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{unit}"


def _open(kind: str, title: str, description: str, width: int, height: int) -> str:
    title_id, desc_id = _ids(kind, title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{title_id} {desc_id}" '
        f'class="chart chart-{kind}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
    )


def bar_chart(
    *,
    title: str,
    description: str,
    bars: Sequence[tuple[str, float | None]],
    max_value: float | None = None,
    unit: str = "",
    width: int = 480,
) -> Chart:
    """Horizontal bars in the given order (the caller's order: never sorted by value here)."""
    row_h, label_w, value_w, pad = 28, 140, 70, 8
    height = pad * 2 + row_h * max(len(bars), 1)
    known = [v for _, v in bars if v is not None]
    top = max_value if max_value is not None else max(known, default=0.0)
    scale_w = width - label_w - value_w - pad * 2
    parts = [_open("bar", title, description, width, height)]
    for i, (label, value) in enumerate(bars):
        y = pad + i * row_h
        shown = _fmt(value, unit)
        parts.append(f"<g><title>{escape(label)}: {escape(shown)}</title>")
        parts.append(
            f'<text x="{pad}" y="{y + 18}" font-size="13" fill="{INK}">{escape(label)}</text>'
        )
        x0 = pad + label_w
        parts.append(f'<rect x="{x0}" y="{y + 5}" width="{scale_w}" height="16" fill="{TRACK}"/>')
        if value is not None and top > 0:
            w = max(0.0, min(1.0, value / top)) * scale_w
            parts.append(f'<rect x="{x0}" y="{y + 5}" width="{w:.1f}" height="16" fill="{BAR}"/>')
        colour = INK if value is not None else MUTED
        parts.append(
            f'<text x="{x0 + scale_w + 6}" y="{y + 18}" font-size="13" fill="{colour}">'
            f"{escape(shown)}</text></g>"
        )
    parts.append("</svg>")
    rows = tuple((label, _fmt(value, unit)) for label, value in bars)
    return Chart(mark_safe("".join(parts)), rows, title, description)  # noqa: S308 - escaped above


def progress_bar(
    *, title: str, done: int, total: int, description: str = "", width: int = 240
) -> Chart:
    """A single bar: ``done`` of ``total`` (e.g. work handed in), with the fraction as text."""
    if total < 0 or done < 0 or done > total:
        raise ValueError("progress needs 0 <= done <= total")
    share = done / total if total else 0.0
    text = f"{done}/{total}"
    desc = description or f"{title}: {total}件中{done}件 ({share:.0%})"
    parts = [
        _open("progress", title, desc, width, 24),
        f'<rect x="0" y="4" width="{width - 60}" height="16" rx="3" fill="{TRACK}"/>',
        f'<rect x="0" y="4" width="{share * (width - 60):.1f}" height="16" rx="3" fill="{BAR}"/>',
        f'<text x="{width - 54}" y="17" font-size="13" fill="{INK}">{escape(text)}</text>',
        "</svg>",
    ]
    return Chart(mark_safe("".join(parts)), ((title, text),), title, desc)  # noqa: S308


def sparkline(
    *,
    title: str,
    points: Sequence[tuple[str, float | None]],
    description: str = "",
    unit: str = "",
    width: int = 160,
    height: int = 32,
) -> Chart:
    """A small line over time; gaps (None) break the line. Each point has its own title."""
    values = [v for _, v in points if v is not None]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    span = (hi - lo) or 1.0
    step = (width - 8) / max(len(points) - 1, 1)
    desc = description or (
        f"{title}: " + "、".join(f"{label} {_fmt(v, unit)}" for label, v in points)
    )
    parts = [_open("spark", title, desc, width, height)]
    segment: list[str] = []
    dots: list[str] = []

    def flush() -> None:
        if len(segment) > 1:
            parts.append(
                f'<polyline fill="none" stroke="{BAR}" stroke-width="2" '
                f'points="{" ".join(segment)}"/>'
            )
        segment.clear()

    for i, (label, value) in enumerate(points):
        if value is None:
            flush()
            continue
        x = 4 + i * step
        y = height - 4 - (value - lo) / span * (height - 8)
        segment.append(f"{x:.1f},{y:.1f}")
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{BAR}">'
            f"<title>{escape(label)}: {escape(_fmt(value, unit))}</title></circle>"
        )
    flush()
    parts.extend(dots)
    parts.append("</svg>")
    rows = tuple((label, _fmt(value, unit)) for label, value in points)
    return Chart(mark_safe("".join(parts)), rows, title, desc)  # noqa: S308 - escaped above
