"""Small server-side SVG charts, so the same chart serves the web page and the PDF.

Responsive and accessible by construction:

- every chart is an ``<svg viewBox=… width="100%">`` without a fixed pixel width; the viewBox is narrow
  (:data:`WIDTH` units) so that its 12-unit text stays about 10 px or more on a 390 px phone;
- the SVG has ``role="img"`` and is labelled by its own ``<title>`` and ``<desc>`` (ids unique per chart);
- axes carry their unit, values that cross zero get a zero line, every series has a legend entry, and
  series that coincide stay visible (lines drawn wide-under-narrow with their own dash and marker;
  bars side by side; the tornado's low and high bars each on half of the row);
- bars carry their value, the tornado its low and high outcome;
- each chart comes with a ``<table>`` with the same numbers in a ``<details>`` "Tabel bij de grafiek",
  for screen readers and for whoever wants the exact figures.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#154273", "#e17000", "#39870c", "#a90061", "#007bc7", "#673327")
DASHES = ("", "8 4", "2 3", "12 3 2 3")
WIDTH = 420  # viewBox units; at 390 px (about 360 px of content) a 12-unit font is about 10 px
FONT = 12
TEXT = "#1b1b1b"
MUTED = "#4d4d4d"
TABLE_SUMMARY = "Tabel bij de grafiek"

Formatter = Callable[[float], str]


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # None = no figure (a gap, never zero)
    dashed: bool = False


# --- numbers, the Dutch way -------------------------------------------------------------------------


def format_decimal(value: float, decimals: int) -> str:
    """Dutch separators with a fixed number of decimals: 1.234,50; a true minus sign."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".").replace("-", "−")


def format_number(value: float, decimals: int = 0) -> str:
    """Dutch separators (1.234.567,8); large values in millions or billions (``46 mln``, ``2,3 mld``)."""
    magnitude = abs(value)
    if magnitude >= 1e9:
        return f"{format_decimal(value / 1e9, 1 if magnitude < 1e10 else 0)} mld"
    if magnitude >= 1e7:
        return f"{format_decimal(value / 1e6, 0)} mln"
    if magnitude >= 1e6:
        return f"{format_decimal(value / 1e6, 1)} mln"
    return format_decimal(value, decimals)


def format_exact(value: float | None) -> str:
    """The exact figure for the table alternative: whole numbers above 100, else up to two decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if abs(value) >= 100 or float(value).is_integer():
        return format_decimal(round(value), 0)
    return format_decimal(value, 2)


def format_percent(value: float | None, decimals: int = 1) -> str:
    """A percentage already times 100: ``1,5%``, ``38%`` (a trailing ``,0`` dropped)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = format_decimal(value, decimals)
    if decimals and text.endswith("," + "0" * decimals):
        text = text[: -(decimals + 1)]
    return f"{text}%"


def format_fraction_percent(value: float | None, decimals: int = 1) -> str:
    """A fraction as a percentage: 0.0153 → ``1,5%`` (an IRR, a share)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return format_percent(100 * value, decimals)


def format_money(value: float) -> str:
    """Euros, short: ``€ 2,3 mld``, ``€ 46 mln``, ``€ 120.000``."""
    return f"€ {format_number(value)}"


# --- scales -----------------------------------------------------------------------------------------


def nice_step(raw: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``raw``."""
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    exponent = math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10.0**exponent
        if candidate >= raw * (1 - 1e-12):
            return float(candidate)
    return float(10.0 ** (exponent + 1))  # pragma: no cover


nice_ceiling = nice_step  # the old name


def step_decimals(step: float) -> int:
    """Decimals needed to write multiples of ``step`` exactly (0.25 → 2, 0.2 → 1, 5 → 0)."""
    for decimals in range(7):
        if abs(round(step * 10**decimals) - step * 10**decimals) < 1e-9:
            return decimals
    return 6


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]; they include 0 whenever the range does."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        hi = lo + 1 if lo >= 0 else 0.0
    step = nice_step((hi - lo) / max(count - 1, 1))
    start, end = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [k * step for k in range(start, end + 1)]


