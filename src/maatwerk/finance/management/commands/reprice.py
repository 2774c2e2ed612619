from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.cli import add_format_argument, render
from maatwerk.finance.decks import find_deck
from maatwerk.finance.models import PriceDeck, Project
from maatwerk.finance.services import default_deck, evaluate


class Command(BaseCommand):
    help = "Herprijs de hele portefeuille met een prijzenset: per project de verandering in onrendabele top en EUR per ton."

    def add_arguments(self, parser):
        parser.add_argument("--deck", required=True, help="nieuwe prijzenset NAAM of NAAM@VERSIE")
        parser.add_argument("--against", default=None, help="vergelijk met deze set (standaard: die van het besluit, anders de nieuwste andere)")
        add_format_argument(parser)

    def handle(self, *args, deck, against, format, **options):
        try:
            new = find_deck(deck)
            fixed_old = find_deck(against) if against else None
        except PriceDeck.DoesNotExist as exc:
            raise CommandError(str(exc)) from None
        rows = []
        for project in Project.objects.filter(business_case__isnull=False).select_related("trajectory__company", "decision_deck"):
            old = fixed_old or project.decision_deck or PriceDeck.objects.exclude(pk=new.pk).order_by("-imported_at", "-pk").first() or default_deck()
            before, after = evaluate(project, old), evaluate(project, new)
            if before.funding_gap_eur is None or after.funding_gap_eur is None:
                continue
            gap_old, gap_new = float(before.funding_gap_eur[0]), float(after.funding_gap_eur[0])
            tonnes = project.co2_reduction_t or 0
            rows.append(
                {
                    "project": str(project),
                    "against": str(old),
                    "funding_gap_old_eur": round(gap_old),
                    "funding_gap_new_eur": round(gap_new),
                    "change_eur": round(gap_new - gap_old),
                    "eur_per_t_old": round(gap_old / tonnes, 2) if tonnes else None,
                    "eur_per_t_new": round(gap_new / tonnes, 2) if tonnes else None,
                }
            )
        self.stdout.write(render(rows, format))
