from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Zet een back-up terug: vervangt de inhoud van de database en de uploads. Alles wordt eerst gecontroleerd."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="bevestig dat de huidige gegevens vervangen worden")

    def handle(self, *args, file, yes, **options):
        if not yes:
            raise CommandError("Een restore vervangt alle gegevens; bevestig met --yes.")
        try:
            manifest = restore(file)
        except BackupError as exc:
            raise CommandError(f"{exc}\nEr is niets gewijzigd.") from None
        self.stdout.write(f"Teruggezet uit {file} (gemaakt {manifest['created']}): {manifest['rows']} rijen, {len(manifest['files'])} bestanden.")
