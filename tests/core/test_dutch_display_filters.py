"""The Dutch display filters: money, percentages, numbers, dates and code labels (issue 15, point 3).

Expected strings are written out by hand, not computed with the code under test.
"""

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest

from maatwerk.core.templatetags import maatwerk as f

# --- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, short, exact",
    [
        (46_000_000, "€ 46 mln", "€ 46.000.000"),
        (2_300_000_000, "€ 2,3 mld", "€ 2.300.000.000"),
        (1_500_000_000, "€ 1,5 mld", "€ 1.500.000.000"),
        (2_000_000_000, "€ 2 mld", "€ 2.000.000.000"),
        (1_540_000, "€ 1,5 mln", "€ 1.540.000"),
        (1_560_000, "€ 1,6 mln", "€ 1.560.000"),
        (123_400_000, "€ 123 mln", "€ 123.400.000"),
        (999_700_000, "€ 1 mld", "€ 999.700.000"),
        (250_000, "€ 250.000", "€ 250.000"),
        (0, "€ 0", "€ 0"),
        (-46_000_000, "€ -46 mln", "€ -46.000.000"),
        (-1234.4, "€ -1.234", "€ -1.234"),
        (1500000.0, "€ 1,5 mln", "€ 1.500.000"),
    ],
)
def test_money_short_with_exact_amount_on_hover(value, short, exact):
    html = str(f.money(value))
    assert f'title="{exact}"' in html
    assert f">{short}</data>" in html
    assert html.startswith("<data ")


def test_money_carries_the_machine_value():
    assert 'value="46000000"' in str(f.money(46_000_000.4))


@pytest.mark.parametrize("missing", [None, "", math.nan])
def test_missing_money_is_unknown_never_zero(missing):
    assert f.money(missing) == "onbekend"
    assert f.euro(missing) == "onbekend"


def test_euro_is_exact_whole_euros():
    assert f.euro(123.6) == "€ 124"
    assert f.euro(1234567) == "€ 1.234.567"


# --- percentages and numbers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, text",
    [(0.38, "38%"), (0.0153, "1,5%"), (0.05, "5%"), (0, "0%"), (1, "100%"), (-0.021, "-2,1%"), (0.999, "100%"), (0.104, "10%")],
)
def test_percent_from_fraction(value, text):
    assert f.percent(value) == text


def test_percent_with_explicit_decimals():
    assert f.percent(0.38123, 1) == "38,1%"
    assert f.percent(0.0153, 2) == "1,53%"


@pytest.mark.parametrize("missing", [None, "", math.nan])
def test_missing_percent_is_unknown(missing):
    assert f.percent(missing) == "onbekend"


def test_numbers_have_dutch_separators():
    assert f.getal(1234567.891, 2) == "1.234.567,89"
    assert f.getal(0.08, 2) == "0,08"
    assert f.getal(-0.0001, 1) == "0,0"
    assert f.getal(None) == "onbekend"
    assert f.tonnes(1234567.5) == "1.234.568"
    assert f.tonnes(None) == "—"
    assert f.tonnes(math.nan) == "—"
    assert f.kton(273_456) == "273,5"


# --- dates ---------------------------------------------------------------------------------------


def test_dates_in_text_use_lowercase_dutch_months():
    assert f.datum(dt.date(2025, 12, 18)) == "18 december 2025"
    assert f.datum(dt.date(2025, 5, 8)) == "8 mei 2025"
    assert f.datum(dt.date(2025, 3, 1)) == "1 maart 2025"


def test_dates_in_tables_are_day_month_year_with_leading_zeros():
    assert f.datum_kort(dt.date(2025, 12, 18)) == "18-12-2025"
    assert f.datum_kort(dt.date(2025, 1, 7)) == "07-01-2025"


def test_missing_dates_are_unknown_or_the_given_text():
    assert f.datum(None) == "onbekend"
    assert f.datum_kort(None) == "onbekend"
    assert f.datum_kort(None, "—") == "—"
    assert f.datum("") == "onbekend"


def test_aware_datetimes_show_in_local_time(settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    moment = dt.datetime(2025, 12, 31, 23, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on 1 January in Amsterdam
    assert f.datum(moment) == "1 januari 2026"
    assert f.datumtijd(moment) == "1 januari 2026 00:30"


def test_iso_strings_become_dutch_dates():
    assert f.datum("2025-05-08") == "8 mei 2025"
    assert f.datum_kort("2025-05-08") == "08-05-2025"


# --- labels --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, vocabulary, text",
    [
        ("jloi_signed", "fase", "JLoI getekend"),
        ("binding_agreement", "fase", "Bindende maatwerkafspraak"),
        ("eop", "documentsoort", "Expression of Principles"),
        ("jloi", "documentsoort", "Joint Letter of Intent"),
        ("ccs", "techniek", "CO2-afvang en -opslag (CCS)"),
        ("confidential", "vertrouwelijkheid", "Vertrouwelijke bedrijfsinformatie"),
        ("submitted", "beoordeling", "Ingediend, nog niet beoordeeld"),
        ("transition", "gebeurtenis", "Faseovergang"),
        ("conditional", "oordeel", "Positief onder voorwaarden"),
        ("incinerator", "heffing", "afvalverbrandingsinstallatie (AVI)"),
        ("p10", "scenario", "10%-scenario (laag)"),
        ("p50", "scenario", "mediaan"),
        ("p90", "scenario", "90%-scenario (hoog)"),
        ("central", "scenario", "centraal"),
        ("historie (Laplace)", "kansbron", "uit de eigen geschiedenis van het programma"),
    ],
)
def test_every_code_has_a_dutch_label(code, vocabulary, text):
    assert f.label(code, vocabulary) == text


def test_no_code_is_unknown_and_an_unknown_vocabulary_is_an_error():
    assert f.label(None, "fase") == "onbekend"
    with pytest.raises(ValueError, match="woordenlijst"):
        f.label("x", "bestaat-niet")


def test_eutl_activity_codes_have_dutch_names_and_fall_back_to_the_register_text():
    assert f.activiteit(20) == "Verbranding van brandstoffen"
    assert f.activiteit("41") == "Productie van ammoniak"
    assert f.activiteit(21, "Refining of mineral oil") == "Raffinage van aardolie"
    assert f.activiteit(77, "Something new") == "Something new"
    assert f.activiteit(None) == "onbekend"
