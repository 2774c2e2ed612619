"""Engine benchmarks, in one run (baselines measured in the same run):

1. NPV over 1,000,000 thirty-one-year cash-flow scenarios vs numpy-financial's npv in a per-scenario
   loop on a sample (goal: >= 100x per scenario).
2. NPV with a rate per scenario (one rate for each row) likewise (goal: >= 100x per scenario).
3. IRR of flows with one sign change (invest, then earn) vs numpy-financial's irr (goal: >= 200x).
4. IRR of flows with several sign changes (maintenance in random later years, decommissioning at the
   end) vs numpy-financial's irr, which returns the root closest to zero (goal: >= 200x); the results
   are checked equal to numpy-financial's on the sample.
5. Bytes per second of the NPV vs a plain memory-bandwidth baseline: summing the same array
   (goal: within 3x).
6. Re-pricing 100 projects over 10,000 price scenarios: cash flows, NPV and funding gap (goal: < 1 s).

Baselines are numpy-financial called per row on a sample of the same flows, timed in the same run
and scaled per scenario.

Compiled code (numba, single-threaded like numpy-financial's loop) is compiled, or loaded from its
cache, by one small warm-up call before anything is timed; the time that took is printed first.

`--quick` runs a small smoke version.
"""

import os
import sys
import time

# One core against one core: numpy-financial's loop runs on one, and on a shared machine BLAS threads
# that wait for a busy second core make small matrix products slower, not faster. BENCH_BLAS_THREADS
# overrides.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, os.environ.get("BENCH_BLAS_THREADS", "1"))

import numpy as np  # noqa: E402
import numpy_financial as npf  # noqa: E402

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent / "src"))
from maatwerk.engine import finance  # noqa: E402


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def line(claim, baseline, result, ratio, goal, met):
    print(claim)
    print(f"  baseline  {baseline}")
    print(f"  result    {result}")
    print(f"  ratio     {ratio:.1f}   goal: {goal}   {'MET' if met else 'NOT MET'}")


def maintained_flows(rng, n, years):
    """Invest, earn, with maintenance in random later years and decommissioning at the end."""
    flows = np.empty((n, years))
    flows[:, 0] = -rng.uniform(50, 150, n)
    flows[:, 1:] = rng.uniform(0, 20, (n, years - 1))
    maintenance = rng.random((n, years - 1)) < 0.12
    flows[:, 1:] -= maintenance * rng.uniform(15, 60, (n, years - 1))
    flows[:, -1] -= rng.uniform(25, 120, n)
    return flows


def same_irr(got, expected):
    both_nan = np.isnan(got) & np.isnan(expected)
    return bool(np.all(both_nan | (np.abs(got - expected) <= 1e-9 * np.maximum(1.0, np.abs(expected)))))


