"""The plausible range of dates of things that happened, in one place for every app and every route.

The append-only history cannot be corrected once written, so a date such as 0001-01-01 or
9999-12-31 (a typo, a fuzzed request, a wrong column in an import) must be refused before it enters
it. A thing that happened (a phase transition, an advice, a document, Parliament informed) lies
between :data:`EARLIEST` and today. Planned dates (milestones) have their own range elsewhere.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from maatwerk.core.templatetags.maatwerk import datum_kort

# The maatwerkaanpak started in 2022; nothing it records can have happened before this date.
EARLIEST = dt.date(2000, 1, 1)


def happened_date_error(value: dt.date | None, label: str, *, today: dt.date | None = None) -> str | None:
    """The Dutch reason why ``value`` cannot be the date of something that happened, or None if it can.

    ``label`` names the field in the message (e.g. "Datum van de overgang"). None (date unknown) is fine.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    today = today or timezone.localdate()
    if value < EARLIEST:
        return f"{label}: {datum_kort(value)} ligt vóór {datum_kort(EARLIEST)}; dat kan niet kloppen."
    if value > today:
        return f"{label}: {datum_kort(value)} ligt in de toekomst (na vandaag, {datum_kort(today)})."
    return None


def check_happened(value: dt.date | None, label: str) -> None:
    """Raise a ValidationError naming ``label`` if ``value`` is outside the plausible range."""
    error = happened_date_error(value, label)
    if error:
        raise ValidationError(error, code="implausible_date")


def happened_validator(label: str):
    """A form/model field validator for a date of something that happened."""

    def validate(value):
        check_happened(value, label)

    return validate


# --- partial dates: a day, a month or only a year ("vanaf 2026", "verwacht september 2025") -------------

import re  # noqa: E402

from maatwerk.engine.periods import DAY, MONTH, MONTHS_NL, PRECISIONS, YEAR, describe, iso, period_end  # noqa: E402,F401

_ISO_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_DUTCH_DAY = re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})")
_DUTCH_MONTH = re.compile(r"([0-9]{1,2})-([0-9]{4})")
_MONTH_NAME = re.compile(r"([a-z]+)\.?\s+([0-9]{4})")
FORMS_HELP = "JJJJ, JJJJ-MM of JJJJ-MM-DD, bijv. 2026, 2025-09 of 2025-09-15"


def _month_by_name(name: str) -> int | None:
    name = name.lower()
    if name == "mrt":  # the usual Dutch abbreviation of maart
        return 3
    for number, month in enumerate(MONTHS_NL, start=1):
        if len(name) >= 3 and month.startswith(name):
            return number
    return None


def parse_partial_date(text: str, *, dutch: bool = False) -> tuple[dt.date, str]:
    """``text`` as (first day of its period, precision): ``2026`` → (2026-01-01, "year"), ``2025-09`` →
    (2025-09-01, "month"), ``2025-09-15`` → (2025-09-15, "day").

    Only these three forms, in ASCII digits, unless ``dutch`` (forms people type): then also
    ``15-09-2025``, ``9-2025`` and ``september 2025`` / ``sep 2025``. Raises ValidationError with a Dutch
    message saying what is wrong (no date, not one of the forms, a month or day that does not exist)."""
    value = (text or "").strip()
    if not value:
        raise ValidationError(f"Geef een datum ({FORMS_HELP}).", code="partial_date_missing")
    year = month = day = None
    if m := _ISO_PARTIAL.fullmatch(value):
        year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    elif dutch and (m := _DUTCH_DAY.fullmatch(value)):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif dutch and (m := _DUTCH_MONTH.fullmatch(value)):
        month, year = int(m[1]), int(m[2])
    elif dutch and (m := _MONTH_NAME.fullmatch(value.lower())) and _month_by_name(m[1]):
        month, year = _month_by_name(m[1]), int(m[2])
    else:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise ValidationError(f"'{shown}' is geen datum; schrijf {FORMS_HELP}.", code="partial_date_form")
    if year < 1:
        raise ValidationError(f"'{value}': jaar 0000 bestaat niet.", code="partial_date_year")
    if month is not None and not 1 <= month <= 12:
        raise ValidationError(f"'{value}': maand {month} bestaat niet (1 tot en met 12).", code="partial_date_month")
    if day is not None:
        last = period_end(dt.date(year, month, 1), MONTH).day
        if not 1 <= day <= last:
            raise ValidationError(
                f"'{value}' bestaat niet: {MONTHS_NL[month - 1]} {year} heeft {last} dagen.", code="partial_date_day"
            )
        return dt.date(year, month, day), DAY
    if month is not None:
        return dt.date(year, month, 1), MONTH
    return dt.date(year, 1, 1), YEAR
