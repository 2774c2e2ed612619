from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.csvfiles import ImportFileError
from maatwerk.registry.pollutants import map_facilities


class Command(BaseCommand):
    help = (
        "Koppel EEA-faciliteiten aan installaties of bedrijven: CSV met kolommen facility_id en installation (EUTL-id, "
        "het bedrijf volgt uit de installatie) en/of company (naam of slug). Alles of niets."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            report = map_facilities(file.read_bytes(), file.name)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        except ImportFileError as exc:
            raise CommandError(f"{exc}\nEr is niets opgeslagen.") from None
        self.stdout.write(
            f"{report.mapped_to_installation} faciliteiten aan een installatie en {report.mapped_to_company} direct aan een "
            f"bedrijf gekoppeld; {report.unchanged} ongewijzigd."
        )
