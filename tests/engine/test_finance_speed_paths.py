"""IRR and NPV on every flow (issue 16, point 7): the vectorised paths against numpy-financial.

IRR of flows with several sign changes follows numpy-financial's rule (of the real roots with
rate > −1 the one closest to zero, NaN when there is none) without one eigenvalue problem per
row; NPV with a rate per scenario equals numpy-financial's npv row by row.
"""

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from maatwerk.engine import finance


def maintained_flows(n, years=31, seed=1):
    """Invest, earn, with maintenance in random later years and decommissioning at the end: several
    sign changes per flow (the flows of the benchmark)."""
    rng = np.random.default_rng(seed)
    flows = np.empty((n, years))
    flows[:, 0] = -rng.uniform(50, 150, n)
    flows[:, 1:] = rng.uniform(0, 20, (n, years - 1))
    maintenance = rng.random((n, years - 1)) < 0.12
    flows[:, 1:] -= maintenance * rng.uniform(15, 60, (n, years - 1))
    flows[:, -1] -= rng.uniform(25, 120, n)
    return flows


def sign_changes(flows):
    signs = np.sign(flows)
    changes = np.zeros(flows.shape[0], dtype=int)
    for row, s in enumerate(signs):
        s = s[s != 0]
        changes[row] = int((s[1:] != s[:-1]).sum())
    return changes


def numpy_financial_irr(flows):
    return np.array([npf.irr(row) for row in flows])


def assert_same_irr(got, expected, rtol=1e-9):
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    both_nan = np.isnan(got) & np.isnan(expected)
    close = np.abs(got - expected) <= rtol * np.maximum(1.0, np.abs(expected))
    wrong = np.flatnonzero(~(both_nan | close))
    assert len(wrong) == 0, f"{len(wrong)} rows differ, e.g. row {wrong[0]}: {got[wrong[0]]!r} against numpy-financial {expected[wrong[0]]!r}"


def test_irr_equals_numpy_financial_on_multi_sign_flows():
    flows = maintained_flows(4000, seed=7)
    assert (sign_changes(flows) >= 2).all()
    expected = numpy_financial_irr(flows)
    assert 0.3 < np.isnan(expected).mean() < 0.5  # both outcomes occur: a root, and none at all
    assert_same_irr(finance.irr(flows), expected)


@pytest.mark.parametrize(
    "name, make",
    [
        ("normal, 31 periods", lambda rng: rng.normal(size=(3000, 31))),
        ("normal, 8 periods", lambda rng: rng.normal(size=(3000, 8))),
        ("small integers (double roots)", lambda rng: rng.integers(-3, 4, size=(3000, 6)).astype(float)),
        ("many zeros", lambda rng: np.where(rng.random((3000, 15)) < 0.4, 0.0, rng.normal(size=(3000, 15)))),
        ("120 periods", lambda rng: np.concatenate([-rng.uniform(50, 150, (1000, 1)), rng.uniform(-5, 20, (1000, 119))], axis=1)),
        ("huge values", lambda rng: rng.normal(size=(2000, 31)) * 1e200),
        ("tiny values", lambda rng: rng.normal(size=(2000, 31)) * 1e-200),
    ],
)
def test_irr_equals_numpy_financial_on_random_flows(name, make):
    flows = make(np.random.default_rng(11))
    assert_same_irr(finance.irr(flows), numpy_financial_irr(flows))


def test_irr_equals_numpy_financial_on_one_sign_change_flows():
    rng = np.random.default_rng(3)
    flows = np.empty((3000, 31))
    flows[:, 0] = -rng.uniform(50, 150, 3000)
    flows[:, 1:] = rng.uniform(0, 20, (3000, 30))
    assert (sign_changes(flows) == 1).all()
    assert_same_irr(finance.irr(flows), numpy_financial_irr(flows), rtol=1e-8)


EDGE_CASES = {
    "all zeros": [0.0, 0.0, 0.0, 0.0],
    "all positive": [1.0, 2.0, 3.0],
    "all negative": [-1.0, -2.0, -3.0],
    "double root at zero, positive": [1.0, -2.0, 1.0],
    "double root at zero, negative": [-1.0, 2.0, -1.0],
    "double root at 10 %": [1.0, -2.2, 1.21],
    "two roots": [-100.0, 230.0, -132.0],
    "numpy-financial docstring": [-5.0, 10.5, 1.0, -8.0, 1.0],
    "leading zeros": [0.0, 0.0, -100.0, 230.0, -132.0],
    "trailing zeros": [-100.0, 230.0, -132.0, 0.0, 0.0],
    "huge values": [-1e300, 2.3e300, -1.32e300],
    "tiny values": [-1e-300, 2.3e-300, -1.32e-300],
    "one period": [5.0],
}


