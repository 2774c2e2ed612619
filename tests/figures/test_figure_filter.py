"""The `figure` filter: a register value in Dutch, written out by hand here for each unit and qualifier."""

import pytest
from django.template import Context, Template

from maatwerk.core.templatetags.maatwerk import datum_nauwkeurig, figure
from maatwerk.engine.ranges import Value


class F:
    def __init__(self, qualifier, low, high, unit):
        self.qualifier, self.low, self.high, self.unit = qualifier, low, high, unit


@pytest.mark.parametrize(
    "record, text",
    [
        (F("about", 260_000, None, "t CO2/jr"), "ca. 260 kt"),
        (F("range", 224_000, 263_000, "t CO2/jr"), "224–263 kt"),
        (F("at_least", 600_000, None, "t CO2/jr"), "ten minste 0,6 Mt"),
        (F("more_than", 500_000, None, "t CO2/jr"), "meer dan 0,5 Mt"),
        (F("at_most", None, 105_000_000, "EUR"), "ten hoogste € 105 mln"),
        (F("range", 73_000_000, 105_000_000, "EUR"), "€ 73–105 mln"),
        (F("exact", 2_000_000_000, 2_000_000_000, "EUR"), "€ 2 mld"),
        (F("exact", 167_000, 167_000, "t CO2/jr"), "167 kt"),
        (F("exact", 44, 44, "t NOx/jr"), "44 t NOx"),
        (F("at_least", 17, None, "t CO2"), "ten minste 17 t"),
        (F("range", 65, 75, "%"), "65–75%"),
        (F("exact", 2030, 2030, "jaar"), "2030"),
        (F("exact", 12_500_000, None, "m3/jr"), "12,5 mln m³ per jaar"),
        (F("exact", 120, 120, "MW"), "120 MW"),
        (F("about", 1_050_000, None, "t CO2/jr"), "ca. 1,05 Mt"),
        (F("range", 484_000, 523_000, "t CO2/jr"), "484–523 kt"),
        (F("range", 500_000, 1_900_000, "t CO2/jr"), "0,5–1,9 Mt"),
        (F("exact", 850, 850, "t CO2/jr"), "850 t"),
    ],
)
def test_figure_texts(record, text):
    assert figure(record) == text


def test_a_total_with_its_unit_and_nothing_as_unknown():
    assert figure(Value(484_000.0, 523_000.0, "range"), "t CO2/jr") == "484–523 kt"
    assert figure(None) == "onbekend"
    html = Template('{% load maatwerk %}{{ f|figure }}').render(Context({"f": F("range", 224_000, 263_000, "t CO2/jr")}))
    assert html == "224–263 kt"


def test_dates_as_precise_as_known():
    import datetime as dt

    d = dt.date(2025, 6, 1)
    assert (datum_nauwkeurig(d, "day"), datum_nauwkeurig(d, "month"), datum_nauwkeurig(d, "year"), datum_nauwkeurig(None)) == (
        "1 juni 2025", "juni 2025", "2025", "onbekend")
