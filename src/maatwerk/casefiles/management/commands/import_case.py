from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from maatwerk.casefiles import importer
from maatwerk.casefiles.format import CaseFileInvalid


class Command(BaseCommand):
    help = (
        "Lees casusbestanden (maatwerk-case/1) in: alles of niets, idempotent (opnieuw inlezen verandert niets). "
        "Elke fout noemt haar JSON-pad; bij een fout wordt niets geschreven."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="BESTAND.json")
        parser.add_argument("--user", required=True, help="gebruikersnaam van het programmateamlid dat inleest (wordt vastgelegd)")
        parser.add_argument("--preview", action="store_true", help="toon wat er zou worden aangemaakt, schrijf niets")

    def handle(self, *args, files, user, preview, **options):
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"Gebruiker {user!r} bestaat niet.")
        try:
            importer.require_programme(actor)
            reports = importer.import_cases(importer.read_files(files), actor, preview=preview)
        except PermissionDenied as exc:
            raise CommandError(f"{user}: {exc}") from None
        except CaseFileInvalid as exc:
            raise CommandError(str(exc)) from None
        for report in reports:
            self.stdout.write(("Voorbeeld — " if preview else "") + report.summary())
            for line in report.lines:
                self.stdout.write(f"  + {line}")
