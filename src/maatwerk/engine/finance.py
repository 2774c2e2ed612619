"""Business-case finance: NPV, IRR, funding gap (*onrendabele top*), payback and cost-effectiveness.

Conventions of numpy-financial: cash flow ``t = 0`` comes first and is not discounted; arrays have
scenarios on the leading axes and time last; scalars and 1-D flows work too.
"""

from __future__ import annotations

import numpy as np


def _flows(cashflows) -> np.ndarray:
    cf = np.asarray(cashflows, dtype=float)
    if cf.ndim == 0 or cf.shape[-1] == 0:
        raise ValueError("cash flows need at least one period on the last axis")
    return cf


def discount_factors(rate, periods: int) -> np.ndarray:
    """(1 + rate)^−t for t = 0 … periods−1; ``rate`` scalar or array (…,) → (…, periods)."""
    r = np.asarray(rate, dtype=float)
    return (1.0 + r[..., None]) ** -np.arange(periods)


def npv(rate, cashflows):
    """NPV = Σ_t cf[t] / (1 + rate)^t, t = 0 first (numpy-financial's npv).

    A scalar rate discounts all scenarios with one matrix-vector product (memory-bound).
    """
    cf = _flows(cashflows)
    r = np.asarray(rate, dtype=float)
    if r.ndim == 0:
        return cf @ discount_factors(r, cf.shape[-1])
    return np.sum(cf * discount_factors(r, cf.shape[-1]), axis=-1)


_CHUNK = 16384  # scenarios per IRR block: 16384 x 31 float64 ≈ 4 MB, close to the CPU cache


