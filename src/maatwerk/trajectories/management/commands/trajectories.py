import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.cli import add_format_argument, render
from maatwerk.engine import workflow
from maatwerk.trajectories.models import Trajectory
from maatwerk.trajectories.services import board


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is geen datum in de vorm JJJJ-MM-DD") from None


class Command(BaseCommand):
    help = "Toon elk traject met fase, sinds wanneer, en wat de volgende poort nog mist (ook zoals het stond op een datum)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", default=None, help="peildatum JJJJ-MM-DD (standaard: vandaag)")
        add_format_argument(parser)

    def handle(self, *args, as_of, format, **options):
        as_of_date = parse_date(as_of) if as_of else None
        rows = []
        labels = workflow.PHASE_LABELS
        for r in board(Trajectory.objects.select_related("company").order_by("company__name"), as_of_date):
            rows.append(
                {
                    "company": r.trajectory.company.name,
                    "phase": r.phase,
                    "phase_label": labels.get(r.phase, r.phase),
                    "since": r.since.isoformat() if r.since else None,
                    "next_gate_lacks": list(r.lacking),
                    "obligations": [o.label for o in r.obligations],
                }
            )
        if format == "table":
            for row in rows:
                row.pop("phase_label")
                row["since"] = row["since"] or "onbekend"
        self.stdout.write(render(rows, format))
