from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.dates import happened_date_error
from maatwerk.trajectories.management.commands.trajectories import parse_date
from maatwerk.trajectories.selectors import NotFound, find_trajectory
from maatwerk.trajectories.services import TransitionRefused, transition


class Command(BaseCommand):
    help = "Zet een traject in een volgende fase, volgens dezelfde regels als de webapp. Geweigerd: reden en niets gewijzigd."

    def add_arguments(self, parser):
        parser.add_argument("company", help="naam, slug of id van het bedrijf; een uniek begin van de naam volstaat")
        parser.add_argument("--to", required=True, help="nieuwe fase (bijv. eop_signed, jloi_concept, …)")
        parser.add_argument("--date", required=True, help="datum van de overgang, JJJJ-MM-DD")
        parser.add_argument("--note", default="", help="toelichting")

    def handle(self, *args, company, to, date, note, **options):
        when = parse_date(date)
        implausible = happened_date_error(when, "--date")
        if implausible:
            raise CommandError(f"Geweigerd: {implausible}\nEr is niets gewijzigd.")
        try:
            trajectory = find_trajectory(company)
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        try:
            transition(trajectory, to, when, note=note, source="maatwerk transition (CLI)")
        except TransitionRefused as exc:
            raise CommandError("Geweigerd: " + "; ".join(exc.reasons) + "\nEr is niets gewijzigd.") from None
        self.stdout.write(f"{trajectory.company.name}: nu in fase {to} sinds {when.isoformat()}.")
