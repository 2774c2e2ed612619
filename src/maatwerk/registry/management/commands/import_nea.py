from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maatwerk.registry.nea import ImportFileError
from maatwerk.registry.nea_import import import_nea_file


class Command(BaseCommand):
    help = (
        "Importeer de jaarlijkse publicatie van de NEa (geverifieerde emissies per ETS-vergunning, ODS of XLSX). "
        "Alles of niets: bij een fout wordt niets opgeslagen. Rijen worden via het vergunningnummer aan installaties "
        "in het register gekoppeld; niet-gekoppelde rijen worden bewaard en getoond."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="NEa-bestand (bijv. emissiecijfers-2013-2020.ods)")
        parser.add_argument("--user", default=None, help="naam voor de herkomstregistratie (standaard: login)")

    def handle(self, *args, file, user, **options):
        if not file.is_file():
            raise CommandError(f"{file}: bestand bestaat niet")
        try:
            report = import_nea_file(file, user=user)
        except ImportFileError as exc:
            raise CommandError(f"{exc}\nEr is niets opgeslagen.") from None
        c = report.counts
        years = f"{report.years[0]}-{report.years[-1]}" if report.years else "-"
        if report.already_imported:
            self.stdout.write(f"{report.file_name}: al eerder geïmporteerd (sha256 {report.sha256[:12]}…); niets gewijzigd.")
        else:
            self.stdout.write(
                f"{report.file_name} (jaren {years}): {c['permits']} vergunningen "
                f"({c['permits_created']} nieuw, {c['permits_updated']} gewijzigd), jaarcijfers: "
                f"{c['records_created']} nieuw, {c['records_updated']} gewijzigd, {c['records_unchanged']} ongewijzigd."
            )
        self.stdout.write(f"Gekoppeld aan een installatie in het register: {c['matched']}; niet gekoppeld: {c['unmatched']}.")
        for m in report.unmatched:
            self.stdout.write(f"  niet gekoppeld: {m.permit_id} {m.name} (blad {m.sheet!r}, rij {m.row}): {m.note}")
        for warning in report.warnings:
            self.stdout.write(f"Let op: {warning}")
