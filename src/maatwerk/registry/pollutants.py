"""The EEA's industrial-reporting facility releases (E-PRTR's successor): reading, importing, mapping, reading back.

The file is the EEA's facility-level releases CSV, one row per facility, year, medium and pollutant, with
releases in kg a year. Reading goes through the strict shared reader (:mod:`maatwerk.core.csvfiles`):
a bad file is refused whole, naming file, line and column, and nothing is written.

Unit check: a facility mapped to an EU ETS installation reports CO2 (kg) that should be near the ETS
verified emissions (t) of the same year. A CO2 release more than :data:`UNIT_FACTOR` times above or
below it (after kg → t) is almost always a unit slip (kg written as t, or t as kg) or a wrong mapping:
the import (or the mapping) is refused with the line named, never stored silently.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from maatwerk.core.csvfiles import ImportFileError, csv_rows, parse_decimal, parse_int

from .eutl import EUTL_ID
from .models import Company, EmissionRecord, ImportRun, Installation
from .models_pollutants import Facility, FacilityRelease
from .services import read_import_file, sha256_of

EEA_KIND = "eea-releases"
EEA_SOURCE = "EEA industrial reporting"
EEA_COLUMNS = (
    "PublicationDate", "countryName", "reportingYear", "EPRTR_SectorCode", "EPRTR_SectorName",
    "EPRTRAnnexIMainActivity", "FacilityInspireId", "facilityName", "city", "Longitude", "Latitude",
    "addressConfidentialityReason", "TargetRelease", "Pollutant", "Releases", "confidentialityReason",
)
EEA_LIMITS = {
    "PublicationDate": 40, "countryName": 100, "FacilityInspireId": 100, "facilityName": 300, "city": 200,
    "EPRTR_SectorCode": 20, "EPRTRAnnexIMainActivity": 300, "TargetRelease": 10, "Pollutant": 200,
    "confidentialityReason": 300,
}
MEDIA = ("AIR", "WATER", "LAND")
MAX_RELEASE_KG = 1e12  # a billion tonnes: more than any facility emits of anything
UNIT_FACTOR = 100.0
# shown per company: (code, label); releases to air
SHOWN = (("NOX", "NOx"), ("NH3", "NH3"), ("SOX", "SOx"), ("PM10", "PM10"))
_CODE = re.compile(r"\(([A-Za-z0-9.,/ ]+)\)\s*\Z")


def pollutant_code(name: str) -> str:
    """The code the EEA puts in brackets at the end of a pollutant's name: 'Nitrogen oxides (NOx/NO2)' → 'NOX'."""
    m = _CODE.search(name)
    return m.group(1).split("/")[0].strip().upper().replace(" ", "") if m else ""


@dataclass(frozen=True)
class ReleaseRow:
    line: int
    facility_id: str
    facility_name: str
    country: str
    city: str
    sector_code: str
    main_activity: str
    year: int
    medium: str
    pollutant: str
    code: str
    releases_kg: float | None
    confidentiality_reason: str
    publication_date: str


def parse_eea(data: bytes, file_name: str) -> list[ReleaseRow]:
    """All rows of an EEA releases file, or :class:`ImportFileError` at the first problem."""
    rows: list[ReleaseRow] = []
    seen: dict[tuple, int] = {}
    for line, r in csv_rows(data, file_name, EEA_COLUMNS, max_lengths=EEA_LIMITS):
        def required(column: str) -> str:
            if not r[column]:
                raise ImportFileError(file_name, "waarde ontbreekt", line, column)
            return r[column]

        facility_id = required("FacilityInspireId")
        year = parse_int(r["reportingYear"], file_name, line, "reportingYear", 2000, 2100, "jaartal")
        medium = required("TargetRelease").upper()
        if medium not in MEDIA:
            raise ImportFileError(file_name, f"onbekend compartiment {r['TargetRelease']!r}; verwacht {', '.join(MEDIA)}", line, "TargetRelease")
        pollutant = required("Pollutant")
        confidential = r["confidentialityReason"]
        if r["Releases"]:
            value = parse_decimal(r["Releases"], file_name, line, "Releases", 0.0, MAX_RELEASE_KG, decimal_comma=False)
        elif confidential:
            value = None
        else:
            raise ImportFileError(file_name, "emissie ontbreekt (en de EEA geeft geen reden voor vertrouwelijkheid)", line, "Releases")
        for column, low, high in (("Longitude", -180.0, 180.0), ("Latitude", -90.0, 90.0)):
            if r[column]:
                parse_decimal(r[column], file_name, line, column, low, high, decimal_comma=False)
        key = (facility_id.upper(), year, medium, pollutant.casefold())
        if key in seen:
            raise ImportFileError(
                file_name,
                f"dubbele regel: {facility_id} {year} {medium} {pollutant!r} staat ook op regel {seen[key]}",
                line,
                "Pollutant",
            )
        seen[key] = line
        rows.append(
            ReleaseRow(
                line, facility_id, required("facilityName"), r["countryName"], r["city"], r["EPRTR_SectorCode"],
                r["EPRTRAnnexIMainActivity"], year, medium, pollutant, pollutant_code(pollutant),
                None if confidential else value, confidential, required("PublicationDate"),
            )
        )
    if not rows:
        raise ImportFileError(file_name, "het bestand bevat geen regels onder de kopregel")
    return rows


