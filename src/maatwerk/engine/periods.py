"""Dates known to a day, a month or only a year (pure functions, no Django).

A partial date is stored as the first day of its period plus its precision (``"day"``, ``"month"``,
``"year"``), like ``trajectories.Document.date`` with ``date_precision``. "Some day in September 2025"
is the period 1–30 September 2025: it has certainly passed only after its last day, so monitoring
calls a milestone or an expected phase late only after :func:`period_end`, and a budget entry dated
"november 2023" counts from 30 November 2023 (the engine's rule for events: they count from their
latest possible day).
"""

from __future__ import annotations

import calendar
import datetime as dt

DAY, MONTH, YEAR = "day", "month", "year"
PRECISIONS = (DAY, MONTH, YEAR)
MONTHS_NL = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")


def period_start(value: dt.date, precision: str) -> dt.date:
    """The first day of the period of ``value`` at ``precision`` (2025-09-17, month → 2025-09-01)."""
    if precision == DAY:
        return value
    if precision == MONTH:
        return value.replace(day=1)
    if precision == YEAR:
        return dt.date(value.year, 1, 1)
    raise ValueError(f"onbekende nauwkeurigheid {precision!r}; kies uit {', '.join(PRECISIONS)}")


def period_end(value: dt.date, precision: str) -> dt.date:
    """The last day of the period that starts at ``value``: the day itself, the month's or the year's last day."""
    if precision == DAY:
        return value
    if precision == MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    if precision == YEAR:
        return dt.date(value.year, 12, 31)
    raise ValueError(f"onbekende nauwkeurigheid {precision!r}; kies uit {', '.join(PRECISIONS)}")


def describe(value: dt.date | None, precision: str = DAY, missing: str = "onbekend") -> str:
    """Dutch text of a partial date: ``15-09-2025``, ``september 2025``, ``2025``."""
    if value is None:
        return missing
    if precision == MONTH:
        return f"{MONTHS_NL[value.month - 1]} {value.year}"
    if precision == YEAR:
        return f"{value.year}"
    return f"{value.day:02d}-{value.month:02d}-{value.year:04d}"


def iso(value: dt.date | None, precision: str = DAY) -> str:
    """The machine form of a partial date: ``2025-09-15``, ``2025-09``, ``2025`` ("" for None)."""
    if value is None:
        return ""
    if precision == MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    if precision == YEAR:
        return f"{value.year:04d}"
    return value.isoformat()
