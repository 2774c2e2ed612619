import json

from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.cli import render
from maatwerk.finance.decks import find_deck
from maatwerk.finance.models import PriceDeck
from maatwerk.finance.selectors import NotFound, find_project
from maatwerk.finance.services import evaluate


class Command(BaseCommand):
    help = "Reken een project door: additionaliteit, businesscase, onrendabele top, EUR per ton en instrumenten."

    def add_arguments(self, parser):
        parser.add_argument("project", help="id, naam of (begin van de) bedrijfsnaam")
        parser.add_argument("--deck", default=None, help="prijzenset NAAM of NAAM@VERSIE (standaard: die van het besluit, anders de nieuwste)")
        parser.add_argument("--regime", default=None, help="heffingsregime (standaard: dat van het besluit)")
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, project, deck, regime, format, **options):
        try:
            p = find_project(project)
            d = find_deck(deck) if deck else None
            ev = evaluate(p, d, regime)
        except (NotFound, PriceDeck.DoesNotExist, ValueError) as exc:
            raise CommandError(str(exc)) from None
        summary = ev.summary(confidential=True)
        if format == "json":
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        rows = [{"grootheid": k, "waarde": v} for k, v in summary.items() if k not in ("instruments", "notes")]
        for inst in summary.get("instruments", []):
            rows.append({"grootheid": f"instrument {inst['name']} (contante waarde Staat)", "waarde": inst["pv_state_eur"]})
        self.stdout.write(render(rows, "table"))
        for note in summary["notes"]:
            self.stdout.write(f"* {note}")
