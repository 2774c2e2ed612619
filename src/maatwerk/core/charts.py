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
    """Dutch thousands separator; whole numbers only (chart ticks); large values in millions."""
    if abs(value) >= 1e7:
        return f"{value / 1e6:,.0f} mln".replace(",", ".")
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
    y_max = nice_ceiling(max(finite) if finite and max(finite) > 0 else 1.0)
    y_min = -nice_ceiling(-min(finite)) if finite and min(finite) < 0 else 0.0
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * (v - y_min) / (y_max - y_min)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart" '
        f'aria-labelledby="chart-title chart-desc"><title id="chart-title">{escape(title)}</title>'
        f'<desc id="chart-desc">{escape(description)}</desc>'
    ]
    for k in range(5):
        value = y_min + (y_max - y_min) * k / 4
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


def tornado_chart(rows: Sequence[dict], title: str, description: str, unit: str = "", width: int = 720) -> SafeString:
    """Horizontal bars from the base value to the low and high outcome of each input (largest swing first)."""
    bar_h, gap, left, right, top = 20, 8, 180, 40, 30
    height = top + len(rows) * (bar_h + gap) + 30
    if not rows:
        return mark_safe("")
    values = [v for r in rows for v in (r["low"], r["high"], r["base"])]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    plot_w = width - left - right

    def x(v: float) -> float:
        return left + plot_w * (v - lo) / span

    base_x = x(rows[0]["base"])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" class="chart" '
        f'aria-labelledby="tornado-title tornado-desc"><title id="tornado-title">{escape(title)}</title>'
        f'<desc id="tornado-desc">{escape(description)}</desc>',
        f'<text x="{left}" y="16" font-size="12" fill="#555">{escape(unit)}</text>',
    ]
    for i, r in enumerate(rows):
        yy = top + i * (bar_h + gap)
        for value, colour in ((r["low"], PALETTE[2]), (r["high"], PALETTE[3])):
            x0, x1 = sorted((base_x, x(value)))
            parts.append(f'<rect x="{x0:.1f}" y="{yy}" width="{max(x1 - x0, 1):.1f}" height="{bar_h}" fill="{colour}" opacity="0.85"/>')
        parts.append(f'<text x="{left - 8}" y="{yy + 14}" text-anchor="end" font-size="12">{escape(r["label"])}</text>')
    parts.append(f'<line x1="{base_x:.1f}" x2="{base_x:.1f}" y1="{top - 6}" y2="{height - 24}" stroke="#000"/>')
    parts.append(
        f'<rect x="{left}" y="{height - 16}" width="12" height="8" fill="{PALETTE[2]}"/><text x="{left + 16}" y="{height - 8}" font-size="12">−20%</text>'
        f'<rect x="{left + 80}" y="{height - 16}" width="12" height="8" fill="{PALETTE[3]}"/><text x="{left + 96}" y="{height - 8}" font-size="12">+20%</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))
