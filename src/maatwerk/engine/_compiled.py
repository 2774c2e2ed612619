"""Compiled loops (numba) for the finance engine; ``AVAILABLE`` is False where numba cannot be imported,
and :mod:`maatwerk.engine.finance` then keeps its numpy paths.

The kernels are single-threaded (no ``parallel=True``): the benchmarks compare them with
numpy-financial's loop on one core. ``fastmath`` stays off, so every operation is the IEEE operation
written (no reassociation, no fused multiply-add contraction), and ``error_model="numpy"`` makes a
division by zero give ±inf or NaN as in numpy instead of raising.

Compiled code is cached (``cache=True``) beside this file in ``__pycache__``. Where that directory
cannot be written (a read-only installation) and ``NUMBA_CACHE_DIR`` is not set, the cache goes to
``numba-cache`` under ``MAATWERK_VAR_DIR`` (else the system's temporary directory) instead.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from numpy import ndarray


def _cache_dir_fallback() -> None:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    here = Path(__file__).resolve().parent
    pycache = here / "__pycache__"
    if os.access(pycache if pycache.is_dir() else here, os.W_OK):
        return
    base = os.environ.get("MAATWERK_VAR_DIR") or tempfile.gettempdir()
    target = Path(base) / "numba-cache"
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # numba then tries its own user-wide cache directory, and warns if none is writable
    os.environ["NUMBA_CACHE_DIR"] = str(target)


_cache_dir_fallback()

try:
    from numba import njit
except ImportError:  # pragma: no cover - numba is a declared dependency; the numpy paths remain
    AVAILABLE = False
else:
    AVAILABLE = True


if AVAILABLE:
    _jit = njit(cache=True, nogil=True, fastmath=False, error_model="numpy")

    @_jit
    def npv_per_scenario(rate: ndarray, cf: ndarray, out: ndarray) -> None:
        """``out[i] = Σ_t cf[i, t] v_i^t`` with ``v_i = 1 / (1 + rate[i])``, by Horner's rule per row.

        Rows go four at a time, so that four independent Horner chains keep the floating-point
        units busy (one chain alone waits on the latency of each multiply and add).
        """
        n, periods = cf.shape
        last = periods - 1
        i = 0
        while i + 4 <= n:
            v0 = 1.0 / (1.0 + rate[i])
            v1 = 1.0 / (1.0 + rate[i + 1])
            v2 = 1.0 / (1.0 + rate[i + 2])
            v3 = 1.0 / (1.0 + rate[i + 3])
            p0, p1, p2, p3 = cf[i, last], cf[i + 1, last], cf[i + 2, last], cf[i + 3, last]
            for t in range(last - 1, -1, -1):
                p0 = p0 * v0 + cf[i, t]
                p1 = p1 * v1 + cf[i + 1, t]
                p2 = p2 * v2 + cf[i + 2, t]
                p3 = p3 * v3 + cf[i + 3, t]
            out[i], out[i + 1], out[i + 2], out[i + 3] = p0, p1, p2, p3
            i += 4
        while i < n:
            v = 1.0 / (1.0 + rate[i])
            p = cf[i, last]
            for t in range(last - 1, -1, -1):
                p = p * v + cf[i, t]
            out[i] = p
            i += 1

    @_jit
    def horner_with_slope(ct: ndarray, v: ndarray, p: ndarray, dp: ndarray) -> None:
        """``p = Σ_t ct[t] v^t`` and ``dp`` its derivative in v, per column of ``ct`` (T, m), by Horner's
        rule: the operations of the numpy loop in :func:`maatwerk.engine.finance._horner`, in the same
        order (so the same results bit for bit), in one pass per period instead of four."""
        periods, m = ct.shape
        for j in range(m):
            p[j] = ct[periods - 1, j]
            dp[j] = 0.0
        for t in range(periods - 2, -1, -1):
            for j in range(m):
                dp[j] = dp[j] * v[j] + p[j]
                p[j] = p[j] * v[j] + ct[t, j]

    @_jit
    def several_scan(
        FD: ndarray, zero: int, k_p: ndarray, k_n: ndarray, ends: ndarray, dip_k: ndarray, dip_c: ndarray, dip_ends: ndarray
    ) -> int:
        """The grid scan of :func:`maatwerk.engine.finance._irr_several_sign_changes`, per row j of
        ``FD`` (m, 2K): the NPV ``F = FD[j, :K]`` on the ascending grid and its slope in u
        ``D = FD[j, K:]``. From grid point ``zero`` (u = 0) outwards on each side up to the first
        interval with a sign change (``F > 0`` differs at its ends) on that side: ``k_p[j]`` (−1 when
        none) below ``zero``, ``k_n[j]`` (K when none) from ``zero`` up, with ``ends[j]`` = F, F, D, D
        at the ends of the interval k_p then of k_n.

        Every interval passed on the way (no sign change) in which |NPV| falls at the left end and
        rises at the right end is a dip: its index, row and F, F, D, D at its ends go to ``dip_k``,
        ``dip_c``, ``dip_ends`` while there is room. Returns the number of dips (more than the room
        when the arrays were too small: call again with larger ones).
        """
        m = FD.shape[0]
        K = FD.shape[1] // 2
        cap = dip_k.shape[0]
        count = 0
        for j in range(m):
            # rates below zero (u > 0): intervals zero, zero + 1, ...
            k_n[j] = K
            for k in range(zero, K - 1):
                fa, fb, da, db = FD[j, k], FD[j, k + 1], FD[j, K + k], FD[j, K + k + 1]
                pa, pb = fa > 0, fb > 0
                if pa != pb:
                    k_n[j] = k
                    ends[j, 4], ends[j, 5], ends[j, 6], ends[j, 7] = fa, fb, da, db
                    break
                if pa != (da > 0) and pb == (db > 0):
                    if count < cap:
                        dip_k[count], dip_c[count] = k, j
                        dip_ends[count, 0], dip_ends[count, 1] = fa, fb
                        dip_ends[count, 2], dip_ends[count, 3] = da, db
                    count += 1
            # positive rates (u < 0): intervals zero − 1, zero − 2, ...
            k_p[j] = -1
            for k in range(zero - 1, -1, -1):
                fa, fb, da, db = FD[j, k], FD[j, k + 1], FD[j, K + k], FD[j, K + k + 1]
                pa, pb = fa > 0, fb > 0
                if pa != pb:
                    k_p[j] = k
                    ends[j, 0], ends[j, 1], ends[j, 2], ends[j, 3] = fa, fb, da, db
                    break
                if pa != (da > 0) and pb == (db > 0):
                    if count < cap:
                        dip_k[count], dip_c[count] = k, j
                        dip_ends[count, 0], dip_ends[count, 1] = fa, fb
                        dip_ends[count, 2], dip_ends[count, 3] = da, db
                    count += 1
        return count

def warm_up() -> None:
    """Compile (or load from the cache) every kernel now, on tiny inputs: a first call otherwise pays
    it (about 0.5 s without a cache, 0.2 s with one)."""
    if not AVAILABLE:
        return
    import numpy as np

    npv_per_scenario(np.zeros(1), np.zeros((1, 2)), np.empty(1))
    horner_with_slope(np.zeros((2, 1)), np.ones(1), np.empty(1), np.empty(1))
    several_scan(
        np.ones((1, 6)), 1, np.empty(1, dtype=np.intp), np.empty(1, dtype=np.intp), np.empty((1, 8)),
        np.empty(1, dtype=np.intp), np.empty(1, dtype=np.intp), np.empty((1, 4)),
    )
