"""Confidentiality by construction: every public URL, the public API and every export, searched for
confidential markers; every other URL refuses an anonymous visitor."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from maatwerk.finance.models import BusinessCase, Project
from maatwerk.registry.models import Company
from maatwerk.trajectories import services
from maatwerk.trajectories.models import Contact, Document, Party

from ..helpers import trajectory

PDF = b"%PDF-1.4\n%%EOF\n"
MARKERS = ["GEHEIM-BC-7731", "987654321", "GEHEIM-DOC-4412", "INTERN-DOC-5521", "ONGEPUBLICEERD-9931", "GEHEIM-EVENT-1187", "geheim@example.org", "123456789"]

PUBLIC_NAMES = {
    "portal:home", "portal:company", "portal:documents", "portal:document_file", "portal:open_data", "portal:download",
    "registry:ranking", "registry:companies", "registry:company", "registry:installation", "registry:reconciliation", "login",
    # the shell (issue 15): the footer pages, and /start/ which sends an anonymous visitor to the home page
    "core:start", "core:about", "core:privacy", "core:cookies", "core:accessibility", "core:contact",
    # progress letters once sent to parliament (issue 14); a draft's number gives 404 there
    "reporting:sent_letters", "reporting:sent_letter", "reporting:sent_letter_file",
}


@pytest.fixture
def secrets(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    anqore = trajectory("AnQore")
    bc = BusinessCase.objects.get(project__trajectory=anqore)
    bc.notes = "GEHEIM-BC-7731"
    bc.other_income_eur_per_year = 987654321.0
    bc.capex_schedule = [123456789.0]
    bc.save()
    services.add_document(anqore, "business_case", "GEHEIM-DOC-4412", "confidential", data=PDF, file_name="bc.pdf")
    services.add_document(anqore, "other", "INTERN-DOC-5521", "internal", data=PDF, file_name="intern.pdf")
    services.add_document(anqore, "jloi", "ONGEPUBLICEERD-9931", "public", data=PDF, file_name="concept.pdf", published=False)
    services.note(anqore, "GEHEIM-EVENT-1187", None)
    Contact.objects.create(party=Party.objects.get(name="AnQore"), name="Contact", email="geheim@example.org")
    published = services.add_document(anqore, "progress_report", "Openbare voortgang", "public", data=PDF, file_name="v.pdf", published=True)
    return published


def walk(resolver, namespace=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from ((f"{name}", f"{str(p.pattern)}{route}") for name, route in walk(p, ns))
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", str(p.pattern)


def public_urls(published):
    slugs = [c.slug for c in Company.objects.filter(trajectory__isnull=False)]
    urls = ["/", "/documenten/", "/open-data/", "/register/", "/register/bedrijven/"]
    urls += [f"/bedrijven/{s}/" for s in slugs] + [f"/register/bedrijven/{s}/" for s in slugs]
    urls += [f"/documenten/?bedrijf={s}" for s in slugs] + ["/documenten/?soort=business_case", "/documenten/?soort=jloi"]
    urls += [f"/open-data/{name}.{fmt}" for name in ("bedrijven", "projecten", "documenten") for fmt in ("csv", "json")]
    urls += ["/register/installaties/NL-144/", f"/documenten/{published.pk}/download/", "/inloggen/"]
    urls += ["/api/public/v1/companies/", "/api/public/v1/projects/", "/api/public/v1/documents/", "/api/public/v1/openapi.json"]
    urls += [f"/api/public/v1/companies/{s}" for s in slugs] + [f"/api/public/v1/projects/?company={s}" for s in slugs]
    return urls


def test_no_confidential_field_or_document_in_any_public_url(secrets, client):
    for url in public_urls(secrets):
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        for marker in MARKERS:
            assert marker not in text, f"{marker} leaked at {url}"

def test_the_draft_letter_shows_no_confidential_field_to_the_programme_team_either(secrets, users, client):
    """The draft letter is for the programme team (it becomes public once sent) and is built from the
    public record only: no confidential marker in it, even though its reader may see them elsewhere."""
    client.force_login(users["programme"])
    for params in ({}, {"op": "2025-07-08"}):
        text = client.get("/rapportage/voortgangsbrief/", params).content.decode()
        for marker in MARKERS:
            assert marker not in text, f"{marker} leaked into the letter {params}"
    pdf = client.get("/rapportage/voortgangsbrief/", {"op": "2025-07-08", "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_public_api_fields_are_the_allow_list(secrets, client):
    from maatwerk.portal import public

    projects = client.get("/api/public/v1/projects/").json()
    assert set(projects[0]) == {"company", "company_slug", *public.PROJECT_FIELDS}
    docs = client.get("/api/public/v1/documents/").json()
    assert {d["title"] for d in docs} == set(Document.objects.filter(published=True, confidentiality="public").values_list("title", flat=True))
    assert "business_case" not in {d["doc_type"] for d in docs}
    data = json.loads(client.get("/open-data/projecten.json").content)
    assert set(data[0]) == {"company", "company_slug", *public.PROJECT_FIELDS}


def test_every_other_url_refuses_an_anonymous_visitor(secrets, client):
    project = Project.objects.first()
    samples = {"pk": str(trajectory("AnQore").pk), "item_pk": "1", "name": "emissies", "fmt": "csv", "slug": "anqore", "eutl_id": "NL-144"}
    seen_public = set()
    for name, route in walk(get_resolver()):
        if name in PUBLIC_NAMES:
            seen_public.add(name)
            continue
        if name.startswith(("admin:", "public-api-1:")) or "<path:" in route or "(?P" in route:
            continue
        url = "/" + route
        for key, value in samples.items():
            url = url.replace(f"<int:{key}>", value).replace(f"<str:{key}>", value).replace(f"<slug:{key}>", value)
        url = url.replace("<int:project_id>", str(project.pk)).replace("<int:trajectory_id>", "1").replace("<int:company_id>", "1")
        if "<" in url:
            continue
        response = client.get(url)
        assert response.status_code in (302, 401, 403, 404, 405), f"{name} {url} answered {response.status_code} without login"
        if response.status_code == 302:
            assert "/inloggen/" in response["Location"], url
    assert seen_public == PUBLIC_NAMES
    assert client.get("/api/v1/projects/").status_code == 401
    assert client.get("/admin/").status_code == 302
