"""Inputs of the levy per installation: dispensation rights from the registry or an entered (NEa) figure.

Per installation and year (DOMAIN.md §2, issue 16 point 3):
  * an entered :class:`DispensationRightsEntry` for the year (and regime, or for any regime) is used as is;
  * else, for an ETS installation, the registry's free allocation of the latest year up to the one asked is the
    proxy for the benchmark allocation, times the regime's reduction factor;
  * installations outside the EU ETS (waste incinerators, N2O) have their own base: without an entered figure
    their rights stay unknown.

The installation's kind is read as ``getattr(installation, "levy_kind", "ets")``: the registry may or may not hold
the kind yet; every installation without it counts as an EU ETS installation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from maatwerk.engine import levy
from maatwerk.registry.models import Company, EmissionRecord, Installation
from maatwerk.registry.selectors import company_installations

from .models import DispensationRightsEntry


def installation_kind(installation) -> str:
    return levy.normalise_kind(getattr(installation, "levy_kind", levy.ETS) or levy.ETS)


class _Inputs:
    """Registry records and entered rights of a set of installations, read once."""

    def __init__(self, installations):
        self.installations = list(installations)
        ids = [i.pk for i in self.installations]
        self.records: dict[int, dict[int, tuple]] = {}
        for inst, year, ve, fa in EmissionRecord.objects.filter(installation_id__in=ids).values_list(
            "installation_id", "year", "verified_emissions_t", "free_allocation_t"
        ):
            self.records.setdefault(inst, {})[year] = (ve, fa)
        self.entries: dict[tuple[int, int, str], DispensationRightsEntry] = {
            (e.installation_id, e.year, e.regime): e for e in DispensationRightsEntry.objects.filter(installation_id__in=ids)
        }

    def free_allocation(self, installation, year: int) -> tuple[int, int] | None:
        """(tonnes, year) of the latest free allocation up to ``year``."""
        years = [(y, fa) for y, (_, fa) in self.records.get(installation.pk, {}).items() if y <= year and fa is not None]
        if not years:
            return None
        y, fa = max(years)
        return fa, y

    def emissions(self, installation, year: int) -> int | None:
        return self.records.get(installation.pk, {}).get(year, (None, None))[0]

    def entry(self, installation, year: int, regime: str) -> DispensationRightsEntry | None:
        return self.entries.get((installation.pk, year, regime)) or self.entries.get((installation.pk, year, ""))

    def levy(self, installation, year: int, regime: str) -> levy.InstallationLevy:
        kind = installation_kind(installation)
        entry = self.entry(installation, year, regime)
        kwargs = {}
        if entry is not None:
            kwargs = {"rights_t": entry.rights_t, "rights_basis": f"ingevoerd: {entry.source}"}
        elif kind == levy.ETS:
            fa = self.free_allocation(installation, year)
            if fa is not None:
                kwargs = {"benchmark_t": fa[0], "benchmark_basis": f"vrije toewijzing {fa[1]}"}
        return levy.installation_levy(kind, year, regime, emissions_t=self.emissions(installation, year), **kwargs)


@dataclass
class CompanyLevy:
    company: Company
    year: int
    regime: str
    rows: list[tuple[Installation, levy.InstallationLevy]] = field(default_factory=list)

    @property
    def dispensation_rights_t(self) -> float:
        """The sum over the installations; NaN when any is unknown (a partial sum would understate it)."""
        if not self.rows:
            return math.nan
        return math.fsum(r.dispensation_rights_t for _, r in self.rows)

    @property
    def levy_due_eur(self) -> float:
        if not self.rows:
            return math.nan
        return math.fsum(r.levy_due_eur for _, r in self.rows)

    def as_dict(self) -> dict:
        def fin(v):
            return None if not math.isfinite(v) else round(v, 2)

        installations = []
        for inst, r in self.rows:
            installations.append({"eutl_id": inst.eutl_id, "installation": inst.name, **r.as_dict()})
        return {
            "company": self.company.name,
            "year": self.year,
            "regime": self.regime,
            "installations": installations,
            "total": {
                "dispensation_rights_t": fin(self.dispensation_rights_t),
                "levy_due_eur": fin(self.levy_due_eur),
                "unknown": sorted({u for _, r in self.rows for u in r.unknown}) or ([] if self.rows else ["geen installaties in het register"]),
            },
        }


def _check(year, regime: str | None) -> tuple[int, str]:
    regime = regime or levy.LATEST_REGIME
    if regime not in levy.REGIMES:
        raise ValueError(f"onbekend heffingsregime {regime!r}; kies uit {', '.join(levy.REGIMES)}")
    if not isinstance(year, int) or not 2021 <= year <= 2050:
        raise ValueError(f"het jaar {year!r} ligt niet tussen 2021 (begin van de heffing) en 2050")
    return year, regime


def company_levy(company: Company, year: int, regime: str | None = None) -> CompanyLevy:
    year, regime = _check(year, regime)
    installations = company_installations(company).order_by("eutl_id")
    inputs = _Inputs(installations)
    result = CompanyLevy(company, year, regime)
    result.rows = [(i, inputs.levy(i, year, regime)) for i in inputs.installations]
    return result


def company_rights_path(company: Company, years, regime: str) -> tuple[list[float], list[str]]:
    """The company's total dispensation rights per year (NaN where any installation is unknown) and the bases."""
    inputs = _Inputs(company_installations(company).order_by("eutl_id"))
    if not inputs.installations:
        return [math.nan for _ in years], []
    totals, bases = [], []
    for y in years:
        rows = [(i, inputs.levy(i, int(y), regime)) for i in inputs.installations]
        totals.append(math.fsum(r.dispensation_rights_t for _, r in rows))
        bases.append("; ".join(f"{i.eutl_id}: {r.basis}" for i, r in rows))
    return totals, bases


def company_verified_emissions(company: Company, year: int) -> float | None:
    """The company's verified emissions in ``year`` from the registry, or None when any installation lacks them."""
    inputs = _Inputs(company_installations(company))
    if not inputs.installations:
        return None
    values = [inputs.emissions(i, year) for i in inputs.installations if year in inputs.records.get(i.pk, {})]
    if not values or any(v is None for v in values):
        return None
    return float(sum(values))


def enter_rights(installation: Installation, year: int, rights_t: float, source: str, regime: str = "", user=None) -> DispensationRightsEntry:
    """Record (or replace) an entered figure; validated, nothing written on a bad input."""
    entry = DispensationRightsEntry.objects.filter(installation=installation, year=year, regime=regime).first()
    entry = entry or DispensationRightsEntry(installation=installation, year=year, regime=regime)
    entry.rights_t, entry.source, entry.recorded_by = rights_t, source, user
    entry.full_clean()
    entry.save()
    return entry
