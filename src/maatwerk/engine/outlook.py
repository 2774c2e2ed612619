"""Monte Carlo outlook of the programme: how much additional reduction in a target year, at what cost.

Per project i and trial k (all vectorised, trials in chunks so memory stays bounded):

- it is realised with probability ``p_i`` (the product of the phase-conversion probabilities from its
  current phase to realisation): ``u_ki < p_i`` with ``u`` uniform;
- its first year at target slips by a delay ``d_ki``: given success, ``u_ki / p_i`` is again uniform
  and is mapped through the inverse CDF of a geometric delay with mean ``delay_mean_years``
  (P(d ≥ n) = q^n with q = mean / (1 + mean)), so one uniform draw serves both;
- its reduction is scaled by a factor ``1 + sd × z_ki`` (z standard normal, floored at 0).

A project counts in the target year when realised and ``planned_year_i + d_ki ≤ target_year``:

    additional_k = Σ_i 1[u_ki < p_i] · 1[planned_i + d_ki ≤ target] · additional_i · max(0, 1 + sd·z_ki)
    spending_k   = Σ_i 1[u_ki < p_i] · support_i

Expectation (the check on the simulation): E[additional] = Σ_i p_i · P(d ≤ target − planned_i) ·
additional_i · E[max(0, 1 + sd·z)], with P(d ≤ m) = 1 − q^(m+1) for m ≥ 0 and 0 below.

Honest inputs (issue 16):

- ``additional_i`` may be a range: ``additional_t`` is its low end and ``additional_high_t`` its high end
  (default: the same, a single figure). Within a trial the value is drawn uniformly between the two,
  independently of everything else, so its expectation is the midpoint. When no project has a range no
  extra draw is made, so a single figure gives exactly the draws it gave before.
- ``additional_i`` may be unknown (NaN or None). Such a project is never counted as additional (nor given
  another project's ratio); it is counted in the separate *unknown band* instead: its CO2 reduction
  (``co2_reduction_t``) under the same realisation, delay and uncertainty draws,

      unknown_band_k = Σ_{i unknown} 1[u_ki < p_i] · 1[planned_i + d_ki ≤ target] · co2_i · max(0, 1 + sd·z_ki)

  with expectation Σ_{i unknown} p_i · P(d ≤ target − planned_i) · co2_i · E[max(0, 1 + sd·z)]. The band is
  CO2 reduction of which the additional part is not known, not additional reduction. The spending counts
  every realised project, known or not (its support is paid either way).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .types import ArrayLike

CHUNK_TRIALS = 5_000  # trials per block: the random draws of a block stay in the CPU cache


@dataclass(frozen=True)
class OutlookResult:
    trials: int
    seed: int
    target_year: int
    additional_mton: np.ndarray  # (trials,)
    spending_eur: np.ndarray  # (trials,)
    contribution_mean_t: np.ndarray  # (projects,) mean additional tonnes in the target year (0 where unknown)
    realised_share: np.ndarray  # (projects,) share of trials in which the project is realised
    unknown_band_mton: np.ndarray  # (trials,) CO2 reduction of the projects with unknown additionality
    unknown_band_contribution_mean_t: np.ndarray  # (projects,) their mean CO2 tonnes (0 where known)

    def probability_at_least(self, mton: float) -> float:
        return float(np.mean(self.additional_mton >= mton))

    def quantiles(self, values: np.ndarray) -> dict[str, float]:
        p10, p50, p90 = np.quantile(values, [0.1, 0.5, 0.9])
        return {"p10": float(p10), "p50": float(p50), "p90": float(p90)}


def laplace_conversion(forward: int, exits: int) -> float:
    """P(next phase) from the moves out of a phase: (forward + 1) / (forward + exits + 2) (Laplace's rule of
    succession: with few moves the estimate stays away from 0 and 1; with none it is 1/2)."""
    if forward < 0 or exits < 0:
        raise ValueError("aantallen overgangen kunnen niet negatief zijn")
    return (forward + 1) / (forward + exits + 2)


def count_moves(histories: Iterable[Sequence], main_line: Sequence[str], exits_to: Sequence[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Per main-line phase: how many trajectories moved on along the main line, and how many left it for
    one of ``exits_to``; each history is a sequence of entries with ``from_phase`` and ``phase`` (the
    first, the start, is skipped). A trajectory still in a phase is censored: it counts in neither."""
    forward: dict[str, int] = dict.fromkeys(main_line, 0)
    exits: dict[str, int] = dict.fromkeys(main_line, 0)
    for history in histories:
        for entry in list(history)[1:]:
            if entry.from_phase in forward:
                if entry.phase in forward:
                    forward[entry.from_phase] += 1
                elif entry.phase in exits_to:
                    exits[entry.from_phase] += 1
    return forward, exits


