"""Levy parameters equal DOMAIN.md §2 year by year; additionality at and beyond its bounds."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from maatwerk.engine import levy

# DOMAIN.md §2, written out by hand.
RF_2023 = {2023: 1.213, 2024: 1.135, 2025: 1.057, 2026: 0.979, 2027: 0.901, 2028: 0.823, 2029: 0.745, 2030: 0.667}
RF_2021 = {2021: 1.2, 2022: 1.143, 2023: 1.086, 2030: 0.687}
TARIFF_SOURCED = {2021: 30.48, 2022: 41.75, 2025: 87.90, 2026: 78.67, 2027: 78.67, 2028: 78.67, 2029: 78.67, 2030: 78.67}


def test_issue_examples():
    assert levy.reduction_factor(2023) == 1.213
    assert levy.reduction_factor(2030, regime="2023") == 0.667
    assert levy.tariff(2021) == 30.48
    assert levy.tariff(2025) == 87.90
    assert levy.tariff(2026) == 78.67


@pytest.mark.parametrize("year,value", RF_2023.items())
def test_reduction_factor_2023_regime(year, value):
    assert levy.reduction_factor(year, regime="2023") == value
    assert levy.reduction_factor_provenance(year, "2023").status == "sourced"


@pytest.mark.parametrize("year,value", RF_2021.items())
def test_reduction_factor_2021_regime(year, value):
    assert levy.reduction_factor(year, regime="2021") == value


def test_regime_governs_from_its_first_year():
    assert levy.reduction_factor(2022, regime="2023") == 1.143  # before 2023: the original law
    assert levy.reduction_factor(2025) == 1.057  # latest regime (2026) uses 2023's values before 2026
    for year in range(2026, 2031):
        assert math.isnan(levy.reduction_factor(year))  # 2026 value not found: unknown, never invented
        assert levy.reduction_factor_provenance(year).status == "unknown"
        assert math.isnan(levy.tariff(year, regime="2023"))


@pytest.mark.parametrize("year,value", TARIFF_SOURCED.items())
def test_sourced_tariffs(year, value):
    assert levy.tariff(year) == value
    assert levy.tariff_provenance(year).status == "sourced"


def test_unsourced_tariffs_are_labelled():
    for year in (2023, 2024):
        p = levy.tariff_provenance(year)
        assert p.status == "interpolated" and "niet gebrond" in p.label
        assert 41.75 < p.value < 87.90
    assert levy.tariff(2030, regime="2021") == pytest.approx(127.05)  # 30.48 + 9 × 10.73, before indexation
    assert levy.tariff_provenance(2030, "2021").status == "derived"
    assert math.isnan(levy.tariff(2031)) and math.isnan(levy.tariff(2020))


def test_vectorised_and_unknown_regime():
    np.testing.assert_array_equal(levy.reduction_factor(np.array([2023, 2030]), "2023"), [1.213, 0.667])
    with pytest.raises(ValueError, match="onbekend heffingsregime"):
        levy.tariff(2025, regime="1999")


def test_levy_due_and_dispensation_rights():
    # ETS price fixed for 2022 was 60.78 > tariff 41.75: ETS installations paid no levy (NEa).
    assert levy.levy_due_eur(1000, 500, levy.tariff(2022), 60.78) == 0
    assert levy.levy_due_eur(1000, 400, 87.90, 80.0) == pytest.approx(600 * 7.90)
    assert levy.dispensation_rights_t(1000, 2030, "2023") == pytest.approx(667)


def test_additional_reduction_anqore():
    assert levy.additional_reduction_t(537_000, 365_000, 273_000) == pytest.approx(101_000)


@given(
    before=st.floats(0, 1e7), share=st.floats(0, 1), dpr=st.floats(0, 2e7),
)
def test_additional_reduction_bounds(before, share, dpr):
    reduction = before * share
    add = levy.additional_reduction_t(before, reduction, dpr)
    assert -1e-6 <= add <= reduction + 1e-6
    if dpr >= before:
        assert add == pytest.approx(reduction, abs=1e-6)  # already below the path: the whole reduction is additional
    if dpr <= before - reduction:
        assert add == 0  # still above the path after the project: nothing additional


def test_regimes_listing():
    codes = [r["code"] for r in levy.regimes()]
    assert codes == ["2021", "2023", "2026"] and levy.regimes()[-1]["latest"]


def test_bad_years_and_negative_reduction_are_refused():
    with pytest.raises(ValueError, match="gehele jaren"):
        levy.tariff(2025.5)
    with pytest.raises(ValueError, match="negatief"):
        levy.additional_reduction_t(537, -1, 273)
    assert levy.tariff(2025.0) == 87.90
    assert math.isnan(levy.tariff(2027, regime="2023"))  # the 2023 path after 2025 is not published
