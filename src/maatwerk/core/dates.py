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


# --- partial and bounded dates (issue 13) ---------------------------------------------------------
#
# The public record often gives only a month or a year ("EoP in 2021"), or no date but a bound ("the
# EoP was signed by June 2025", "the advice came before the JLoI of 11 March 2026"). A partial date
# means *some day in that period*: its earliest and its latest possible day. Like the engine
# (``engine.workflow.parse_hint``), everything that must not be shown too early counts from the
# latest possible day: an event "in 2021" is ``not_after`` 2021-12-31 (and after 2020-12-31).

import calendar  # noqa: E402
import re  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from maatwerk.core.templatetags.maatwerk import MONTHS, datum  # noqa: E402
from maatwerk.engine.periods import DAY, MONTH, YEAR  # noqa: E402

PARTIAL_DATE_HELP = "JJJJ-MM-DD (een dag), JJJJ-MM (een maand) of JJJJ (een jaar)"
_PARTIAL = re.compile(r"\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A day, a month or a year: ``PartialDate(2021)``, ``PartialDate(2025, 6)``, ``PartialDate(2026, 3, 11)``."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self):
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        dt.date(self.year, self.month or 1, self.day or 1)  # raises ValueError for a date that does not exist

    @property
    def precision(self) -> str:
        return DAY if self.day is not None else MONTH if self.month is not None else YEAR

    @property
    def earliest(self) -> dt.date:
        """The first day it can be (the day itself, the first of the month, 1 January)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        """The last day it can be (the day itself, the end of the month, 31 December)."""
        if self.day is not None:
            return self.earliest
        if self.month is not None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    @property
    def exact(self) -> dt.date | None:
        return self.earliest if self.day is not None else None

    def iso(self) -> str:
        """``2021``, ``2025-06`` or ``2026-03-11``: the form it was entered in (and the case file's)."""
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def __str__(self) -> str:
        return self.iso()

    def dutch(self) -> str:
        """``11 maart 2026``, ``juni 2025`` or ``2021``."""
        if self.day is not None:
            return datum(self.earliest)
        if self.month is not None:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return str(self.year)

    @classmethod
    def of(cls, day: dt.date, precision: str = DAY) -> PartialDate:
        """The partial date of ``precision`` that contains ``day`` (a document's stored first day)."""
        if precision == YEAR:
            return cls(day.year)
        if precision == MONTH:
            return cls(day.year, day.month)
        return cls(day.year, day.month, day.day)


def partial_date_error(value, label: str, *, today: dt.date | None = None) -> tuple[PartialDate | None, str | None]:
    """``(PartialDate, None)`` for a valid value (None or "" is ``(None, None)``: no date), else
    ``(None, message)`` with a Dutch message naming ``label``: "Datum: '2025-13' is geen geldige maand."

    Accepts a PartialDate, a ``datetime.date`` (a day) or text ``JJJJ-MM-DD``, ``JJJJ-MM``, ``JJJJ``.
    The period must have begun by ``today`` and not before :data:`EARLIEST` (it happened)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, PartialDate):
        parsed = value
    elif isinstance(value, dt.datetime):
        parsed = PartialDate.of(value.date())
    elif isinstance(value, dt.date):
        parsed = PartialDate.of(value)
    else:
        text = str(value)
        match = _PARTIAL.fullmatch(text)
        if match is None:
            return None, f"{label}: '{text.strip()}' is geen datum; schrijf {PARTIAL_DATE_HELP}."
        year, month, day = (int(g) if g else None for g in match.groups())
        if month is not None and not 1 <= month <= 12:
            return None, f"{label}: '{text.strip()}' is geen geldige maand (1 tot en met 12)."
        try:
            parsed = PartialDate(year, month, day)
        except ValueError:
            return None, f"{label}: '{text.strip()}' is geen geldige dag (die dag bestaat niet in die maand)."
    today = today or timezone.localdate()
    if parsed.latest < EARLIEST:
        return None, f"{label}: {parsed.iso()} ligt vóór {EARLIEST.year}; dat kan niet kloppen."
    if parsed.earliest > today:
        return None, f"{label}: {parsed.iso()} ligt in de toekomst (na vandaag, {datum_kort(today)})."
    return parsed, None


#: the field names of a :class:`When` with their Dutch labels (used in every message)
WHEN_LABELS = {"date": "Datum", "not_after": "Uiterlijk op", "before": "Vóór", "approx": "Ongeveer"}


@dataclass(frozen=True)
class When:
    """When something happened, as far as the record says: a date (day, month or year), or only
    bounds: ``not_after`` (on or before), ``before`` (strictly before), ``approx`` (a best estimate).

    * ``exact``: the day, when the date is a day (only then may there be no bounds);
    * ``bound``: the latest day it can have happened (a month or year date's last day, ``not_after``'s
      latest day, the day before ``before``'s latest day: the earliest of these), None when unknown;
    * ``after``: the day before the earliest day it can have happened (a month or year date), else None.
    A bound given as a month or year counts from its last day, like the engine's hints."""

    date: PartialDate | None = None
    not_after: PartialDate | None = None
    before: PartialDate | None = None
    approx: PartialDate | None = None

    @classmethod
    def parse(cls, *, labels: dict | None = None, today: dt.date | None = None, **values) -> When:
        """Read ``date``, ``not_after``, ``before``, ``approx`` (text, date, PartialDate or None);
        raise a ValidationError mapping each bad field to its Dutch message (``labels`` names them)."""
        names = {**WHEN_LABELS, **(labels or {})}
        unknown = set(values) - set(WHEN_LABELS)
        if unknown:
            raise TypeError(f"unknown date fields: {', '.join(sorted(unknown))}")
        parsed, errors = {}, {}
        for name in WHEN_LABELS:
            parsed[name], error = partial_date_error(values.get(name), names[name], today=today)
            if error:
                errors[name] = error
        if not errors:
            errors = cls(**parsed).problems(names)
        if errors:
            raise ValidationError(errors)
        return cls(**parsed)

    def problems(self, labels: dict | None = None) -> dict[str, str]:
        """Contradictions between the parts (field → Dutch message); empty when consistent."""
        names = {**WHEN_LABELS, **(labels or {})}
        errors = {}
        if self.date is not None and self.date.precision == DAY:
            for name in ("not_after", "before", "approx"):
                if getattr(self, name) is not None:
                    errors[name] = f"{names[name]}: laat leeg als de datum precies bekend is ({self.date.iso()})."
            return errors
        if self.date is not None:
            if self.not_after is not None and self.not_after.latest < self.date.earliest:
                errors["not_after"] = f"{names['not_after']}: {self.not_after.iso()} ligt vóór de datum ({self.date.iso()})."
            if self.before is not None and self.before.latest <= self.date.earliest:
                errors["before"] = f"{names['before']}: {self.before.iso()} ligt niet na het begin van de datum ({self.date.iso()})."
        if self.approx is not None and self.bound is not None and self.approx.earliest > self.bound:
            errors["approx"] = f"{names['approx']}: {self.approx.iso()} ligt na de laatst mogelijke dag ({datum_kort(self.bound)})."
        return errors

    @property
    def exact(self) -> dt.date | None:
        return self.date.exact if self.date is not None else None

    @property
    def bound(self) -> dt.date | None:
        if self.exact is not None:
            return self.exact
        bounds = [p.latest for p in (self.date, self.not_after) if p is not None]
        if self.before is not None:
            bounds.append(self.before.latest - dt.timedelta(days=1))
        return min(bounds) if bounds else None

    @property
    def after(self) -> dt.date | None:
        if self.date is None or self.exact is not None:
            return None
        return self.date.earliest - dt.timedelta(days=1)

    @property
    def known(self) -> bool:
        return any(getattr(self, n) is not None for n in WHEN_LABELS)

    def as_dict(self) -> dict[str, str | None]:
        """The forms as entered: ``{"date": "2021", "not_after": None, ...}`` (JSON, the case file's format)."""
        return {name: (getattr(self, name).iso() if getattr(self, name) is not None else None) for name in WHEN_LABELS}

    @classmethod
    def from_dict(cls, data: dict | None) -> When:
        data = data or {}
        return cls.parse(**{n: data.get(n) for n in WHEN_LABELS}, today=dt.date.max - dt.timedelta(days=400))

    def dutch(self) -> str:
        """Honest Dutch text: "op 11 maart 2026", "in 2021", "in juni 2025, uiterlijk 20 juni 2025",
        "uiterlijk 30 juni 2025", "vóór 11 maart 2026", "ca. mei 2025 (uiterlijk 30 juni 2025)", "datum onbekend"."""
        if self.exact is not None:
            return f"op {self.date.dutch()}"
        parts = []
        if self.date is not None:
            parts.append(f"in {self.date.dutch()}")
        if self.not_after is not None:
            parts.append(f"uiterlijk {datum(self.not_after.latest) if self.not_after.precision == DAY else self.not_after.dutch()}")
        if self.before is not None:
            parts.append(f"vóór {self.before.dutch()}")
        if self.approx is not None:
            parts.insert(0, f"ca. {self.approx.dutch()}")
        if not parts:
            return "datum onbekend"
        return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")
# --- partial dates: a day, a month or only a year ("vanaf 2026", "verwacht september 2025") -------------

import re  # noqa: E402

from maatwerk.engine.periods import MONTHS_NL, PRECISIONS, describe, iso, period_end  # noqa: E402,F401

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
