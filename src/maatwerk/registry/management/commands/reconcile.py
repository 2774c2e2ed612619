from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.cli import add_format_argument, render
from maatwerk.registry.reconcile import reconcile

COLUMNS = ("status", "permit_id", "installation", "eutl_id", "nea_t", "eutl_t", "difference_t", "company", "note")


class Command(BaseCommand):
    help = (
        "Leg de NEa-cijfers naast die van het EUTL: elke installatie waarvan de twee cijfers voor een jaar verschillen, "
        "en die in maar één van beide bronnen (een '-' van de NEa telt als geen cijfer, nooit als nul)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--country", default="NL", help="registerland (de NEa publiceert alleen NL)")
        parser.add_argument("--year", type=int, required=True, help="emissiejaar")
        add_format_argument(parser)

    def handle(self, *args, country, year, format, **options):
        try:
            result = reconcile(year=year, country=country)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        rows = [r.as_dict() for r in result.rows]
        self.stdout.write(render(rows, format, columns=COLUMNS))
        self.stderr.write(
            f"{result.country} {year}: {result.count('differs')} verschillend, {result.count('nea_only')} alleen NEa, "
            f"{result.count('eutl_only')} alleen EUTL, {result.equal} gelijk. Totaal NEa {result.nea_total_t} t, "
            f"EUTL {result.eutl_total_t} t."
        )
