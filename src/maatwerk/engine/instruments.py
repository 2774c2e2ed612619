"""Support instruments compared for one project: present value to the State of each, side by side.

- maatwerk lump sum: the funding gap, capped by the agreement's maximum, paid up front;
- SDE++-style: each year ``tonnes × clip(base − correction, 0, cap)`` for 12–15 years, where the
  correction amount follows the market price yearly (for CO2 categories: the ETS price);
- carbon contract for difference (as Germany's Klimaschutzverträge): each year
  ``(contract price − effective CO2 price) × tonnes``; negative means the company pays back; 15 years.

Parameters not taken from a public source are labelled illustrative by the caller. Payment k
(k = 0 … years − 1) is discounted with (1 + rate)^−(first_t + k); by default first_t = 1 (the end of the
first year). The project evaluation passes first_t = the build years, so the payments of an operating
year are discounted like that year's cash flows, to the same moment as the funding gap that the lump sum
pays (until issue 17 they were discounted from the start of operation, which overstated them by
(1 + rate)^build against the lump sum).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .finance import discount_factors
from .types import ArrayLike


@dataclass(frozen=True)
class InstrumentResult:
    name: str
    pv_state_eur: np.ndarray | float  # per price scenario
    payments_eur: np.ndarray  # (…, years)
    parameters: dict = field(default_factory=dict)
    illustrative: bool = True


def _pv(payments: np.ndarray, rate: float, first_t: int = 1) -> np.ndarray:
    """Σ_k payments_k (1 + rate)^−(first_t + k), k = 0 … years − 1."""
    years = payments.shape[-1]
    return payments @ discount_factors(rate, first_t + years)[first_t:]


@dataclass(frozen=True)
class LevelisedCost:
    """The project's cost per tonne without its own CO2 income, per price scenario (the SDE++-style base
    amount and the CCfD contract price), with the parameters it was computed from."""

    eur_per_t: np.ndarray  # per price scenario
    pv_tonnes: float
    parameters: dict = field(default_factory=dict)

    @property
    def central(self) -> float:
        """The central price scenario's value (the first row)."""
        return float(np.atleast_1d(self.eur_per_t)[0])


def levelised_cost(
    npv_eur: ArrayLike, co2_income_eur_per_year: ArrayLike, tonnes_per_year: float, rate: float, lifetime_years: int, build_years: int
) -> LevelisedCost:
    """LC = −(NPV − PV(CO2 income)) / PV(tonnes), per scenario.

    NPV is the project's net present value at ``rate`` (t = 0 first) of cash flows laid out as
    ``build_years`` of investment, then ``lifetime_years`` of operation, CO2 income included. The CO2
    income and the tonnes of operating year k (k = 0 … lifetime − 1) fall at t = build + k, so
    PV(tonnes) = tonnes × Σ_k (1 + rate)^−(build + k). LC is then the constant price per tonne that makes
    the project break even without its CO2 income: NPV(flows − CO2 income + LC × tonnes) = 0.

    (Until issue 17 the tonnes were discounted one year later than the flows, with the annuity factor
    Σ_{t=1..L}, which put LC a factor (1 + rate) too high.)"""
    from .finance import discount_factors, npv

    income = np.atleast_2d(np.asarray(co2_income_eur_per_year, dtype=float))
    pv_tonnes = float(tonnes_per_year) * float(discount_factors(rate, build_years + lifetime_years)[build_years:].sum())
    income_pv = npv(rate, np.concatenate([np.zeros((income.shape[0], build_years)), income], axis=-1))
    value = (-(np.asarray(npv_eur, dtype=float) - income_pv)) / pv_tonnes
    return LevelisedCost(value, pv_tonnes, {"rate": rate, "lifetime_years": lifetime_years, "build_years": build_years, "tonnes_per_year": tonnes_per_year})


def lump_sum(funding_gap_eur: ArrayLike, cap_eur: float | None = None) -> InstrumentResult:
    """min(funding gap, cap): at most the unprofitable top is covered (DOMAIN.md §1)."""
    gap = np.asarray(funding_gap_eur, dtype=float)
    amount = gap if cap_eur is None else np.minimum(gap, float(cap_eur))
    return InstrumentResult("maatwerk", amount, amount[..., None], {"cap_eur": cap_eur}, illustrative=False)


def sde_style(
    tonnes_per_year: ArrayLike,
    base_eur_per_t: float,
    correction_eur_per_t: ArrayLike,
    rate: float,
    years: int = 15,
    cap_eur_per_t: float | None = None,
    first_t: int = 1,
) -> InstrumentResult:
    """Σ_k tonnes × clip(base − correction_k, 0, cap) / (1+rate)^(first_t + k) over ``years`` (12–15).

    ``correction_eur_per_t``: array (…, ≥ years) of yearly correction amounts (following market prices).
    ``first_t``: the period of the first payment counted from the moment the PV is taken; to compare with
    a lump sum equal to the funding gap (a PV at the project's start), the number of build years (the
    first operating year of the cash flows).
    """
    if not 1 <= years <= 30:
        raise ValueError("looptijd moet tussen 1 en 30 jaar liggen")
    correction = np.asarray(correction_eur_per_t, dtype=float)[..., :years]
    intensity = np.maximum(0.0, base_eur_per_t - correction)
    if cap_eur_per_t is not None:
        intensity = np.minimum(intensity, cap_eur_per_t)
    payments = np.asarray(tonnes_per_year, dtype=float) * intensity
    return InstrumentResult(
        "sde_style",
        _pv(payments, rate, first_t),
        payments,
        {"base_eur_per_t": base_eur_per_t, "cap_eur_per_t": cap_eur_per_t, "years": years, "first_t": first_t},
    )


def effective_co2_price(
    ets_eur_per_t: ArrayLike,
    energy_cost_delta_eur_per_year: ArrayLike,
    reference_energy_cost_delta_eur_per_year: ArrayLike,
    tonnes_per_year: ArrayLike,
) -> np.ndarray:
    """ETS price corrected for energy-cost dynamics: when the clean route's extra energy cost falls below
    its reference (at contract signature), the effective CO2 price rises by the saving per tonne."""
    t = np.asarray(tonnes_per_year, dtype=float)
    dynamics = (np.asarray(reference_energy_cost_delta_eur_per_year, dtype=float) - np.asarray(energy_cost_delta_eur_per_year, dtype=float)) / t
    return np.asarray(ets_eur_per_t, dtype=float) + dynamics


def carbon_contract_for_difference(
    tonnes_per_year: ArrayLike, contract_price_eur_per_t: float, effective_co2_price_eur_per_t: ArrayLike, rate: float, years: int = 15,
    first_t: int = 1,
) -> InstrumentResult:
    """Σ_k (contract − effective CO2 price_k) × tonnes / (1+rate)^(first_t + k); negative years are paid back
    (``first_t`` as for :func:`sde_style`)."""
    price = np.asarray(effective_co2_price_eur_per_t, dtype=float)[..., :years]
    payments = (contract_price_eur_per_t - price) * np.asarray(tonnes_per_year, dtype=float)
    return InstrumentResult(
        "ccfd",
        _pv(payments, rate, first_t),
        payments,
        {"contract_price_eur_per_t": contract_price_eur_per_t, "years": years, "first_t": first_t},
    )
