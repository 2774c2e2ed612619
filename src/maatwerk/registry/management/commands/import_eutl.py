from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from maatwerk.registry.eutl import ImportFileError
from maatwerk.registry.services import import_eutl_files


class Command(BaseCommand):
    help = "Importeer EU Transaction Log-bestanden (één CSV per registerland). Alles of niets: bij een fout wordt niets opgeslagen."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, help="EUTL-exportbestanden (installations-CC.csv)")
        parser.add_argument("--user", default=None, help="naam voor de herkomstregistratie (standaard: login)")
        parser.add_argument("--no-progress", action="store_true", help="geen voortgangsbalk tonen")

    def handle(self, *args, files, user, no_progress, **options):
        total = 0
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: bestand bestaat niet")
            total += max(sum(1 for _ in path.open("rb")) - 1, 0)
        bar = tqdm(total=total, unit=" installaties", desc="Import", disable=no_progress or None, file=self.stderr._out)
        try:
            reports = import_eutl_files(files, user=user, progress=bar.update)
        except ImportFileError as exc:
            bar.close()
            raise CommandError(f"{exc}\nEr is niets opgeslagen.") from None
        bar.close()
        for r in reports:
            c = r.counts
            if r.already_imported:
                self.stdout.write(f"{r.file_name}: al eerder geïmporteerd (sha256 {r.sha256[:12]}…); niets gewijzigd.")
                continue
            self.stdout.write(
                f"{r.file_name}: {c['installations']} installaties "
                f"({c['installations_created']} nieuw, {c['installations_updated']} gewijzigd), "
                f"{c['operators_created']} nieuwe rekeninghouders, jaarrecords: {c['records_created']} nieuw, "
                f"{c['records_updated']} gewijzigd, {c['records_unchanged']} ongewijzigd."
            )
