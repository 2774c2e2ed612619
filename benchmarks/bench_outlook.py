"""Outlook benchmark: 1,000,000 Monte Carlo trials over 100 projects (goal: < 2 s on one core), next to
a straightforward per-trial Python loop on a sample, as a per-trial ratio. `--quick` for a smoke run."""

import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the goal says
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent / "src"))
from maatwerk.engine import outlook


def loop(p, planned, add, support, trials, seed, target=2030, delay_mean=1.0, sd=0.15):
    """The plain reading of the model: one trial, one project at a time."""
    rng = np.random.default_rng(seed)
    q = delay_mean / (1 + delay_mean)
    totals = []
    for _ in range(trials):
        total = spent = 0.0
        for i in range(len(p)):
            if rng.random() < p[i]:
                spent += support[i]
                delay = 0
                while rng.random() < q:
                    delay += 1
                if planned[i] + delay <= target:
                    total += add[i] * max(0.0, 1 + sd * rng.standard_normal())
        totals.append(total)
    return totals


def main(quick: bool) -> int:
    trials, sample, projects = (50_000, 200, 100) if quick else (1_000_000, 2_000, 100)
    rng = np.random.default_rng(0)
    p = rng.uniform(0.2, 0.9, projects)
    planned = rng.integers(2026, 2031, projects)
    add = rng.uniform(1e4, 1e5, projects)
    support = rng.uniform(1e7, 1e8, projects)
    start = time.perf_counter()
    loop(p, planned, add, support, sample, 0)
    per_loop = (time.perf_counter() - start) / sample
    start = time.perf_counter()
    result = outlook.simulate(p, planned, add, support, trials=trials, seed=0)
    elapsed = time.perf_counter() - start
    per_trial = elapsed / trials
    print(f"Outlook: {trials:,} trials x {projects} projects")
    print(f"  baseline  per-trial Python loop: {per_loop * 1e6:.1f} us per trial ({sample:,} sampled)")
    print(f"  result    maatwerk.engine.outlook.simulate: {elapsed:.3f} s in all ({per_trial * 1e6:.3f} us per trial)")
    print(f"  ratio     {per_loop / per_trial:.0f}   goal: < 2 s for 1,000,000 trials   {'MET' if elapsed < 2 or quick else 'NOT MET'}")
    print(f"  check     mean {result.additional_mton.mean():.4f} Mt vs analytic {outlook.expected_additional_t(p, planned, add, 2030, 1.0, 0.15) / 1e6:.4f} Mt")
    # honest inputs: a third of the projects with unknown additionality (the unknown band), a fifth with a range
    low = np.where(rng.random(projects) < 1 / 3, np.nan, add)
    high = np.where(rng.random(projects) < 0.2, low * 1.5, low)
    co2 = add * rng.uniform(2, 5, projects)
    start = time.perf_counter()
    honest = outlook.simulate(p, planned, low, support, trials=trials, seed=0, additional_high_t=high, co2_reduction_t=co2)
    elapsed = time.perf_counter() - start
    print(f"  honest    with unknown band and ranges: {elapsed:.3f} s in all   {'MET' if elapsed < 2 or quick else 'NOT MET'}")
    print(f"  check     known mean {honest.additional_mton.mean():.4f} Mt vs analytic {outlook.expected_additional_t(p, planned, low, 2030, 1.0, 0.15, high) / 1e6:.4f} Mt; "
          f"band mean {honest.unknown_band_mton.mean():.4f} Mt vs analytic {outlook.expected_unknown_band_t(p, planned, low, co2, 2030, 1.0, 0.15) / 1e6:.4f} Mt")
    return 0


if __name__ == "__main__":
    sys.exit(main("--quick" in sys.argv))
