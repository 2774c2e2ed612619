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

from .types import ArrayLike, Floats

SOURCED, DERIVED, INTERPOLATED, UNKNOWN = "sourced", "derived", "interpolated", "unknown"
RULE, ASSUMED = "rule", "assumed"  # follows from the law's structure; a modelling assumption (shown as such)


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
            RULE: "volgt uit de wet",
            ASSUMED: "aanname, niet gebrond",
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


def _vectorised(year: ArrayLike, regime: str | None, table: str) -> Floats:
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


def reduction_factor(year: ArrayLike, regime: str | None = None) -> Floats:
    """Reduction factor (*reductiefactor*) of the dispensation rights in ``year`` (NaN where unknown)."""
    return _vectorised(year, regime, "reduction_factor")


def tariff(year: ArrayLike, regime: str | None = None) -> Floats:
    """Levy tariff (*heffingstarief*) in EUR per tonne CO2 in ``year`` (NaN where unknown)."""
    return _vectorised(year, regime, "tariff_eur_per_t")


def dispensation_rights_t(benchmark_allocation_t: ArrayLike, year: ArrayLike, regime: str | None = None) -> np.ndarray:
    """DPR(y) = benchmark allocation (default proxy: the registry's free allocation) × reduction_factor(y)."""
    return np.asarray(benchmark_allocation_t, dtype=float) * reduction_factor(year, regime)


def levy_due_eur(emissions_t: ArrayLike, dispensation_rights_t: ArrayLike, tariff_eur_per_t: ArrayLike, ets_price_eur_per_t: ArrayLike) -> np.ndarray:
    """max(0, emissions − DPR) × max(0, tariff − ETS price): the levy an ETS installation pays."""
    e, d = np.asarray(emissions_t, dtype=float), np.asarray(dispensation_rights_t, dtype=float)
    rate = np.maximum(0.0, np.asarray(tariff_eur_per_t, dtype=float) - np.asarray(ets_price_eur_per_t, dtype=float))
    return np.maximum(0.0, e - d) * rate


def dispensation_rights_path_t(level_t: float, level_year: int, years: ArrayLike, regime: str | None = None) -> np.ndarray:
    """DPR(y) = level × reduction_factor(y) / reduction_factor(level_year): a dispensation-rights level known
    for one year carried along the regime's reduction path. NaN where the factor is unknown (all NaN when
    the level year's own factor is)."""
    return np.asarray(float(level_t) * reduction_factor(years, regime) / float(reduction_factor(level_year, regime)))


@dataclass(frozen=True)
class AvoidedLevy:
    """The levy a reduction avoids per price scenario and year, and in which years it is known."""

    eur: np.ndarray  # (scenarios, years); 0 where ``known`` is False
    known: np.ndarray  # (years,) True where both the tariff and the dispensation rights are known


def avoided_levy_eur(
    emissions_before_t: float, reduction_t: float, dispensation_rights_t: ArrayLike, tariff_eur_per_t: ArrayLike, ets_price_eur_per_t: ArrayLike
) -> AvoidedLevy:
    """levy_due(before) − levy_due(before − reduction) per year (:func:`levy_due_eur`), for each ETS price
    path (rows of ``ets_price_eur_per_t``); years with an unknown tariff or DPR avoid nothing known (0)."""
    tariffs = np.asarray(tariff_eur_per_t, dtype=float)
    dpr = np.asarray(dispensation_rights_t, dtype=float)
    known = ~np.isnan(tariffs) & ~np.isnan(dpr)
    with np.errstate(invalid="ignore"):
        before = levy_due_eur(emissions_before_t, dpr, tariffs, ets_price_eur_per_t)
        after = levy_due_eur(emissions_before_t - reduction_t, dpr, tariffs, ets_price_eur_per_t)
    return AvoidedLevy(np.where(known, before - after, 0.0), known)


def additional_reduction_t(emissions_before_t: ArrayLike, reduction_t: ArrayLike, dispensation_rights_t: ArrayLike) -> np.ndarray:
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


# --- The levy for every installation kind (issue 16, point 4) -------------------------------------------------
#
# ETS installations deduct the EU ETS price fixed for the year (NEa: the average of the EUA December future in
# September-October of the year before) from the tariff; installations outside the EU ETS (waste incinerators,
# N2O sources before they enter the ETS) have no ETS price to deduct and their own dispensation-rights base.