def _uid(*parts) -> str:
    return "chart-" + hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


def _svg_open(uid: str, height: float, title: str, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" class="chart" font-size="{FONT}" fill="{TEXT}" '
        f'aria-labelledby="{uid}-title {uid}-desc"><title id="{uid}-title">{escape(title)}</title>'
        f'<desc id="{uid}-desc">{escape(description)}</desc>'
    )


def _table(caption: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(
        ('<th scope="col" class="num">' if i else '<th scope="col">') + f"{escape(h)}</th>" for i, h in enumerate(header)
    )
    body = "".join(
        "<tr>" + "".join(
            f'<th scope="row">{escape(c)}</th>' if i == 0 else f'<td class="num">{escape(c)}</td>' for i, c in enumerate(row)
        ) + "</tr>"
        for row in rows
    )
    return (
        f'<details class="chart-table"><summary>{TABLE_SUMMARY}</summary><div class="table-scroll">'
        f'<table class="utrecht-table"><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div></details>"
    )


def _figure(svg: str, table: str) -> SafeString:
    return mark_safe(f'<figure class="chart-figure">{svg}{table}</figure>')


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _with_unit(label: str, unit: str) -> str:
    return f"{label} ({unit})" if unit else label


# --- charts -----------------------------------------------------------------------------------------


def _value_axis(parts, ticks, y, left, right, formatter):
    decimals = step_decimals(ticks[1] - ticks[0]) if len(ticks) > 1 else 0
    for value in ticks:
        yy = y(value)
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#d0d0d0"/>'
            f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{escape(formatter(value) if formatter else format_number(value, decimals))}</text>'
        )
    if ticks[0] < 0 < ticks[-1] or ticks[0] == 0 or ticks[-1] == 0:
        y0 = y(0.0)
        parts.append(
            f'<line class="zero-line" x1="{left}" x2="{right}" y1="{y0:.1f}" y2="{y0:.1f}" stroke="{TEXT}" stroke-width="1.5"/>'
        )


def _category_axis(parts, labels, x, baseline, x_label, plot_right):
    n = len(labels)
    step = max(1, math.ceil(n / 6))
    for i, label in enumerate(labels):
        if i % step == 0 or (i == n - 1 and (n - 1) % step >= step / 2):
            parts.append(f'<text x="{x(i):.1f}" y="{baseline + 16:.1f}" text-anchor="middle">{escape(_truncate(label, 10))}</text>')
    if x_label:
        parts.append(f'<text x="{plot_right}" y="{baseline + 32:.1f}" text-anchor="end" fill="{MUTED}">{escape(x_label)}</text>')


