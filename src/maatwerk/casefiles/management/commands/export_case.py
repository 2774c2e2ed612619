from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maatwerk.casefiles.exporter import dumps, export_case
from maatwerk.registry.models import Company


class Command(BaseCommand):
    help = "Schrijf de casus van een bedrijf als casusbestand (maatwerk-case/1), hetzelfde formaat dat import_case leest."

    def add_arguments(self, parser):
        parser.add_argument("company", metavar="BEDRIJF", help="naam of slug van het bedrijf")
        parser.add_argument("--out", required=True, metavar="BESTAND.json", help="waarheen (- voor de standaarduitvoer)")

    def handle(self, *args, company, out, **options):
        found = Company.objects.filter(name__iexact=company).first() or Company.objects.filter(slug=company).first()
        if found is None:
            raise CommandError(f"Geen bedrijf {company!r} (naam of slug).")
        if not hasattr(found, "trajectory"):
            raise CommandError(f"{found.name} heeft geen traject; er is geen casus om te schrijven.")
        text = dumps(export_case(found))
        if out == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Kan {out} niet schrijven ({exc.strerror}).") from None
        self.stdout.write(f"{found.name}: casusbestand geschreven naar {out}")
