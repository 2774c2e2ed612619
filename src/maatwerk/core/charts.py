"""Small server-side SVG charts, so the same chart serves the web page and the PDF.

Accessible by construction: every chart has a <title> and <desc>, and pages show the data as a table too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#154273", "#e17000", "#39870c", "#a90061", "#007bc7", "#673327")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # None = no figure (a gap, never zero)
    dashed: bool = False


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``value``."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return float(candidate)
    return float(10 ** (exponent + 1))  # pragma: no cover


def format_number(value: float) -> str:
    """Dutch thousands separator; whole numbers only (chart ticks)."""
    return f"{value:,.0f}".replace(",", ".")


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    description: str,
    unit: str = "",
    width: int = 720,
    height: int = 320,
) -> SafeString:
    """A line chart with markers; missing values leave gaps."""
    left, right, top, bottom = 80, 20, 20, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    finite = [v for s in series for v in s.values if v is not None]
    y_max = nice_ceiling(max(finite) if finite else 1.0)
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / y_max

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart" '
        f'aria-labelledby="chart-title chart-desc"><title id="chart-title">{escape(title)}</title>'
        f'<desc id="chart-desc">{escape(description)}</desc>'
    ]
    for k in range(5):
        value = y_max * k / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#ddd"/>'
            f'<text x="{left - 8}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="12">{format_number(value)}</text>'
        )
    step = max(1, math.ceil(n / 12))
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == n - 1:
            parts.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" font-size="12">{escape(label)}</text>')
    if unit:
        parts.append(f'<text x="{left}" y="{top - 6}" font-size="12" fill="#555">{escape(unit)}</text>')
    for idx, s in enumerate(series):
        colour = PALETTE[idx % len(PALETTE)]
        segments, current = [], []
        for i, v in enumerate(s.values):
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((x(i), y(v)))
        if current:
            segments.append(current)
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        for seg in segments:
            points = " ".join(f"{px:.1f},{py:.1f}" for px, py in seg)
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dash} points="{points}"/>')
            parts.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in seg)
        lx = left + idx * 220
        parts.append(
            f'<rect x="{lx}" y="{height - 22}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{lx + 20}" y="{height - 16}" font-size="12">{escape(s.label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart(
    labels: Sequence[str], values: Sequence[float], title: str, description: str, unit: str = "", width: int = 720
) -> SafeString:
    """Horizontal bars, one per label, largest first as given."""
    bar_h, gap, left, right, top = 18, 6, 260, 90, 24
    height = top + len(labels) * (bar_h + gap) + 10
    v_max = nice_ceiling(max(values) if values else 1.0)
    plot_w = width - left - right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart" '
        f'aria-labelledby="bar-title bar-desc"><title id="bar-title">{escape(title)}</title>'
        f'<desc id="bar-desc">{escape(description)}</desc>'
    ]
    if unit:
        parts.append(f'<text x="{left}" y="14" font-size="12" fill="#555">{escape(unit)}</text>')
    for i, (label, value) in enumerate(zip(labels, values)):
        yy = top + i * (bar_h + gap)
        w = plot_w * value / v_max
        short = label if len(label) <= 38 else label[:37] + "…"
        parts.append(
            f'<text x="{left - 8}" y="{yy + 13}" text-anchor="end" font-size="12">{escape(short)}</text>'
            f'<rect x="{left}" y="{yy}" width="{w:.1f}" height="{bar_h}" fill="{PALETTE[0]}"/>'
            f'<text x="{left + w + 6:.1f}" y="{yy + 13}" font-size="12">{format_number(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
