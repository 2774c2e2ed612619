"""Business-case finance: NPV, IRR, funding gap (*onrendabele top*), payback and cost-effectiveness.

Conventions of numpy-financial: cash flow ``t = 0`` comes first and is not discounted; arrays have
scenarios on the leading axes and time last; scalars and 1-D flows work too.

IRR: for flows with exactly one sign change (the usual invest-then-earn project) the polynomial
``Σ_t cf[t] v^t`` in ``v = 1 / (1 + r)`` has exactly one positive root (Descartes' rule of signs).
It is found for all scenarios at once, in cache-sized blocks, by Newton's method in ``ln v`` started
from a bracket read off the NPV on a fixed grid of rates (one matrix product) and safeguarded by
bisection inside Cauchy's bounds on the roots. Flows with two or more sign changes may have several
IRRs: for those numpy-financial's own rule applies, batched (eigenvalues of the companion matrix; of
the real roots ``v > 0`` the rate closest to zero). No sign change, or non-finite flows: NaN.
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


IRR_BLOCK = 16384  # scenarios per block: a block's working set stays in the CPU cache


def irr(cashflows, *, tol: float = 1e-12, max_iter: int = 200, block_size: int = IRR_BLOCK):
    """Internal rate of return per scenario: the ``rate`` with ``npv(rate, cashflows) = 0``.

    numpy-financial's convention (period 0 first). NaN when there is no real root with
    ``1 + rate > 0`` (e.g. all flows of one sign) or a flow is not finite. Where several exist,
    the one closest to zero (numpy-financial's rule). Vectorised over the scenario axes, in blocks
    of ``block_size`` scenarios; method in the module docstring.
    """
    cf = _flows(cashflows)
    flat = cf.reshape(-1, cf.shape[-1])
    out = np.empty(flat.shape[0])
    buffer = np.empty((flat.shape[1], min(block_size, flat.shape[0])))  # time-major copy of a block
    for start in range(0, flat.shape[0], block_size):
        block = flat[start:start + block_size]
        ct = buffer[:, :block.shape[0]]
        np.copyto(ct, block.T)
        out[start:start + block_size] = _irr_block(block, ct, tol, max_iter)
    return out.reshape(cf.shape[:-1])[()]


# Rates at which every scenario's NPV is evaluated first (one matrix product) to bracket its IRR.
_IRR_GRID = np.array([-0.9, -0.6, -0.35, -0.2, -0.1, -0.04, 0.0, 0.03, 0.06, 0.09, 0.12, 0.16, 0.22, 0.3, 0.45, 0.7, 1.2, 2.5])
_IRR_GRID_U = -np.log1p(_IRR_GRID)[::-1]  # u = ln v, ascending


def _sign_pattern(ct: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For flows ``ct`` (T, m): (has both signs, negatives all before positives, positives all before negatives)."""
    seen_pos, seen_neg = ct[0] > 0, ct[0] < 0
    neg_after_pos = np.zeros(ct.shape[1], dtype=bool)
    pos_after_neg = np.zeros(ct.shape[1], dtype=bool)
    for row in ct[1:]:
        pos, neg = row > 0, row < 0
        neg_after_pos |= seen_pos & neg
        pos_after_neg |= seen_neg & pos
        seen_pos |= pos
        seen_neg |= neg
    return seen_pos & seen_neg, ~neg_after_pos, ~pos_after_neg


def _irr_block(block: np.ndarray, ct: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    """IRR of a (B, T) block (``ct`` is its (T, B) copy): classify by sign changes, then solve."""
    out = np.full(block.shape[0], np.nan)
    both, neg_first, pos_first = _sign_pattern(ct)
    both &= np.isfinite(ct).all(axis=0)
    one_change = both & (neg_first | pos_first)
    several = both & ~one_change
    sign_lo = np.where(neg_first, -1.0, 1.0)  # sign of the first nonzero flow
    if one_change.all():
        return _irr_one_sign_change(ct, sign_lo, tol, max_iter)
    if one_change.any():
        out[one_change] = _irr_one_sign_change(ct[:, one_change], sign_lo[one_change], tol, max_iter)
    if several.any():
        out[several] = _irr_companion(block[several])
    return out


def _horner(ct: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``f(v) = Σ_t ct[t] v^t`` and ``f'(v)`` for the columns of ``ct`` (T, m), by Horner's rule."""
    p = ct[-1].copy()
    dp = np.zeros_like(p)
    for t in range(ct.shape[0] - 2, -1, -1):
        dp *= v
        dp += p
        p *= v
        p += ct[t]
    return p, dp


def _cauchy_bounds(ct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ln of Cauchy's bounds on the nonzero roots v of ``Σ_t ct[t] v^t``: ``(ln L, ln U)``.

    ``1/(1 + max|c|/|c_lo|) < |v| < 1 + max|c|/|c_hi|`` with c_lo, c_hi the first and last nonzero
    flows; the smallest nonzero |c| stands in for both (a looser, still valid bound).
    """
    magnitude = np.abs(ct)
    smallest = np.where(magnitude > 0, magnitude, np.inf).min(axis=0)
    ratio = magnitude.max(axis=0) / smallest
    return -np.log1p(ratio), np.log1p(ratio)


def _irr_start(ct: np.ndarray, sign: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bracket (a, b) and start u for every scenario from its NPV on :data:`_IRR_GRID`.

    One matrix product gives ``F = sign × npv`` at the grid; F > 0 left of the root (smaller u),
    F < 0 right of it. The start is the secant between the two grid points around the sign
    change; where the root lies beyond the grid, the bracket extends to Cauchy's bound.
    """
    grid_u = _IRR_GRID_U
    powers = np.exp(np.outer(np.arange(ct.shape[0]), grid_u))  # v_k^t, (T, K)
    F = (powers.T @ ct) * sign  # (K, m)
    j = (F > 0).sum(axis=0)  # grid points left of the root
    k = len(grid_u)
    inside = (j > 0) & (j < k) & np.isfinite(F).all(axis=0)
    jl, jr = np.clip(j - 1, 0, k - 1), np.clip(j, 0, k - 1)
    cols = np.arange(ct.shape[1])
    fl, fr = F[jl, cols], F[jr, cols]
    a, b = grid_u[jl], grid_u[jr]
    with np.errstate(invalid="ignore", divide="ignore"):
        u = a + (b - a) * fl / (fl - fr)
    if not inside.all():
        out = ~inside
        lo, hi = _cauchy_bounds(ct[:, out])
        left = j[out] == 0  # F <= 0 on the whole grid: the root lies left of it
        bad = ~np.isfinite(F[:, out]).all(axis=0)
        a[out] = np.where(bad | left, np.minimum(lo, grid_u[0]), grid_u[-1])
        b[out] = np.where(bad | ~left, np.maximum(hi, grid_u[-1]), grid_u[0])
        u[out] = np.where(bad, 0.0, np.where(left, grid_u[0], grid_u[-1]))
    return a, b, u


def _irr_one_sign_change(ct: np.ndarray, sign: np.ndarray, tol: float, max_iter: int) -> np.ndarray:
    """The unique IRR of flows ``ct`` (T, m) with one sign change: safeguarded Newton in ``u = ln v``.

    ``F(u) = sign(c_lo) × Σ_t c_t e^{u t}`` is > 0 left of the root and < 0 right of it, so every
    evaluation narrows the bracket from :func:`_irr_start`; a Newton step that would leave the
    bracket is replaced by bisection. Converged scenarios leave the working set once half of it
    has converged.
    """
    a, b, u = _irr_start(ct, sign)
    m = ct.shape[1]
    result = np.full(m, np.nan)
    cols = np.arange(m)  # scenarios still in the working set (ct, a, b, u, sign, steps, done)
    last_step = b - a
    step_before = last_step.copy()
    done = np.zeros(m, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(max_iter):
            v = np.exp(u)
            f, df = _horner(ct, v)
            F = sign * f
            a = np.where((F > 0) | (np.isnan(F) & (u <= 0)), u, a)
            b = np.where((F < 0) | (np.isnan(F) & (u > 0)), u, b)
            step = F / (sign * v * df)
            converged = (F == 0) | (np.abs(step) <= tol * np.maximum(1.0, np.abs(u))) | (b - a <= tol)
            u_new = u - step
            # bisect when Newton leaves the bracket or does not halve the step of two rounds ago
            bisect = ~converged & (
                ~np.isfinite(u_new) | (u_new <= a) | (u_new >= b) | (np.abs(2 * step) > np.abs(step_before))
            )
            u_new = np.where(bisect, 0.5 * (a + b), u_new)
            step_before, last_step = last_step, np.where(bisect, 0.5 * (b - a), step)
            fresh = converged & ~done
            result[cols[fresh]] = np.where(F[fresh] == 0, u[fresh], u_new[fresh])
            done |= converged
            u = np.where(done, u, u_new)
            n_open = int((~done).sum())
            if n_open == 0:
                break
            if 2 * n_open <= len(cols):
                keep = ~done
                cols, ct, a, b, u, sign, done = cols[keep], ct[:, keep], a[keep], b[keep], u[keep], sign[keep], done[keep]
                last_step, step_before = last_step[keep], step_before[keep]
    return np.expm1(-result)


def _first_true(mask: np.ndarray) -> np.ndarray:
    """Index of the first True along the last axis (0 when none)."""
    return np.argmax(mask, axis=-1)


def _last_true(mask: np.ndarray) -> np.ndarray:
    """Index of the last True along the last axis of a 2-D mask (T − 1 when none)."""
    return mask.shape[-1] - 1 - np.argmax(mask[:, ::-1], axis=-1)


def _irr_companion(c: np.ndarray) -> np.ndarray:
    """numpy-financial's rule, batched: eigenvalues of the companion matrix of ``Σ c_t v^t``.

    Scenarios are grouped by their first and last nonzero period (``np.roots`` strips those zeros);
    of the real roots ``v > 0`` the rate ``1/v − 1`` closest to zero is returned, else NaN.
    """
    out = np.full(c.shape[0], np.nan)
    nonzero = c != 0
    lo, hi = _first_true(nonzero), _last_true(nonzero)
    for first, last in np.unique(np.stack([lo, hi], axis=1), axis=0):
        degree = int(last - first)
        if degree < 1:
            continue
        members = np.flatnonzero((lo == first) & (hi == last))
        p = c[members, first:last + 1][:, ::-1]  # highest power first, as np.roots
        companion = np.zeros((len(members), degree, degree))
        companion[:, 0, :] = -p[:, 1:] / p[:, :1]
        sub = np.arange(degree - 1)
        companion[:, sub + 1, sub] = 1.0
        roots = np.linalg.eigvals(companion)
        real_positive = (roots.imag == 0) & (roots.real > 0)
        rates = np.where(real_positive, 1.0 / np.where(real_positive, roots.real, 1.0) - 1.0, np.inf)
        chosen = rates[np.arange(len(members)), np.argmin(np.abs(rates), axis=-1)]
        out[members] = np.where(np.isfinite(chosen), chosen, np.nan)
    return out


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
