from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Maak een ondertekende back-up (zip) van alle tabellen en de geüploade documenten, als één momentopname. "
        "De sleutel komt uit MAATWERK_BACKUP_KEY (anders afgeleid van SECRET_KEY)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            manifest = backup(file)
        except BackupError as exc:
            raise CommandError(f"{exc}\nEr is geen back-up gemaakt.") from None
        self.stdout.write(f"Back-up {file}: {manifest['rows']} rijen, {len(manifest['files'])} bestanden.")
        self.stdout.write(manifest["key_notice"])
