from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.csvfiles import ImportFileError
from maatwerk.registry.pollutants import UNIT_FACTOR, import_eea_file


class Command(BaseCommand):
    help = (
        "Importeer de emissies per faciliteit van de EEA (industrial reporting, opvolger van E-PRTR; CSV, kg per jaar). "
        "Alles of niets: bij een fout wordt niets opgeslagen. Een CO2-emissie van een aan een ETS-installatie gekoppelde "
        f"faciliteit die meer dan een factor {UNIT_FACTOR:g} van de geverifieerde ETS-emissie afwijkt, weigert het bestand."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV van de EEA (PublicationDate,countryName,reportingYear,…)")
        parser.add_argument("--user", default=None, help="naam voor de herkomstregistratie (standaard: login)")

    def handle(self, *args, file, user, **options):
        if not file.is_file():
            raise CommandError(f"{file}: bestand bestaat niet")
        try:
            report = import_eea_file(file, user=user)
        except ImportFileError as exc:
            raise CommandError(f"{exc}\nEr is niets opgeslagen.") from None
        c = report.counts
        if report.already_imported:
            self.stdout.write(f"{report.file_name}: al eerder geïmporteerd (sha256 {report.sha256[:12]}…); niets gewijzigd.")
        else:
            self.stdout.write(
                f"{report.file_name}: {c['rows']} regels; faciliteiten {c['facilities_created']} nieuw, "
                f"{c['facilities_updated']} gewijzigd; emissies {c['releases_created']} nieuw, {c['releases_updated']} gewijzigd, "
                f"{c['releases_unchanged']} ongewijzigd; {c['confidential']} vertrouwelijk (zonder waarde bewaard)."
            )
        for name, n in sorted(report.pollutants.items()):
            self.stdout.write(f"  {name}: {n}")
        if report.unmapped:
            self.stdout.write(
                f"Let op: {len(report.unmapped)} faciliteiten zijn nog niet aan een installatie of bedrijf gekoppeld "
                "(maatwerk map_facilities):"
            )
            for fid in report.unmapped:
                self.stdout.write(f"  {fid}")
