from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.cli import add_format_argument, render
from maatwerk.registry.models import Sector
from maatwerk.registry.reconcile import NEA_COUNTRY, SOURCE_LABELS, SOURCES, default_source, nea_years, rank_nea
from maatwerk.registry.selectors import GROUPINGS, national_figures, rank_emitters


class Command(BaseCommand):
    help = (
        "Rangschik uitstoters naar geverifieerde emissies in een jaar (luchtvaart, activiteit 10, telt nooit mee). "
        "Bron voor NL standaard de NEa als die het jaar heeft, anders het EUTL; de uitvoer noemt de bron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--country", default="NL", help="registerland, twee letters (standaard: NL)")
        parser.add_argument("--year", type=int, required=True, help="emissiejaar")
        parser.add_argument("--by", choices=GROUPINGS, default="company", help="groepering (standaard: company)")
        parser.add_argument("--top", type=int, default=20, help="aantal (standaard: 20)")
        parser.add_argument("--sector", choices=Sector.values, default=None, help="alleen deze sector")
        parser.add_argument(
            "--source",
            choices=SOURCES,
            default=None,
            help="bron van de cijfers: nea of eutl (standaard voor NL: nea als die het jaar heeft, anders eutl)",
        )
        add_format_argument(parser)

    def handle(self, *args, country, year, by, top, sector, source, format, **options):
        if len(country) != 2 or not (country.isascii() and country.isalpha()):
            raise CommandError(f"--country moet een landcode van twee letters zijn, niet {country!r}")
        country = country.upper()
        chosen = source or default_source(country, year)
        if chosen == "nea":
            if country != NEA_COUNTRY:
                raise CommandError(f"--source nea: de NEa publiceert alleen cijfers voor {NEA_COUNTRY}, niet voor {country}")
            if year not in nea_years():
                years = nea_years()
                have = f"wel {years[0]}-{years[-1]}" if years else "importeer eerst met maatwerk import_nea"
                raise CommandError(f"--source nea: geen NEa-cijfers voor {year} ({have}); of kies --source eutl")
        try:
            if chosen == "nea":
                ranking = rank_nea(year=year, country=country, by=by, top=top, sector=sector)
            else:
                ranking = rank_emitters(year=year, country=country, by=by, top=top, sector=sector)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        rows = [{**r.as_dict(by), "source": chosen} for r in ranking]
        if format == "table":
            for row in rows:
                row.pop("account_holders", None)
        if source:
            how = "gekozen met --source"
        elif chosen == "nea":
            how = f"standaard voor {NEA_COUNTRY}: de NEa heeft cijfers voor {year}"
        elif country == NEA_COUNTRY:
            how = f"standaard: de NEa heeft geen cijfers voor {year}"
        else:
            how = f"standaard buiten {NEA_COUNTRY}"
        note = f"Bron: {SOURCE_LABELS[chosen]} ({how})."
        national = national_figures(year, country)
        if national:
            note += (
                f" Plus {len(national)} installatie(s) buiten het EU ETS (nationale CO2-heffing: AVI's, N2O), die in "
                "geen van beide bronnen staan: hun cijfers komen uit hun eigen bron (kolom non_ets_t; per installatie "
                "levy_kind en record_source) en tellen bij --source nea en bij --source eutl mee."
            )
        if format == "table":
            self.stdout.write(note)
        self.stdout.write(render(rows, format))
        if format != "table":
            self.stderr.write(note)