# --- the unit check --------------------------------------------------------------------------------


def unit_problem(co2_kg: float, ets_t: int | None) -> str | None:
    """Why a CO2 release (kg) cannot be right beside the ETS verified figure (t), or None if it can be."""
    if co2_kg is None or not ets_t or ets_t <= 0 or co2_kg <= 0:
        return None  # nothing to compare with
    ratio = (co2_kg / 1000.0) / ets_t
    if ratio > UNIT_FACTOR or ratio < 1.0 / UNIT_FACTOR:
        times = f"{_nl(ratio)} keer" if ratio >= 1 else f"1/{_nl(1 / ratio)} van"
        return (
            f"CO2 {_nl(co2_kg / 1000.0)} t (uit {_nl(co2_kg)} kg) is {times} de geverifieerde ETS-emissie van {_nl(ets_t)} t "
            f"(toegestaan: factor {_nl(UNIT_FACTOR)}); eenheid verkeerd (kg/t) of faciliteit aan de verkeerde installatie gekoppeld?"
        )
    return None


def _nl(value: float) -> str:
    """A whole number with Dutch thousands separators: 1.234.567."""
    return f"{value:,.0f}".replace(",", ".")


def _ets_figures(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    if not pairs:
        return {}
    installations = {i for i, _ in pairs}
    years = {y for _, y in pairs}
    return {
        (i, y): v
        for i, y, v in EmissionRecord.objects.filter(installation_id__in=installations, year__in=years, verified_emissions_t__isnull=False)
        .values_list("installation_id", "year", "verified_emissions_t")
    }


def _is_co2(code: str, medium: str) -> bool:
    return code == "CO2" and medium == "AIR"


# --- import ---------------------------------------------------------------------------------------


@dataclass
class EeaImportReport:
    file_name: str
    sha256: str
    already_imported: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    pollutants: dict[str, int] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)


_FACILITY_FIELDS = ("name", "country", "city", "sector_code", "main_activity")
_RELEASE_FIELDS = ("code", "releases_kg", "confidentiality_reason", "publication_date")


def import_eea_file(path: Path | str, user: str | None = None) -> EeaImportReport:
    """Import one EEA releases file all-or-nothing and idempotently (only what differs is written;
    a file imported before that changes nothing leaves no trace)."""
    path, data, user = read_import_file(path, user)
    rows = parse_eea(data, path.name)
    with transaction.atomic():
        return _store(path.name, sha256_of(data), rows, user)


