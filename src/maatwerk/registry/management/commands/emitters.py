from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.cli import add_format_argument, render
from maatwerk.registry.models import Sector
from maatwerk.registry.selectors import GROUPINGS, rank_emitters


class Command(BaseCommand):
    help = "Rangschik uitstoters naar geverifieerde emissies in een jaar (luchtvaart, activiteit 10, telt nooit mee)."

    def add_arguments(self, parser):
        parser.add_argument("--country", default="NL", help="registerland, twee letters (standaard: NL)")
        parser.add_argument("--year", type=int, required=True, help="emissiejaar")
        parser.add_argument("--by", choices=GROUPINGS, default="company", help="groepering (standaard: company)")
        parser.add_argument("--top", type=int, default=20, help="aantal (standaard: 20)")
        parser.add_argument("--sector", choices=Sector.values, default=None, help="alleen deze sector")
        add_format_argument(parser)

    def handle(self, *args, country, year, by, top, sector, format, **options):
        if len(country) != 2 or not (country.isascii() and country.isalpha()):
            raise CommandError(f"--country moet een landcode van twee letters zijn, niet {country!r}")
        try:
            ranking = rank_emitters(year=year, country=country.upper(), by=by, top=top, sector=sector)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        rows = [r.as_dict(by) for r in ranking]
        if format == "table":
            for row in rows:
                row.pop("account_holders", None)
        self.stdout.write(render(rows, format))
