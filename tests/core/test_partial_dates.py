"""Partial dates: the three forms of the case files and imports, with Dutch errors; the form field."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from maatwerk.core.dates import parse_partial_date
from maatwerk.core.forms import PartialDateField

D = dt.date


@pytest.mark.parametrize(
    "text,expected",
    [("2026", (D(2026, 1, 1), "year")), ("2025-09", (D(2025, 9, 1), "month")), ("2025-09-15", (D(2025, 9, 15), "day")),
     (" 2024-02-29 ", (D(2024, 2, 29), "day")), ("2025-12", (D(2025, 12, 1), "month"))],
)
def test_the_three_forms(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "Geef een datum"),
        ("   ", "Geef een datum"),
        ("2025-13", "maand 13 bestaat niet"),
        ("2025-00", "maand 0 bestaat niet"),
        ("2025-02-29", "februari 2025 heeft 28 dagen"),
        ("2025-04-31", "april 2025 heeft 30 dagen"),
        ("0000", "jaar 0000 bestaat niet"),
        ("15-09-2025", "'15-09-2025' is geen datum; schrijf JJJJ, JJJJ-MM of JJJJ-MM-DD"),  # Dutch forms only where people type
        ("september 2025", "is geen datum"),
        ("2025/09", "is geen datum"),
        ("25", "is geen datum"),
        ("２０２５", "is geen datum"),  # full-width digits
        ("2025-9", "is geen datum"),
        ("20250915", "is geen datum"),
    ],
)
def test_errors_say_what_is_wrong_in_dutch(text, message):
    with pytest.raises(ValidationError) as exc:
        parse_partial_date(text)
    assert message in exc.value.messages[0]


@pytest.mark.parametrize(
    "text,expected",
    [("15-09-2025", (D(2025, 9, 15), "day")), ("9-2025", (D(2025, 9, 1), "month")), ("september 2025", (D(2025, 9, 1), "month")),
     ("Sep 2025", (D(2025, 9, 1), "month")), ("mrt 2026", (D(2026, 3, 1), "month")), ("ma 2026", None), ("maa 2026", (D(2026, 3, 1), "month")), ("2026", (D(2026, 1, 1), "year"))],
)
def test_forms_people_type(text, expected):
    if expected is None:
        with pytest.raises(ValidationError):
            parse_partial_date(text, dutch=True)
    else:
        assert parse_partial_date(text, dutch=True) == expected


def test_field_cleans_to_date_and_precision_and_shows_the_stored_value_back():
    field = PartialDateField(label="Gepland")
    assert field.clean("2026") == (D(2026, 1, 1), "year")
    assert field.prepare_value((D(2025, 9, 1), "month")) == "2025-09"
    assert field.prepare_value("typed 2025") == "typed 2025"  # a bound form shows what was typed
    with pytest.raises(ValidationError, match="Dit veld is verplicht|verplicht"):
        field.clean("")
    assert PartialDateField(required=False).clean("") is None
    with pytest.raises(ValidationError, match="maand 14 bestaat niet"):
        field.clean("2025-14")