def _store(file_name: str, digest: str, rows: list[ReleaseRow], user: str) -> EeaImportReport:
    report = EeaImportReport(file_name, digest)
    existing = {f.inspire_id.upper(): f for f in Facility.objects.select_for_update()}
    # the unit check against the mapping as it stands, before anything is written
    pairs = {
        (existing[r.facility_id.upper()].installation_id, r.year)
        for r in rows
        if _is_co2(r.code, r.medium) and r.facility_id.upper() in existing and existing[r.facility_id.upper()].installation_id
    }
    ets = _ets_figures(pairs)
    for r in rows:
        facility = existing.get(r.facility_id.upper())
        if facility is not None and facility.installation_id and _is_co2(r.code, r.medium):
            problem = unit_problem(r.releases_kg, ets.get((facility.installation_id, r.year)))
            if problem:
                raise ImportFileError(file_name, f"{r.facility_id} {r.year}: {problem}", r.line, "Releases")

    seen_before = ImportRun.objects.filter(kind=EEA_KIND, sha256=digest).exists()
    run = ImportRun.objects.create(kind=EEA_KIND, file_name=file_name, sha256=digest, user=user, started_at=timezone.now())
    counts = dict.fromkeys(
        ["rows", "facilities_created", "facilities_updated", "releases_created", "releases_updated", "releases_unchanged", "confidential"], 0
    )
    counts["rows"] = len(rows)
    new_facilities, changed = [], {}
    for r in rows:
        values = {"name": r.facility_name, "country": r.country, "city": r.city, "sector_code": r.sector_code, "main_activity": r.main_activity}
        facility = existing.get(r.facility_id.upper())
        if facility is None:
            facility = Facility(inspire_id=r.facility_id, import_run=run, **values)
            existing[r.facility_id.upper()] = facility
            new_facilities.append(facility)
        elif facility.pk and any(getattr(facility, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(facility, k, v)
            facility.import_run = run
            changed[facility.pk] = facility
    Facility.objects.bulk_create(new_facilities, batch_size=500)
    if new_facilities and new_facilities[0].pk is None:  # backends without RETURNING
        existing = {f.inspire_id.upper(): f for f in Facility.objects.all()}
    Facility.objects.bulk_update(list(changed.values()), [*_FACILITY_FIELDS, "import_run"], batch_size=500)
    counts["facilities_created"], counts["facilities_updated"] = len(new_facilities), len(changed)

    old = {
        (fid, year, medium, pollutant.casefold()): (pk, (code, kg, reason, pub))
        for pk, fid, year, medium, pollutant, code, kg, reason, pub in FacilityRelease.objects.values_list(
            "pk", "facility_id", "year", "medium", "pollutant", "code", "releases_kg", "confidentiality_reason", "publication_date"
        )
    }
    new_releases, changed_releases = [], []
    for r in rows:
        fid = existing[r.facility_id.upper()].pk
        values = (r.code, r.releases_kg, r.confidentiality_reason, r.publication_date)
        before = old.get((fid, r.year, r.medium, r.pollutant.casefold()))
        if before is None:
            new_releases.append(
                FacilityRelease(facility_id=fid, year=r.year, medium=r.medium, pollutant=r.pollutant, import_run=run, **dict(zip(_RELEASE_FIELDS, values)))
            )
        elif before[1] != values:
            changed_releases.append(FacilityRelease(pk=before[0], pollutant=r.pollutant, import_run=run, **dict(zip(_RELEASE_FIELDS, values))))
        else:
            counts["releases_unchanged"] += 1
        counts["confidential"] += bool(r.confidentiality_reason)
        report.pollutants[r.pollutant] = report.pollutants.get(r.pollutant, 0) + 1
    FacilityRelease.objects.bulk_create(new_releases, batch_size=1000)
    FacilityRelease.objects.bulk_update(changed_releases, ["pollutant", *_RELEASE_FIELDS, "import_run"], batch_size=1000)
    counts["releases_created"], counts["releases_updated"] = len(new_releases), len(changed_releases)
    in_file = {r.facility_id.upper() for r in rows}
    report.unmapped = sorted(f.inspire_id for k, f in existing.items() if k in in_file and not f.installation_id and not f.company_id)
    counts["unmapped"] = len(report.unmapped)
    report.counts = counts
    if seen_before and not (new_facilities or changed or new_releases or changed_releases):
        run.delete()
        report.already_imported = True
    else:
        run.counts = {**counts, "pollutants": report.pollutants}
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "finished_at"])
    return report


# --- mapping facilities to installations and companies -----------------------------------------------

MAP_LIMITS = {"facility_id": 100, "installation": 40, "company": 200}


@dataclass
class FacilityMappingReport:
    mapped_to_installation: int = 0
    mapped_to_company: int = 0
    unchanged: int = 0


