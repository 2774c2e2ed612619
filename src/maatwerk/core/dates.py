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
