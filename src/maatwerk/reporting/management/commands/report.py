import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maatwerk.reporting import services
from maatwerk.reporting.letter import Meta, build


class Command(BaseCommand):
    help = "Rapportages: `report progress --as-of JJJJ-MM-DD --out brief.pdf|.docx|.html` en `report overview NAAM --out bestand.csv|.xlsx`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        progress = sub.add_parser("progress", help="de halfjaarlijkse voortgangsbrief")
        progress.add_argument("--as-of", dest="as_of", required=True)
        progress.add_argument("--since", default=None, help="vorige brief (standaard: zes maanden eerder)")
        progress.add_argument("--out", required=True, type=Path, help="brief.pdf (getagde PDF), brief.docx (Word) of brief.html")
        progress.add_argument("--kenmerk", default="", help="ons kenmerk")
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
                out.write_text(services.overview_csv(name, as_of), encoding="utf-8-sig", newline="")
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
        if since is not None and since >= as_of:
            raise CommandError(f"--since {since.isoformat()} moet voor --as-of {as_of.isoformat()} liggen")
        fmt = out.suffix.lstrip(".")
        if fmt not in services.LETTER_FORMATS:
            raise CommandError(f"{out}: kies .pdf, .docx of .html")
        content = build(as_of, since, Meta(kenmerk=options["kenmerk"] or ""))
        out.write_bytes(services.render_letter(content, fmt))
        self.stdout.write(f"Voortgangsbrief per {as_of.isoformat()} geschreven naar {out}.")
