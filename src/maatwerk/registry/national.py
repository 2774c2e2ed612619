"""Installations outside the EU ETS under the national CO2 levy: waste incinerators (AVI's) and N2O
sources before they enter the ETS, with their own yearly figures and the source of each.

They are in neither the EUTL nor the NEa's list of ETS permits, so they come from a CSV of their own,
one line per installation and year::

    installation_id,name,company,levy_kind,province,year,emissions_t,source
    NL-NAT-1,AVI Voorbeeld,Voorbeeld Afval B.V.,incinerator,Noord-Holland,2022,123456,jaarverslag 2022 p. 12

``installation_id`` has the form LL-NAT-number (never an EUTL id); ``levy_kind`` is ``incinerator``
or ``n2o``; ``emissions_t`` is whole tonnes CO2-equivalent; ``source`` (who published the figure,
where) is required. Optional columns: ``province``, ``city``. A company not yet in the registry is
created (sector waste incineration for an incinerator, industry for N2O) and listed in the report.

All or nothing: any error raises :class:`ImportFileError` naming file, line and column and writes
nothing. Idempotent: only what differs is written; a file imported before that changes nothing
leaves no trace. Provenance: an :class:`ImportRun` of kind ``national``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from maatwerk.core.csvfiles import ImportFileError, csv_rows, parse_int

from .models import NATIONAL_ID_PATTERN, Company, EmissionRecord, ImportRun, Installation, LevyKind, Operator, Sector
from .services import read_import_file, sha256_of

NATIONAL_KIND = "national"
REQUIRED = ("installation_id", "name", "company", "levy_kind", "year", "emissions_t", "source")
NATIONAL_LEVY_KINDS = (LevyKind.INCINERATOR.value, LevyKind.N2O.value)
SECTOR_OF_KIND = {LevyKind.INCINERATOR.value: Sector.WASTE, LevyKind.N2O.value: Sector.INDUSTRY}
_NATIONAL_ID = re.compile(NATIONAL_ID_PATTERN)
MAX_TONNES = 1_000_000_000  # one Gt: no installation comes near; more means a wrong unit
_FIELD = {f.name: f for f in Installation._meta.concrete_fields}
_MAX_LENGTHS = {
    "installation_id": _FIELD["eutl_id"].max_length,
    "name": _FIELD["name"].max_length,
    "company": Company._meta.get_field("name").max_length,
    "province": _FIELD["province"].max_length,
    "city": _FIELD["city"].max_length,
    "source": EmissionRecord._meta.get_field("source").max_length,
    "levy_kind": 40,
    "year": 10,
    "emissions_t": 40,
}
# fields of an installation that must be the same on each of its lines
_INSTALLATION_COLUMNS = ("name", "company", "levy_kind", "province", "city")


@dataclass
class NationalRow:
    line: int
    installation_id: str
    name: str
    company: str
    levy_kind: str
    province: str
    city: str
    years: dict[int, tuple[int, str, int]] = field(default_factory=dict)  # year -> (t, source, line)

    @property
    def country(self) -> str:
        return self.installation_id[:2]


@dataclass
class NationalImportReport:
    file_name: str
    sha256: str
    already_imported: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    companies_created: list[str] = field(default_factory=list)


def parse_national(data: bytes, file_name: str) -> list[NationalRow]:
    """Read and check the whole file; the first problem raises ImportFileError (nothing is written)."""
    rows: dict[str, NationalRow] = {}
    for line, r in csv_rows(data, file_name, REQUIRED, max_lengths=_MAX_LENGTHS):
        values = {c: r.get(c, "") for c in (*REQUIRED, "province", "city")}
        for column in ("installation_id", "name", "company", "levy_kind", "year", "emissions_t", "source"):
            if not values[column]:
                hint = "; laat de regel weg als het cijfer onbekend is" if column == "emissions_t" else ""
                raise ImportFileError(file_name, f"leeg; deze kolom is verplicht{hint}", line, column)
        inst_id = values["installation_id"]
        if not _NATIONAL_ID.match(inst_id):
            raise ImportFileError(
                file_name,
                f"{inst_id!r} is geen id van een installatie buiten het ETS; gebruik de vorm LL-NAT-nummer, "
                "bijvoorbeeld NL-NAT-1 (een EUTL-id zoals NL-340 hoort bij het EU ETS: maatwerk import_eutl)",
                line,
                "installation_id",
            )
        kind = values["levy_kind"]
        if kind not in NATIONAL_LEVY_KINDS:
            extra = " (ETS-installaties komen uit het EUTL: maatwerk import_eutl)" if kind == LevyKind.ETS else ""
            raise ImportFileError(
                file_name,
                f"onbekende soort {kind!r}; kies uit {', '.join(NATIONAL_LEVY_KINDS)}{extra}",
                line,
                "levy_kind",
            )
        year = parse_int(values["year"], file_name, line, "year", 1990, 2100, what="jaartal")
        tonnes = parse_int(values["emissions_t"], file_name, line, "emissions_t", 0, MAX_TONNES, what="geheel aantal ton")
        row = rows.get(inst_id)
        if row is None:
            row = rows[inst_id] = NationalRow(
                line, inst_id, values["name"], values["company"], kind, values["province"], values["city"]
            )
        else:
            for column in _INSTALLATION_COLUMNS:
                if getattr(row, column) != values[column]:
                    raise ImportFileError(
                        file_name,
                        f"{values[column]!r} wijkt af van {getattr(row, column)!r} op regel {row.line} voor {inst_id}",
                        line,
                        column,
                    )
        if year in row.years:
            raise ImportFileError(
                file_name, f"{inst_id} {year} staat twee keer in het bestand (ook op regel {row.years[year][2]})", line, "installation_id"
            )
        row.years[year] = (tonnes, values["source"], line)
    if not rows:
        raise ImportFileError(file_name, "het bestand heeft geen regels onder de kopregel")
    return list(rows.values())


def import_national_file(path: Path | str, user: str | None = None) -> NationalImportReport:
    """Import one file of installations outside the ETS all-or-nothing (see the module's docstring)."""
    path, data, user = read_import_file(path, user)
    rows = parse_national(data, path.name)
    with transaction.atomic():
        return _store(path.name, sha256_of(data), rows, user)


def _company(name: str, kind: str, report: NationalImportReport) -> Company:
    company = Company.objects.filter(name=name).first() or Company.objects.filter(name__iexact=name).first()
    if company is None:
        company = Company.objects.create(name=name, sector=SECTOR_OF_KIND[kind])
        report.companies_created.append(name)
    return company


def _store(file_name: str, digest: str, rows: list[NationalRow], user: str) -> NationalImportReport:
    report = NationalImportReport(file_name, digest)
    seen_before = ImportRun.objects.filter(kind=NATIONAL_KIND, sha256=digest).exists()
    run = ImportRun.objects.create(kind=NATIONAL_KIND, file_name=file_name, sha256=digest, user=user, started_at=timezone.now())
    counts = dict.fromkeys(
        ["installations", "companies_created", "installations_created", "installations_updated", "records_created", "records_updated", "records_unchanged"],
        0,
    )
    counts["installations"] = len(rows)
    existing = {i.eutl_id: i for i in Installation.objects.filter(eutl_id__in=[r.installation_id for r in rows])}
    for row in rows:
        company = _company(row.company, row.levy_kind, report)
        # the EUTL's account holder has no meaning here: the operator is the company itself
        operator, _ = Operator.objects.get_or_create(country=row.country, name=company.name)
        values = {
            "name": row.name,
            "country": row.country,
            "levy_kind": row.levy_kind,
            "province": row.province,
            "city": row.city,
            "company_id": company.pk,
            "operator_id": operator.pk,
        }
        inst = existing.get(row.installation_id)
        if inst is None:
            inst = Installation.objects.create(eutl_id=row.installation_id, import_run=run, **values)
            counts["installations_created"] += 1
        elif any(getattr(inst, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(inst, f, v)
            inst.import_run = run
            inst.save()
            counts["installations_updated"] += 1
        old = {r.year: r for r in inst.records.all()}
        for year, (tonnes, source, _line) in sorted(row.years.items()):
            record = old.get(year)
            if record is None:
                EmissionRecord.objects.create(installation=inst, year=year, verified_emissions_t=tonnes, source=source, import_run=run)
                counts["records_created"] += 1
            elif (record.verified_emissions_t, record.source) != (tonnes, source):
                record.verified_emissions_t, record.source, record.import_run = tonnes, source, run
                record.save(update_fields=["verified_emissions_t", "source", "import_run"])
                counts["records_updated"] += 1
            else:
                counts["records_unchanged"] += 1
    counts["companies_created"] = len(report.companies_created)
    report.counts = counts
    changes = sum(v for k, v in counts.items() if k.endswith(("_created", "_updated")))
    if seen_before and not changes:
        run.delete()
        report.already_imported = True
    else:
        run.counts = counts
        run.finished_at = timezone.now()
        run.save(update_fields=["counts", "finished_at"])
    return report
