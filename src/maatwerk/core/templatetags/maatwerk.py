"""Template filters for Dutch display: numbers, money, percentages, dates and code labels.

One convention for every page:

* a missing figure is "onbekend" (money, percentages, dates) or "—" (tonnes in tables), never 0;
* thousands with a period, decimals with a comma: ``1.234.567``, ``0,5``;
* money as ``€ 2,3 mld`` / ``€ 46 mln`` with the exact amount on hover (``title``) and as machine value
  (``<data value>``); below a million the exact amount;
* percentages from fractions: ``0,38`` → ``38%``, ``0,0153`` → ``1,5%``;
* dates as ``18 december 2025`` in text (``|datum``) and ``18-12-2025`` in tables (``|datum_kort``).

API and export JSON keep the raw codes and numbers; these filters are for HTML only.
"""

import datetime as dt
import math

from django import template
from django.utils import timezone
from django.utils.html import format_html

from maatwerk.core import labels

register = template.Library()

UNKNOWN = "onbekend"

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")


def _missing(value) -> bool:
    if value is None or value == "":
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def dutch_number(value: float, decimals: int = 0) -> str:
    """``value`` with a period for thousands and a comma for decimals; ``-0`` shows as ``0``."""
    text = f"{value:,.{decimals}f}"
    text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    if text.lstrip("-").strip("0,.") == "":
        text = text.lstrip("-")
    return text


def _trim(text: str) -> str:
    """Drop a decimal part of zeros: ``2,0`` → ``2``."""
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


@register.filter
def tonnes(value):
    """Whole tonnes with a Dutch thousands separator; an em dash for a missing figure (never 0)."""
    if _missing(value):
        return "—"
    return dutch_number(round(float(value)))


@register.filter
def kton(value):
    """Tonnes shown as kilotonnes with one decimal (Dutch decimal comma)."""
    if _missing(value):
        return "—"
    return dutch_number(float(value) / 1000, 1)


@register.filter
def getal(value, decimals=0):
    """A number in Dutch notation with ``decimals`` decimals (default whole): ``1234.5|getal:1`` → ``1.234,5``."""
    if _missing(value):
        return UNKNOWN
    return dutch_number(float(value), int(decimals))


def money_text(value) -> tuple[str, str]:
    """(short, exact) Dutch texts of an amount in euros: ("€ 46 mln", "€ 46.000.000")."""
    amount = float(value)
    exact = f"€ {dutch_number(round(amount))}"
    size = abs(amount)
    for threshold, unit in ((1e9, "mld"), (1e6, "mln")):
        if size >= threshold * 0.9995:  # 999.600.000 shows as € 1 mld, not € 1.000 mln
            scaled = amount / threshold
            decimals = 1 if abs(scaled) < 100 else 0
            return f"€ {_trim(dutch_number(scaled, decimals))} {unit}", exact
    return exact, exact


@register.filter
def money(value):
    """An amount in euros, short (``€ 2,3 mld``, ``€ 46 mln``, ``€ 250.000``) with the exact amount on hover."""
    if _missing(value):
        return UNKNOWN
    short, exact = money_text(value)
    return format_html('<data class="money" value="{}" title="{}">{}</data>', round(float(value)), exact, short)


@register.filter
def euro(value):
    """An exact amount in whole euros: ``€ 1.234``; for small amounts such as euros per tonne."""
    if _missing(value):
        return UNKNOWN
    return f"€ {dutch_number(round(float(value)))}"


@register.filter
def percent(value, decimals=None):
    """A fraction as a percentage: ``0.38`` → ``38%``, ``0.0153`` → ``1,5%``; whole from 10% up unless told."""
    if _missing(value):
        return UNKNOWN
    pct = float(value) * 100
    if decimals is None or decimals == "":
        return f"{_trim(dutch_number(pct, 0 if abs(pct) >= 10 else 1))}%"
    return f"{dutch_number(pct, int(decimals))}%"


def _as_date(value):
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@register.filter
def datum(value, missing=UNKNOWN):
    """A date in running text: ``18 december 2025``; ``missing`` (default "onbekend") when there is none."""
    d = _as_date(value)
    if d is None:
        return missing
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


@register.filter
def datum_kort(value, missing=UNKNOWN):
    """A date in a table: ``18-12-2025``."""
    d = _as_date(value)
    if d is None:
        return missing
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


@register.filter
def datumtijd(value, missing=UNKNOWN):
    """A moment in running text: ``18 december 2025 14:05`` (local time)."""
    d = _as_date(value)
    if d is None:
        return missing
    if not isinstance(d, dt.datetime):
        return datum(d)
    return f"{datum(d)} {d.hour:02d}:{d.minute:02d}"