def _legend(parts, entries, top):
    """One legend entry per row (full width, so long labels fit on a phone). ``entries``: (label, swatch svg)."""
    for idx, (label, swatch) in enumerate(entries):
        yy = top + idx * 18
        parts.append(swatch(10, yy) + f'<text x="42" y="{yy + 4:.1f}">{escape(_truncate(label, 52))}</text>')
    return top + len(entries) * 18


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    description: str,
    unit: str = "",
    x_label: str = "jaar",
    value_format: Formatter | None = None,
) -> SafeString:
    """A line chart with markers; missing values leave gaps; coinciding lines stay visible."""
    left, right, top = 62, WIDTH - 12, 28
    plot_h = 190
    bottom = top + plot_h
    finite = [float(v) for s in series for v in s.values if v is not None]
    lo = min(finite + [0.0]) if finite else 0.0
    hi = max(finite + [0.0]) if finite else 1.0
    ticks = nice_ticks(lo, hi)
    y_min, y_max = ticks[0], ticks[-1]
    n = max(len(x_labels), 1)
    plot_w = right - left

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * (v - y_min) / (y_max - y_min)

    height = bottom + 44 + 18 * len(series) + 6
    uid = _uid("line", title, tuple(x_labels), tuple((s.label, tuple(s.values)) for s in series))
    parts = [_svg_open(uid, height, title, description)]
    if unit:
        parts.append(f'<text x="10" y="14" fill="{MUTED}">{escape(unit)}</text>')
    _value_axis(parts, ticks, y, left, right, value_format)
    _category_axis(parts, x_labels, x, bottom, x_label, right)
    count = len(series)
    swatches = []
    for idx, s in enumerate(series):
        colour = PALETTE[idx % len(PALETTE)]
        # the first series widest, each later one narrower on top: where lines coincide, both show
        stroke = 1.8 + 1.8 * (count - 1 - idx)
        dash = DASHES[idx % len(DASHES)] if (s.dashed or idx) else ""
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        segments, current = [], []
        for i, v in enumerate(s.values):
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((x(i), y(float(v)), float(v)))
        if current:
            segments.append(current)
        parts.append(f'<g class="series" data-label="{escape(s.label)}">')
        for seg in segments:
            points = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in seg)
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="{stroke:.1f}" stroke-opacity="0.9"{dash_attr} points="{points}"/>'
            )
            for px, py, value in seg:
                parts.append(_marker(idx, px, py, colour, value))
        parts.append("</g>")
        swatches.append(
            (s.label, lambda sx, sy, c=colour, st=stroke, d=dash_attr, k=idx: (
                f'<line x1="{sx}" x2="{sx + 26}" y1="{sy:.1f}" y2="{sy:.1f}" stroke="{c}" stroke-width="{min(st, 4):.1f}"{d}/>'
                + _marker(k, sx + 13, sy, c, None)
            ))
        )
    _legend(parts, swatches, bottom + 48)
    parts.append("</svg>")
    header = [x_label.capitalize() or "Categorie"] + [_with_unit(s.label, unit) for s in series]
    rows = [
        [label] + [format_exact(None if i >= len(s.values) else s.values[i]) for s in series] for i, label in enumerate(x_labels)
    ]
    return _figure("".join(parts), _table(title, header, rows))


def _marker(idx: int, px: float, py: float, colour: str, value) -> str:
    data = f' data-value="{value!r}"' if value is not None else ""
    shape = idx % 3
    if shape == 0:
        return f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"{data}/>'
    if shape == 1:
        return f'<rect x="{px - 3:.1f}" y="{py - 3:.1f}" width="6" height="6" fill="#fff" stroke="{colour}" stroke-width="1.5"{data}/>'
    return f'<path d="M{px:.1f},{py - 4:.1f}L{px + 4:.1f},{py:.1f}L{px:.1f},{py + 4:.1f}L{px - 4:.1f},{py:.1f}Z" fill="{colour}"{data}/>'


