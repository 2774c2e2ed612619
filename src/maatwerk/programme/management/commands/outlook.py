import json

from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.cli import render
from maatwerk.programme.services import run_outlook


class Command(BaseCommand):
    help = "Monte Carlo-vooruitblik: kans op 1,0 en 1,9 Mton additionele reductie, kwantielen van reductie en uitgaven, bijdrage per project."

    def add_arguments(self, parser):
        parser.add_argument("--trials", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--year", type=int, default=2030)
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, trials, seed, year, format, **options):
        if not 1 <= trials <= 10_000_000:
            raise CommandError("--trials moet tussen 1 en 10.000.000 liggen")
        if not 2020 <= year <= 2060:
            raise CommandError("--year moet tussen 2020 en 2060 liggen")
        summary, _ = run_outlook(trials=trials, seed=seed, year=year)
        if format == "json":
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        key = next(k for k in summary if k.startswith("additional_"))
        rows = [
            {"grootheid": "kans ≥ 1,0 Mton additioneel", "waarde": round(summary["p_additional_at_least_1_0_mton"], 4)},
            {"grootheid": "kans ≥ 1,9 Mton additioneel", "waarde": round(summary["p_additional_at_least_1_9_mton"], 4)},
            *({"grootheid": f"additioneel {year} (Mton) {q}", "waarde": round(v, 4)} for q, v in summary[key].items()),
            *({"grootheid": f"uitgaven Staat (EUR) {q}", "waarde": round(v)} for q, v in summary["spending_eur"].items()),
        ]
        self.stdout.write(render(rows, "table"))
        self.stdout.write("")
        self.stdout.write(render(summary["projects"], "table"))
