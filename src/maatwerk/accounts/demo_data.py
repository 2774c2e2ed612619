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


def demo_user(username: str):
    """The demo user ``username`` of :data:`DEMO_USERS`, created when new (never in production).

    The case files of the demo are read in by the programme team's demo user, before the other
    users exist (their companies and parties come from those files)."""
    if settings.PRODUCTION:
        raise RuntimeError("geen demogebruikers in productie")
    User = get_user_model()
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing
    role, company, party = next((r, c, p) for u, r, c, p in DEMO_USERS if u == username)
    # accounts sits beside the trajectories app and imports none of it: the party is the model its
    # membership points to.
    Party = Membership._meta.get_field("party").related_model
    user = User.objects.create_user(username=username, password=DEMO_PASSWORD, is_staff=role == Role.PROGRAMME)
    Membership.objects.create(
        user=user,
        role=role,
        company=Company.objects.get(name=company) if company else None,
        party=Party.objects.get(name=party) if party else None,
    )
    return user


def load() -> str:
    if settings.PRODUCTION:
        return "gebruikers: geen demogebruikers in productie"
    User = get_user_model()
    created = 0
    for username, *_ in DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        demo_user(username)
        created += 1
    names = ", ".join(u for u, *_ in DEMO_USERS)
    return f"gebruikers: {created} nieuw ({names}; wachtwoord {DEMO_PASSWORD})"
