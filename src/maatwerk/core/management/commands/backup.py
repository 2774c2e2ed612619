from pathlib import Path

from django.core.management.base import BaseCommand

from maatwerk.core.backup import backup


class Command(BaseCommand):
    help = "Maak een back-up (zip) van de database en de geüploade documenten."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        manifest = backup(file)
        self.stdout.write(f"Back-up {file}: {manifest['rows']} rijen, {len(manifest['files'])} bestanden.")
