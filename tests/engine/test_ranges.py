"""Totals of qualified values against an independent interval computation, and their Dutch text."""

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maatwerk.engine.ranges import Value, describe, plain, total

# --- an independent model: each value as an interval of Fractions with open/closed ends ----------------

INF = math.inf


def interval(v: Value):
    """(lo, lo_open, hi, hi_open) of the amounts a value allows, straight from the table of qualifiers."""
    if v.qualifier in ("exact", "about"):
        return Fraction(v.low), False, Fraction(v.low), False
    if v.qualifier == "at_least":
        return Fraction(v.low), False, INF, True
    if v.qualifier == "more_than":
        return Fraction(v.low), True, INF, True
    if v.qualifier == "at_most":
        return Fraction(0), False, Fraction(v.high), False
    return Fraction(v.low), False, Fraction(v.high), False


def minkowski_sum(intervals):
    """The set of all sums of one amount from each interval (interval arithmetic)."""
    lo = sum(i[0] for i in intervals)
    lo_open = any(i[1] for i in intervals)
    his = [i[2] for i in intervals]
    hi = INF if INF in his else sum(his)
    hi_open = hi == INF or any(i[3] for i in intervals)
    return lo, lo_open, hi, hi_open


def contains(v: Value, x: Fraction) -> bool:
    lo, lo_open, hi, hi_open = interval(v)
    above = x > lo if lo_open else x >= lo
    below = True if hi == INF else (x < hi if hi_open else x <= hi)
    return above and below


amounts = st.integers(min_value=0, max_value=10**9).map(float)


@st.composite
def values(draw):
    q = draw(st.sampled_from(["exact", "about", "at_least", "more_than", "at_most", "range"]))
    if q in ("exact", "about"):
        x = draw(amounts)
        return Value(x, draw(st.sampled_from([None, x])), q)
    if q in ("at_least", "more_than"):
        return Value(draw(amounts), None, q)
    if q == "at_most":
        return Value(None, draw(amounts), q)
    a, b = sorted([draw(amounts), draw(amounts)])
    return Value(a, b, q)


@given(st.lists(values(), min_size=1, max_size=8))
def test_total_has_the_bounds_of_interval_arithmetic(parts):
    t = total(parts)
    lo, lo_open, hi, hi_open = minkowski_sum([interval(p) for p in parts])
    t_lo, t_lo_open, t_hi, _ = interval(t)
    assert t_lo == lo
    assert t_hi == hi
    # "meer dan" is claimed only when the sum really is strictly above its low end
    if t_lo_open:
        assert lo_open
    # and the bounded total is exact only if nothing was uncertain
    if t.qualifier == "exact":
        assert all(p.qualifier == "exact" for p in parts)
    if t.qualifier in ("exact", "about"):
        assert lo == hi


@given(st.lists(values(), min_size=1, max_size=6), st.data())
def test_every_sum_of_allowed_amounts_is_allowed_by_the_total(parts, data):
    picks = []
    for p in parts:
        lo, lo_open, hi, _ = interval(p)
        top = lo + 10**6 if hi == INF else hi
        x = Fraction(data.draw(st.integers(min_value=int(lo), max_value=int(top))))
        if lo_open and x == lo:
            x += Fraction(1, 2)
        assert contains(p, x)
        picks.append(x)
    assert contains(total(parts), sum(picks))


@given(st.lists(values(), min_size=1, max_size=6))
def test_qualifier_survives_as_the_docstring_says(parts):
    qs = [p.qualifier for p in parts]
    t = total(parts)
    lower_bounded = [q for q in qs if q in ("at_least", "more_than")]
    if lower_bounded:
        assert t.qualifier == ("more_than" if all(q == "more_than" for q in lower_bounded) else "at_least")
        assert t.high is None
    elif all(q == "exact" for q in qs):
        assert t.qualifier == "exact"
    elif all(q in ("exact", "about") for q in qs):
        assert t.qualifier == "about"
    elif all(q == "at_most" for q in qs):
        assert (t.qualifier, t.low) == ("at_most", None)
    else:
        assert t.qualifier == "range"


def test_empty_total_is_unknown_not_zero():
    assert total([]) is None
    assert describe(None) == "onbekend"


def test_worked_examples():
    kt = 1000.0
    assert total([Value(224 * kt, 263 * kt, "range"), Value(260 * kt, None, "about")]) == Value(484 * kt, 523 * kt, "range")
    assert total([Value(600 * kt, None, "at_least"), Value(167 * kt, 167 * kt, "exact")]) == Value(767 * kt, None, "at_least")
    assert total([Value(500 * kt, None, "more_than"), Value(None, 50 * kt, "at_most")]) == Value(500 * kt, None, "more_than")
    assert total([Value(500 * kt, None, "more_than"), Value(17.0, None, "at_least")]).qualifier == "at_least"
    assert total([Value(None, 105e6, "at_most"), Value(None, 73e6, "at_most")]) == Value(None, 178e6, "at_most")
    assert total([Value(None, 105e6, "at_most"), Value(10e6, 10e6, "exact")]) == Value(10e6, 115e6, "range")
    assert total([Value(260.0, 260.0, "about"), Value(1.0, None, "exact")]) == Value(261.0, 261.0, "about")


@pytest.mark.parametrize(
    "value, text",
    [
        (Value(260.0, None, "about"), "ca. 260"),
        (Value(224.0, 263.0, "range"), "224–263"),
        (Value(0.6, None, "at_least"), "ten minste 0.6"),
        (Value(0.5, None, "more_than"), "meer dan 0.5"),
        (Value(None, 105.0, "at_most"), "ten hoogste 105"),
        (Value(167.0, 167.0, "exact"), "167"),
        (Value(5.0, 5.0, "range"), "5"),
    ],
)
def test_describe_words(value, text):
    assert describe(value, plain) == text


def test_describe_passes_a_span_to_the_formatter_once():
    calls = []

    def fmt(low, high=None):
        calls.append((low, high))
        return "X"

    describe(Value(1.0, 2.0, "range"), fmt)
    describe(Value(None, 3.0, "at_most"), fmt)
    assert calls == [(1.0, 2.0), (3.0, None)]


@pytest.mark.parametrize(
    "low, high, qualifier",
    [(None, None, "exact"), (1.0, 2.0, "about"), (1.0, 2.0, "at_least"), (1.0, None, "at_most"), (3.0, 2.0, "range"), (1.0, 1.0, "roughly")],
)
def test_inconsistent_values_are_refused(low, high, qualifier):
    with pytest.raises(ValueError):
        Value(low, high, qualifier)


@pytest.mark.parametrize("value, single", [
    (Value(260e3, 260e3, "exact"), 260e3), (Value(500, 500, "about"), 500), (Value(224e3, 263e3, "range"), 224e3),
    (Value(0.5e6, None, "more_than"), 0.5e6), (Value(17, None, "at_least"), 17), (Value(None, 105e6, "at_most"), 105e6),
])
def test_the_single_number_of_a_value_is_its_lower_end_or_the_maximum(value, single):
    """A plain column or sum takes the value, the lower end of a range or open range, and the upper end
    of "ten hoogste" (a maximum support is the amount reserved)."""
    assert value.single == single
