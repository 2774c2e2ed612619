"""Demo users, one per role, so a newcomer can see what each role sees. Never in production."""

from django.conf import settings
from django.contrib.auth import get_user_model

from maatwerk.registry.models import Company

from .models import Membership, Role

DEMO_PASSWORD = "demo-maatwerk-2026"
DEMO_USERS = [
    ("programma", Role.PROGRAMME, None, None),
    ("anqore", Role.COMPANY, "AnQore", None),
    ("nobian", Role.COMPANY, "Nobian", None),
    ("amvi", Role.AMVI, None, None),
    ("limburg", Role.PROVINCE, None, "Provincie Limburg"),
]


def load() -> str:
    if settings.PRODUCTION:
        return "gebruikers: geen demogebruikers in productie"
    User = get_user_model()
    # accounts sits beside the trajectories app and imports none of it: the party is the model its
    # membership points to.
    Party = Membership._meta.get_field("party").related_model
    created = 0
    for username, role, company, party in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD, is_staff=role == Role.PROGRAMME)
        Membership.objects.create(
            user=user,
            role=role,
            company=Company.objects.get(name=company) if company else None,
            party=Party.objects.get(name=party) if party else None,
        )
        created += 1
    names = ", ".join(u for u, *_ in DEMO_USERS)
    return f"gebruikers: {created} nieuw ({names}; wachtwoord {DEMO_PASSWORD})"
