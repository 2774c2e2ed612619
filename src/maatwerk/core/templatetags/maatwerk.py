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
