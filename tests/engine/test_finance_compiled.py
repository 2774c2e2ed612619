"""The compiled (numba) paths of the finance engine (issue 16, point 7): used by default, and equal to
the numpy paths they replace, NaN and inf rows included."""

import numpy as np
import numpy_financial as npf

from maatwerk.engine import _compiled, finance


def random_flows_with_spoiled_rows(n=5000, periods=31, seed=4):
    rng = np.random.default_rng(seed)
    flows = rng.normal(0, 100, (n, periods))
    rates = rng.uniform(-0.5, 1.0, n)
    flows[rng.choice(n, 40, replace=False), rng.integers(0, periods, 40)] = np.nan
    flows[rng.choice(n, 20, replace=False), rng.integers(0, periods, 20)] = np.inf
    flows[rng.choice(n, 20, replace=False), rng.integers(0, periods, 20)] = -np.inf
    rates[rng.choice(n, 20, replace=False)] = np.nan
    return rates, flows


def test_npv_with_a_rate_per_scenario_uses_the_compiled_kernel_by_default(monkeypatch):
    assert _compiled.AVAILABLE
    assert finance.NPV_PER_SCENARIO is finance._npv_per_scenario_compiled
    calls = []
    kernel = _compiled.npv_per_scenario

    def counting(rate, cf, out):
        calls.append(len(rate))
        return kernel(rate, cf, out)

    monkeypatch.setattr(_compiled, "npv_per_scenario", counting)
    rates, flows = np.array([0.05, 0.1]), np.array([[-100.0, 60.0, 60.0], [-100.0, 60.0, 60.0]])
    got = finance.npv(rates, flows)
    assert calls == [2]
    np.testing.assert_allclose(got, [npf.npv(r, row) for r, row in zip(rates, flows)], rtol=1e-14)


def test_compiled_and_numpy_npv_per_scenario_agree_on_random_flows_with_nan_and_inf_rows():
    for periods in (1, 2, 5, 31, 33, 120):
        rates, flows = random_flows_with_spoiled_rows(periods=periods, seed=periods)
        compiled = finance._npv_per_scenario_compiled(rates, flows)
        numpy_path = finance._npv_per_scenario(rates, flows)
        assert np.array_equal(np.isnan(compiled), np.isnan(numpy_path)), periods
        finite = np.isfinite(numpy_path)
        assert np.array_equal(compiled[~finite & ~np.isnan(numpy_path)], numpy_path[~finite & ~np.isnan(numpy_path)])
        with np.errstate(over="ignore", invalid="ignore"):
            scale = np.abs(flows * (1.0 / (1.0 + rates[:, None])) ** np.arange(periods)).sum(axis=1)
        assert np.all(np.abs(compiled[finite] - numpy_path[finite]) <= 1e-13 * scale[finite]), periods
        # the rows numpy-financial can price: the same value as its npv, row by row
        sample = np.flatnonzero(finite)[:300]
        expected = np.array([npf.npv(rates[i], flows[i]) for i in sample])
        assert np.all(np.abs(compiled[sample] - expected) <= 1e-13 * scale[sample]), periods


def test_compiled_npv_handles_odd_row_counts_and_non_contiguous_input():
    rng = np.random.default_rng(8)
    flows = rng.normal(0, 100, (7, 62))[:, ::2]  # a strided view, 7 rows (not a multiple of four)
    rates = rng.uniform(0, 0.2, 14)[::2]
    got = finance.npv(rates, flows)
    np.testing.assert_allclose(got, [npf.npv(r, row) for r, row in zip(rates, flows)], rtol=1e-12)


def test_numba_cache_goes_to_the_var_dir_where_the_package_is_read_only(monkeypatch, tmp_path):
    monkeypatch.setenv("NUMBA_CACHE_DIR", "")  # unset for the function; restored afterwards
    monkeypatch.setenv("MAATWERK_VAR_DIR", str(tmp_path))
    monkeypatch.setattr(_compiled.os, "access", lambda path, mode: False)
    _compiled._cache_dir_fallback()
    assert _compiled.os.environ["NUMBA_CACHE_DIR"] == str(tmp_path / "numba-cache")
    assert (tmp_path / "numba-cache").is_dir()


def test_compiled_horner_of_the_irr_newton_rounds_is_bit_identical_to_numpy(monkeypatch):
    rng = np.random.default_rng(6)
    ct = rng.normal(0, 100, (31, 3000))
    ct[4, 7] = np.nan
    ct[0, 9] = np.inf
    v = rng.uniform(0.05, 3.0, 3000)
    compiled, numpy_path = finance._horner(ct, v), finance._horner_numpy(ct, v)
    for a, b in zip(compiled, numpy_path):
        np.testing.assert_array_equal(a, b)  # NaN where NaN, every other value the same bits
    # and it is the compiled kernel that the IRR's Newton rounds use by default
    calls = []
    kernel = _compiled.horner_with_slope
    monkeypatch.setattr(_compiled, "horner_with_slope", lambda *args: calls.append(1) or kernel(*args))
    finance.irr(np.array([[-100.0, 230.0, -132.0], [-100.0, 60.0, 60.0]]))
    assert calls