def map_facilities(data: bytes, file_name: str) -> FacilityMappingReport:
    """Map facilities (``facility_id``) to an installation (``installation``, an EUTL id; the company follows
    from it) or to a company (``company``, its name or slug). All or nothing; the unit check runs on the
    new mapping for every CO2 release already imported."""
    rows = list(csv_rows(data, file_name, ("facility_id",), max_lengths=MAP_LIMITS))
    if not rows:
        raise ImportFileError(file_name, "het bestand bevat geen regels onder de kopregel")
    if "installation" not in rows[0][1] and "company" not in rows[0][1]:
        raise ImportFileError(file_name, "kolom installation of company ontbreekt", 1)
    report = FacilityMappingReport()
    with transaction.atomic():
        facilities = {f.inspire_id.upper(): f for f in Facility.objects.select_for_update()}
        seen: dict[str, int] = {}
        plan: list[tuple[int, Facility, Installation | None, Company | None]] = []
        for line, row in rows:
            fid = row["facility_id"]
            if not fid:
                raise ImportFileError(file_name, "facility_id ontbreekt", line, "facility_id")
            if fid.upper() in seen:
                raise ImportFileError(file_name, f"faciliteit {fid} staat ook op regel {seen[fid.upper()]}", line, "facility_id")
            seen[fid.upper()] = line
            facility = facilities.get(fid.upper())
            if facility is None:
                raise ImportFileError(file_name, f"faciliteit {fid!r} is onbekend; importeer eerst het EEA-bestand (import_eea)", line, "facility_id")
            eutl_id, company_name = row.get("installation", ""), row.get("company", "")
            if bool(eutl_id) == bool(company_name):
                raise ImportFileError(file_name, "vul precies één van installation en company in", line, "installation")
            installation = company = None
            if eutl_id:
                if not EUTL_ID.fullmatch(eutl_id):
                    raise ImportFileError(file_name, f"{eutl_id!r} is geen EUTL-id van de vorm LL-nummer (bijv. NL-340)", line, "installation")
                installation = Installation.objects.filter(eutl_id=eutl_id).first()
                if installation is None:
                    raise ImportFileError(file_name, f"installatie {eutl_id} staat niet in het register", line, "installation")
            else:
                company = Company.objects.filter(Q(name=company_name) | Q(slug=company_name)).first()
                if company is None:
                    raise ImportFileError(file_name, f"bedrijf {company_name!r} staat niet in het register", line, "company")
            plan.append((line, facility, installation, company))
        # the unit check on the new mapping
        co2 = defaultdict(list)
        for fid, year, kg in FacilityRelease.objects.filter(
            facility__in=[f for _, f, i, _ in plan if i], code="CO2", medium="AIR", releases_kg__isnull=False
        ).values_list("facility_id", "year", "releases_kg"):
            co2[fid].append((year, kg))
        ets = _ets_figures({(i.pk, y) for _, f, i, _ in plan if i for y, _ in co2[f.pk]})
        for line, facility, installation, _ in plan:
            if installation is None:
                continue
            for year, kg in sorted(co2[facility.pk]):
                problem = unit_problem(kg, ets.get((installation.pk, year)))
                if problem:
                    raise ImportFileError(file_name, f"{facility.inspire_id} → {installation.eutl_id}, {year}: {problem}", line, "installation")
        for _line, facility, installation, company in plan:
            new = (installation.pk if installation else None, company.pk if company else None)
            if (facility.installation_id, facility.company_id) == new:
                report.unchanged += 1
                continue
            facility.installation_id, facility.company_id = new
            facility.save(update_fields=["installation", "company"])
            if installation:
                report.mapped_to_installation += 1
            else:
                report.mapped_to_company += 1
    return report


# --- reading back ---------------------------------------------------------------------------------


@dataclass
class Cell:
    """A company's release of one pollutant in one year: tonnes, or confidential (no value shown)."""

    tonnes: float | None = None
    confidential: bool = False

    def shown(self):
        """For an export: the figure, 'vertrouwelijk', or None (not reported)."""
        return "vertrouwelijk" if self.confidential else self.tonnes

    @property
    def text(self) -> str:
        """For a page: tonnes with one decimal in Dutch notation, 'vertrouwelijk', or '—' (not reported)."""
        if self.confidential:
            return "vertrouwelijk"
        if self.tonnes is None:
            return "—"
        return f"{self.tonnes:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


@dataclass
class CompanyYear:
    year: int
    cells: dict[str, Cell]
    publications: list[str]

    @property
    def source(self) -> str:
        return f"{EEA_SOURCE}, publicatie {', '.join(self.publications)}"


def releases_by_company(company_ids=None) -> dict[int, list[CompanyYear]]:
    """Releases to air of NOx, NH3, SOx and PM10 per company and year, in tonnes.

    A facility belongs to the company it is mapped to, else to its installation's company (the
    installation's own company, else its account holder's: as :func:`selectors.company_installations`).
    A cell with any confidential release in it shows no figure at all: a partial sum would mislead,
    and with the other facilities' figures known it would give the confidential one away.
    """
    codes = [c for c, _ in SHOWN]
    qs = FacilityRelease.objects.filter(medium="AIR", code__in=codes).values_list(
        "facility__company_id", "facility__installation__company_id", "facility__installation__operator__company_id",
        "year", "code", "releases_kg", "confidentiality_reason", "publication_date",
    )
    grouped: dict[int, dict[int, CompanyYear]] = defaultdict(dict)
    for direct, via_installation, via_operator, year, code, kg, reason, publication in qs:
        company = direct or via_installation or via_operator
        if company is None or (company_ids is not None and company not in company_ids):
            continue
        cy = grouped[company].get(year)
        if cy is None:
            cy = grouped[company][year] = CompanyYear(year, {c: Cell() for c in codes}, [])
        cell = cy.cells[code]
        if reason:
            cell.confidential, cell.tonnes = True, None
        elif not cell.confidential:
            cell.tonnes = (cell.tonnes or 0.0) + kg / 1000.0
        if publication not in cy.publications:
            cy.publications.append(publication)
    out = {}
    for company, years in grouped.items():
        for cy in years.values():
            cy.publications.sort()
        out[company] = [years[y] for y in sorted(years)]
    return out
