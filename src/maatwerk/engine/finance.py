"""Business-case finance: NPV, IRR, funding gap (*onrendabele top*), payback and cost-effectiveness.

Conventions of numpy-financial: cash flow ``t = 0`` comes first and is not discounted; arrays have
scenarios on the leading axes and time last; scalars and 1-D flows work too.

IRR: for flows with exactly one sign change (the usual invest-then-earn project) the polynomial
``Σ_t cf[t] v^t`` in ``v = 1 / (1 + r)`` has exactly one positive root (Descartes' rule of signs).
It is found for all scenarios at once, in cache-sized blocks, by Newton's method in ``ln v`` started
from a bracket read off the NPV on a fixed grid of rates (one matrix product) and safeguarded by
bisection inside Cauchy's bounds on the roots. Flows with two or more sign changes (maintenance,
decommissioning) may have several IRRs: numpy-financial's rule applies (of the real roots with
rate > −1 the one closest to zero), found by bracketing on a denser grid and refining all rows at
once (:func:`_irr_several_sign_changes`); only rows the grid cannot decide (a double root, roots
closer together than the grid sees) take numpy-financial's own route, the eigenvalues of the
companion matrix. No root, no sign change, or non-finite flows: NaN.
"""

from __future__ import annotations

import functools

import numpy as np

from maatwerk.engine import _compiled
from maatwerk.engine.types import ArrayLike, Floats


def _flows(cashflows: ArrayLike) -> np.ndarray:
    cf = np.asarray(cashflows, dtype=float)
    if cf.ndim == 0 or cf.shape[-1] == 0:
        raise ValueError("cash flows need at least one period on the last axis")
    return cf


def discount_factors(rate: ArrayLike, periods: int) -> np.ndarray:
    """(1 + rate)^−t for t = 0 … periods−1; ``rate`` scalar or array (…,) → (…, periods)."""
    r = np.asarray(rate, dtype=float)
    return (1.0 + r[..., None]) ** -np.arange(periods)


def npv(rate: ArrayLike, cashflows: ArrayLike) -> Floats:
    """NPV = Σ_t cf[t] / (1 + rate)^t, t = 0 first (numpy-financial's npv).

    A scalar rate discounts all scenarios with one matrix-vector product (memory-bound); a rate per
    scenario (``rate`` of the shape of the scenario axes) goes through :data:`NPV_PER_SCENARIO`
    (compiled Horner's rule per row with numba, :func:`_npv_per_scenario` in numpy without it);
    other shapes broadcast against the scenario axes.
    """
    cf = _flows(cashflows)
    r = np.asarray(rate, dtype=float)
    if r.ndim == 0:
        return cf @ discount_factors(r, cf.shape[-1])
    if cf.ndim >= 2 and r.shape == cf.shape[:-1]:
        return NPV_PER_SCENARIO(r.reshape(-1), cf.reshape(-1, cf.shape[-1])).reshape(r.shape)
    return np.sum(cf * discount_factors(r, cf.shape[-1]), axis=-1)


NPV_BLOCK_VALUES = 1 << 17  # discount factors per block (1 MB): the block stays in the CPU cache


