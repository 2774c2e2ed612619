"""The national CO2 levy for industry (*CO2-heffing industrie*) and additionality.

Parameters are versioned by law: each regime is data with its source and changes the path from its
first year on; ``regime=None`` means the latest regime. Every yearly value carries a status:
``sourced`` (as published), ``derived`` (from a published rule, e.g. the legal yearly step before
indexation) or ``interpolated`` / ``unknown`` — callers show that label wherever they use the value.

Formulas (DOMAIN.md §2, NEa):
    DPR(y)         = benchmark_allocation_t × reduction_factor(y)
    levy_due(y)    = max(0, emissions_t − DPR) × max(0, tariff(y) − ets_price(y))
    additional_t   = clamp(DPR − (emissions_before_t − reduction_t), 0, reduction_t)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SOURCED, DERIVED, INTERPOLATED, UNKNOWN = "sourced", "derived", "interpolated", "unknown"


@dataclass(frozen=True)
class Value:
    """One yearly parameter with its provenance."""

    value: float
    status: str
    source: str

    @property
    def label(self) -> str:
        return {
            SOURCED: "bron",
            DERIVED: "afgeleid uit de wettelijke stap, zonder indexatie",
            INTERPOLATED: "geïnterpoleerd, niet gebrond",
            UNKNOWN: "onbekend",
        }[self.status]


@dataclass(frozen=True)
class Regime:
    code: str
    name: str
    first_year: int
    source: str
    reduction_factor: dict[int, Value]
    tariff_eur_per_t: dict[int, Value]


NEA_2020 = "NEa, tarieven CO2-heffing industrie (nov 2020); Wet CO2-heffing industrie (Kamerstuk 35 575)"
NEA_2022 = "Belastingplan 2023; NEa-nieuws 15 jun 2022 (aanscherping met 4 Mt)"
BP_2026 = "Belastingplan 2026, memorie van toelichting §5.20"


def _r3(x: float) -> float:
    return round(x, 3)


def _r2(x: float) -> float:
    return round(x, 2)


def _regime_2021() -> Regime:
    rf = {2021: Value(1.2, DERIVED, "Wet CO2-heffing industrie; secundaire bron, te bevestigen")}
    for y in range(2022, 2031):
        rf[y] = Value(_r3(1.2 - 0.057 * (y - 2021)), DERIVED, "1,2 in 2021, daarna −0,057 per jaar (secundaire bron, te bevestigen)")
    tariff = {2021: Value(30.48, SOURCED, NEA_2020), 2022: Value(41.75, SOURCED, "NEa, tarief 2022 (geïndexeerd)")}
    for y in range(2023, 2031):
        tariff[y] = Value(_r2(30.48 + 10.73 * (y - 2021)), DERIVED, "30,48 + 10,73 per jaar tot 127 in 2030, vóór indexatie (NEa, nov 2020)")
    return Regime("2021", "Wet CO2-heffing industrie (oorspronkelijk)", 2021, NEA_2020, rf, tariff)


def _regime_2023() -> Regime:
    rf = {y: Value(_r3(1.213 - 0.078 * (y - 2023)), SOURCED, NEA_2022 + ": 1,213 in 2023, −0,078 per jaar, 0,667 in 2030") for y in range(2023, 2031)}
    tariff = {
        2023: Value(_r2(41.75 + (87.90 - 41.75) / 3), INTERPOLATED, "lineair tussen 41,75 (2022) en 87,90 (2025); NEa-tabel staat als afbeelding"),
        2024: Value(_r2(41.75 + 2 * (87.90 - 41.75) / 3), INTERPOLATED, "lineair tussen 41,75 (2022) en 87,90 (2025); NEa-tabel staat als afbeelding"),
        2025: Value(87.90, SOURCED, "NEa, tarief 2025"),
    }
    # 2026-2030 under this regime: not published (41.75 + 3 × 10.87 ≠ 87.90, so the step is indexed): unknown.
    return Regime("2023", "Aanscherping Belastingplan 2023 (+4 Mt)", 2023, NEA_2022, rf, tariff)


def _regime_2026() -> Regime:
    rf = {
        y: Value(math.nan, UNKNOWN, BP_2026 + ": verhoogd in 2026 en daarna constant; waarde nog niet gevonden in de wet")
        for y in range(2026, 2031)
    }
    tariff = {y: Value(78.67, SOURCED, BP_2026 + ": 78,67 in 2026-2030") for y in range(2026, 2031)}
    return Regime("2026", "Verlichting ETS1- en N2O-installaties (Belastingplan 2026)", 2026, BP_2026, rf, tariff)


REGIMES: dict[str, Regime] = {r.code: r for r in (_regime_2021(), _regime_2023(), _regime_2026())}
LATEST_REGIME = max(REGIMES.values(), key=lambda r: r.first_year).code
_UNKNOWN = Value(math.nan, UNKNOWN, "buiten het pad van de wet")


def _chain(regime: str | None) -> list[Regime]:
    """The regime and its predecessors, newest first: a regime governs from its first year on."""
    code = regime or LATEST_REGIME
    if code not in REGIMES:
        raise ValueError(f"onbekend heffingsregime {code!r}; kies uit {', '.join(REGIMES)}")
    last = REGIMES[code].first_year
    return sorted((r for r in REGIMES.values() if r.first_year <= last), key=lambda r: -r.first_year)


def _lookup(year: int, regime: str | None, table: str) -> Value:
    for r in _chain(regime):
        if year >= r.first_year:  # the newest regime in force that year governs it, known or not
            return getattr(r, table).get(year, _UNKNOWN)
    return _UNKNOWN


def reduction_factor_provenance(year: int, regime: str | None = None) -> Value:
    return _lookup(int(year), regime, "reduction_factor")


def tariff_provenance(year: int, regime: str | None = None) -> Value:
    return _lookup(int(year), regime, "tariff_eur_per_t")


_FIRST_YEAR, _LAST_YEAR = 2021, 2030


def _table(regime: str | None, table: str) -> np.ndarray:
    return np.array([_lookup(y, regime, table).value for y in range(_FIRST_YEAR, _LAST_YEAR + 1)])


_TABLES = {(code, t): _table(code, t) for code in [*REGIMES, None] for t in ("reduction_factor", "tariff_eur_per_t")}


def _vectorised(year, regime, table):
    """Look whole calendar years up in a per-regime table; NaN outside the law's years."""
    years = np.asarray(year)
    if not np.issubdtype(years.dtype, np.integer):
        if not np.all(np.mod(years, 1) == 0):
            raise ValueError(f"jaartallen moeten gehele jaren zijn, niet {year!r}")
        years = years.astype(int)
    _chain(regime)  # validates the regime name
    values = _TABLES[(regime, table)]
    inside = (years >= _FIRST_YEAR) & (years <= _LAST_YEAR)
    out = np.where(inside, values[np.clip(years - _FIRST_YEAR, 0, len(values) - 1)], np.nan)
    return float(out) if out.ndim == 0 else out


