import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from maatwerk.reporting import services


class Command(BaseCommand):
    help = "Rapportages: `report progress --as-of JJJJ-MM-DD --out brief.pdf|.html` en `report overview NAAM --out bestand.csv|.xlsx`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        progress = sub.add_parser("progress", help="de halfjaarlijkse voortgangsbrief")
        progress.add_argument("--as-of", dest="as_of", required=True)
        progress.add_argument("--since", default=None, help="vorige brief (standaard: zes maanden eerder)")
        progress.add_argument("--out", required=True, type=Path)
        overview = sub.add_parser("overview", help="een overzicht voor de Kamer")
        overview.add_argument("name", choices=sorted(services.OVERVIEWS))
        overview.add_argument("--out", required=True, type=Path)
        overview.add_argument("--as-of", dest="as_of", default=None, help="stand op JJJJ-MM-DD (standaard: vandaag)")

    def handle(self, *args, kind, out, **options):
        if kind == "overview":
            name = options["name"]
            try:
                as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else None
            except ValueError:
                raise CommandError("--as-of: een datum in de vorm JJJJ-MM-DD") from None
            if out.suffix == ".csv":
                out.write_text(services.overview_csv(name, as_of), encoding="utf-8")
            elif out.suffix == ".xlsx":
                out.write_bytes(services.overview_xlsx(name, as_of))
            else:
                raise CommandError(f"{out}: kies .csv of .xlsx")
            self.stdout.write(f"Overzicht {name} geschreven naar {out}.")
            return
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
            since = dt.date.fromisoformat(options["since"]) if options["since"] else None
        except ValueError:
            raise CommandError("datums in de vorm JJJJ-MM-DD") from None
        if out.suffix not in (".html", ".pdf"):
            raise CommandError(f"{out}: kies .html of .pdf")
        html = render_to_string("reporting/progress_letter.html", services.letter_context(as_of, since))
        if out.suffix == ".html":
            out.write_text(html, encoding="utf-8")
        else:
            out.write_bytes(services.render_pdf(html, base_url=str(Path.cwd())))
        self.stdout.write(f"Voortgangsbrief per {as_of.isoformat()} geschreven naar {out}.")
