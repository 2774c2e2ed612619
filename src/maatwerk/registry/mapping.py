"""The company mapping: which EU ETS account holders and installations belong to which programme company.

CSV columns: ``company, sector, country, account_holder, installation``. Each row maps either an
account holder (by its exact registry name in ``country``) or one installation (by EUTL id, which
overrides its account holder's company) to ``company``. A company that does not exist yet is created
with ``sector``. Loading is all-or-nothing; errors name the file, line and column.

A new company's slug (its URL) comes from its name: a name with no letter or digit to make one from
('!!!') is refused, since it is almost certainly a slip and a made-up slug would hide it; a slug that is
already taken by another company ('Foo B.V.' next to 'Foo BV') gets a number ('foo-bv-2').
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from maatwerk.core.csvfiles import csv_rows

from .eutl import EUTL_ID, ImportFileError
from .models import Company, Installation, Operator, Sector, unique_slug

MAPPING_COLUMNS = ("company", "sector", "country", "account_holder", "installation")
MAPPING_LIMITS = {"company": 200, "sector": 40, "country": 40, "account_holder": 300, "installation": 40}


@dataclass
class MappingReport:
    companies_created: int = 0
    operators_mapped: int = 0
    operators_created: int = 0
    installations_mapped: int = 0
    installations_missing: int = 0


def load_company_mapping(data: bytes, file_name: str) -> MappingReport:
    rows = list(csv_rows(data, file_name, MAPPING_COLUMNS, max_lengths=MAPPING_LIMITS))
    report = MappingReport()
    with transaction.atomic():
        for line, row in rows:
            if not row["company"]:
                raise ImportFileError(file_name, "bedrijfsnaam ontbreekt", line, "company")
            if bool(row["account_holder"]) == bool(row["installation"]):
                raise ImportFileError(
                    file_name, "vul precies één van account_holder en installation in", line, "account_holder"
                )
            if row["sector"] and row["sector"] not in Sector.values:
                raise ImportFileError(
                    file_name, f"onbekende sector {row['sector']!r}; kies uit {', '.join(Sector.values)}", line, "sector"
                )
            company = Company.objects.filter(name=row["company"]).first()
            if company is None:
                if not row["sector"]:
                    raise ImportFileError(file_name, "nieuw bedrijf zonder sector", line, "sector")
                if not slugify(row["company"]):
                    raise ImportFileError(
                        file_name,
                        f"bedrijfsnaam {row['company']!r} bevat geen letters of cijfers om een adres (slug) van te maken",
                        line,
                        "company",
                    )
                try:
                    with transaction.atomic():
                        company = Company.objects.create(
                            name=row["company"], slug=unique_slug(row["company"]), sector=row["sector"]
                        )
                except IntegrityError:  # a concurrent import took the name or slug in the meantime
                    raise ImportFileError(
                        file_name, f"bedrijf {row['company']!r} kon niet worden aangemaakt; probeer het opnieuw", line, "company"
                    ) from None
                report.companies_created += 1
            if row["account_holder"]:
                country = row["country"].upper()
                if len(country) != 2 or not (country.isascii() and country.isalpha()):
                    raise ImportFileError(file_name, f"{row['country']!r} is geen landcode van twee letters", line, "country")
                operator, created = Operator.objects.get_or_create(country=country, name=row["account_holder"])
                report.operators_created += created
                if operator.company_id != company.pk:
                    operator.company = company
                    operator.save(update_fields=["company"])
                report.operators_mapped += 1
            else:
                if not EUTL_ID.fullmatch(row["installation"]):
                    raise ImportFileError(
                        file_name, f"{row['installation']!r} is geen EUTL-id van de vorm LL-nummer (bijv. NL-340)", line, "installation"
                    )
                updated = Installation.objects.filter(eutl_id=row["installation"]).update(company=company)
                report.installations_mapped += updated
                report.installations_missing += not updated
    return report