def grouped_bar_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    description: str,
    unit: str = "",
    x_label: str = "jaar",
    value_format: Formatter | None = None,
) -> SafeString:
    """Vertical bars per category, the series side by side (none hidden behind another), a zero line."""
    left, right, top = 62, WIDTH - 12, 28
    plot_h = 190
    bottom = top + plot_h
    finite = [float(v) for s in series for v in s.values if v is not None]
    ticks = nice_ticks(min(finite + [0.0]), max(finite + [0.0]))
    y_min, y_max = ticks[0], ticks[-1]
    n = max(len(x_labels), 1)
    plot_w = right - left
    group = plot_w / n
    bar_w = group * 0.8 / max(len(series), 1)

    def y(v: float) -> float:
        return top + plot_h - plot_h * (v - y_min) / (y_max - y_min)

    def centre(i: int) -> float:
        return left + group * (i + 0.5)

    height = bottom + 44 + 18 * len(series) + 6
    uid = _uid("bars", title, tuple(x_labels), tuple((s.label, tuple(s.values)) for s in series))
    parts = [_svg_open(uid, height, title, description)]
    if unit:
        parts.append(f'<text x="10" y="14" fill="{MUTED}">{escape(unit)}</text>')
    _value_axis(parts, ticks, y, left, right, value_format)
    _category_axis(parts, x_labels, centre, bottom, x_label, right)
    y0 = y(0.0)
    swatches = []
    for idx, s in enumerate(series):
        colour = PALETTE[idx % len(PALETTE)]
        parts.append(f'<g class="series" data-label="{escape(s.label)}">')
        for i, v in enumerate(s.values):
            if v is None:
                continue
            x0 = left + group * i + group * 0.1 + bar_w * idx
            yv = y(float(v))
            top_y, h = (yv, y0 - yv) if v >= 0 else (y0, yv - y0)
            parts.append(
                f'<rect x="{x0:.2f}" y="{top_y:.2f}" width="{bar_w:.2f}" height="{max(h, 0.5):.2f}" fill="{colour}" data-value="{float(v)!r}"/>'
            )
        parts.append("</g>")
        swatches.append((s.label, lambda sx, sy, c=colour: f'<rect x="{sx + 6}" y="{sy - 5:.1f}" width="14" height="10" fill="{c}"/>'))
    # the zero line again on top of the bars
    parts.append(f'<line class="zero-line" x1="{left}" x2="{right}" y1="{y0:.1f}" y2="{y0:.1f}" stroke="{TEXT}" stroke-width="1.5"/>')
    _legend(parts, swatches, bottom + 48)
    parts.append("</svg>")
    header = [x_label.capitalize() or "Categorie"] + [_with_unit(s.label, unit) for s in series]
    rows = [
        [label] + [format_exact(None if i >= len(s.values) else s.values[i]) for s in series] for i, label in enumerate(x_labels)
    ]
    return _figure("".join(parts), _table(title, header, rows))


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    title: str,
    description: str,
    unit: str = "",
    value_format: Formatter | None = None,
    label_header: str = "Categorie",
) -> SafeString:
    """Horizontal bars, one per label (label above its bar, so it fits on a phone), each with its value."""
    left, right, top = 10, WIDTH - 12, 26
    row_h, bar_h = 36, 14
    values = [float(v) for v in values]
    ticks = nice_ticks(0.0, max(values + [0.0]) or 1.0)
    v_max = ticks[-1]
    plot_w = right - left
    fmt = value_format or (lambda v: format_number(v, 0 if abs(v) >= 100 or float(v).is_integer() else 1))
    height = top + len(labels) * row_h + 8
    uid = _uid("hbar", title, tuple(labels), tuple(values))
    parts = [_svg_open(uid, height, title, description)]
    if unit:
        parts.append(f'<text x="{left}" y="14" fill="{MUTED}">{escape(unit)}</text>')
    for i, (label, value) in enumerate(zip(labels, values)):
        yy = top + i * row_h
        w = plot_w * max(value, 0) / v_max
        parts.append(f'<text x="{left + 4}" y="{yy + 11}">{escape(_truncate(label, 58))}</text>')
        parts.append(
            f'<rect x="{left}" y="{yy + 15}" width="{max(w, 0.5):.1f}" height="{bar_h}" fill="{PALETTE[0]}" data-value="{value!r}"/>'
        )
        text = escape(fmt(value))
        if w > plot_w - 80:  # no room after the bar: the value inside it, in white
            parts.append(f'<text class="bar-value" x="{left + w - 4:.1f}" y="{yy + 26}" text-anchor="end" fill="#fff">{text}</text>')
        else:
            parts.append(f'<text class="bar-value" x="{left + w + 4:.1f}" y="{yy + 26}">{text}</text>')
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{height - 8}" stroke="{TEXT}"/>')
    parts.append("</svg>")
    rows = [[label, format_exact(value)] for label, value in zip(labels, values)]
    return _figure("".join(parts), _table(title, [label_header, unit.capitalize() or "Waarde"], rows))