def main(quick: bool) -> int:
    print(f"BLAS threads: {os.environ['OPENBLAS_NUM_THREADS']}")
    start = time.perf_counter()
    finance.npv(np.array([0.05, 0.1]), np.ones((2, 3)))  # warm-up: compile (or load) the numba kernels
    finance.irr(np.array([[-100.0, 230.0, -132.0], [-100.0, 60.0, 60.0]]))
    compiled = "numba, single-threaded" if finance.NPV_PER_SCENARIO is finance._npv_per_scenario_compiled else "numpy (numba not importable)"
    print(f"Warm-up before timing (compiled kernels: {compiled}): {time.perf_counter() - start:.2f} s")
    n, sample, years = (20_000, 200, 31) if quick else (1_000_000, 2_000, 31)
    rng = np.random.default_rng(42)
    flows = np.empty((n, years))
    flows[:, 0] = -rng.uniform(50, 150, n)
    flows[:, 1:] = rng.uniform(0, 20, (n, years - 1))
    rate = 0.08

    base_s, _ = best_of(lambda: [npf.npv(rate, row) for row in flows[:sample]], 1)
    ours_s, values = best_of(lambda: finance.npv(rate, flows))
    per_base, per_ours = base_s / sample, ours_s / n
    np.testing.assert_allclose(values[:sample], [npf.npv(rate, r) for r in flows[:sample]], rtol=1e-9)
    line(
        f"NPV of {n:,} scenarios x {years} years",
        f"numpy-financial loop: {per_base * 1e6:.3f} us per scenario ({sample:,} sampled)",
        f"maatwerk.engine.finance.npv: {per_ours * 1e6:.4f} us per scenario ({ours_s:.3f} s in all)",
        per_base / per_ours, ">= 100x", per_base / per_ours >= 100,
    )

    rates = rng.uniform(0.0, 0.2, n)
    base_s, expected = best_of(lambda: [npf.npv(r, row) for r, row in zip(rates[:sample], flows[:sample])], 1)
    ours_s, values = best_of(lambda: finance.npv(rates, flows))
    np.testing.assert_allclose(values[:sample], expected, rtol=1e-9)
    per_base, per_ours = base_s / sample, ours_s / n
    line(
        f"NPV with a rate per scenario, {n:,} scenarios x {years} years",
        f"numpy-financial loop: {per_base * 1e6:.3f} us per scenario ({sample:,} sampled)",
        f"maatwerk.engine.finance.npv ({compiled}): {per_ours * 1e6:.4f} us per scenario ({ours_s:.3f} s in all)",
        per_base / per_ours, ">= 100x", per_base / per_ours >= 100,
    )

    base_s, expected = best_of(lambda: [npf.irr(row) for row in flows[:sample]], 1)
    ours_s, values = best_of(lambda: finance.irr(flows), 1 if not quick else 3)
    np.testing.assert_allclose(values[:sample], expected, rtol=1e-6)
    per_base, per_ours = base_s / sample, ours_s / n
    line(
        f"IRR of {n:,} scenarios x {years} years, one sign change",
        f"numpy-financial loop: {per_base * 1e6:.1f} us per scenario ({sample:,} sampled)",
        f"maatwerk.engine.finance.irr: {per_ours * 1e6:.3f} us per scenario ({ours_s:.3f} s in all)",
        per_base / per_ours, ">= 200x", per_base / per_ours >= 200,
    )

    several = maintained_flows(rng, n, years)
    base_s, expected = best_of(lambda flows=several: np.array([npf.irr(row) for row in flows[:sample]]), 1)
    ours_s, values = best_of(lambda flows=several: finance.irr(flows), 1 if not quick else 3)
    assert same_irr(values[:sample], expected), "IRR differs from numpy-financial on the sample"
    per_base, per_ours = base_s / sample, ours_s / n
    no_root = np.isnan(expected).mean()
    line(
        f"IRR of {n:,} scenarios x {years} years, several sign changes ({no_root:.0%} of the sample without a root)",
        f"numpy-financial loop: {per_base * 1e6:.1f} us per scenario ({sample:,} sampled)",
        f"maatwerk.engine.finance.irr: {per_ours * 1e6:.3f} us per scenario ({ours_s:.3f} s in all), equal to numpy-financial on the sample",
        per_base / per_ours, ">= 200x", per_base / per_ours >= 200,
    )
    del several

    nbytes = flows.nbytes
    sum_s, _ = best_of(lambda: flows.sum())
    npv_s, _ = best_of(lambda: finance.npv(rate, flows))
    ratio = npv_s / sum_s
    line(
        f"NPV bandwidth over {nbytes / 1e6:.0f} MB",
        f"plain sum of the same array: {nbytes / sum_s / 1e9:.2f} GB/s",
        f"NPV: {nbytes / npv_s / 1e9:.2f} GB/s",
        ratio, "NPV time within 3x of the memory-bandwidth baseline", ratio <= 3,
    )

    projects, scenarios, life = 100, (1_000 if quick else 10_000), 25
    gas = rng.uniform(20, 60, (scenarios, life))
    power = rng.uniform(50, 120, (scenarios, life))
    ets = rng.uniform(60, 160, (scenarios, life))
    prices = {"gas_eur_per_mwh": gas, "electricity_eur_per_mwh": power, "ets_eur_per_t": ets, "hydrogen_eur_per_kg": np.nan, "co2_ts_eur_per_t": np.nan}
    capex = rng.uniform(20e6, 300e6, projects)
    gas_delta = -rng.uniform(1e4, 1e6, projects)
    power_delta = rng.uniform(1e4, 5e5, projects)
    ets_t = rng.uniform(1e4, 5e5, projects)

    def reprice():
        gaps = np.empty((projects, scenarios))
        for p in range(projects):
            cf = finance.project_cashflows(
                [capex[p] / 2, capex[p] / 2], life, prices,
                gas_delta_mwh_per_year=gas_delta[p], electricity_delta_mwh_per_year=power_delta[p], ets_avoided_t_per_year=ets_t[p],
            )
            gaps[p] = finance.funding_gap(rate, cf)
        return gaps

    reprice_s, gaps = best_of(reprice)
    print(f"Re-pricing {projects} projects over {scenarios:,} price scenarios ({life}-year lives)")
    print(f"  result    {reprice_s:.3f} s   goal: < 1 s   {'MET' if reprice_s < 1 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main("--quick" in sys.argv))