def on_time_probability(planned_year: ArrayLike, target_year: int, delay_mean_years: float) -> np.ndarray:
    """P(planned + d ≤ target) for the geometric delay d with the given mean."""
    slack = target_year - np.asarray(planned_year, dtype=float)
    if delay_mean_years <= 0:
        return np.where(slack >= 0, 1.0, 0.0)
    q = delay_mean_years / (1.0 + delay_mean_years)
    return np.where(slack >= 0, 1.0 - q ** (np.floor(slack) + 1), 0.0)


def expected_additional_t(
    p_realise: ArrayLike,
    planned_year: ArrayLike,
    additional_t: ArrayLike,
    target_year: int,
    delay_mean_years: float,
    reduction_sd: float,
    additional_high_t: ArrayLike | None = None,
) -> float:
    """The analytic expectation of the simulated total (see the module docstring): ranges count at their
    midpoint, unknown (NaN) additional reductions not at all."""
    return float(np.sum(expected_contributions_t(p_realise, planned_year, additional_t, target_year, delay_mean_years, reduction_sd, additional_high_t)))


def expected_contributions_t(
    p_realise: ArrayLike,
    planned_year: ArrayLike,
    additional_t: ArrayLike,
    target_year: int,
    delay_mean_years: float,
    reduction_sd: float,
    additional_high_t: ArrayLike | None = None,
) -> np.ndarray:
    """Per project its expected additional tonnes in the target year (0 where the additionality is unknown)."""
    low = np.asarray(additional_t, dtype=float)
    high = low if additional_high_t is None else np.asarray(additional_high_t, dtype=float)
    mid = np.nan_to_num((low + high) / 2, nan=0.0)
    factor = _mean_floored_factor(reduction_sd)
    return np.asarray(p_realise, dtype=float) * on_time_probability(planned_year, target_year, delay_mean_years) * mid * factor


def expected_unknown_band_t(
    p_realise: ArrayLike,
    planned_year: ArrayLike,
    additional_t: ArrayLike,
    co2_reduction_t: ArrayLike,
    target_year: int,
    delay_mean_years: float,
    reduction_sd: float,
) -> float:
    """The analytic expectation of the unknown band: the CO2 reduction of the projects whose additional
    reduction is unknown (NaN), under the same model."""
    unknown = np.isnan(np.asarray(additional_t, dtype=float))
    co2 = np.nan_to_num(np.asarray(co2_reduction_t, dtype=float), nan=0.0)
    factor = _mean_floored_factor(reduction_sd)
    weights = np.asarray(p_realise, dtype=float) * on_time_probability(planned_year, target_year, delay_mean_years) * factor
    return float(np.sum(np.where(unknown, weights * co2, 0.0)))


def _mean_floored_factor(sd: float) -> float:
    """E[max(0, 1 + sd·Z)] for standard normal Z: (1)Φ(1/sd) + sd·φ(1/sd)."""
    if sd <= 0:
        return 1.0
    from math import erf, exp, pi, sqrt

    a = 1.0 / sd
    return a * sd * 0.5 * (1 + erf(a / sqrt(2))) + sd * exp(-a * a / 2) / sqrt(2 * pi)


