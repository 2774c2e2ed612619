"""Engine benchmarks, in one run (baselines measured in the same run):

1. NPV over 1,000,000 thirty-one-year cash-flow scenarios vs numpy-financial's npv in a per-scenario
   loop on a sample (goal: >= 100x per scenario).
2. IRR likewise vs numpy-financial's irr (goal: >= 200x per scenario).
3. Bytes per second of the NPV vs a plain memory-bandwidth baseline: summing the same array
   (goal: within 3x).
4. Re-pricing 100 projects over 10,000 price scenarios: cash flows, NPV and funding gap (goal: < 1 s).

`--quick` runs a small smoke version.
"""

import sys
import time

import numpy as np
import numpy_financial as npf

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


def main(quick: bool) -> int:
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

    base_s, expected = best_of(lambda: [npf.irr(row) for row in flows[:sample]], 1)
    ours_s, values = best_of(lambda: finance.irr(flows), 1 if not quick else 3)
    np.testing.assert_allclose(values[:sample], expected, rtol=1e-6)
    per_base, per_ours = base_s / sample, ours_s / n
    line(
        f"IRR of {n:,} scenarios x {years} years",
        f"numpy-financial loop: {per_base * 1e6:.1f} us per scenario ({sample:,} sampled)",
        f"maatwerk.engine.finance.irr: {per_ours * 1e6:.3f} us per scenario ({ours_s:.3f} s in all)",
        per_base / per_ours, ">= 200x", per_base / per_ours >= 200,
    )

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
