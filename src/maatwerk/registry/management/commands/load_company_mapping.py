from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maatwerk.registry.eutl import ImportFileError
from maatwerk.registry.mapping import load_company_mapping


class Command(BaseCommand):
    help = "Laad een CSV die rekeninghouders en installaties aan bedrijven koppelt (company,sector,country,account_holder,installation)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            report = load_company_mapping(file.read_bytes(), file.name)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        except ImportFileError as exc:
            raise CommandError(f"{exc}\nEr is niets opgeslagen.") from None
        self.stdout.write(
            f"{report.companies_created} bedrijven aangemaakt, {report.operators_mapped} rekeninghouders en "
            f"{report.installations_mapped} installaties gekoppeld"
            + (f", {report.installations_missing} installaties niet gevonden" if report.installations_missing else "")
            + "."
        )
