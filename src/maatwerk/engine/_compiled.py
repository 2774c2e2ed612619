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
    def npv_per_scenario(rate, cf, out):
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
    def horner_with_slope(ct, v, p, dp):
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


def warm_up() -> None:
    """Compile (or load from the cache) every kernel now, on tiny inputs: a first call otherwise pays
    it (about 0.5 s without a cache, 0.2 s with one)."""
    if not AVAILABLE:
        return
    import numpy as np

    npv_per_scenario(np.zeros(1), np.zeros((1, 2)), np.empty(1))
    horner_with_slope(np.zeros((2, 1)), np.ones(1), np.empty(1), np.empty(1))
