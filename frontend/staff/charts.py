"""Server-rendered SVG charts: no script, no outside host, readable without colour (every bar has
its number or the table next to it). Every chart on a page is paired with a table of the same
numbers for screen readers, so the SVG itself is hidden from them (aria-hidden)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_W = 170
MAX_LABEL_W = 260  # longer names wrap onto more lines rather than squeeze the bars
BAR_H = 14
LINE_H = 13
GAP = 10
LABEL_PX = 11  # svg.chart .label's font size in staff.css


@dataclass(frozen=True)
class Series:
    label: str
    css: str  # a class in staff.css: s1, s2, s3 …
    values: Sequence[float]


def _scale(values: Sequence[float], label_w: int = LABEL_W) -> float:
    top = max([v for v in values if v] or [1])
    return (WIDTH - label_w - 60) / top


def text_width(text: str) -> float:
    """A generous estimate of the label's width in px: full-width (CJK) characters are square,
    Latin ones about 0.6 of the font size."""
    return sum(
        LABEL_PX if unicodedata.east_asian_width(c) in "WF" else LABEL_PX * 0.62 for c in text
    )


def wrap_label(text: str, width: float) -> list[str]:
    """The whole label in lines no wider than `width`: Latin breaks between words, CJK between
    any two characters; a word longer than a line breaks inside. Never cut."""
    tokens = re.findall(
        r"[^\W\u3000-\u9fff\uff00-\uffef]+\s*|[（(「『【［]\S\s*|\S\s*|\s+", text.strip()
    )
    lines: list[str] = []
    line = ""
    for token in tokens:
        while text_width(token.rstrip()) > width:  # a word wider than a line
            cut = len(token)
            while cut > 1 and text_width(token[:cut]) > width - text_width(line):
                cut -= 1
            if line and text_width(token[:cut]) > width - text_width(line):
                lines.append(line.rstrip())
                line = ""
                continue
            lines.append((line + token[:cut]).rstrip())
            line, token = "", token[cut:]
        if line and text_width((line + token).rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _svg(height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="100%" preserveAspectRatio="xMinYMin meet"'
        ' aria-hidden="true" focusable="false">{body}</svg>',
        w=WIDTH,
        h=height,
        body=body,
    )


def legend(series: Sequence[Series]) -> SafeString:
    return format_html(
        '<ul class="legend">{}</ul>',
        format_html_join(
            "", '<li><span class="swatch {}"></span>{}</li>', ((s.css, s.label) for s in series)
        ),
    )


def grouped_bars(categories: Sequence[str], series: Sequence[Series]) -> SafeString:
    """Horizontal bars, one group per category (e.g. per site), one bar per series. Each
    category's name is shown whole, right-aligned before its bars, wrapped onto as many lines as
    it needs; the label column widens for long names up to MAX_LABEL_W."""
    widest = max([text_width(str(name)) for name in categories] or [0])
    label_w = int(min(max(widest + 16, 60), MAX_LABEL_W))
    scale = _scale([v for s in series for v in s.values], label_w)
    bars_h = BAR_H * len(series)
    parts = []
    y0 = GAP
    for i, name in enumerate(categories):
        lines = wrap_label(str(name), label_w - 8)
        group_h = max(bars_h, len(lines) * LINE_H)
        first_line = y0 + group_h / 2 - (len(lines) - 1) * LINE_H / 2 + 4
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" class="label" text-anchor="end">{lines}</text>',
                x=label_w - 8,
                y=_n(first_line),
                lines=format_html_join(
                    "",
                    '<tspan x="{}" dy="{}">{}</tspan>',
                    ((label_w - 8, 0 if k == 0 else LINE_H, line) for k, line in enumerate(lines)),
                ),
            )
        )
        bars_y0 = y0 + (group_h - bars_h) / 2
        for j, s in enumerate(series):
            value = s.values[i]
            y = bars_y0 + j * BAR_H
            w = max(value * scale, 0)
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" class="{css}"/>'
                    '<text x="{tx}" y="{ty}" class="value">{v}</text>',
                    x=label_w,
                    y=_n(y),
                    w=_n(w),
                    h=BAR_H - 2,
                    css=s.css,
                    tx=_n(label_w + w + 4),
                    ty=_n(y + BAR_H - 4),
                    v=_fmt(value),
                )
            )
        y0 += group_h + GAP
    return _svg(int(y0 + GAP), mark_safe("".join(parts)))  # noqa: S308 - every part is format_html


def columns(labels: Sequence[str], series: Sequence[Series], height: int = 180) -> SafeString:
    """Vertical columns over time (days); overlapping series, widest first.

    A year is over a thousand rectangles: they are written with plain string formatting (every
    interpolated value is a number formatted here or a class name escaped once), not one
    format_html call each, which cost more than the figures themselves.
    """
    n = max(len(labels), 1)
    plot_w = WIDTH - 50
    col_w = plot_w / n
    top = max([v for s in series for v in s.values if v] or [1])
    plot_h = height - 30
    parts: list[str] = [format_html('<text x="0" y="12" class="value">{}</text>', _fmt(top))]
    for j, s in enumerate(series):
        shrink = col_w * (0.15 + 0.2 * j)
        w = _n(max(col_w - shrink, 0.5))
        css = conditional_escape(s.css)
        for i, value in enumerate(s.values):
            h = plot_h * value / top
            x, y = _n(40 + i * col_w + shrink / 2), _n(plot_h + 10 - h)
            parts.append(f'<rect x="{x}" y="{y}" width="{w}" height="{_n(h)}" class="{css}"/>')
    step = max(1, n // 8)
    parts.extend(
        format_html(
            '<text x="{x}" y="{y}" class="label">{t}</text>',
            x=_n(40 + i * col_w),
            y=height - 4,
            t=labels[i],
        )
        for i in range(0, n, step)
    )
    return _svg(height, mark_safe("".join(parts)))  # noqa: S308 - numbers, or escaped above


def stacked_bar(parts_in: Sequence[tuple[str, str, float]]) -> SafeString:
    """One bar split into shares (e.g. online / staff / API), each labelled with its percent."""
    total = sum(v for _l, _c, v in parts_in) or 1
    x = 0.0
    parts = []
    for label, css, value in parts_in:
        w = WIDTH * value / total
        parts.append(
            format_html(
                '<rect x="{x}" y="0" width="{w}" height="28" class="{css}"/>',
                x=_n(x),
                w=_n(w),
                css=css,
            )
        )
        if w > 60:
            parts.append(
                format_html(
                    '<text x="{tx}" y="19" class="inbar">{label} {pct}%</text>',
                    tx=_n(x + 6),
                    label=label,
                    pct=f"{100 * value / total:.0f}",
                )
            )
        x += w
    return _svg(30, mark_safe("".join(parts)))  # noqa: S308 - every part is format_html


def _n(value: float) -> str:
    """A coordinate: format_html escapes its arguments to strings, so format numbers first."""
    return f"{value:.2f}"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
