"""Values with a qualifier, and their totals: "ca. 260 kt", "224–263 kt", "ten minste 0,6 Mt" (issue 13).

A figure of the register is not a single number: the documents say "about", "at least", "more than",
"at most" or give a range. A :class:`Value` keeps what the document said as ``low``/``high`` and a
qualifier, and :func:`total` adds such values without making them more precise than they are.

Qualifiers and the set of amounts each stands for (every quantity added here is non-negative):

=============  ===================  ======================================
qualifier      fields               amounts
=============  ===================  ======================================
``exact``      ``low`` (= ``high``)  exactly ``low``
``about``      ``low`` (= ``high``)  about ``low`` (counted as ``low``)
``at_least``   ``low``              ``[low, ∞)``
``more_than``  ``low``              ``(low, ∞)``
``at_most``    ``high``             ``[0, high]``
``range``      ``low``, ``high``     ``[low, high]``
=============  ===================  ======================================

Aggregation rules of :func:`total` (a sum of ranges is a range; a qualifier survives):

1. No values: ``None`` (nothing is known, which is not 0).
2. The low end of the total is the sum of the low ends; an ``at_most`` part adds 0 to it.
3. The high end is the sum of the high ends if *every* part is bounded above; one ``at_least`` or
   ``more_than`` part makes the total unbounded above (``high`` None).
4. Qualifier of an unbounded total: ``more_than`` only if every part with a lower bound of its own
   (``at_least``/``more_than``) is ``more_than``; otherwise ``at_least`` ("ten minste": the weaker
   claim, which is always true). Exact, about, range and at-most parts do not change this.
5. Qualifier of a bounded total: all ``exact`` → ``exact``; all ``exact`` or ``about`` with at least
   one ``about`` → ``about``; all ``at_most`` → ``at_most`` (``low`` None); otherwise ``range`` from
   the summed low end to the summed high end.
6. An ``about`` value counts as its value in bounds: about 100 plus 200–300 is 300–400 (the "about"
   is not carried into a range, which has no way to say it; it is carried when every part is a point).

:func:`describe` gives the Dutch text of a value; the formatting of the amounts (units, thousands,
"kt"/"Mt", "€ … mln") is a callable passed in, so the engine stays free of presentation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

EXACT, ABOUT, AT_LEAST, MORE_THAN, AT_MOST, RANGE = "exact", "about", "at_least", "more_than", "at_most", "range"
QUALIFIERS = (EXACT, ABOUT, AT_LEAST, MORE_THAN, AT_MOST, RANGE)
POINT_QUALIFIERS = frozenset({EXACT, ABOUT})
LOWER_BOUND_QUALIFIERS = frozenset({AT_LEAST, MORE_THAN})

UNKNOWN = "onbekend"


@dataclass(frozen=True)
class Value:
    """A value as a document states it. ``exact``/``about``: ``low`` (``high`` equal or None);
    ``at_least``/``more_than``: ``low`` only; ``at_most``: ``high`` only; ``range``: both."""

    low: float | None
    high: float | None
    qualifier: str

    def __post_init__(self) -> None:
        if self.qualifier not in QUALIFIERS:
            raise ValueError(f"onbekende aanduiding {self.qualifier!r}; kies uit {', '.join(QUALIFIERS)}")
        if self.qualifier in POINT_QUALIFIERS:
            if self.low is None or (self.high is not None and self.high != self.low):
                raise ValueError(f"{self.qualifier}: low is de waarde, high leeg of gelijk aan low ({self.low}, {self.high})")
        elif self.qualifier in LOWER_BOUND_QUALIFIERS:
            if self.low is None or self.high is not None:
                raise ValueError(f"{self.qualifier}: alleen low ({self.low}, {self.high})")
        elif self.qualifier == AT_MOST:
            if self.high is None or self.low is not None:
                raise ValueError(f"at_most: alleen high ({self.low}, {self.high})")
        elif self.low is None or self.high is None or self.high < self.low:
            raise ValueError(f"range: low en high met low ≤ high ({self.low}, {self.high})")

    @property
    def lower(self) -> float:
        """The least amount this value allows (0 for ``at_most``: the quantities are non-negative)."""
        return 0.0 if self.low is None else self.low

    @property
    def upper(self) -> float | None:
        """The greatest amount this value allows; None when unbounded above."""
        if self.qualifier in POINT_QUALIFIERS:
            return self.low
        return self.high

    @property
    def single(self) -> float:
        """The one number a plain column or sum takes from this value: the value, the lower end of a
        range, of "ten minste" or "meer dan", the upper end of "ten hoogste" (a maximum, e.g. of support)."""
        return self.high if self.qualifier == AT_MOST else self.low  # type: ignore[return-value]  # set per __post_init__

    @property
    def point(self) -> float | None:
        """The single amount of an exact or about value; None otherwise."""
        return self.low if self.qualifier in POINT_QUALIFIERS else None


def total(values: Iterable[Value]) -> Value | None:
    """The sum of ``values`` by the rules in the module docstring; None when there are none."""
    values = list(values)
    if not values:
        return None
    qualifiers = {v.qualifier for v in values}
    low = sum(v.lower for v in values)
    if qualifiers & LOWER_BOUND_QUALIFIERS:
        bounded_below = {v.qualifier for v in values if v.qualifier in LOWER_BOUND_QUALIFIERS}
        return Value(low, None, MORE_THAN if bounded_below == {MORE_THAN} else AT_LEAST)
    high = sum(v.upper for v in values)  # type: ignore[misc]  # every part has an upper end: unbounded parts returned above
    if qualifiers == {EXACT}:
        return Value(low, low, EXACT)
    if qualifiers <= POINT_QUALIFIERS:
        return Value(low, low, ABOUT)
    if qualifiers == {AT_MOST}:
        return Value(None, high, AT_MOST)
    return Value(low, high, RANGE)


# --- Dutch text -----------------------------------------------------------------------------------

#: the words before an amount, per qualifier
WORDS = {EXACT: "", ABOUT: "ca. ", AT_LEAST: "ten minste ", MORE_THAN: "meer dan ", AT_MOST: "ten hoogste "}


def plain(low: float, high: float | None = None) -> str:
    """The simplest amount formatter: the numbers as Python prints them (for tests and logs)."""
    fmt = lambda x: f"{x:g}"  # noqa: E731
    return fmt(low) if high is None else f"{fmt(low)}–{fmt(high)}"


def describe(value: Value | None, unit_formatter: Callable[..., str] = plain) -> str:
    """Dutch text of ``value``: "260 kt", "ca. 260 kt", "224–263 kt", "ten minste 0,6 Mt",
    "meer dan 0,5 Mt", "ten hoogste € 105 mln"; "onbekend" for None.

    ``unit_formatter(amount)`` formats one amount with its unit ("260 kt"); ``unit_formatter(low,
    high)`` formats a span with one scale and the unit once ("224–263 kt", "€ 73–105 mln"). A range
    whose ends are equal is shown as one amount."""
    if value is None:
        return UNKNOWN
    q = value.qualifier
    if q == RANGE:
        if value.low == value.high:
            return unit_formatter(value.low)
        return unit_formatter(value.low, value.high)
    amount = value.high if q == AT_MOST else value.low
    return f"{WORDS[q]}{unit_formatter(amount)}"