def _poly_and_slope(coefs_t_first: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p(x) = Σ c_t x^t and p'(x) by Horner's rule; ``coefs_t_first`` has shape (T, N), contiguous rows."""
    p = coefs_t_first[-1].copy()
    dp = np.zeros_like(p)
    for row in coefs_t_first[-2::-1]:
        dp *= x
        dp += p
        p *= x
        p += row
    return p, dp


def _one_sign_change(flows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: (exactly one sign change, zeros skipped; any sign change at all)."""
    neg, pos = flows < 0, flows > 0
    last = flows.shape[1] - 1
    has_neg, has_pos = neg.any(axis=1), pos.any(axis=1)
    first_neg, first_pos = np.argmax(neg, axis=1), np.argmax(pos, axis=1)
    last_neg, last_pos = last - np.argmax(neg[:, ::-1], axis=1), last - np.argmax(pos[:, ::-1], axis=1)
    both = has_neg & has_pos
    one = both & ((last_neg < first_pos) | (last_pos < first_neg))
    return one, both


def _irr_by_roots(flow: np.ndarray) -> float:
    """numpy-financial's rule for any flow: real positive roots x of Σ c_t x^t, the rate closest to zero."""
    roots = np.roots(flow[::-1])
    roots = roots[(np.abs(roots.imag) < 1e-12) & (roots.real > 0)].real
    if roots.size == 0:
        return np.nan
    rates = 1.0 / roots - 1.0
    return float(rates[np.argmin(np.abs(rates))])


def irr(cashflows, tol: float = 1e-13, max_iter: int = 100):
    """The rate r with NPV(r) = 0, per scenario; NaN where none exists (numpy-financial's irr).

    Solved in x = 1/(1+r), where NPV is the polynomial p(x) = Σ c_t x^t. A flow with exactly one sign
    change (the usual investment: outflows, then inflows) has exactly one positive root (Descartes),
    found for all such scenarios at once by Newton's method safeguarded by a bisection bracket
    (lo, hi) with p(lo) < 0 < p(hi). Flows with no sign change have no IRR (NaN); flows with several
    sign changes may have several roots and take numpy-financial's rule (the rate closest to zero)
    one by one.
    """
    cf = _flows(cashflows)
    shape = cf.shape[:-1]
    flat = cf.reshape(-1, cf.shape[-1])
    result = np.full(flat.shape[0], np.nan)
    one, both = _one_sign_change(flat)
    for i in np.nonzero(both & ~one)[0]:
        result[i] = _irr_by_roots(flat[i])
    idx = np.nonzero(one)[0]
    for start in range(0, idx.size, _CHUNK):  # chunks small enough for the CPU cache
        part = idx[start : start + _CHUNK]
        coefs = np.ascontiguousarray(flat[part].T)  # (T, n): row t holds c_t of every scenario
        first_nonzero = coefs[np.argmax(coefs != 0, axis=0), np.arange(part.size)]
        coefs *= np.where(first_nonzero < 0, 1.0, -1.0)  # normalise: p(0+) < 0, p(∞) > 0
        with np.errstate(over="ignore", invalid="ignore"):
            result[part] = 1.0 / _positive_root(coefs, tol, max_iter) - 1.0
    for i in idx[np.isnan(result[idx])]:
        result[i] = _irr_by_roots(flat[i])
    return result.reshape(shape) if shape else float(result[0])


def _positive_root(coefs: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    """The single positive root of each column's polynomial, which is negative near 0 and positive far out."""
    n = coefs.shape[1]
    lo, hi = np.zeros(n), np.ones(n)
    p_one, dp_one = _poly_and_slope(coefs, hi)
    grow = np.nonzero(p_one <= 0)[0]
    for _ in range(40):  # negative rates: widen hi until p(hi) > 0 (4^40: rates down to −100 % + 1e−24)
        if not grow.size:
            break
        lo[grow] = hi[grow]
        hi[grow] *= 4.0
        p, _ = _poly_and_slope(np.ascontiguousarray(coefs[:, grow]), hi[grow])
        grow = grow[p <= 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        first = 1.0 - p_one / dp_one  # Newton's first step from x = 1 (r = 0), reusing that evaluation
    x = np.where(np.isfinite(first) & (first > lo) & (first < hi), first, 0.5 * (lo + hi))
    ids = np.arange(n)  # the scenarios (columns) in the working block
    block = coefs
    active = np.ones(n, dtype=bool)
    for _ in range(max_iter):
        if not active.any():
            break
        if active.sum() < ids.size // 10:  # shrink the working copy once most scenarios converged
            ids, block = ids[active], np.ascontiguousarray(block[:, active])
            active = np.ones(ids.size, dtype=bool)
        xa = x[ids]
        p, dp = _poly_and_slope(block, xa)
        neg = p < 0
        lo[ids] = np.where(neg, xa, lo[ids])
        hi[ids] = np.where(neg, hi[ids], xa)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = xa - p / dp
        ok = np.isfinite(step) & (step >= lo[ids]) & (step <= hi[ids])
        nxt = np.where(p == 0, xa, np.where(ok, step, 0.5 * (lo[ids] + hi[ids])))
        x[ids] = np.where(active, nxt, xa)  # a converged scenario keeps its root
        active &= ~((np.abs(nxt - xa) <= tol * nxt) | (p == 0))
    x[grow] = np.nan  # no bracket found within range: left to the general root finder
    return x


def funding_gap(rate, cashflows):
    """Unprofitable top (*onrendabele top*) = max(0, −NPV at the hurdle rate): the most the State may cover."""
    return np.maximum(0.0, -npv(rate, cashflows))


def payback_period(cashflows):
    """Periods until the cumulative (undiscounted) cash flow is first ≥ 0, as a whole number of periods
    from t = 0; NaN if it never is. A flow that starts non-negative pays back at 0."""
    cf = _flows(cashflows)
    cum = np.cumsum(cf, axis=-1)
    reached = cum >= 0
    first = np.where(reached.any(axis=-1), np.argmax(reached, axis=-1), np.nan)
    return first if first.ndim else float(first)


def aid_intensity(support_eur, eligible_cost_eur):
    """Support as a share of the eligible cost (state-aid intensity); NaN when the cost is not positive."""
    s, c = np.asarray(support_eur, dtype=float), np.asarray(eligible_cost_eur, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c > 0, s / c, np.nan)


def support_per_tonne(support_eur, tonnes):
    """EUR of support per tonne (e.g. per tonne of annual reduction in the target year); NaN for no tonnes."""
    s, t = np.asarray(support_eur, dtype=float), np.asarray(tonnes, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(t > 0, s / t, np.nan)


def annuity_factor(rate, years):
    """Σ_{t=1..years} (1+rate)^−t = (1 − (1+rate)^−years) / rate (years for rate 0)."""
    r, n = np.asarray(rate, dtype=float), np.asarray(years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(r == 0, n, (1 - (1 + r) ** -n) / np.where(r == 0, 1, r))


def support_per_lifetime_tonne(support_eur, annual_reduction_t, years, rate=None):
    """Support per tonne over the lifetime: undiscounted (annual × years) or, with ``rate``, per
    discounted tonne (annual × annuity factor), the usual cost-effectiveness in EUR/t."""
    tonnes = np.asarray(annual_reduction_t, dtype=float) * (np.asarray(years, dtype=float) if rate is None else annuity_factor(rate, years))
    return support_per_tonne(support_eur, tonnes)


def project_cashflows(
    capex_eur,
    lifetime_years: int,
    prices: dict,
    opex_delta_eur_per_year=0.0,
    gas_delta_mwh_per_year=0.0,
    electricity_delta_mwh_per_year=0.0,
    hydrogen_delta_kg_per_year=0.0,
    co2_stored_t_per_year=0.0,
    ets_avoided_t_per_year=0.0,
    avoided_levy_eur=0.0,
    other_income_eur_per_year=0.0,
):
    """Yearly cash flows of a project: build years (−capex) then ``lifetime_years`` of operation.

    Operating year cash flow = − opex − gas Δ × gas price − electricity Δ × electricity price
    − hydrogen Δ × hydrogen price − CO2 stored × transport-and-storage tariff + avoided ETS tonnes ×
    ETS price + avoided levy + other income. A Δ is more use (positive) or less use (negative).
    ``prices`` maps ``gas_eur_per_mwh``, ``electricity_eur_per_mwh``, ``hydrogen_eur_per_kg``,
    ``co2_ts_eur_per_t``, ``ets_eur_per_t`` to arrays (…, lifetime_years) for the operating years;
    ``avoided_levy_eur`` broadcasts the same way. Returns (…, len(capex) + lifetime_years).
    """
    capex = np.asarray(capex_eur, dtype=float)
    quantities = {
        "gas_eur_per_mwh": -np.asarray(gas_delta_mwh_per_year, dtype=float),
        "electricity_eur_per_mwh": -np.asarray(electricity_delta_mwh_per_year, dtype=float),
        "hydrogen_eur_per_kg": -np.asarray(hydrogen_delta_kg_per_year, dtype=float),
        "co2_ts_eur_per_t": -np.asarray(co2_stored_t_per_year, dtype=float),
        "ets_eur_per_t": np.asarray(ets_avoided_t_per_year, dtype=float),
    }
    operating = np.asarray(other_income_eur_per_year - np.asarray(opex_delta_eur_per_year, dtype=float), dtype=float) + np.asarray(
        avoided_levy_eur, dtype=float
    )
    for key, quantity in quantities.items():
        if np.any(quantity != 0):
            price = np.asarray(prices[key], dtype=float)
            if np.isnan(price).any():
                raise ValueError(f"prijs {key} ontbreekt in de prijzenset maar het project heeft er een hoeveelheid voor")
            operating = operating + quantity * price
    operating = np.broadcast_to(operating, np.broadcast_shapes(np.shape(operating), (lifetime_years,)))
    build = np.broadcast_to(-capex, operating.shape[:-1] + capex.shape)
    return np.concatenate([build, operating], axis=-1)
