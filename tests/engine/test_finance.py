"""Finance against numpy-financial and closed forms (hypothesis)."""

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from maatwerk.engine import finance

amounts = st.floats(-1e6, 1e6, allow_nan=False)
flows = hnp.arrays(np.float64, st.integers(2, 31), elements=amounts)


@given(rate=st.floats(-0.5, 1.0), cf=flows)
def test_npv_matches_numpy_financial(rate, cf):
    assert finance.npv(rate, cf) == pytest.approx(npf.npv(rate, cf), rel=1e-9, abs=1e-6)


@given(cf=hnp.arrays(np.float64, (7, 12), elements=amounts), rate=st.floats(0, 0.3))
def test_npv_vectorised_over_scenarios(cf, rate):
    expected = [npf.npv(rate, row) for row in cf]
    np.testing.assert_allclose(finance.npv(rate, cf), expected, rtol=1e-9, atol=1e-6)
    rates = np.linspace(0, 0.3, 7)
    np.testing.assert_allclose(finance.npv(rates, cf), [npf.npv(r, row) for r, row in zip(rates, cf)], rtol=1e-9, atol=1e-6)


conventional = st.tuples(
    st.lists(st.floats(1, 1e6), min_size=1, max_size=4),
    st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 1e6)), min_size=1, max_size=30),
).filter(lambda t: sum(t[1]) > 0)


@settings(max_examples=200)
@given(conventional)
def test_irr_matches_numpy_financial_for_investments(parts):
    out, back = parts
    cf = np.array([-x for x in out] + back)
    expected = npf.irr(cf)
    got = finance.irr(cf)
    if np.isnan(expected):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(expected, rel=1e-6, abs=1e-9)
        if got > -0.5:  # near −100 % the NPV is too steep in the rate for a residual check
            assert abs(npf.npv(got, cf)) <= 1e-6 * np.abs(cf).sum()


@settings(max_examples=60)
@given(hnp.arrays(np.float64, st.integers(3, 10), elements=st.floats(-100, 100).filter(lambda v: abs(v) > 1e-3)))
def test_irr_follows_numpy_financial_for_any_flow(cf):
    expected, got = npf.irr(cf), finance.irr(cf)
    if np.isnan(expected):
        assert np.isnan(got)
    else:
        assert got == pytest.approx(expected, rel=1e-6, abs=1e-8)


def test_irr_closed_forms_and_nan():
    assert finance.irr([-100, 110]) == pytest.approx(0.10)
    assert finance.irr([-100, 0, 121]) == pytest.approx(0.10)
    assert np.isnan(finance.irr([1, 2, 3])) and np.isnan(finance.irr([-1, -2]))
    batch = finance.irr(np.array([[-100, 110], [1, 1], [-100, 50]]))
    assert batch[0] == pytest.approx(0.1) and np.isnan(batch[1]) and batch[2] == pytest.approx(-0.5)


@given(c=st.floats(1, 1e6), r=st.floats(0.001, 0.5), n=st.integers(1, 40))
def test_annuity_closed_form(c, r, n):
    cf = np.concatenate([[0.0], np.full(n, c)])
    assert finance.npv(r, cf) == pytest.approx(c * (1 - (1 + r) ** -n) / r, rel=1e-9)
    assert finance.annuity_factor(r, n) * c == pytest.approx(c * (1 - (1 + r) ** -n) / r, rel=1e-12)


@given(c=st.floats(1, 1e6), r=st.floats(0.05, 0.5))
def test_perpetuity_limit(c, r):
    cf = np.concatenate([[0.0], np.full(2000, c)])
    assert finance.npv(r, cf) == pytest.approx(c / r, rel=1e-9)


def test_funding_gap_and_payback():
    cf = [-100, 30, 30, 30]
    gap = -npf.npv(0.08, cf)
    assert finance.funding_gap(0.08, cf) == pytest.approx(gap)
    assert finance.funding_gap(0.0, [-100, 60, 60]) == 0
    assert finance.payback_period([-100, 30, 30, 30, 30]) == 4
    assert np.isnan(finance.payback_period([-100, 10, 10]))


def test_cost_effectiveness_public_examples():
    assert finance.support_per_tonne(46e6, 365e3) == pytest.approx(126, abs=0.1)
    assert np.isnan(finance.support_per_tonne(1e6, 0))
    assert finance.support_per_lifetime_tonne(100.0, 10.0, 5) == pytest.approx(2.0)
    discounted = finance.support_per_lifetime_tonne(100.0, 10.0, 5, rate=0.05)
    assert discounted == pytest.approx(100.0 / (10.0 * sum(1.05**-k for k in range(1, 6))))
    assert finance.aid_intensity(46e6, 122e6) == pytest.approx(46 / 122)


def test_project_cashflows_by_hand():
    prices = {
        "gas_eur_per_mwh": np.array([[30.0, 40.0]]),
        "electricity_eur_per_mwh": np.array([[100.0, 100.0]]),
        "hydrogen_eur_per_kg": np.array([[np.nan, np.nan]]),
        "co2_ts_eur_per_t": np.array([[np.nan, np.nan]]),
        "ets_eur_per_t": np.array([[80.0, 90.0]]),
    }
    cf = finance.project_cashflows(
        [50.0, 50.0], 2, prices, opex_delta_eur_per_year=5, gas_delta_mwh_per_year=-2, electricity_delta_mwh_per_year=1,
        ets_avoided_t_per_year=0.5, other_income_eur_per_year=3,
    )
    # year 1: 3 − 5 + 2×30 − 1×100 + 0.5×80 = −2; year 2: 3 − 5 + 80 − 100 + 45 = 23
    np.testing.assert_allclose(cf, [[-50, -50, -2, 23]])
    with pytest.raises(ValueError, match="hydrogen"):
        finance.project_cashflows([1.0], 2, prices, hydrogen_delta_kg_per_year=1)
