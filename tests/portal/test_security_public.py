"""Issue 12 (security), the public record: figures only once published (M6), no company named whose
trajectory ended without potential, the letter only through the allow-list, and the draft letter only
for the programme team, rendered once per data generation."""

import datetime as dt

import pytest

from maatwerk.accounts.models import Role
from maatwerk.figures import services as figure_services
from maatwerk.figures.models import Figure
from maatwerk.finance.models import Project
from maatwerk.reporting import services as reporting
from maatwerk.trajectories import services
from maatwerk.trajectories.models import Trajectory

from ..helpers import make_user, trajectory

UNPUBLISHED = 123_454_321  # a support amount "concept, niet openbaar"
SPOTS = ("123.454.321", "123454321", "€ 123 mln")  # as shown on a page (Dutch thousands, short) and in data


def public_texts(client, programme):
    """Every public output (and the draft letter, read by the programme team) as text."""
    urls = ["/", "/bedrijven/nobian/", "/open-data/projecten.csv", "/open-data/projecten.json", "/api/public/v1/projects/",
            "/api/public/v1/projects/?company=nobian", "/api/public/v1/companies/", "/open-data/bedrijven.csv", "/documenten/"]
    out = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        out[url] = response.content.decode()
    client.force_login(programme)
    for url in ("/rapportage/voortgangsbrief/", "/rapportage/overzichten/steun.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        out[url] = response.content.decode()
    client.logout()
    return out


def test_m6_unpublished_support_appears_nowhere_public(users, client):
    """A support figure recorded in the register shows nowhere in public while it is a draft or only
    proposed; once another programme-team member publishes it, it shows on every public output."""
    nobian = Project.objects.get(trajectory__company__name="Nobian")
    day = dt.date.today() - dt.timedelta(days=1)
    source = services.add_document(nobian.trajectory, "news", "Bericht over Nobian", "public", document_date=day, published=True)
    figure = figure_services.record_figure(
        company=nobian.trajectory.company, project=nobian, quantity="support_max_eur", low=UNPUBLISHED, high=UNPUBLISHED,
        qualifier="exact", source=source, valid_from=day, confidentiality="public", actor=users["programme"],
    )
    for step in ("draft", "proposed"):
        if step == "proposed":
            figure = figure_services.propose(figure, users["programme"])
        for url, text in public_texts(client, users["programme"]).items():
            for spot in SPOTS:
                assert spot not in text, f"{step} figure at {url}"
    # once another member of the programme team publishes it, it is public (so the test above can fail)
    figure_services.publish(figure, make_user("t-programma-2", Role.PROGRAMME))
    texts = public_texts(client, users["programme"])
    for url in ("/api/public/v1/projects/", "/bedrijven/nobian/", "/open-data/projecten.csv", "/rapportage/voortgangsbrief/"):
        assert any(s in texts[url] for s in SPOTS), url


def test_m6_the_letter_of_a_past_date_uses_only_figures_published_by_then(demo):
    alco = Project.objects.get(trajectory__company__name="Alco Energy Rotterdam")  # published 11 Mar 2026
    early = reporting.letter_context(dt.date(2025, 12, 31))
    later = reporting.letter_context(dt.date(2026, 6, 30))
    assert not any(p["name"] == alco.name for c in early["companies"] for p in c["projects"])
    assert any(p["name"] == alco.name for c in later["companies"] for p in c["projects"])


def end_without_potential(name: str) -> Trajectory:
    t = trajectory(name)
    state = services.state_as_of(t)
    if state.phase not in ("exploration", "eop_signed", "jloi_concept", "amvi_advice"):
        pytest.skip(f"{name} is past the phases from which no_potential is allowed")
    services.transition(t, "no_potential", dt.date.today(), note="samen geconcludeerd: geen potentieel", source="test")
    return t


def test_no_potential_companies_are_not_named_in_public(users, client):
    candidates = [t for t in Trajectory.objects.select_related("company")
                  if services.state_as_of(t).phase in ("exploration", "eop_signed")]
    assert candidates, "the demo has a trajectory in an early phase"
    t = candidates[0]
    name, slug = t.company.name, t.company.slug
    before = client.get("/api/public/v1/companies/").content.decode()
    assert name in before
    end_without_potential(name)
    for url in ("/", "/api/public/v1/companies/", "/api/public/v1/projects/", "/api/public/v1/documents/", "/open-data/bedrijven.csv",
                "/open-data/bedrijven.json", "/open-data/projecten.csv", "/open-data/documenten.json", "/documenten/"):
        text = client.get(url).content.decode()
        assert name not in text and f"/bedrijven/{slug}/" not in text, url
    assert client.get(f"/bedrijven/{slug}/").status_code == 404
    assert client.get(f"/api/public/v1/companies/{slug}").status_code == 404
    assert "1 traject beëindigd zonder potentieel" in client.get("/").content.decode()  # counted, without the name
    client.force_login(users["programme"])
    letter = client.get("/rapportage/voortgangsbrief/").content.decode()
    assert name not in letter and "Met 1 bedrijf is in deze periode vastgesteld dat er geen potentieel voor maatwerk is" in letter
    for overview in ("emissies", "data", "reducties"):
        assert name not in client.get(f"/rapportage/overzichten/{overview}.csv").content.decode(), overview


def test_letter_reads_only_fields_on_the_allow_list(users, client):
    """Baseline emissions and dispensation rights are not on the allow-list: the additional reduction
    computed from them (101.235 t for AnQore) must not reach the letter; the agreement's public 101.000 does."""
    from maatwerk.portal import public

    assert "baseline_emissions_t" not in public.PROJECT_FIELDS and "dispensation_rights_t" not in public.PROJECT_FIELDS
    anqore = Project.objects.get(trajectory__company__name="AnQore")
    # without the agreement's own additional figure in the register, only the computation could give one
    Figure.objects.filter(project=anqore, quantity="additional_reduction_t_per_year").delete()
    client.force_login(users["programme"])
    html = client.get("/rapportage/voortgangsbrief/").content.decode()
    assert "101.235" not in html and "101.2" not in html
    ctx = reporting.letter_context(dt.date.today())
    assert all(set(p) <= {"company", "company_slug", "values", *public.PROJECT_FIELDS} for c in ctx["companies"] for p in c["projects"])
    jloi = dict(ctx["categories"])["jloi"]
    assert jloi["unknown"]["additional_t"] >= 1  # AnQore's additionality is not public now


@pytest.mark.django_db(transaction=True)  # the cache stores only what is committed
def test_the_draft_letter_is_for_the_programme_team_and_rendered_once(users, client, monkeypatch):
    assert client.get("/rapportage/voortgangsbrief/?format=pdf").status_code == 302
    for who in ("company_a", "province", "amvi", "nobody"):
        client.force_login(users[who])
        assert client.get("/rapportage/voortgangsbrief/?format=pdf").status_code == 403
        assert client.get("/rapportage/overzichten/steun.csv").status_code == 403
    calls = []
    real = reporting.render_letter
    monkeypatch.setattr(reporting, "render_letter", lambda content, fmt: calls.append(fmt) or real(content, fmt))
    client.force_login(users["programme"])
    first = client.get("/rapportage/voortgangsbrief/", {"op": "2025-06-30", "format": "pdf"})
    second = client.get("/rapportage/voortgangsbrief/", {"op": "2025-06-30", "format": "pdf"})
    assert first.status_code == second.status_code == 200 and first.content == second.content and len(calls) == 1
    Project.objects.filter(trajectory__company__name="Nobian").update(nox_reduction_t=501)  # a write: a new generation
    client.get("/rapportage/voortgangsbrief/", {"op": "2025-06-30", "format": "pdf"})
    assert len(calls) == 2
    # an implausible date falls back to today instead of a 500
    assert client.get("/rapportage/voortgangsbrief/", {"op": "0001-01-01"}).status_code == 200
