from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maatwerk.core.backup import KEY_ENV, BackupError, restore


class Command(BaseCommand):
    help = (
        "Zet een back-up terug: vervangt de inhoud van de database en de uploads (ook bestanden die na de back-up "
        f"zijn geüpload verdwijnen). Alles wordt eerst gecontroleerd, ook de handtekening ({KEY_ENV} of SECRET_KEY)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="bevestig dat de huidige gegevens vervangen worden")
        parser.add_argument(
            "--unsigned",
            action="store_true",
            help="zet ook een niet (of anders) ondertekende back-up terug; alleen voor een back-up waarvan u de herkomst zeker weet",
        )

    def handle(self, *args, file, yes, unsigned, **options):
        if not yes:
            raise CommandError("Een restore vervangt alle gegevens; bevestig met --yes.")
        try:
            manifest = restore(file, unsigned=unsigned)
        except BackupError as exc:
            raise CommandError(f"{exc}\nEr is niets gewijzigd.") from None
        if unsigned:
            self.stderr.write("Let op: de handtekening is niet gecontroleerd (--unsigned).")
        self.stdout.write(
            f"Teruggezet uit {file} (gemaakt {manifest['created']}): {manifest['rows']} rijen, {len(manifest['files'])} bestanden; "
            f"{manifest['removed_files']} bestanden die niet in de back-up stonden verwijderd."
        )