def _npv_per_scenario(rate: np.ndarray, cf: np.ndarray) -> np.ndarray:
    """NPV of flows ``cf`` (n, T), each at its own rate (n,), in blocks of scenarios.

    Per block the discount factors ``v^t`` (v = 1/(1 + rate)) are built row-major by doubling
    (``v^{t + h} = v^t × v^h`` for h = W/2, W/4, …, 1, each one strided multiplication over the
    whole block, W the power of two ≥ T), then each row's dot product with its flows (einsum).
    """
    n, periods = cf.shape
    width = 1 << max(periods - 1, 0).bit_length()
    block = max(1, NPV_BLOCK_VALUES // width)
    v_all = 1.0 / (1.0 + rate)
    out = np.empty(n)
    factors = np.empty((min(block, n), width))
    for start in range(0, n, block):
        v = v_all[start:start + block]
        rows = len(v)
        flat = factors[:rows].reshape(-1)
        halvings: list[np.ndarray] = []
        power = v  # v, v², v⁴, … v^(W/2)
        while (1 << len(halvings)) < width:
            halvings.append(power)
            power = power * power
        flat[0::width] = 1.0
        step = width
        for power in reversed(halvings):
            half = step // 2
            np.multiply(flat[0::step], np.repeat(power, width // step), out=flat[half::step])
            step = half
        out[start:start + rows] = np.einsum("ij,ij->i", cf[start:start + rows], factors[:rows, :periods])
    return out


def _npv_per_scenario_compiled(rate: np.ndarray, cf: np.ndarray) -> np.ndarray:
    """NPV of flows ``cf`` (n, T), each at its own rate (n,): Horner's rule in ``v = 1/(1 + rate)``
    per row, in compiled code (:func:`maatwerk.engine._compiled.npv_per_scenario`, one core)."""
    out = np.empty(cf.shape[0])
    _compiled.npv_per_scenario(np.ascontiguousarray(rate), np.ascontiguousarray(cf), out)
    return out


# The NPV with a rate per scenario in use: compiled where numba is importable, else numpy.
NPV_PER_SCENARIO = _npv_per_scenario_compiled if _compiled.AVAILABLE else _npv_per_scenario


IRR_BLOCK = 16384  # scenarios per block: a block's working set stays in the CPU cache


def irr(cashflows: ArrayLike, *, tol: float = 1e-12, max_iter: int = 200, block_size: int = IRR_BLOCK) -> Floats:
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
        out[one_change] = _irr_one_sign_change(np.compress(one_change, ct, axis=1), sign_lo[one_change], tol, max_iter)
    if several.all():
        return _irr_several_sign_changes(block, ct, tol, max_iter)
    if several.any():
        rows = np.flatnonzero(several)
        out[rows] = _irr_several_sign_changes(block, np.take(ct, rows, axis=1), tol, max_iter, rows)
    return out


def _horner(ct: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``f(v) = Σ_t ct[t] v^t`` and ``f'(v)`` for the columns of ``ct`` (T, m), by Horner's rule
    (compiled where numba is importable: the same operations in the same order)."""
    if _compiled.AVAILABLE and ct.ndim == 2 and v.ndim == 1 and ct.dtype == np.float64 and v.dtype == np.float64:
        p, dp = np.empty(ct.shape[1]), np.empty(ct.shape[1])
        _compiled.horner_with_slope(ct, v, p, dp)
        return p, dp
    return _horner_numpy(ct, v)


def _horner_numpy(ct: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
    """The unique IRR of flows ``ct`` (T, m) with one sign change, from the bracket of :func:`_irr_start`."""
    a, b, u = _irr_start(ct, sign)
    return np.expm1(-_newton_in_bracket(ct, sign, a, b, u, tol, max_iter))


def _newton_in_bracket(
    ct: np.ndarray, sign: np.ndarray, a: np.ndarray, b: np.ndarray, u: np.ndarray, tol: float, max_iter: int, slope: np.ndarray | None = None
) -> np.ndarray:
    """The root ``u = ln v`` of ``F(u) = sign × Σ_t c_t e^{u t}`` in the bracket ``a < u < b`` per column.

    ``slope``, if given, receives ``d/du Σ_t c_t e^{u t}`` at the last point evaluated (next to the root).

    ``F > 0`` at ``a`` and ``F < 0`` at ``b``, so every evaluation narrows the bracket; a Newton step
    that would leave the bracket, or does not halve the step of two rounds before, is replaced by
    bisection. Converged scenarios leave the working set once half of it has converged.
    """
    m = ct.shape[1]
    result = np.full(m, np.nan)
    cols = np.arange(m)  # scenarios still in the working set (ct, a, b, u, sign, steps, done)
    last_step = b - a
    step_before = last_step.copy()
    newton_before = np.zeros(m, dtype=bool)  # whether last_step was a Newton step
    done = np.zeros(m, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(max_iter):
            v = np.exp(u)
            f, df = _horner(ct, v)
            F = sign * f
            overflow = np.isnan(F)
            if overflow.any():
                a = np.where((F > 0) | (overflow & (u <= 0)), u, a)
                b = np.where((F < 0) | (overflow & (u > 0)), u, b)
            else:
                a = np.where(F > 0, u, a)
                b = np.where(F < 0, u, b)
            step = F / (sign * v * df)
            scale = tol * np.maximum(1.0, np.abs(u))
            # converged: this step is below tol, or in the quadratic regime the error after it is
            # (|step| / |previous step|)² × |step| and that is below tol
            size = np.abs(step)
            converged = (F == 0) | (size <= scale) | (b - a <= tol)
            converged |= newton_before & (size * size * size <= scale * last_step * last_step * 0.1)
            u_new = u - step
            bisect = ~converged & (
                ~np.isfinite(u_new) | (u_new <= a) | (u_new >= b) | (np.abs(2 * step) > np.abs(step_before))
            )
            u_new = np.where(bisect, 0.5 * (a + b), u_new)
            step_before, last_step = last_step, np.where(bisect, 0.5 * (b - a), step)
            newton_before = ~bisect
            fresh = np.flatnonzero(converged & ~done)
            at = cols[fresh]
            result[at] = np.where(F[fresh] == 0, u[fresh], u_new[fresh])
            if slope is not None:
                slope[at] = v[fresh] * df[fresh]
            done |= converged
            u = np.where(done, u, u_new)
            n_open = len(done) - int(np.count_nonzero(done))
            if n_open == 0:
                break
            if 3 * n_open <= 2 * len(cols):
                keep = ~done
                cols, ct, a, b, u, sign, done = cols[keep], np.compress(keep, ct, axis=1), a[keep], b[keep], u[keep], sign[keep], done[keep]
                last_step, step_before, newton_before = last_step[keep], step_before[keep], newton_before[keep]
    return result


# The grid for flows with several sign changes, in u = ln v = −ln(1 + rate): spacing 0.03 at u = 0
# (rate 0) growing by 18 % a step, out to rate 10 (u = −ln 11) and rate −0.999 (u = −ln 0.001).
_SEVERAL_STEP, _SEVERAL_GROWTH, _SEVERAL_RATES = 0.03, 1.18, (10.0, -0.999)
_SEVERAL_MAX_EXPONENT = 300.0  # |u| × (T − 1) stays below this: e^300 × 1e150 × T cannot overflow
_WIDE = 4.0  # an interval with h (T − 1) above this is too wide for the cubic: always sampled
_SEVERAL_SCALE = (1e-100, 1e150)  # flows of a block within these need no scaling


@functools.lru_cache(maxsize=32)
def _several_grid(periods: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Ascending grid ``u`` (K,) containing 0; its powers ``e^{u_k t}`` (K, T) stacked on the same
    times ``t`` (for the slope in u), (2K, T); the index of u = 0."""
    steps = _SEVERAL_STEP * (_SEVERAL_GROWTH ** np.arange(1, 60) - 1) / (_SEVERAL_GROWTH - 1)
    limit = _SEVERAL_MAX_EXPONENT / max(periods - 1, 1)
    high, low = _SEVERAL_RATES
    positive_rates = steps[steps <= min(np.log1p(high), limit)]  # u < 0
    negative_rates = steps[steps <= min(-np.log1p(low), limit)]  # u > 0
    u = np.concatenate([-positive_rates[::-1], [0.0], negative_rates])
    powers = np.exp(np.outer(u, np.arange(periods)))
    both = np.concatenate([powers, powers * np.arange(periods)])
    for array in (u, both):
        array.setflags(write=False)
    return u, both, len(positive_rates)


def _irr_several_sign_changes(block: np.ndarray, ct: np.ndarray, tol: float, max_iter: int, rows: np.ndarray | None = None) -> np.ndarray:
    """numpy-financial's rule (of the real roots with rate > −1 the rate closest to zero) for flows
    ``ct`` (T, m) with two or more sign changes, vectorised; they are the rows ``rows`` (default: all)
    of ``block`` (B, T).

    1. The NPV of every flow on the grid of :func:`_several_grid` (one matrix product).
    2. From rate 0 outwards, the first sign change on the side of positive rates and on the side of
       negative rates bracket the candidates; the bracket nearer to zero (in |rate|) is refined, both
       where their |rate| ranges overlap (:func:`_newton_in_bracket`).
    3. An interval without a sign change, nearer to zero than that root, in which |NPV| falls at the
       left end and rises at the right end (the slopes come from the same matrix product) has a
       minimum inside that may hide a double root or a pair of roots: where the cubic through the
       values and slopes at its ends comes below half the smaller value, a value is at noise level,
       or the interval is too wide for a cubic, it is sampled finely (:func:`_examine_dips`); a sign
       change found there is a candidate as well. So is a bracket whose root's slope differs from
       the secant by more than 8× (three roots in it): it is sampled finely too.
    4. A row goes to numpy-financial's own eigenvalue method (:func:`_irr_companion`) where this
       cannot decide: a sharp dip or a possible touch of zero on the fine samples; a root still not
       clean; a grid value of exactly 0 at a bracket; two candidates equally far from zero; no root
       nearer to zero than the end of the grid while the region beyond it cannot be shown empty
       (the first, resp. last, nonzero flow outweighs the sum of all others there, so it has no root).
    """
    periods, m = ct.shape
    u, both, zero = _several_grid(periods)
    powers = both[:len(u)]
    c = ct
    largest = max(ct.max(), -ct.min())
    if not _SEVERAL_SCALE[0] <= largest <= _SEVERAL_SCALE[1]:  # huge or tiny flows: scale each to max |c| = 1
        c = ct / np.abs(ct).max(axis=0)
    k_p, k_n, ends, kd, cd, dip = _several_scan(c, u, both, zero)
    r_grid = np.expm1(-u)
    r_near = np.minimum(np.abs(r_grid[:-1]), np.abs(r_grid[1:]))  # |rate| range of each interval
    r_far = np.maximum(np.abs(r_grid[:-1]), np.abs(r_grid[1:]))
    has_p, has_n = k_p >= 0, k_n < len(u) - 1
    k_p, k_n = np.maximum(k_p, 0), np.minimum(k_n, len(u) - 2)
    inf = np.inf
    p_near, p_far = np.where(has_p, r_near[k_p], inf), np.where(has_p, r_far[k_p], inf)
    n_near, n_far = np.where(has_n, r_near[k_n], inf), np.where(has_n, r_far[k_n], inf)
    use_p = has_p & ~(n_far < p_near)
    use_n = has_n & ~(p_far < n_near)
    cols_p, cols_n = np.flatnonzero(use_p), np.flatnonzero(use_n)
    cols = np.concatenate([cols_p, cols_n])
    k = np.concatenate([k_p[cols_p], k_n[cols_n]])
    at = np.concatenate([ends[cols_p, :4], ends[cols_n, 4:]])  # F, F, D, D at the bracket's ends
    fa, fb = at[:, 0], at[:, 1]
    rate, ok = _refine(np.take(c, cols, axis=1), u[k], u[k + 1], fa, fb, tol, max_iter, (at[:, 2], at[:, 3]))
    again = np.flatnonzero(~ok & (fa != 0) & (fb != 0))
    if len(again):  # the slope at the root does not match the bracket: look closer, on fine samples
        ka, ca = k[again], cols[again]
        crossing, _, a, b, fa, fb = _examine_dips(np.take(c, ca, axis=1), u[ka], u[ka + 1], np.sign(fa[again]))
        rate[again[crossing]], ok[again[crossing]] = _refine(np.take(c, ca[crossing], axis=1), a, b, fa, fb, tol, max_iter)

    # the answer so far per row: the candidate nearest to zero (|rate| inf where none)
    result = np.full(m, np.nan)
    nearest = np.full(m, inf)
    undecided = np.zeros(m, dtype=bool)
    _merge(result, nearest, undecided, cols, rate, ok)

    # intervals without a sign change in which |NPV| has a minimum (falling at the left end, rising
    # at the right end), nearer to zero than that root: a double root or a pair of roots may hide there
    relevant = r_near[kd] < nearest[cd]
    kd, cd, dip = kd[relevant], cd[relevant], dip[relevant]
    toward = np.where(dip[:, 0] > 0, 1.0, -1.0)
    y0, y1 = toward * dip[:, 0], toward * dip[:, 1]
    wide = (u[kd + 1] - u[kd]) * (periods - 1) > _WIDE
    suspect = wide | (np.minimum(y0, y1) <= 1e-9 * np.maximum(y0, y1))
    suspect |= _cubic_dips(u[kd], u[kd + 1], y0, y1, toward * dip[:, 2], toward * dip[:, 3])
    if suspect.any():
        ks, cs = kd[suspect], cd[suspect]
        crossing, unclear, a, b, fa, fb = _examine_dips(np.take(c, cs, axis=1), u[ks], u[ks + 1], toward[suspect])
        rate, ok = _refine(np.take(c, cs[crossing], axis=1), a, b, fa, fb, tol, max_iter)
        _merge(result, nearest, undecided, cs[crossing], rate, ok)
        unclear_rows = cs[unclear]
        undecided[unclear_rows[r_near[ks[unclear]] < nearest[unclear_rows]]] = True

    # beyond the grid: no root there when the first (last) nonzero flow outweighs all others
    far = np.flatnonzero(nearest > min(r_grid[0], -r_grid[-1]))
    if len(far):
        cf = np.take(c, far, axis=1)
        if (cf[0] != 0).all() and (cf[-1] != 0).all():
            lo, hi = np.zeros(len(far), dtype=np.intp), np.full(len(far), periods - 1)
        else:
            nonzero = cf != 0
            lo = nonzero.argmax(axis=0)
            hi = periods - 1 - nonzero[::-1].argmax(axis=0)
        ar = np.arange(len(far))
        outside = powers[[0, -1]] @ np.abs(cf)
        empty_p = 2 * np.abs(cf[lo, ar]) * np.exp(lo * u[0]) > outside[0] * (1 + 1e-12)
        empty_n = 2 * np.abs(cf[hi, ar]) * np.exp(hi * u[-1]) > outside[1] * (1 + 1e-12)
        undecided[far] |= ((nearest[far] > r_grid[0]) & ~empty_p) | ((nearest[far] > -r_grid[-1]) & ~empty_n)

    if undecided.any():
        which = np.flatnonzero(undecided)
        result[which] = _irr_companion(block[which if rows is None else rows[which]])
    return result


def _several_scan(c: np.ndarray, u: np.ndarray, both: np.ndarray, zero: int) -> tuple[np.ndarray, ...]:
    """The grid part of :func:`_irr_several_sign_changes` for flows ``c`` (T, m) on the grid ``u``
    (K,) with ``u[zero] = 0``: per column the first interval with a sign change of the NPV from rate 0
    outwards, ``k_p`` below ``zero`` (−1 when none) and ``k_n`` from ``zero`` up (K when none);
    ``ends`` (m, 8) the NPV at both ends and its slope in u at both ends, of interval ``k_p`` then of
    ``k_n``; and the dips (intervals without a sign change in which |NPV| falls at the left end and
    rises at the right end), at least all of those between the two: interval ``kd``, column ``cd``
    (in no particular order: each is examined on its own) and ``dip`` (n, 4) the same four numbers
    at their ends.

    Both ways start from one matrix product over the whole grid (``both``: the powers and t × the
    powers, (2K, T)). Where numba is importable, :func:`maatwerk.engine._compiled.several_scan` then
    reads each row from rate 0 outwards, up to the first sign change on each side, in one pass;
    otherwise numpy passes over the whole (2K, m) matrix.
    """
    periods, m = c.shape
    K = len(u)
    if _compiled.AVAILABLE and c.dtype == np.float64:
        k_p, k_n = np.empty(m, dtype=np.intp), np.empty(m, dtype=np.intp)
        ends = np.empty((m, 8))  # read only where a bracket was found
        FD = c.T @ both.T  # NPV and its slope in u on the grid, row by row, (m, 2K)
        room = 2 * m + 64
        while True:
            kd, cd, dip = np.empty(room, dtype=np.intp), np.empty(room, dtype=np.intp), np.empty((room, 4))
            count = _compiled.several_scan(FD, zero, k_p, k_n, ends, kd, cd, dip)
            if count <= room:
                break
            room = count
        return k_p, k_n, ends, kd[:count], cd[:count], dip[:count]
    FD = both @ c  # NPV and its slope in u on the grid, (2K, m)
    F, D = FD[:K], FD[K:]
    positive = F > 0
    change = positive[1:] != positive[:-1]  # interval k between grid points k and k + 1
    # the first sign change from rate 0 outwards, on either side: the largest k < zero with a change
    # (weights 1 … zero), and the smallest k ≥ zero (weights K − k), by one maximum over k each
    k_p = (change[:zero] * _weights(zero, 0)[:, None]).max(axis=0).astype(np.intp) - 1
    k_n = K - (change[zero:] * _weights(K - 1 - zero, 1)[:, None]).max(axis=0).astype(np.intp)
    cols = np.arange(m)
    lp, ln = np.maximum(k_p, 0), np.minimum(k_n, K - 2)
    ends = np.stack([F[lp, cols], F[lp + 1, cols], D[lp, cols], D[lp + 1, cols],
                     F[ln, cols], F[ln + 1, cols], D[ln, cols], D[ln + 1, cols]], axis=1)
    away = positive == (D > 0)  # |NPV| rises with u at the grid point
    inner = ~change & ~away[:-1] & away[1:]
    kd, cd = np.divmod(np.flatnonzero(inner), m)
    dip = np.stack([F[kd, cd], F[kd + 1, cd], D[kd, cd], D[kd + 1, cd]], axis=1)
    return k_p, k_n, ends, kd, cd, dip


@functools.lru_cache(maxsize=64)
def _weights(count: int, descending: int) -> np.ndarray:
    """1 … count (ascending), or count + 1 … 2 (descending), as small integers."""
    w = np.arange(1, count + 1, dtype=np.int16)
    w = w[::-1] + 1 if descending else w
    w.setflags(write=False)
    return w


def _refine(
    c: np.ndarray, a: np.ndarray, b: np.ndarray, fa: np.ndarray, fb: np.ndarray, tol: float, max_iter: int,
    slopes: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Rates of the roots in the brackets ``(a, b)`` (u = ln v, NPV ``fa``, ``fb`` of opposite signs
    at the ends) of the columns of ``c`` (T, n), and whether each is a clean simple root: no exact
    zero at an end, and the slope at the root within 8× of the bracket's secant.

    The start is the secant, or with the ``slopes`` (d/du of the NPV) at both ends the root of the
    cubic through values and slopes where that lies inside the bracket.
    """
    sign = np.where(fa > 0, 1.0, -1.0)
    slope = np.full(len(a), np.nan)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        secant = fa / (fa - fb)
        start = a + (b - a) * secant
        if slopes is not None:
            t = _cubic_root(fa, fb, (b - a) * slopes[0], (b - a) * slopes[1], secant)
            start = np.where(np.isfinite(t), a + (b - a) * t, start)
        root = _newton_in_bracket(c, sign, a.copy(), b.copy(), start, tol, max_iter, slope)
        ratio = slope / ((fb - fa) / (b - a))
    ok = (ratio > 0.125) & (ratio < 8.0) & (fa != 0) & (fb != 0) & np.isfinite(root)
    return np.expm1(-root), ok


def _cubic_root(f0: np.ndarray, f1: np.ndarray, d0: np.ndarray, d1: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Root in (0, 1) of the cubic with values ``f0``, ``f1`` and slopes ``d0``, ``d1`` at 0 and 1, by
    Newton's method from ``t``; NaN where it leaves the interval."""
    A = 2 * f0 + d0 - 2 * f1 + d1
    B = -3 * f0 - 2 * d0 + 3 * f1 - d1
    for _ in range(3):
        t = t - (((A * t + B) * t + d0) * t + f0) / ((3 * A * t + 2 * B) * t + d0)
    return np.where((t > 0) & (t < 1), t, np.nan)


def _merge(result: np.ndarray, nearest: np.ndarray, undecided: np.ndarray, cols: np.ndarray, rate: np.ndarray, ok: np.ndarray) -> None:
    """Keep per row the candidate rate nearest to zero (``nearest`` its |rate|); a row whose candidate
    is not clean, or with two different candidates equally far from zero (within 1e-9 relative), is
    left to the eigenvalue method."""
    magnitude = np.where(ok, np.abs(rate), np.inf)
    undecided[cols[~ok]] = True
    best = nearest.copy()
    np.minimum.at(best, cols, magnitude)
    chosen = ok & (magnitude == best[cols])
    result[cols[chosen]] = rate[chosen]
    with np.errstate(invalid="ignore"):  # inf − inf where a row has no candidate
        tie = ok & (np.abs(magnitude - best[cols]) <= 1e-9 * best[cols]) & (rate != result[cols])
        undecided[cols[tie]] = True
        undecided |= np.isfinite(nearest) & (best < nearest) & (nearest - best <= 1e-9 * best)
    nearest[:] = best


def _cubic_dips(x0: np.ndarray, x1: np.ndarray, y0: np.ndarray, y1: np.ndarray, d0: np.ndarray, d1: np.ndarray) -> np.ndarray:
    """Whether the cubic with values ``y0, y1 > 0`` and slopes ``d0, d1`` at ``x0 < x1`` comes below
    half the smaller value in between (at its critical points): a pair of roots may hide there."""
    h = x1 - x0
    d0, d1 = h * d0, h * d1  # in t = (x − x0) / h
    A = 2 * y0 + d0 - 2 * y1 + d1
    B = -3 * y0 - 2 * d0 + 3 * y1 - d1
    lowest = np.minimum(y0, y1)
    with np.errstate(invalid="ignore", divide="ignore"):
        root = np.sqrt(B * B - 3 * A * d0)
        for t in ((-B + root) / (3 * A), (-B - root) / (3 * A), -d0 / (2 * B)):
            inside = (t > 0) & (t < 1)
            value = ((A * t + B) * t + d0) * t + y0
            lowest = np.where(inside & (value < lowest), value, lowest)
    return lowest < 0.5 * np.minimum(y0, y1)


_DIP_SAMPLES = 17


def _examine_dips(c: np.ndarray, lo: np.ndarray, hi: np.ndarray, sign: np.ndarray) -> tuple[np.ndarray, ...]:
    """Sample ``Σ_t c_t e^{u t}`` (columns of ``c``, T × n) at :data:`_DIP_SAMPLES` equidistant
    points of [lo, hi], where on the grid it keeps the sign ``sign`` but comes near zero.

    Returns ``crossing`` (a sign change among the samples), ``unclear`` (none, but around the
    smallest sample a parabola through three samples dips below half of it, or that sample is below
    a quarter of its neighbours or at noise level — a double root or a close pair may lie there; or
    several crossings whose |rate| ranges overlap), and for the crossing columns the bracket nearest to zero in |rate|:
    ``a``, ``b`` (u) and the NPV ``fa``, ``fb`` there.
    """
    periods, n = c.shape
    points = lo + (hi - lo) * np.linspace(0.0, 1.0, _DIP_SAMPLES)[:, None]  # (S, n)
    v = np.exp(points)
    values = np.repeat(c[-1:], _DIP_SAMPLES, axis=0)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(periods - 2, -1, -1):  # Horner's rule at all samples at once
            values *= v
            values += c[t]
    points, values = points.T, values.T
    toward = values * sign[:, None]
    j = np.clip(toward.argmin(axis=1), 1, _DIP_SAMPLES - 2)
    rows = np.arange(n)
    y0, y1, y2 = toward[rows, j - 1], toward[rows, j], toward[rows, j + 1]
    # at this spacing a parabola through the three smallest samples is close: its minimum
    with np.errstate(over="ignore", invalid="ignore"):
        lowest = y1 - (y2 - y0) ** 2 / (8 * np.maximum(y0 - 2 * y1 + y2, 1e-300))
    sharp = (y1 < 0.25 * np.minimum(y0, y2)) | (lowest < 0.5 * y1) | (toward.min(axis=1) <= 1e-9 * np.abs(toward).max(axis=1))
    flips = (values[:, 1:] > 0) != (values[:, :-1] > 0)
    crossing = flips.any(axis=1)
    rates = np.abs(np.expm1(-points))
    near = np.where(flips, np.minimum(rates[:, 1:], rates[:, :-1]), np.inf)
    near[:, :][(points[:, :-1] < 0) & (points[:, 1:] > 0) & flips] = 0.0
    far = np.where(flips, np.maximum(rates[:, 1:], rates[:, :-1]), np.inf)
    i = near.argmin(axis=1)
    second = np.sort(near, axis=1)[:, 1] if _DIP_SAMPLES > 2 else np.full(n, np.inf)
    overlap = crossing & (second < far[rows, i])
    unclear = (~crossing & sharp) | overlap
    crossing &= ~overlap
    rc, ic = rows[crossing], i[crossing]
    return crossing, unclear, points[rc, ic], points[rc, ic + 1], values[rc, ic], values[rc, ic + 1]


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


def funding_gap(rate: ArrayLike, cashflows: ArrayLike) -> Floats:
    """Unprofitable top (*onrendabele top*) = max(0, −NPV at the hurdle rate): the most the State may cover."""
    return np.maximum(0.0, -npv(rate, cashflows))


def payback_period(cashflows: ArrayLike) -> Floats:
    """Periods until the cumulative (undiscounted) cash flow is first ≥ 0, as a whole number of periods
    from t = 0; NaN if it never is. A flow that starts non-negative pays back at 0."""
    cf = _flows(cashflows)
    cum = np.cumsum(cf, axis=-1)
    reached = cum >= 0
    first = np.where(reached.any(axis=-1), np.argmax(reached, axis=-1), np.nan)
    return first if first.ndim else float(first)


def aid_intensity(support_eur: ArrayLike, eligible_cost_eur: ArrayLike) -> np.ndarray:
    """Support as a share of the eligible cost (state-aid intensity); NaN when the cost is not positive."""
    s, c = np.asarray(support_eur, dtype=float), np.asarray(eligible_cost_eur, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c > 0, s / c, np.nan)


def support_per_tonne(support_eur: ArrayLike, tonnes: ArrayLike) -> np.ndarray:
    """EUR of support per tonne (e.g. per tonne of annual reduction in the target year); NaN for no tonnes."""
    s, t = np.asarray(support_eur, dtype=float), np.asarray(tonnes, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(t > 0, s / t, np.nan)


def annuity_factor(rate: ArrayLike, years: ArrayLike) -> np.ndarray:
    """Σ_{t=1..years} (1+rate)^−t = (1 − (1+rate)^−years) / rate (years for rate 0)."""
    r, n = np.asarray(rate, dtype=float), np.asarray(years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(r == 0, n, (1 - (1 + r) ** -n) / np.where(r == 0, 1, r))


def support_per_lifetime_tonne(support_eur: ArrayLike, annual_reduction_t: ArrayLike, years: ArrayLike, rate: ArrayLike | None = None) -> np.ndarray:
    """Support per tonne over the lifetime: undiscounted (annual × years) or, with ``rate``, per
    discounted tonne (annual × annuity factor), the usual cost-effectiveness in EUR/t."""
    tonnes = np.asarray(annual_reduction_t, dtype=float) * (np.asarray(years, dtype=float) if rate is None else annuity_factor(rate, years))
    return support_per_tonne(support_eur, tonnes)


def project_cashflows(
    capex_eur: ArrayLike,
    lifetime_years: int,
    prices: dict,
    opex_delta_eur_per_year: ArrayLike = 0.0,
    gas_delta_mwh_per_year: ArrayLike = 0.0,
    electricity_delta_mwh_per_year: ArrayLike = 0.0,
    hydrogen_delta_kg_per_year: ArrayLike = 0.0,
    co2_stored_t_per_year: ArrayLike = 0.0,
    ets_avoided_t_per_year: ArrayLike = 0.0,
    avoided_levy_eur: ArrayLike = 0.0,
    other_income_eur_per_year: ArrayLike = 0.0,
) -> np.ndarray:
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
