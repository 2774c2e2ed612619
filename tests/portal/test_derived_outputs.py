"""Non-interference: no output a role receives depends on an input that role may not see.

The route x role matrix checks that a planted secret string does not appear; that misses what is
*computed* from a secret (a levelised cost from a business case, a count from an unpublished figure,
a cached fragment). Here every GET route of the matrix is fetched by every role twice: once as the
data stand, and once after the confidential inputs of AnQore were changed behind the scenes (its
business case, the financial securities it gives the State, its confidential documents). A role
without the right to those inputs must receive exactly the same bytes (up to CSRF tokens and CSP
nonces); a role with the right must see a difference somewhere, which shows that the change of
inputs reaches the outputs at all (so this test can fail).
"""

import collections
import datetime as dt
import io
import re

import pytest
from django.core.cache import cache

from maatwerk.finance.models import BusinessCase
from maatwerk.trajectories import services
from maatwerk.trajectories.models import Document, Event, Trajectory

from ..helpers import trajectory
from .test_route_role_matrix import MAY_SEE_ANQORE_SECRETS, ROLES, ids, matrix  # noqa: F401 (ids is a fixture)

VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'),
    re.compile(r'nonce="[^"]*"'),
    re.compile(r"csrftoken=[^;\s\"']*"),
    re.compile(r"X-CSRFToken'\] = \"[^\"]*\""),
    re.compile(r'data-csrf-token="[^"]*"'),  # the API docs page, now rendered from ninja's own template (issue 15)
]


