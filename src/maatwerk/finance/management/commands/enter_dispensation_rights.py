from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from maatwerk.finance.levy_inputs import enter_rights
from maatwerk.registry.models import Installation


class Command(BaseCommand):
    help = "Leg de dispensatierechten van een installatie in een jaar vast uit een bron (bijv. een NEa-cijfer)."

    def add_arguments(self, parser):
        parser.add_argument("installation", help="EUTL-id, bijv. NL-439")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--rights-t", type=float, required=True, help="dispensatierechten in ton")
        parser.add_argument("--source", required=True, help="bron van het cijfer, met datum")
        parser.add_argument("--regime", default="", help="heffingsregime waarvoor het cijfer geldt (leeg: elk regime)")
        parser.add_argument("--user", default="", help="gebruikersnaam van wie het cijfer invoert")

    def handle(self, *args, installation, year, rights_t, source, regime, user, **options):
        inst = Installation.objects.filter(eutl_id=installation.strip().upper()).first()
        if inst is None:
            raise CommandError(f"geen installatie {installation!r} in het register")
        recorder = None
        if user:
            recorder = get_user_model().objects.filter(username=user).first()
            if recorder is None:
                raise CommandError(f"geen gebruiker {user!r}")
        try:
            entry = enter_rights(inst, year, rights_t, source, regime=regime, user=recorder)
        except ValidationError as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(f"niet vastgelegd ({inst.eutl_id}, {year}): {problems}") from None
        self.stdout.write(f"vastgelegd: {entry} ({entry.source})")
