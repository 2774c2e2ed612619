"""Issue 15, point 4: numbers are typed and shown the Dutch way (core.forms' Dutch number fields)."""

import pytest

from maatwerk.core.forms import DutchDecimalField, DutchIntegerField, DutchPercentField, format_dutch_number, parse_dutch_number

# --- Dutch numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text,value", [
    ("1.500.000,50", 1500000.5), ("1.500.000", 1500000.0), ("1,5", 1.5), ("1500000", 1500000.0), ("-12.000", -12000.0),
    ("€ 2.500", 2500.0), ("1 500 000", 1500000.0),
    # a point followed by exactly three digits groups thousands (Dutch); otherwise it is a decimal point
    ("1.500", 1500.0), ("1.5", 1.5), ("0.08", 0.08), ("1500000.0", 1500000.0), ("1e6", 1e6),
])
def test_dutch_number_reading(text, value):
    assert parse_dutch_number(text) == value
    assert DutchDecimalField().clean(text) == value


@pytest.mark.parametrize("text", ["Infinity", "NaN", "nan", "inf", "1e400", "１２３", "1_000", "1.50.000", "1,500,000", "12,5,0", "True", "veel"])
def test_dutch_number_field_refuses_what_is_not_a_finite_number(text):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        DutchDecimalField().clean(text)


def test_dutch_number_field_refuses_booleans():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        DutchDecimalField().clean(True)


@pytest.mark.parametrize("value,shown", [(1500000.0, "1.500.000"), (0.15, "0,15"), (1500000.5, "1.500.000,5"), (-2500.0, "-2.500"), (1e11, "100.000.000.000")])
def test_numbers_are_shown_with_dutch_separators(value, shown):
    assert format_dutch_number(value) == shown
    assert DutchDecimalField().prepare_value(value) == shown


def test_percent_field_reads_and_shows_percentages():
    field = DutchPercentField(min_percent=0, max_percent=100)
    assert field.clean("8") == pytest.approx(0.08) and field.clean("8,5%") == pytest.approx(0.085)
    assert field.prepare_value(0.08) == "8"


def test_integer_field_reads_thousands_separators():
    assert DutchIntegerField().clean("1.500.000") == 1500000
    assert DutchIntegerField().prepare_value(1500000) == "1.500.000"