def stacked_bar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    title: str,
    description: str,
    unit: str = "",
    value_format: Formatter | None = None,
    label_header: str = "Categorie",
    reference: float | None = None,
    reference_label: str = "",
) -> SafeString:
    """Horizontal bars, one per label (label above its bar), each made of the series' parts laid end to
    end in series order (a missing or zero part takes no room), with the row's total after it. With
    ``reference`` (e.g. 100 for "the whole budget") a dashed line marks that value on every row, so
    what is left (or exceeded) shows. Each part has its own colour and a legend entry; the table
    beside gives every part and the total."""
    left, right, top = 10, WIDTH - 12, 26
    row_h, bar_h = 36, 14
    rows_values = [[max(float(s.values[i] or 0.0), 0.0) if i < len(s.values) else 0.0 for s in series] for i in range(len(labels))]
    totals = [sum(r) for r in rows_values]
    ticks = nice_ticks(0.0, max(totals + [reference or 0.0, 0.0]) or 1.0)
    v_max = ticks[-1]
    plot_w = right - left - 70  # room for the total after the longest bar
    fmt = value_format or (lambda v: format_number(v, 0 if abs(v) >= 100 or float(v).is_integer() else 1))
    legend_top = top + len(labels) * row_h + 14
    height = legend_top + 18 * (len(series) + (1 if reference is not None else 0)) + 4
    uid = _uid("stack", title, tuple(labels), tuple((s.label, tuple(s.values)) for s in series), reference)
    parts = [_svg_open(uid, height, title, description)]
    if unit:
        parts.append(f'<text x="{left}" y="14" fill="{MUTED}">{escape(unit)}</text>')
    for i, label in enumerate(labels):
        yy = top + i * row_h
        parts.append(f'<text x="{left + 4}" y="{yy + 11}">{escape(_truncate(label, 58))}</text>')
        x = float(left)
        for idx, value in enumerate(rows_values[i]):
            if value <= 0:
                continue
            w = plot_w * value / v_max
            parts.append(
                f'<rect class="part" x="{x:.2f}" y="{yy + 15}" width="{max(w, 0.5):.2f}" height="{bar_h}" fill="{PALETTE[idx % len(PALETTE)]}" '
                f'data-series="{escape(series[idx].label)}" data-value="{value!r}"/>'
            )
            x += w
        parts.append(f'<text class="bar-value" x="{x + 4:.1f}" y="{yy + 26}">{escape(fmt(totals[i]))}</text>')
        if reference is not None:
            xr = left + plot_w * reference / v_max
            parts.append(f'<line class="reference" x1="{xr:.1f}" x2="{xr:.1f}" y1="{yy + 12}" y2="{yy + 15 + bar_h + 3}" stroke="{TEXT}" stroke-width="1.5" stroke-dasharray="3 2"/>')
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + len(labels) * row_h}" stroke="{TEXT}"/>')
    def swatch(colour: str):
        return lambda sx, sy: f'<rect x="{sx + 6}" y="{sy - 5:.1f}" width="14" height="10" fill="{colour}"/>'

    entries = [(s.label, swatch(PALETTE[idx % len(PALETTE)])) for idx, s in enumerate(series)]
    if reference is not None:
        entries.append((reference_label or fmt(reference), lambda sx, sy: f'<line x1="{sx + 13}" x2="{sx + 13}" y1="{sy - 7:.1f}" y2="{sy + 7:.1f}" stroke="{TEXT}" stroke-width="1.5" stroke-dasharray="3 2"/>'))
    _legend(parts, entries, legend_top)
    parts.append("</svg>")
    header = [label_header] + [_with_unit(s.label, unit) for s in series] + [_with_unit("Totaal", unit)]
    rows = [[label] + [format_exact(v) for v in rows_values[i]] + [format_exact(totals[i])] for i, label in enumerate(labels)]
    return _figure("".join(parts), _table(title, header, rows))


