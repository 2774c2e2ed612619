"""Case intake through the API (issue 13 point 4): 201 / 403 / 401 / 409 / 422, and the OpenAPI
schema lists every POST and PATCH."""

import pytest

from maatwerk.accounts.models import Role
from maatwerk.api.api import api
from maatwerk.registry.models import Company, Installation, Operator
from maatwerk.trajectories import services
from maatwerk.trajectories.models import Event, Trajectory

from ..helpers import make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post(client, url, body, method="post"):
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.fixture
def programme(client):
    client.force_login(make_user("p-api", Role.PROGRAMME))


def written():
    return Company.objects.count(), Trajectory.objects.count(), Event.objects.count()


def test_the_schema_lists_the_intake_operations():
    paths = api.get_openapi_schema()["paths"]
    wanted = {("post", "/api/v1/trajectories/"), ("patch", "/api/v1/trajectories/{trajectory_id}"),
              ("patch", "/api/v1/trajectories/{trajectory_id}/company"), ("post", "/api/v1/trajectories/{trajectory_id}/events"),
              ("post", "/api/v1/trajectories/{trajectory_id}/transitions"), ("post", "/api/v1/trajectories/{trajectory_id}/parties"),
              ("delete", "/api/v1/trajectories/{trajectory_id}/parties/{party_id}"), ("post", "/api/v1/trajectories/{trajectory_id}/documents"),
              ("post", "/api/v1/projects/"), ("patch", "/api/v1/projects/{project_id}")}
    assert wanted <= {(m, p) for p, ops in paths.items() for m in ops}
    events = paths["/api/v1/trajectories/{trajectory_id}/events"]["post"]
    assert {201, 403, 409, 422} <= {int(code) for code in events["responses"]}


def test_create_company_201_409_422(programme, client):
    operator = Operator.objects.create(name="ALCO ENERGY ROTTERDAM B.V.", country="NL")
    Installation.objects.create(eutl_id="NL-439", name="Alco", country="NL", operator=operator)
    body = {"name": "Alco Energy Rotterdam", "sector": "industry", "provinces": ["Zuid-Holland"], "installations": ["NL-439"],
            "admission_kind": "extension", "admission_reason": "Uitbreiding (maart 2024)"}
    created = post(client, f"{API}/trajectories/", body)
    assert created.status_code == 201
    data = created.json()
    assert (data["phase"], data["installations"], data["provinces"], data["admission_kind"]) == ("exploration", ["NL-439"], ["Zuid-Holland"], "extension")
    before = written()
    assert post(client, f"{API}/trajectories/", {**body, "installations": []}).status_code == 409  # the name is in use
    bad = post(client, f"{API}/trajectories/", {**body, "name": "Ander", "sector": "staal", "installations": ["NL-1"]})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"body.sector", "body.installations"}
    assert written() == before


def test_others_get_403_and_anonymous_401(client):
    other = services.create_company(name="Ander", sector="industry")
    before = written()
    assert post(client, f"{API}/trajectories/", {"name": "X"}).status_code == 401
    client.force_login(make_user("c", Role.COMPANY, company=other.company))
    assert post(client, f"{API}/trajectories/", {"name": "X"}).status_code == 403
    url = f"{API}/trajectories/{other.pk}/events"
    assert post(client, url, {"kind": "note", "note": "x", "date": "2025"}).status_code == 403
    assert post(client, f"{API}/trajectories/{other.pk}", {"version": other.version, "admission_kind": "top20"}, "patch").status_code == 403
    assert written() == before


