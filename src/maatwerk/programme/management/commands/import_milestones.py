from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maatwerk.programme.imports import import_milestones
from maatwerk.registry.eutl import ImportFileError


class Command(BaseCommand):
    help = "Importeer mijlpalen (CSV: company,project,kind,planned,forecast,actual,note). Alles of niets."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            counts = import_milestones(file.read_bytes(), file.name)
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        except ImportFileError as exc:
            raise CommandError(f"{exc}\nEr is niets opgeslagen.") from None
        self.stdout.write(f"Mijlpalen: {counts['created']} nieuw, {counts['updated']} bijgewerkt.")