def tornado_chart(
    rows: Sequence[dict],
    title: str,
    description: str,
    unit: str = "",
    value_format: Formatter | None = None,
    low_label: str = "−20%",
    high_label: str = "+20%",
) -> SafeString:
    """Bars from the base value to the low and the high outcome of each input (largest swing first).

    The low and the high bar each take half of the row, so one never hides the other; each shows its
    value at its end, and the base value is written at the line they start from."""
    if not rows:
        return mark_safe("")
    fmt = value_format or format_number
    margin, top = 74, 44
    row_h, bar_h = 44, 12
    left, right = margin, WIDTH - margin
    values = [float(v) for r in rows for v in (r["low"], r["high"], r["base"])]
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    plot_w = right - left

    def x(v: float) -> float:
        return left + plot_w * (float(v) - lo) / span

    base = float(rows[0]["base"])
    base_x = x(base)
    height = top + len(rows) * row_h + 28
    uid = _uid("tornado", title, tuple((r["label"], r["low"], r["high"], r["base"]) for r in rows))
    parts = [_svg_open(uid, height, title, description)]
    if unit:
        parts.append(f'<text x="10" y="14" fill="{MUTED}">{escape(unit)}</text>')
    parts.append(f'<text class="base-value" x="{base_x:.1f}" y="32" text-anchor="middle">basis {escape(fmt(base))}</text>')
    for i, r in enumerate(rows):
        yy = top + i * row_h
        parts.append(f'<text x="10" y="{yy + 10}">{escape(_truncate(str(r["label"]), 58))}</text>')
        for k, (key, colour) in enumerate((("low", PALETTE[2]), ("high", PALETTE[3]))):
            value = float(r[key])
            vx = x(value)
            x0, x1 = sorted((base_x, vx))
            by = yy + 14 + k * (bar_h + 2)
            parts.append(
                f'<rect class="tornado-{key}" x="{x0:.1f}" y="{by}" width="{max(x1 - x0, 1):.1f}" height="{bar_h}" fill="{colour}" data-value="{value!r}"/>'
            )
            if vx >= base_x:
                parts.append(f'<text class="bar-value" x="{x1 + 4:.1f}" y="{by + 10}" font-size="11">{escape(fmt(value))}</text>')
            else:
                parts.append(f'<text class="bar-value" x="{x0 - 4:.1f}" y="{by + 10}" font-size="11" text-anchor="end">{escape(fmt(value))}</text>')
    parts.append(f'<line x1="{base_x:.1f}" x2="{base_x:.1f}" y1="{top}" y2="{height - 26}" stroke="{TEXT}" stroke-width="1.5"/>')
    ly = height - 12
    parts.append(
        f'<rect x="10" y="{ly - 9}" width="14" height="10" fill="{PALETTE[2]}"/><text x="30" y="{ly}">invoer {escape(low_label)}</text>'
        f'<rect x="150" y="{ly - 9}" width="14" height="10" fill="{PALETTE[3]}"/><text x="170" y="{ly}">invoer {escape(high_label)}</text>'
    )
    parts.append("</svg>")
    table_rows = [[str(r["label"]), format_exact(r["low"]), format_exact(r["base"]), format_exact(r["high"])] for r in rows]
    header = ["Invoer", _with_unit(f"Invoer {low_label}", unit), _with_unit("Basis", unit), _with_unit(f"Invoer {high_label}", unit)]
    return _figure("".join(parts), _table(title, header, table_rows))


def histogram_bins(values: Sequence[float], target_bins: int = 10) -> tuple[list[float], list[int], int]:
    """Round bin edges (multiples of a 1, 2, 2.5 or 5 step) and the count per bin; and the decimals to show."""
    import numpy as np

    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if data.size == 0:
        return [0.0, 1.0], [0], 0
    lo, hi = float(data.min()), float(data.max())
    step = nice_step((hi - lo) / target_bins) if hi > lo else nice_step(abs(hi) / 10 or 1.0)
    start = math.floor(lo / step + 1e-9)
    end = max(math.ceil(hi / step - 1e-9), start + 1)
    # numpy's last bin is closed, so the maximum on the last edge is counted
    edges = [k * step for k in range(start, end + 1)]
    counts, _ = np.histogram(data, bins=edges)
    return edges, [int(c) for c in counts], step_decimals(step)