@register.filter
def label(code, vocabulary):
    """The Dutch label of a code: ``"jloi_signed"|label:"fase"`` → ``JLoI getekend`` (see core/labels.py)."""
    return labels.label(code, vocabulary)


@register.filter
def activiteit(code, fallback=""):
    """The Dutch name of an EUTL activity code; ``fallback`` (the register's text) for a code we do not know."""
    return labels.activity_label(code, fallback)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


# --- figures of the register (issue 13): a value with its qualifier, in Dutch ------------------------

_TONNE_UNITS = {"t CO2/jr": "", "t CO2": "", "t NOx/jr": " NOx", "t NH3/jr": " NH3"}


def _scaled(numbers, steps):
    """The numbers in one scale (the largest step the biggest number reaches), Dutch, without needless
    decimals (two below 10, one below 100, none above): ``[224000, 263000]`` in kt → ``["224", "263"]``."""
    top = max(abs(n) for n in numbers)
    divisor, suffix = 1.0, ""
    for threshold, step_divisor, step_suffix in steps:
        if top >= threshold:
            divisor, suffix = step_divisor, step_suffix
            break
    scaled = [n / divisor for n in numbers]
    size = max(abs(n) for n in scaled)
    decimals = 0 if size >= 100 or divisor == 1.0 and all(float(n).is_integer() for n in numbers) else (1 if size >= 10 else 2)
    return [_trim(dutch_number(n, decimals)) for n in scaled], suffix


def _span(texts) -> str:
    return texts[0] if len(texts) == 1 else f"{texts[0]}–{texts[1]}"


def amount_formatter(unit: str):
    """The amount formatter of :func:`maatwerk.engine.ranges.describe` for a unit of the register:
    ``f(x)`` → "260 kt", ``f(low, high)`` → "224–263 kt" (one scale, the unit once)."""

    def fmt(low, high=None):
        numbers = [float(low)] + ([] if high is None else [float(high)])
        if unit in _TONNE_UNITS:
            # Mt from 1 Mt, and from 0,5 Mt for round tenths (as documents write them: "ten minste 0,6 Mt");
            # otherwise kt, so 523 kt keeps its digits
            tenths = all(n % 1e5 == 0 for n in numbers)
            texts, suffix = _scaled(numbers, ((5e5 if tenths else 1e6, 1e6, "Mt"), (1e3, 1e3, "kt")))
            return f"{_span(texts)} {suffix or 't'}{_TONNE_UNITS[unit]}"
        if unit == "EUR":
            if high is None:
                return money_text(low)[0]
            texts, suffix = _scaled(numbers, ((1e9 * 0.9995, 1e9, "mld"), (1e6 * 0.9995, 1e6, "mln")))
            return f"€ {_span(texts)}" + (f" {suffix}" if suffix else "")
        if unit == "jaar":
            return _span([str(round(n)) for n in numbers])
        if unit == "%":
            return f"{_span([_trim(dutch_number(n, 1)) for n in numbers])}%"
        if unit == "m3/jr":
            texts, suffix = _scaled(numbers, ((1e9, 1e9, "mld"), (1e6, 1e6, "mln")))
            return f"{_span(texts)} {suffix + ' ' if suffix else ''}m³ per jaar"
        texts, _ = _scaled(numbers, ())
        return f"{_span(texts)} {unit}".rstrip()

    return fmt


@register.filter
def figure(value, unit=None):
    """A figure of the register in Dutch: "ca. 260 kt", "224–263 kt", "ten minste 0,6 Mt",
    "ten hoogste € 105 mln", "65–75%"; "onbekend" for none.

    ``value``: a figure (anything with ``low``, ``high``, ``qualifier`` and ``unit``) or an
    :class:`maatwerk.engine.ranges.Value` with the unit as argument (``total|figure:"EUR"``). Percent
    figures are percentages (65 is 65%), not fractions."""
    from maatwerk.engine import ranges

    if value is None or value == "":
        return UNKNOWN
    unit = unit if unit is not None else getattr(value, "unit", "")
    if not isinstance(value, ranges.Value):
        qualifier = value.qualifier
        low, high = value.low, value.high
        value = ranges.Value(low, low if qualifier in ranges.POINT_QUALIFIERS else high, qualifier)
    return ranges.describe(value, amount_formatter(unit))


@register.filter
def datum_nauwkeurig(value, precision="day"):
    """A date as precise as it is known: ``23 juni 2025`` (day), ``juni 2025`` (month), ``2025`` (year)."""
    d = _as_date(value)
    if d is None:
        return UNKNOWN
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return f"{MONTHS[d.month - 1]} {d.year}"
    return datum(d)
