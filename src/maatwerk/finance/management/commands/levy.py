import json
import math

from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.cli import render
from maatwerk.engine import levy
from maatwerk.finance.levy_inputs import company_levy
from maatwerk.registry.models import Company


def find_company(key: str) -> Company:
    key = key.strip()
    if not key:
        raise CommandError("geef een bedrijfsnaam of slug")
    found = Company.objects.filter(slug=key.lower()).first() or Company.objects.filter(name__iexact=key).first()
    if found:
        return found
    matches = list(Company.objects.filter(name__istartswith=key))
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise CommandError(f"geen bedrijf {key!r} in het register")
    raise CommandError(f"{key!r} past bij meerdere bedrijven: {', '.join(sorted(m.name for m in matches))}; wees specifieker")


def _fmt(value, unit=""):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "onbekend"
    return f"{value:,.0f}{unit}".replace(",", ".")


class Command(BaseCommand):
    help = "Dispensatierechten en CO2-heffing van een bedrijf per installatie en in totaal, met de basis van elk cijfer."

    def add_arguments(self, parser):
        parser.add_argument("company", help="bedrijfsnaam, slug of begin van de naam")
        parser.add_argument("--year", type=int, required=True, help="heffingsjaar (2021-2050)")
        parser.add_argument("--regime", default=None, help=f"heffingsregime: {', '.join(levy.REGIMES)} (standaard: het nieuwste)")
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, company, year, regime, format, **options):
        c = find_company(company)
        try:
            result = company_levy(c, year, regime)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        data = result.as_dict()
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        rows = [
            {
                "installatie": f"{r['eutl_id']} {r['installation']}",
                "soort": r["kind"],
                "dispensatierechten_t": _fmt(r["dispensation_rights_t"]),
                "basis": r["dispensation_rights_basis"],
                "tarief_eur_t": "onbekend" if r["tariff_eur_per_t"] is None else f"{r['tariff_eur_per_t']:.2f}",
                "ets_prijs_eur_t": "onbekend" if r["ets_price_eur_per_t"] is None else f"{r['ets_price_eur_per_t']:.2f}",
                "emissies_t": _fmt(r["emissions_t"]),
                "heffing_eur": _fmt(r["levy_due_eur"]),
            }
            for r in data["installations"]
        ]
        total = data["total"]
        rows.append({"installatie": "totaal", "soort": "", "dispensatierechten_t": _fmt(total["dispensation_rights_t"]), "basis": "",
                     "tarief_eur_t": "", "ets_prijs_eur_t": "", "emissies_t": "", "heffing_eur": _fmt(total["levy_due_eur"])})
        self.stdout.write(f"{c.name}, {year}, heffingsregime {data['regime']}")
        self.stdout.write(render(rows, "table"))
        sources = {}
        for r in data["installations"]:
            for key in ("reduction_factor_source", "tariff_source", "ets_price_source", "correction_factor_source"):
                if r.get(key) and not r[key].startswith("onbekend"):
                    sources[r[key]] = None
        for s in sources:
            self.stdout.write(f"* {s}")
        for u in total["unknown"]:
            self.stdout.write(f"* onbekend: {u}")
