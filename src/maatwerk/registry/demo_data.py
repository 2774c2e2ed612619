"""Demo data of the registry: companies, their operator mapping and curated public EUTL figures."""

from __future__ import annotations

import csv
import io
from importlib import resources

from django.db import transaction

from .eutl import InstallationRow, YearFigures
from .mapping import load_company_mapping
from .models import Company
from .services import sha256_of, store_rows

DEMO = resources.files("maatwerk.registry") / "demo"


def _csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((DEMO / name).read_text(encoding="utf-8"), newline="")))


def _int(value: str) -> int | None:
    return int(value) if value.strip() else None


def figure_rows() -> list[InstallationRow]:
    rows: dict[str, InstallationRow] = {}
    for line, r in enumerate(_csv("figures.csv"), start=2):
        row = rows.get(r["eutl_id"])
        if row is None:
            row = rows[r["eutl_id"]] = InstallationRow(
                line=line,
                eutl_id=r["eutl_id"],
                country=r["eutl_id"].split("-")[0],
                name=r["name"],
                account_holder=r["account_holder"],
                registration_no="",
                activity_code=_int(r["activity_code"]),
                activity_label=r["activity_label"],
                permit_id="",
                address="",
                zip_code="",
                city=r["city"],
                first_year=None,
                last_year=None,
            )
        row.years[int(r["year"])] = YearFigures(
            _int(r["verified_emissions_t"]), _int(r["free_allocation_t"]), r["compliance_code"]
        )
    return list(rows.values())


def load() -> str:
    with transaction.atomic():
        for r in _csv("companies.csv"):
            Company.objects.update_or_create(
                name=r["name"],
                defaults={
                    "sector": r["sector"],
                    "subsector": r["subsector"],
                    "sites": r["sites"],
                    "provinces": r["provinces"],
                    "in_programme": r["in_programme"] == "yes",
                    "extension_reason": r["extension_reason"],
                    "notes": r["notes"],
                    "source": r["source"],
                },
            )
        figures = (DEMO / "figures.csv").read_bytes()
        store_rows("demo/figures.csv", sha256_of(figures), figure_rows(), user="load_demo", kind="demo")
        mapping = (DEMO / "mapping.csv").read_bytes()
        report = load_company_mapping(mapping, "demo/mapping.csv")
    return f"registry: {Company.objects.count()} bedrijven, {report.operators_mapped} koppelingen"