ETS, WASTE_INCINERATOR, N2O = "ets", "waste_incinerator", "n2o"
KINDS = {
    ETS: "EU ETS-installatie",
    WASTE_INCINERATOR: "afvalverbrandingsinstallatie (AVI), buiten het EU ETS",
    N2O: "N2O-installatie buiten het EU ETS",
}
_KIND_ALIASES = {"": ETS, "ets": ETS, "eu_ets": ETS, "avi": WASTE_INCINERATOR, "waste": WASTE_INCINERATOR,
                 "waste_incinerator": WASTE_INCINERATOR, "incinerator": WASTE_INCINERATOR, "n2o": N2O}

NEA_ETS_2022 = "NEa: voor 2022 vastgestelde ETS-prijs EUR 60,78 (lager dan het tarief van 41,75: ETS-installaties betaalden in 2022 geen heffing)"
ETS_PRICE_FIXED: dict[int, Value] = {2022: Value(60.78, SOURCED, NEA_ETS_2022)}
_ETS_PRICE_UNKNOWN = "ETS-prijs voor dit jaar niet vastgelegd (NEa-publicatie nog niet ingevoerd)"
_NO_ETS_PRICE = Value(0.0, RULE, "buiten het EU ETS: geen ETS-prijs in mindering op het tarief (DOMAIN.md §2)")

BP_2026_AVI = BP_2026 + " (AVI's)"
AVI_FIRST_YEAR, AVI_LAST_YEAR = 2026, 2033
AVI_TARIFF: dict[int, Value] = {2030: Value(295.0, SOURCED, BP_2026_AVI + ": tarief stijgt naar EUR 295/t in 2030")}
AVI_CORRECTION: dict[int, Value] = {
    2033: Value(0.0, SOURCED, BP_2026_AVI + ": correctiefactor daalt tot 0 in 2033"),
}
_AVI_TARIFF_GAP = BP_2026_AVI + ": tarief in de jaren vóór 2030 niet gebrond (stijgend naar 295 in 2030)"
_AVI_CORRECTION_GAP = BP_2026_AVI + ": pad van de correctiefactor vóór 2033 niet gebrond (daalt tot 0 in 2033)"
_AVI_RF = Value(1.0, ASSUMED, BP_2026_AVI + ": dispensatierechten = eigen basis × correctiefactor (aangenomen: geen aparte reductiefactor)")


def normalise_kind(kind: str | None) -> str:
    """The levy kind of an installation (``ets``, ``waste_incinerator``, ``n2o``); unknown names are refused."""
    key = (kind or "").strip().lower()
    if key not in _KIND_ALIASES:
        raise ValueError(f"onbekende installatiesoort {kind!r} voor de heffing; kies uit {', '.join(KINDS)}")
    return _KIND_ALIASES[key]


def ets_price_fixed_provenance(year: int) -> Value:
    """The EU ETS price the NEa fixed for ``year`` for the levy, or unknown."""
    return ETS_PRICE_FIXED.get(int(year), Value(math.nan, UNKNOWN, _ETS_PRICE_UNKNOWN))


def ets_price_fixed(year: int) -> float:
    return ets_price_fixed_provenance(year).value


def _governing(year: int, regime: str | None) -> Regime | None:
    for r in _chain(regime):
        if year >= r.first_year:
            return r
    return None


def _avi_regime_applies(year: int, regime: str | None) -> bool:
    governing = _governing(year, regime)
    return governing is not None and governing.code == "2026" and year >= AVI_FIRST_YEAR


@dataclass(frozen=True)
class Parameters:
    """The levy parameters of one installation kind in one year under one regime, each with provenance."""

    kind: str
    year: int
    regime: str
    reduction_factor: Value
    correction_factor: Value | None  # AVI's under the 2026 regime only
    tariff: Value
    ets_price: Value


def parameters(year: int, regime: str | None = None, kind: str = ETS) -> Parameters:
    year, kind = int(year), normalise_kind(kind)
    code = regime or LATEST_REGIME
    _chain(code)  # validates
    if kind == WASTE_INCINERATOR and _avi_regime_applies(year, code):
        tariff_v = AVI_TARIFF.get(year, Value(math.nan, UNKNOWN, _AVI_TARIFF_GAP if year < 2030 else "buiten het gebronde pad"))
        if year > AVI_LAST_YEAR:
            correction = Value(math.nan, UNKNOWN, "na 2033 niet gebrond")
        else:
            correction = AVI_CORRECTION.get(year, Value(math.nan, UNKNOWN, _AVI_CORRECTION_GAP))
        return Parameters(kind, year, code, _AVI_RF, correction, tariff_v, _NO_ETS_PRICE)
    ets_price = ets_price_fixed_provenance(year) if kind == ETS else _NO_ETS_PRICE
    return Parameters(kind, year, code, reduction_factor_provenance(year, code), None, tariff_provenance(year, code), ets_price)


