from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maatwerk.finance.decks import import_deck
from maatwerk.registry.eutl import ImportFileError


class Command(BaseCommand):
    help = "Importeer een prijzenset (CSV: scenario,year,gas_eur_per_mwh,electricity_eur_per_mwh,ets_eur_per_t,hydrogen_eur_per_kg,co2_ts_eur_per_t[,source]) als nieuwe versie."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--name", required=True, help="naam van de prijzenset, bijv. AFRY-2025")
        parser.add_argument("--description", default="")
        parser.add_argument("--illustrative", action="store_true", help="markeer als illustratief")

    def handle(self, *args, file, name, description, illustrative, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        try:
            deck = import_deck(data, file.name, name, description, illustrative)
        except ImportFileError as exc:
            raise CommandError(f"{exc}\nEr is niets opgeslagen.") from None
        self.stdout.write(f"Prijzenset {deck} met {deck.points.count()} prijsregels.")
