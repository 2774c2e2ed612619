"""The API: listing by role, and transitions answering 201, 409 with the reason, or 422."""


from maatwerk.trajectories.models import Event

from ..helpers import trajectory

API = "/api/v1"


def test_api_requires_login(demo, client):
    for url in [f"{API}/companies/", f"{API}/trajectories/", f"{API}/documents/"]:
        assert client.get(url).status_code == 401


def test_openapi_schema_lists_the_endpoints(users, client):
    assert client.get(f"{API}/openapi.json").status_code == 302  # schema for logged-in users
    client.force_login(users["company_a"])
    schema = client.get(f"{API}/openapi.json").json()
    paths = schema["paths"]
    for p in ["/api/v1/companies/", "/api/v1/trajectories/", "/api/v1/trajectories/{trajectory_id}/events", "/api/v1/documents/", "/api/v1/trajectories/{trajectory_id}/transitions"]:
        assert p in paths


def test_trajectories_as_of(users, client):
    client.force_login(users["programme"])
    nobian = trajectory("Nobian")
    before = client.get(f"{API}/trajectories/{nobian.pk}", {"as_of": "2024-12-18"}).json()
    after = client.get(f"{API}/trajectories/{nobian.pk}", {"as_of": "2024-12-19"}).json()
    assert (before["phase"], after["phase"]) == ("jloi_signed", "binding_agreement")
    events = client.get(f"{API}/trajectories/{nobian.pk}/events").json()
    assert [e["to_phase"] for e in events if e["kind"] == "transition"] == ["eop_signed", "jloi_concept", "amvi_advice", "jloi_signed", "binding_agreement"]


def test_company_user_gets_only_own_trajectory(users, client):
    client.force_login(users["company_a"])
    data = client.get(f"{API}/trajectories/").json()
    assert [t["company"] for t in data] == ["AnQore"]
    assert client.get(f"{API}/trajectories/{trajectory('Nobian').pk}").status_code == 404
    docs = client.get(f"{API}/documents/").json()
    assert not [d for d in docs if d["doc_type"] == "business_case" and d["trajectory_id"] != trajectory("AnQore").pk]


def test_transition_answers_201_409_422(users, client):
    client.force_login(users["programme"])
    oci = trajectory("OCI Nitrogen")
    url = f"{API}/trajectories/{oci.pk}/transitions"
    count = Event.objects.count()
    refused = client.post(url, {"to": "jloi_concept", "date": "2026-01-10"}, content_type="application/json")
    assert refused.status_code == 409
    assert "businesscase" in refused.json()["detail"].lower() or "concept" in refused.json()["detail"].lower()
    assert Event.objects.count() == count
    for body in [{"to": "withdrawn"}, {"to": "withdrawn", "date": "10-01-2026"}, {"date": "2026-01-10"}, {"to": "withdrawn", "date": "2026-01-10", "note": "a\u0000b"}]:
        assert client.post(url, body, content_type="application/json").status_code == 422
    assert client.post(url, "not json", content_type="application/json").status_code in (400, 422)
    ok = client.post(url, {"to": "withdrawn", "date": "2026-01-10", "note": "Gestopt."}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["phase"] == "withdrawn"
    assert Event.objects.count() == count + 1


def test_stale_version_is_a_conflict(users, client):
    client.force_login(users["programme"])
    oci = trajectory("OCI Nitrogen")
    url = f"{API}/trajectories/{oci.pk}/transitions"
    response = client.post(url, {"to": "withdrawn", "date": "2026-01-10", "note": "x", "version": oci.version - 1}, content_type="application/json")
    assert response.status_code == 409 and "intussen gewijzigd" in response.json()["detail"]


def test_company_user_cannot_move(users, client):
    client.force_login(users["company_a"])
    anqore = trajectory("AnQore")
    response = client.post(f"{API}/trajectories/{anqore.pk}/transitions", {"to": "withdrawn", "date": "2026-01-10", "note": "x"}, content_type="application/json")
    assert response.status_code == 403