def simulate(
    p_realise: ArrayLike,
    planned_year: ArrayLike,
    additional_t: ArrayLike,
    support_eur: ArrayLike,
    target_year: int = 2030,
    trials: int = 10_000,
    seed: int = 0,
    delay_mean_years: float = 1.0,
    reduction_sd: float = 0.15,
    additional_high_t: ArrayLike | None = None,
    co2_reduction_t: ArrayLike | None = None,
) -> OutlookResult:
    """Run the Monte Carlo; the same seed gives the same answer (numpy's PCG64).

    ``additional_t`` is the additional reduction per project, or the low end of its range with
    ``additional_high_t`` the high end; NaN/None = unknown, counted in the unknown band with its
    ``co2_reduction_t`` (see the module docstring)."""
    p = np.asarray(p_realise, dtype=float)
    if np.any((p < 0) | (p > 1)):
        raise ValueError("kansen moeten tussen 0 en 1 liggen")
    if trials < 1:
        raise ValueError("minstens één trekking")
    planned = np.asarray(planned_year, dtype=float)
    low = np.asarray(additional_t, dtype=float)
    high = low if additional_high_t is None else np.asarray(additional_high_t, dtype=float)
    co2 = np.full(p.size, np.nan) if co2_reduction_t is None else np.asarray(co2_reduction_t, dtype=float)
    support = np.asarray(support_eur, dtype=float)
    for name, values in (("jaren", planned), ("additionele reducties", low), ("hoge waarden van de additionele reductie", high), ("CO2-reducties", co2), ("steunbedragen", support)):
        if values.shape != p.shape:
            raise ValueError(f"{name}: er moeten evenveel waarden zijn als projecten ({p.size}), niet {values.size}")
    unknown = np.isnan(low)
    if np.any(np.isnan(high) != unknown):
        raise ValueError("een bereik van de additionele reductie heeft een lage en een hoge waarde, of geen van beide")
    bad = np.flatnonzero(~unknown & (high < low))
    if bad.size:
        i = int(bad[0])
        raise ValueError(f"project {i + 1}: de hoge waarde van de additionele reductie ({high[i]:g} t) is lager dan de lage ({low[i]:g} t)")
    additional = np.where(unknown, 0.0, low)
    span = np.where(unknown, 0.0, high - low)
    band = np.where(unknown, np.nan_to_num(co2, nan=0.0), 0.0)
    ranged = bool(np.any(span > 0))
    slack = target_year - planned  # delays up to the slack keep a project on time
    q = delay_mean_years / (1.0 + delay_mean_years) if delay_mean_years > 0 else 0.0
    # Given success, v = u / p is uniform; on time iff d ≤ slack iff v ≥ q^(slack+1) (inverse CDF).
    on_time_threshold = np.where(slack >= 0, q ** (np.floor(np.maximum(slack, 0)) + 1), np.inf) if q > 0 else np.where(slack >= 0, 0.0, np.inf)
    rng = np.random.default_rng(seed)
    additional_total = np.empty(trials)
    spending_total = np.empty(trials)
    band_total = np.zeros(trials)
    contribution = np.zeros(p.size)
    band_contribution = np.zeros(p.size)
    realised = np.zeros(p.size)
    # success and on time: u < p and u/p ≥ threshold ⇔ p·threshold ≤ u < p (float32 draws: 2× faster)
    p32, low32 = p.astype(np.float32), (p * on_time_threshold).astype(np.float32)
    additional32, support32 = additional.astype(np.float32), support.astype(np.float32)
    span32, band32 = span.astype(np.float32), band.astype(np.float32)
    any_unknown = bool(np.any(unknown))
    for start in range(0, trials, CHUNK_TRIALS):
        n = min(CHUNK_TRIALS, trials - start)
        u = rng.random((n, p.size), dtype=np.float32)
        success = u < p32
        counts = success & (u >= low32)
        if reduction_sd > 0:
            factor = rng.standard_normal((n, p.size), dtype=np.float32)
            factor *= np.float32(reduction_sd)
            factor += np.float32(1.0)
            np.maximum(factor, 0.0, out=factor)
            factor *= counts
        else:
            factor = counts.astype(np.float32)
        counted = factor.sum(axis=0, dtype=np.float64)
        chunk_total = (factor @ additional32).astype(np.float64)
        contribution += counted * additional
        if ranged:  # a uniform draw within each range (only then: single figures keep their draws)
            spread = rng.random((n, p.size), dtype=np.float32)
            spread *= factor
            chunk_total += (spread @ span32).astype(np.float64)
            contribution += spread.sum(axis=0, dtype=np.float64) * span
        additional_total[start : start + n] = chunk_total / 1e6
        spending_total[start : start + n] = success.astype(np.float32) @ support32
        if any_unknown:
            band_total[start : start + n] = (factor @ band32).astype(np.float64) / 1e6
            band_contribution += counted * band
        realised += success.sum(axis=0)
    return OutlookResult(
        trials, seed, target_year, additional_total, spending_total, contribution / trials, realised / trials, band_total, band_contribution / trials
    )


def realisation_probability(current_phase_index: int, conversion: list[float], realisation_index: int) -> float:
    """Product of the conversion probabilities from the current main-line phase up to realisation."""
    if current_phase_index >= realisation_index:
        return 1.0
    return float(np.prod(conversion[current_phase_index:realisation_index]))
