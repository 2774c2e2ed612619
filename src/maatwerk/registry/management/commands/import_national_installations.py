from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.csvfiles import ImportFileError
from maatwerk.registry.national import import_national_file


class Command(BaseCommand):
    help = (
        "Importeer installaties buiten het EU ETS onder de nationale CO2-heffing (afvalverbrandingsinstallaties, "
        "N2O-installaties) met hun emissies per jaar en de bron van elk cijfer. CSV met de kolommen "
        "installation_id,name,company,levy_kind,province,year,emissions_t,source (id: LL-NAT-nummer; levy_kind: "
        "incinerator of n2o). Alles of niets: bij een fout wordt niets opgeslagen."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV-bestand")
        parser.add_argument("--user", default=None, help="naam voor de herkomstregistratie (standaard: login)")

    def handle(self, *args, file, user, **options):
        if not file.is_file():
            raise CommandError(f"{file}: bestand bestaat niet")
        try:
            report = import_national_file(file, user=user)
        except ImportFileError as exc:
            raise CommandError(f"{exc}\nEr is niets opgeslagen.") from None
        c = report.counts
        if report.already_imported:
            self.stdout.write(f"{report.file_name}: al eerder geïmporteerd (sha256 {report.sha256[:12]}…); niets gewijzigd.")
            return
        self.stdout.write(
            f"{report.file_name}: {c['installations']} installaties buiten het ETS ({c['installations_created']} nieuw, "
            f"{c['installations_updated']} gewijzigd), jaarcijfers: {c['records_created']} nieuw, "
            f"{c['records_updated']} gewijzigd, {c['records_unchanged']} ongewijzigd."
        )
        for name in report.companies_created:
            self.stdout.write(f"  nieuw bedrijf aangemaakt: {name}")
