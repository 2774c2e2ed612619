"""The main menu and the landing page per role: a user sees only what they may open.

Each entry names a URL and the roles that may open it (``None`` is anonymous or a user without a role:
public pages only). The pages themselves check permissions; this list only keeps the menu honest, and
``tests/core/test_shell.py`` checks every entry against the page's real answer for every role."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from .contributions import contributions
from .roles import Role, role_of

PUBLIC = None
EVERYONE = (PUBLIC, Role.COMPANY, Role.AMVI, Role.PROVINCE, Role.PROGRAMME)
WITH_ROLE = (Role.COMPANY, Role.AMVI, Role.PROVINCE, Role.PROGRAMME)


@dataclass(frozen=True)
class MenuItem:
    label: str
    url: str
    current: bool = False


def _company_trajectory_url(user) -> str:
    """A company user's own trajectory page when it has exactly one, else the list of its trajectories
    (the trajectories app knows which: ``AppConfig.company_home_url``, see :mod:`maatwerk.core.contributions`)."""
    for home in contributions("company_home_url"):
        url = home(user)
        if url:
            return url
    return reverse("trajectories:board")


def _company_figures_url(user) -> str:
    """A company user's own register of figures."""
    membership = getattr(user, "membership", None)
    return reverse("figures:company", args=[membership.company.slug])


def _entries(user, role):
    """(label, url, roles) in menu order; the url is computed only for an entry the role sees."""
    board = {
        Role.AMVI: "Voorgelegd aan de AMVI",
        Role.PROVINCE: "Onze trajecten",
        Role.PROGRAMME: "Trajecten",
    }
    return [
        ("Mijn traject", lambda: _company_trajectory_url(user), (Role.COMPANY,)),
        (board.get(role, "Trajecten"), lambda: reverse("trajectories:board"), (Role.AMVI, Role.PROVINCE, Role.PROGRAMME)),
        ("Nieuw bedrijf", lambda: reverse("trajectories:company_new"), (Role.PROGRAMME,)),
        ("Mijn projecten" if role == Role.COMPANY else "Projecten", lambda: reverse("finance:projects"),
         (Role.COMPANY, Role.PROVINCE, Role.PROGRAMME)),
        ("Mijn cijfers", lambda: _company_figures_url(user), (Role.COMPANY,)),
        ("Programma", lambda: reverse("programme:dashboard"), (Role.PROGRAMME,)),
        ("Casusbestand inlezen", lambda: reverse("casefiles:upload"), (Role.PROGRAMME,)),
        ("Te publiceren", lambda: reverse("figures:queue"), (Role.PROGRAMME,)),
        ("Monitoring", lambda: reverse("programme:monitoring"), (Role.PROGRAMME,)),
        ("Rapportage", lambda: reverse("reporting:index"), (Role.PROGRAMME,)),
        ("Documenten", lambda: reverse("portal:documents"), EVERYONE),
        ("Kamerbrieven", lambda: reverse("reporting:sent_letters"), EVERYONE),
        ("Register", lambda: reverse("registry:ranking"), EVERYONE),
        ("Bedrijven", lambda: reverse("registry:companies"), EVERYONE),
        ("Open data", lambda: reverse("portal:open_data"), (PUBLIC, Role.PROGRAMME)),
    ]


def menu(user, path: str = "") -> list[MenuItem]:
    """The main menu for ``user``; the entry whose URL is the longest prefix of ``path`` is current."""
    role = role_of(user) if user is not None else None
    items = [MenuItem(label, url()) for label, url, roles in _entries(user, role) if role in roles]
    best = max((item for item in items if _matches(path, item.url)), key=lambda item: len(item.url), default=None)
    return [MenuItem(i.label, i.url, i is best) for i in items]


def _matches(path: str, url: str) -> bool:
    return bool(path) and (path == url or (url != "/" and path.startswith(url)))


def landing_url(user) -> str:
    """Where ``user`` starts after logging in: the company its trajectory, the AMVI what was put to it,
    a province its trajectories, the programme team its dashboard, anyone else the public home page."""
    role = role_of(user)
    if role == Role.COMPANY:
        return _company_trajectory_url(user)
    if role in (Role.AMVI, Role.PROVINCE):
        return reverse("trajectories:board")
    if role == Role.PROGRAMME:
        return reverse("programme:dashboard")
    return reverse("portal:home")