def normalised(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return repr([[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets])
    text = body.decode("utf-8", errors="replace")
    for pattern in VOLATILE:
        text = pattern.sub("", text)
    return f"{response.status_code} {response.get('Location', '')}\n{text}"


def outputs(client, ids) -> dict[str, str]:  # noqa: F811 (ids: the fixture imported above)
    cache.clear()
    out = {}
    for case in matrix():
        if case.method != "GET" or case.route in ("logout",):
            continue
        url = case.url(ids)
        out[url] = normalised(client.get(url))
    return out


def change_confidential_inputs(anqore: Trajectory, securities_event: Event) -> None:
    """Another world: every confidential input of AnQore different, nothing else (no new events)."""
    bc = BusinessCase.objects.get(project__trajectory=anqore)
    BusinessCase.objects.filter(pk=bc.pk).update(
        capex_schedule=[c * 1.37 + 1_000_000 for c in bc.capex_schedule],
        opex_delta_eur_per_year=bc.opex_delta_eur_per_year * 0.71 + 12_345,
        hurdle_rate=bc.hurdle_rate + 0.013,
        lifetime_years=bc.lifetime_years + 3,
        notes="ANDERE WERELD",
    )
    Trajectory.objects.filter(pk=anqore.pk).update(financial_securities="ZEKERHEID-B moederbedrijf 99 miljoen")
    Event.objects.filter(pk=securities_event.pk).update(
        payload={"changed": {"financial_securities": ["", "ZEKERHEID-B moederbedrijf 99 miljoen"]}}
    )
    for doc in Document.objects.filter(trajectory=anqore, confidentiality="confidential"):
        Document.objects.filter(pk=doc.pk).update(title=f"Anders {doc.pk}")


@pytest.mark.parametrize("role", ROLES)
def test_no_output_depends_on_confidential_inputs_the_role_may_not_see(role, users, ids, client):  # noqa: F811
    if role != "anonymous":
        client.force_login(users[role])
    anqore = trajectory("AnQore")
    event = services.edit(anqore, {"financial_securities": "ZEKERHEID-A garantie 17 miljoen"})
    before = outputs(client, ids)
    change_confidential_inputs(anqore, event)
    after = outputs(client, ids)
    changed = sorted(url for url in before if before[url] != after[url])
    if role in MAY_SEE_ANQORE_SECRETS:
        assert changed, f"{role} may see AnQore's confidential inputs, yet no output changed: the test would not notice a leak"
    else:
        details = []
        for url in changed:
            a, b = before[url].splitlines(), after[url].splitlines()
            diff = [f"  - {x[:160]}\n  + {y[:160]}" for x, y in zip(a, b) if x != y][:3]
            details.append(f"{url}\n" + "\n".join(diff))
        assert not changed, f"{role} receives outputs computed from confidential inputs:\n" + "\n".join(details)


@pytest.mark.django_db(transaction=True)
def test_cached_fragments_never_carry_a_privileged_role_s_figures_to_another(django_user_model, settings, tmp_path):
    """With committed data the derived figures and rendered fragments are cached. The programme team
    fills the cache first; every other role must then receive what it receives with an empty cache."""
    import os

    from django.core.management import call_command
    from django.test import Client

    from maatwerk.accounts.models import Role
    from maatwerk.registry.models import Company
    from maatwerk.trajectories.models import Party

    from ..helpers import make_user

    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=open(os.devnull, "w"))
    people = {
        "programme": make_user("c-programma", Role.PROGRAMME),
        "company_a": make_user("c-anqore", Role.COMPANY, company=Company.objects.get(name="AnQore")),
        "company_b": make_user("c-nobian", Role.COMPANY, company=Company.objects.get(name="Nobian")),
        "amvi": make_user("c-amvi", Role.AMVI),
        "province": make_user("c-limburg", Role.PROVINCE, party=Party.objects.get(name="Provincie Limburg")),
        "nobody": make_user("c-zonderrol"),
    }
    anqore = trajectory("AnQore")
    services.edit(anqore, {"financial_securities": "ZEKERHEID-A garantie 17 miljoen"})
    project = anqore.projects.first()
    keys = collections.defaultdict(int, {"trajectory": anqore.pk, "project": project.pk, "company": anqore.company_id})
    urls = [case.url(keys) for case in matrix() if case.method == "GET" and "{" not in case.route
            and not any(k in case.route for k in ("download", "document_file", "installation", "respond", "milestone", "review"))]

    def fetch(role, fill_first: bool) -> dict[str, str]:
        cache.clear()
        if fill_first:
            primer = Client()
            primer.force_login(people["programme"])
            for url in urls:
                primer.get(url)
            stored = getattr(cache, "_cache", None)
            assert stored is None or len(stored) > 0, "the programme team's requests cached nothing: this test would prove nothing"
        client = Client()
        if role != "anonymous":
            client.force_login(people[role])
        return {url: normalised(client.get(url)) for url in urls}

    for role in ("anonymous", "nobody", "company_b", "province", "amvi", "company_a"):
        cold, warm = fetch(role, fill_first=False), fetch(role, fill_first=True)
        differing = [url for url in urls if cold[url] != warm[url]]
        assert not differing, f"{role} gets other output when the programme team filled the cache: {differing}"
    cache.clear()


def _record_world(project, source, actor, *, confidentiality: str) -> list:
    """Figures for ``project`` that differ from every figure it has (valid from today, so they would
    hold now), recorded through the register's service; returned in state draft."""
    from maatwerk.figures import services as figure_services

    day = dt.date.today()
    amounts = {"support_max_eur": 7_777_777.0, "co2_reduction_t_per_year": 55_555.0, "investment_eur": 3_333_333.0,
               "nox_reduction_t_per_year": 12.0}
    return [
        figure_services.record_figure(
            company=project.trajectory.company, project=project, quantity=q, low=v, high=v, qualifier="exact", year=2030,
            source=source, valid_from=day, confidentiality=confidentiality, actor=actor,
        )
        for q, v in amounts.items()
    ]


@pytest.mark.parametrize("kind", ["draft", "proposed", "confidential", "internal", "unpublished source"])
def test_no_public_output_depends_on_figures_that_are_not_published(kind, users, ids, client):  # noqa: F811
    """Figures in the register that are not (yet) public: a draft, a proposed figure, a confidential or
    internal one, a public one whose source is not published. Anonymous readers get the same bytes on
    every route, not even a count changes; once another programme-team member publishes the draft,
    they differ (so the test can fail)."""
    from maatwerk.accounts.models import Role
    from maatwerk.figures import services as figure_services
    from maatwerk.finance.models import Project

    from ..helpers import make_user

    project = Project.objects.get(pk=ids["project"])
    day = dt.date.today()
    published = kind != "unpublished source"
    source = services.add_document(
        project.trajectory, "news", f"Bron voor de proef ({kind})", "confidential" if kind == "confidential" else "public",
        document_date=day, published=published and kind != "confidential",
    )
    before = outputs(client, ids)
    confidentiality = {"confidential": "confidential", "internal": "internal"}.get(kind, "public")
    figures = _record_world(project, source, users["programme"], confidentiality=confidentiality)
    if kind == "proposed":
        figures = [figure_services.propose(f, users["programme"]) for f in figures]
    after = outputs(client, ids)
    changed = sorted(url for url in before if before[url] != after[url])
    assert not changed, f"{kind} figures reach the public through {changed}"
    if kind in ("draft", "proposed"):
        second = make_user("t-programma-2", Role.PROGRAMME)
        for f in figures:
            figure_services.publish(f, second)
        published_now = outputs(client, ids)
        assert sorted(url for url in before if before[url] != published_now[url]), "publishing changed nothing: the test could not fail"


def test_the_programme_team_sees_figures_before_they_are_published(users, ids, client):  # noqa: F811
    """The other side: the same draft figures do change what the programme team sees (its register and totals)."""
    from maatwerk.finance.models import Project

    client.force_login(users["programme"])
    project = Project.objects.get(pk=ids["project"])
    source = services.add_document(project.trajectory, "news", "Bron voor de proef", "public", document_date=dt.date.today(), published=True)
    before = outputs(client, ids)
    _record_world(project, source, users["programme"], confidentiality="internal")
    after = outputs(client, ids)
    assert any(before[url] != after[url] for url in before), "the programme team sees no change: the test would not notice a leak"