def _nl(x: float, decimals: int = 3) -> str:
    """A factor the Dutch way: 0,667; 1,2."""
    text = f"{x:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{x:.0f}"
    return text.replace(".", ",")


@dataclass(frozen=True)
class InstallationLevy:
    """Dispensation rights and levy due of one installation in one year: NaN (with its reason) where unknown."""

    params: Parameters
    dispensation_rights_t: float
    basis: str
    emissions_t: float | None
    levy_per_t_eur: float
    levy_due_eur: float
    unknown: tuple[str, ...]

    def as_dict(self) -> dict:
        p = self.params
        def fin(v: float | None, digits: int = 2) -> float | None:
            return None if v is None or not math.isfinite(v) else round(float(v), digits)

        return {
            "kind": p.kind,
            "year": p.year,
            "regime": p.regime,
            "dispensation_rights_t": fin(self.dispensation_rights_t),
            "dispensation_rights_basis": self.basis,
            "reduction_factor": fin(p.reduction_factor.value, 4),
            "reduction_factor_source": f"{p.reduction_factor.label}: {p.reduction_factor.source}",
            "correction_factor": None if p.correction_factor is None else fin(p.correction_factor.value, 4),
            "correction_factor_source": None if p.correction_factor is None else f"{p.correction_factor.label}: {p.correction_factor.source}",
            "tariff_eur_per_t": fin(p.tariff.value),
            "tariff_source": f"{p.tariff.label}: {p.tariff.source}",
            "ets_price_eur_per_t": fin(p.ets_price.value),
            "ets_price_source": f"{p.ets_price.label}: {p.ets_price.source}",
            "emissions_t": fin(self.emissions_t),
            "levy_due_eur": fin(self.levy_due_eur),
            "unknown": list(self.unknown),
        }


def installation_levy(
    kind: str,
    year: int,
    regime: str | None = None,
    *,
    benchmark_t: float | None = None,
    benchmark_basis: str = "",
    rights_t: float | None = None,
    rights_basis: str = "",
    emissions_t: float | None = None,
) -> InstallationLevy:
    """DPR = entered rights, else benchmark × reduction factor (× AVI correction factor); levy due from it.

    ``rights_t`` (an NEa figure) overrides ``benchmark_t``. Without either, the rights are unknown; so is the
    levy, except when the levy per tonne is known to be zero (ETS price above the tariff, as in 2022).
    """
    p = parameters(year, regime, kind)
    unknown: list[str] = []
    factor = p.reduction_factor.value * (1.0 if p.correction_factor is None else p.correction_factor.value)
    if rights_t is not None:
        dpr, basis = float(rights_t), rights_basis or "ingevoerd"
    elif benchmark_t is not None:
        if p.correction_factor is not None and p.correction_factor.value == 0.0:
            dpr, basis = 0.0, f"{benchmark_basis} × correctiefactor 0 ({p.year})"
        elif math.isnan(factor):
            dpr, basis = math.nan, f"{benchmark_basis} × onbekende factor"
            unknown.append(f"factor onbekend: {(p.correction_factor if p.correction_factor is not None and math.isnan(p.correction_factor.value) else p.reduction_factor).source}")
        else:
            label = _nl(p.reduction_factor.value)
            if p.correction_factor is not None:
                label = f"correctiefactor {_nl(p.correction_factor.value)}"
            dpr, basis = float(benchmark_t) * factor, f"{benchmark_basis} × {label}"
    else:
        dpr, basis = math.nan, "onbekend"
        unknown.append(
            "geen basis voor de dispensatierechten: voor ETS-installaties de vrije toewijzing, voor N2O- en "
            "AVI-installaties een eigen basis (voer het NEa-cijfer in)"
        )
    rate = p.tariff.value - p.ets_price.value
    if math.isnan(p.tariff.value):
        unknown.append(f"tarief onbekend: {p.tariff.source}")
    if math.isnan(p.ets_price.value):
        unknown.append(f"ETS-prijs onbekend: {p.ets_price.source}")
    rate = max(0.0, rate) if not math.isnan(rate) else math.nan
    if emissions_t is None:
        due = math.nan
        unknown.append(f"geen geverifieerde emissies voor {p.year}")
    elif rate == 0.0:
        due = 0.0  # nothing to pay per tonne, whatever the rights are
    elif math.isnan(dpr) or math.isnan(rate):
        due = math.nan
    else:
        due = max(0.0, float(emissions_t) - dpr) * rate
    return InstallationLevy(p, dpr, basis, None if emissions_t is None else float(emissions_t), rate, due, tuple(unknown))