def test_events_with_partial_dates_and_exceptions(programme, client):
    t = services.create_company(name="Alco Energy Rotterdam", sector="industry", admission_kind="extension", admission_reason="r")
    letter = post(client, f"{API}/trajectories/{t.pk}/documents", {"kind": "kamerbrief", "title": "Voortgangsbrief", "date": "2025-06",
                                                                  "reference": "Kamerstuk 29 826 nr. 260", "public": True})
    assert letter.status_code == 201 and (letter.json()["date_precision"], letter.json()["document_date"]) == ("month", "2025-06-01")
    url = f"{API}/trajectories/{t.pk}/events"
    eop = {"kind": "transition", "to": "eop_signed", "not_after": "2025-06-30", "source_document_id": letter.json()["id"]}
    before = written()
    refused = post(client, url, eop)
    assert refused.status_code == 409 and "klimaatplan" in refused.json()["detail"].lower()
    bad = post(client, url, {**eop, "not_after": "2025-13"})
    assert bad.status_code == 422 and bad.json()["errors"] == {"body.not_after": ["Uiterlijk op: '2025-13' is geen geldige maand (1 tot en met 12)."]}
    no_source = post(client, url, {**eop, "exception": {"reason": "Niet openbaar."}})
    assert no_source.status_code == 422 and "body.exception_source" in no_source.json()["errors"]
    assert written() == before
    ok = post(client, url, {**eop, "exception": {"reason": "Niet openbaar.", "source_document_id": letter.json()["id"]}})
    assert ok.status_code == 201
    assert ok.json()["when"] == {"date": None, "not_after": "2025-06-30", "before": None, "approx": None, "text": "uiterlijk 30 juni 2025"}
    t.refresh_from_db()
    assert t.phase == "eop_signed"
    events = client.get(f"{API}/trajectories/{t.pk}/events").json()
    assert [e["kind"] for e in events if e["kind"] in ("gate_exception", "transition")] == ["gate_exception", "transition"]
    informed = post(client, url, {"kind": "parliament_informed"})
    assert informed.status_code == 201 and informed.json()["when"]["text"] == "datum onbekend"
    stale = post(client, url, {"kind": "note", "note": "x", "date": "2025", "version": 0})
    assert stale.status_code == 409 and "intussen gewijzigd" in stale.json()["detail"]


def test_admission_parties_company_and_projects(programme, client):
    t = services.create_company(name="Alco Energy Rotterdam", sector="industry")
    doc = services.add_source(t, kind="kamerbrief", title="Brief", date="2024-03")
    t.refresh_from_db()
    url = f"{API}/trajectories/{t.pk}"
    missing = post(client, url, {"version": t.version, "admission_kind": "extension"}, "patch")
    assert missing.status_code == 422 and "body.admission_reason" in missing.json()["errors"]
    ok = post(client, url, {"version": t.version, "admission_kind": "extension", "admission_reason": "r", "admission_source_id": doc.pk}, "patch")
    assert ok.status_code == 200 and (ok.json()["admission_source_id"], ok.json()["top20"]) == (doc.pk, False)
    assert post(client, url, {"version": t.version, "climate_plan_target_year": 2045}, "patch").status_code == 409  # stale
    party = post(client, f"{url}/parties", {"name": "Provincie Zuid-Holland", "role": "province"})
    assert party.status_code == 201 and party.json()["role"] == "province"
    assert post(client, f"{url}/parties", {"name": "Provincie Zuid-Holland", "role": "company"}).status_code == 422
    assert client.delete(f"{url}/parties/{party.json()['id']}").json() == []
    company = post(client, f"{url}/company", {"version": Trajectory.objects.get(pk=t.pk).version, "subsector": "bio-ethanol"}, "patch")
    assert company.status_code == 200 and company.json()["subsector"] == "bio-ethanol"
    project = post(client, f"{API}/projects/", {"trajectory_id": t.pk, "name": "E-boiler", "techniques": ["electrification"]})
    assert project.status_code == 201 and project.json()["techniques"] == ["electrification"]
    assert post(client, f"{API}/projects/", {"trajectory_id": t.pk, "name": "e-boiler"}).status_code == 409
    assert post(client, f"{API}/projects/", {"trajectory_id": t.pk, "name": "Y", "techniques": ["kernfusie"]}).status_code == 422