@pytest.mark.parametrize("name", EDGE_CASES)
def test_irr_edge_cases_follow_numpy_financial(name):
    flow = np.array(EDGE_CASES[name])
    expected = npf.irr(flow)
    assert_same_irr([finance.irr(flow)], [expected])
    # the same inside a batch of multi-sign rows, where the vectorised path handles the batch
    batch = np.vstack([maintained_flows(50, years=len(flow), seed=5), flow]) if len(flow) > 2 else flow[None]
    assert_same_irr(finance.irr(batch)[-1:], [expected])


def test_irr_of_rows_with_nan_or_inf_is_nan_and_leaves_other_rows_alone():
    flows = maintained_flows(200, seed=9)
    spoiled = flows.copy()
    spoiled[3, 5] = np.nan
    spoiled[17, 0] = np.inf
    got = finance.irr(spoiled)
    assert np.isnan(got[3]) and np.isnan(got[17])
    keep = np.setdiff1d(np.arange(200), [3, 17])
    assert_same_irr(got[keep], numpy_financial_irr(flows[keep]))


def test_irr_keeps_the_scenario_axes():
    flows = maintained_flows(24, seed=2).reshape(2, 3, 4, 31)
    got = finance.irr(flows)
    assert got.shape == (2, 3, 4)
    assert_same_irr(got.reshape(-1), numpy_financial_irr(flows.reshape(-1, 31)))


def test_multi_sign_flows_are_solved_without_the_eigenvalue_method_for_almost_all_rows(monkeypatch):
    """The speed claim in a form that does not depend on the machine: the per-row eigenvalue problem
    (numpy-financial's method, as slow as its loop) is the exception, not the rule."""
    rows_solved_by_eigenvalues = []
    companion = finance._irr_companion

    def counting(c):
        rows_solved_by_eigenvalues.append(len(c))
        return companion(c)

    monkeypatch.setattr(finance, "_irr_companion", counting)
    flows = maintained_flows(20000, seed=13)
    finance.irr(flows)
    assert sum(rows_solved_by_eigenvalues) <= 0.002 * len(flows)


def test_irr_falls_back_to_the_eigenvalue_method_where_the_grid_cannot_decide():
    """A pair of roots closer together than the grid spacing, and a double root, are answered as
    numpy-financial answers them."""
    close_pair = np.polynomial.polynomial.polyfromroots([1 / 1.05, 1 / 1.0501])  # rates 5 % and 5.01 %, in v
    double = np.polynomial.polynomial.polyfromroots([1 / 1.07, 1 / 1.07, 0.5, 3.0])
    for flow in (close_pair, double, -close_pair):
        assert_same_irr([finance.irr(flow)], [npf.irr(flow)])


multi_sign = hnp.arrays(
    np.float64,
    st.integers(3, 31),
    elements=st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: abs(v) > 1e-3),
).filter(lambda cf: sign_changes(cf[None])[0] >= 2)


@settings(max_examples=300, deadline=None)
@given(multi_sign)
def test_irr_follows_numpy_financial_on_any_multi_sign_flow(cf):
    assert_same_irr([finance.irr(cf)], [npf.irr(cf)], rtol=1e-8)


@pytest.mark.parametrize("periods", [1, 2, 3, 17, 31, 32, 33, 100])
def test_npv_with_a_rate_per_scenario_equals_numpy_financial_per_row(periods):
    rng = np.random.default_rng(periods)
    flows = rng.normal(0, 100, (700, periods))
    rates = rng.uniform(-0.5, 1.0, 700)
    expected = np.array([npf.npv(r, row) for r, row in zip(rates, flows)])
    scale = np.array([np.abs(row / (1 + r) ** np.arange(periods)).sum() for r, row in zip(rates, flows)])
    got = finance.npv(rates, flows)
    assert got.shape == (700,)
    assert np.all(np.abs(got - expected) <= 1e-13 * scale)


def test_npv_with_a_rate_per_scenario_over_several_blocks_and_axes():
    rng = np.random.default_rng(0)
    flows = rng.normal(0, 100, (3, 9000, 31))  # more scenarios than one block holds
    rates = rng.uniform(0, 0.2, (3, 9000))
    got = finance.npv(rates, flows)
    assert got.shape == (3, 9000)
    sample = rng.choice(27000, 500, replace=False)
    expected = [npf.npv(rates.reshape(-1)[i], flows.reshape(-1, 31)[i]) for i in sample]
    np.testing.assert_allclose(got.reshape(-1)[sample], expected, rtol=1e-11, atol=1e-9)
    assert np.isnan(finance.npv(np.array([np.nan, 0.1]), np.ones((2, 3))))[0]


def test_npv_rate_shapes_that_are_not_per_scenario_still_broadcast():
    flows = np.array([-100.0, 60.0, 60.0])
    rates = np.array([0.0, 0.1, 0.2])
    np.testing.assert_allclose(finance.npv(rates, flows), [npf.npv(r, flows) for r in rates])
