"""Every page and API endpoint as every role: the expected status, and no confidential business
information of AnQore for a role without the right to it."""

import pytest

from maatwerk.finance.models import BusinessCase, Project
from maatwerk.trajectories import services

from ..helpers import trajectory

PDF = b"%PDF-1.4\n%%EOF\n"
ROLES = ("anonymous", "nobody", "company_a", "company_b", "amvi", "province", "programme")
SECRET = ["MATRIX-GEHEIM-5150", "31415926"]
MAY_SEE_ANQORE_SECRETS = {"company_a", "amvi", "programme"}

# status per role, in the order of ROLES; "login" = redirect to the login page (web) or 401 (API)
OPEN = (200,) * 7
LOGIN_ANY = ("login", 200, 200, 200, 200, 200, 200)
PROGRAMME_ONLY = ("login", 403, 403, 403, 403, 403, 200)
ANQORE_OBJECT = ("login", 404, 200, 404, 200, 200, 200)  # AnQore: own company, put to the AMVI, Limburg's


def matrix(ids):
    t, p, doc = ids["trajectory"], ids["project"], ids["document"]
    return [
        ("/", OPEN), ("/documenten/", OPEN), ("/open-data/", OPEN), ("/open-data/projecten.json", OPEN),
        ("/bedrijven/anqore/", OPEN), ("/register/", OPEN), ("/register/bedrijven/anqore/", OPEN),
        ("/rapportage/voortgangsbrief/", OPEN), ("/api/public/v1/projects/", OPEN), ("/api/public/v1/documents/", OPEN),
        ("/trajecten/", LOGIN_ANY), ("/projecten/", LOGIN_ANY), ("/rapportage/overzichten/", LOGIN_ANY),
        ("/rapportage/overzichten/steun.csv", LOGIN_ANY),
        (f"/trajecten/{t}/", ANQORE_OBJECT), (f"/projecten/{p}/", ANQORE_OBJECT),
        (f"/documenten/{doc}/bestand/", ("login", 404, 200, 404, 200, 404, 200)),
        ("/programma/", PROGRAMME_ONLY), ("/monitoring/", PROGRAMME_ONLY),
        ("/api/v1/trajectories/", LOGIN_ANY), ("/api/v1/projects/", LOGIN_ANY), ("/api/v1/documents/", LOGIN_ANY),
        (f"/api/v1/trajectories/{t}", ANQORE_OBJECT), (f"/api/v1/trajectories/{t}/events", ANQORE_OBJECT),
        (f"/api/v1/projects/{p}", ANQORE_OBJECT), (f"/api/v1/projects/{p}/evaluation", ANQORE_OBJECT),
        ("/admin/", ("login", 302, 302, 302, 302, 302, 302)),
    ]


@pytest.fixture
def ids(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    anqore = trajectory("AnQore")
    bc = BusinessCase.objects.get(project__trajectory=anqore)
    bc.notes, bc.opex_delta_eur_per_year = SECRET[0], 31415926.0
    bc.save()
    doc = services.add_document(anqore, "business_case", f"BC {SECRET[0]}", "confidential", data=PDF, file_name="bc.pdf")
    return {"trajectory": anqore.pk, "project": Project.objects.get(trajectory=anqore).pk, "document": doc.pk}


@pytest.mark.parametrize("role", ROLES)
def test_route_role_matrix(role, users, ids, client):
    if role != "anonymous":
        client.force_login(users[role])
    index = ROLES.index(role)
    for url, expected in matrix(ids):
        response = client.get(url)
        want = expected[index]
        if want == "login":
            if url.startswith("/api/"):
                assert response.status_code == 401, f"{role} {url}: {response.status_code}"
            else:
                location = response.get("Location", "")
                assert response.status_code == 302 and ("/inloggen/" in location or "/admin/login/" in location), f"{role} {url}"
        else:
            assert response.status_code == want, f"{role} {url}: {response.status_code}, expected {want}"
        if response.status_code == 200 and role not in MAY_SEE_ANQORE_SECRETS:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", errors="replace")
            for secret in SECRET:
                assert secret not in text, f"{secret} reached {role} at {url}"
