"""``maatwerk reset_2fa USER``: remove a user's second factor and let them set up a new one (issue 12, H5)."""

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from maatwerk.accounts.models import reset_second_factor


class Command(BaseCommand):
    help = (
        "Verwijdert de tweede factor (authenticator) van een gebruiker; bij de volgende keer inloggen stelt die "
        "een nieuwe in. Alleen doen na controle van wie erom vraagt."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="gebruikersnaam")
        parser.add_argument("--by", default="", help="wie de reset uitvoert (voor het logboek; standaard de gebruiker van het systeem)")

    def handle(self, *args, username, by, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"Geen gebruiker met gebruikersnaam {username!r}; er is niets gewijzigd.") from None
        who = by or f"commando reset_2fa ({getpass.getuser()})"
        removed = reset_second_factor(user, by=who)
        self.stdout.write(
            f"Tweede factor van {username} teruggezet ({removed} apparaat/apparaten verwijderd); "
            "bij de volgende keer inloggen stelt deze gebruiker een nieuwe authenticator in."
        )