def reduction_factor(year, regime: str | None = None):
    """Reduction factor (*reductiefactor*) of the dispensation rights in ``year`` (NaN where unknown)."""
    return _vectorised(year, regime, "reduction_factor")


def tariff(year, regime: str | None = None):
    """Levy tariff (*heffingstarief*) in EUR per tonne CO2 in ``year`` (NaN where unknown)."""
    return _vectorised(year, regime, "tariff_eur_per_t")


def dispensation_rights_t(benchmark_allocation_t, year, regime: str | None = None):
    """DPR(y) = benchmark allocation (default proxy: the registry's free allocation) × reduction_factor(y)."""
    return np.asarray(benchmark_allocation_t, dtype=float) * reduction_factor(year, regime)


def levy_due_eur(emissions_t, dispensation_rights_t, tariff_eur_per_t, ets_price_eur_per_t):
    """max(0, emissions − DPR) × max(0, tariff − ETS price): the levy an ETS installation pays."""
    e, d = np.asarray(emissions_t, dtype=float), np.asarray(dispensation_rights_t, dtype=float)
    rate = np.maximum(0.0, np.asarray(tariff_eur_per_t, dtype=float) - np.asarray(ets_price_eur_per_t, dtype=float))
    return np.maximum(0.0, e - d) * rate


def additional_reduction_t(emissions_before_t, reduction_t, dispensation_rights_t):
    """The part of a reduction that takes emissions below the dispensation-rights level, in [0, reduction].

    additional = clamp(DPR − (emissions_before − reduction), 0, reduction)  (seed 000: "afgezet tegen het
    reductiepad van de CO2-heffing in 2030").
    """
    before = np.asarray(emissions_before_t, dtype=float)
    reduction = np.asarray(reduction_t, dtype=float)
    dpr = np.asarray(dispensation_rights_t, dtype=float)
    if np.any(reduction < 0):
        raise ValueError("een reductie kan niet negatief zijn")
    return np.clip(dpr - (before - reduction), 0.0, reduction)


def regimes() -> list[dict]:
    """The regimes with their metadata, oldest first (for the UI)."""
    return [
        {"code": r.code, "name": r.name, "first_year": r.first_year, "source": r.source, "latest": r.code == LATEST_REGIME}
        for r in sorted(REGIMES.values(), key=lambda r: r.first_year)
    ]
