"""Plausible bounds for every number and planning date a user types into projects, business cases,
price decks, milestones and the outlook's assumptions.

One table, used by the models (so the admin, the forms and every service that calls ``full_clean``
refuse the same values), by the API schemas and by the imports. A number must be a real, finite
number (never a boolean, never ``Infinity`` or ``NaN``) inside its bounds; the bounds are wide
enough for the largest real case (Tata Steel: 5 Mt/yr, EUR 2 billion of support) and narrow enough
that no arithmetic on them overflows.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from maatwerk.core.templatetags.maatwerk import datum_kort

TONNES = (0.0, 1e9)  # t/yr: the Netherlands emit about 1.5e8 t CO2e a year
TONNES_DELTA = (-1e9, 1e9)
EUROS = (0.0, 1e11)  # EUR: investments, support, a year's capex
EUROS_DELTA = (-1e11, 1e11)  # EUR/yr: extra costs or income, either sign
VOLUME_M3 = (0.0, 1e12)
ENERGY_MWH_DELTA = (-1e9, 1e9)
HYDROGEN_KG_DELTA = (-1e11, 1e11)
YEARS_SPAN = (0.0, 60.0)  # acceleration, delays
LIFETIME_YEARS = (1, 60)
RATE = (-0.5, 1.0)  # a fraction
HURDLE_RATE = (0.0, 1.0)  # [0, 1): a required return is not negative
CAPEX_YEARS = (1, 30)  # length of a capex schedule

#: planning dates of milestones and projects (another range applies to the dates of events)
PLAUSIBLE_PLANNING = (dt.date(2000, 1, 1), dt.date(2100, 12, 31))


def _fmt(x: float) -> str:
    if float(x).is_integer() and abs(x) < 1e16:
        return f"{int(x):,}".replace(",", ".")
    return f"{x:g}".replace(".", ",")


def number_problem(value, lo: float, hi: float) -> str | None:
    """Why ``value`` is not a plausible number in [lo, hi] (Dutch), or None when it is."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{value!r} is geen getal"
    try:
        number = float(value)
    except OverflowError:
        return "het getal is te groot"
    if not math.isfinite(number):
        return "geen eindig getal (Infinity of NaN)"
    if not lo <= number <= hi:
        return f"{_fmt(number)} ligt buiten {_fmt(lo)} tot {_fmt(hi)}"
    return None


@deconstructible
class Bounded:
    """A model-field validator: a finite number in [lo, hi]."""

    def __init__(self, lo: float, hi: float):
        self.lo, self.hi = lo, hi

    def __call__(self, value):
        if value is None:
            return
        problem = number_problem(value, self.lo, self.hi)
        if problem:
            raise ValidationError(f"Ongeldig getal: {problem}.", code="bounds")

    def __eq__(self, other):
        return isinstance(other, Bounded) and (self.lo, self.hi) == (other.lo, other.hi)


@deconstructible
class PlanningDate:
    """A model-field validator: a planning date in :data:`PLAUSIBLE_PLANNING`."""

    def __init__(self, label: str = "De datum"):
        self.label = label

    def __call__(self, value):
        problem = planning_date_problem(value, self.label)
        if problem:
            raise ValidationError(problem, code="planning_date")

    def __eq__(self, other):
        return isinstance(other, PlanningDate) and self.label == other.label


def planning_date_problem(value, label: str) -> str | None:
    lo, hi = PLAUSIBLE_PLANNING
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not lo <= value <= hi:
        return f"{label} {datum_kort(value)} ligt buiten {datum_kort(lo)} tot {datum_kort(hi)}; is het jaartal goed getypt?"
    return None


_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)?(?:[eE][-+]?[0-9]+)?")


def parse_plain_number(text: str) -> float | None:
    """``text`` as a number if written in ASCII digits with an optional decimal point or comma and
    exponent; None otherwise (``float`` also reads '１２３', '1_000', 'inf' and 'nan')."""
    text = text.strip()
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    return float(text.replace(",", "."))
