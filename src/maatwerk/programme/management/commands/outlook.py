import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.cli import render
from maatwerk.programme.services import run_outlook

SHARES = (
    ("published", "uit gepubliceerde cijfers"),
    ("levy", "berekend uit de heffing"),
    ("range", "uit een bereik"),
    ("conversion_estimated", "rust op geschatte overgangskansen"),
    ("conversion_manual", "rust op een handmatig gezette kans"),
)


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


class Command(BaseCommand):
    help = ("Monte Carlo-vooruitblik: kans op 1,0 en 1,9 Mton additionele reductie (alleen het bekende deel), de band van reductie waarvan de "
            "additionaliteit nog onbekend is, waar het bekende deel op rust, kwantielen van reductie en uitgaven, bijdrage per project.")

    def add_arguments(self, parser):
        parser.add_argument("--trials", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--year", type=int, default=2030)
        parser.add_argument("--format", choices=("table", "json"), default="table")
        parser.add_argument("--as-of", dest="as_of", default=None, help="fasen en cijfers van die dag, JJJJ-MM-DD (standaard: vandaag)")

    def handle(self, *args, trials, seed, year, format, as_of=None, **options):
        if not 1 <= trials <= 10_000_000:
            raise CommandError("--trials moet tussen 1 en 10.000.000 liggen")
        if not 2020 <= year <= 2060:
            raise CommandError("--year moet tussen 2020 en 2060 liggen")
        try:
            day = dt.date.fromisoformat(as_of) if as_of else None
        except ValueError:
            raise CommandError("--as-of: een datum in de vorm JJJJ-MM-DD") from None
        summary, _ = run_outlook(trials=trials, seed=seed, year=year, as_of=day)
        if format == "json":
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        key = next(k for k in summary if k.startswith("additional_") and k.endswith("_mton"))
        band, share = summary["unknown_band"], summary["assumed_share"]
        rows = [
            {"grootheid": "kans ≥ 1,0 Mton additioneel", "waarde": round(summary["p_additional_at_least_1_0_mton"], 4)},
            {"grootheid": "kans ≥ 1,9 Mton additioneel", "waarde": round(summary["p_additional_at_least_1_9_mton"], 4)},
            *({"grootheid": f"additioneel {year} (Mton) {q}", "waarde": round(v, 4)} for q, v in summary[key].items()),
            {"grootheid": f"additioneel {year} verwacht (t)", "waarde": round(summary["expected_additional_t"])},
            {"grootheid": "plus reductie waarvan de additionaliteit nog onbekend is (t, som)", "waarde": round(band["co2_reduction_t"])},
            {"grootheid": f"  idem verwacht in {year} met dezelfde kansen (t)", "waarde": round(band["expected_co2_reduction_t"])},
            {"grootheid": "  projecten", "waarde": "; ".join(band["projects"]) or "geen"},
            *({"grootheid": f"aandeel verwacht additioneel: {label}", "waarde": _pct(share.get(k))} for k, label in SHARES),
            *({"grootheid": f"uitgaven Staat (EUR) {q}", "waarde": round(v)} for q, v in summary["spending_eur"].items()),
        ]
        sensitivity = summary["sensitivity"]
        if sensitivity:
            rows += [
                {"grootheid": f"gevoeligheid (aanname): kans ≥ 1,0 Mton als {sensitivity['share_when_unknown']:.0%} van onbekend additioneel", "waarde": round(sensitivity["p_additional_at_least_1_0_mton"], 4)},
                {"grootheid": f"gevoeligheid (aanname): kans ≥ 1,9 Mton als {sensitivity['share_when_unknown']:.0%} van onbekend additioneel", "waarde": round(sensitivity["p_additional_at_least_1_9_mton"], 4)},
            ]
        self.stdout.write(render(rows, "table"))
        self.stdout.write("")
        columns = ("project", "phase", "p_realised", "planned_year", "co2_reduction_t", "additional_t", "additional_basis_label", "expected_contribution_t", "unknown_band_contribution_t")
        self.stdout.write(render([{c: p[c] for c in columns} for p in summary["projects"]], "table"))
