"""The register in the internal API: list and detail as of a date, record (201/403/422), propose, publish (409 on four eyes)."""

import json

from maatwerk.figures import services
from maatwerk.figures.models import Figure

from .conftest import D


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def body(w, **over):
    return {"company_id": w.cosun.pk, "quantity": "co2_reduction_t_per_year", "qualifier": "range", "low": 224000, "high": 263000,
            "year": 2030, "base_period": "2021", "source_id": w.jloi.pk, "confidentiality": "public"} | over


def test_record_propose_publish_over_the_api(world, client):
    w = world
    client.force_login(w.programme)
    created = post(client, "/api/v1/figures/", body(w))
    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["state"], data["valid_from"], data["text"], data["source"]["reference"]) == ("draft", "2025-06-23", "224–263 kt", "kenmerk JLoI Cosun")
    fid = data["id"]
    assert post(client, f"/api/v1/figures/{fid}/propose").json()["state"] == "proposed"
    refused = post(client, f"/api/v1/figures/{fid}/publish")
    assert refused.status_code == 409 and "een ander lid van het programmateam" in refused.json()["detail"]
    client.force_login(w.programme2)
    published = post(client, f"/api/v1/figures/{fid}/publish")
    assert published.status_code == 200 and published.json()["published_by"] == "p-twee"
    assert post(client, f"/api/v1/figures/{fid}/publish").status_code == 409  # once


def test_bad_input_is_422_per_field_and_writes_nothing(world, client):
    w = world
    client.force_login(w.programme)
    for over, field in (({"qualifier": "at_most", "low": 5}, "low"), ({"qualifier": "range", "high": None}, "high"),
                        ({"valid_from": "2025-01-01"}, "valid_from"), ({"source_id": w.alco_jloi.pk}, "source_id"),
                        ({"project_id": 999999}, "project_id")):
        response = post(client, "/api/v1/figures/", body(w, **over))
        assert response.status_code == 422, (over, response.content)
        assert field in response.json()["errors"], response.json()
    for over in ({"low": "veel"}, {"low": -1}, {"qualifier": "roughly"}, {"quantity": "happiness"}):
        assert post(client, "/api/v1/figures/", body(w, **over)).status_code == 422
    assert Figure.objects.count() == 0


def test_roles_over_the_api(world, client):
    w = world
    client.force_login(w.company)
    assert post(client, "/api/v1/figures/", body(w)).status_code == 201
    assert post(client, "/api/v1/figures/", body(w, company_id=w.alco.pk, source_id=w.alco_jloi.pk)).status_code == 404
    fid = Figure.objects.get().pk
    assert post(client, f"/api/v1/figures/{fid}/propose").status_code == 200
    assert post(client, f"/api/v1/figures/{fid}/publish").status_code == 403
    client.force_login(w.other_company)
    assert client.get(f"/api/v1/figures/{fid}").status_code == 404
    assert client.get("/api/v1/figures/").json() == []
    client.logout()
    assert client.get("/api/v1/figures/").status_code == 401


def test_list_as_of_gives_the_record_that_held(world, client):
    w = world
    jloi = services.record_figure(company=w.cosun, quantity="support_max_eur", low=None, high=105e6, qualifier="at_most", source=w.jloi,
                                  valid_from=D("2025-06-23"), confidentiality="public", actor=w.programme)
    binding = services.record_figure(company=w.cosun, quantity="support_max_eur", low=None, high=73e6, qualifier="at_most", source=w.binding,
                                     valid_from=D("2025-12-18"), confidentiality="public", supersedes=jloi, actor=w.programme)
    client.force_login(w.programme)
    ids = lambda q: [f["id"] for f in client.get("/api/v1/figures/" + q).json()]  # noqa: E731
    assert ids("") == [jloi.pk, binding.pk]
    assert ids("?as_of=2025-06-30") == [jloi.pk]
    assert ids("?as_of=2025-12-18&quantity=support_max_eur") == [binding.pk]
    assert ids(f"?company_id={w.alco.pk}") == []
    assert client.get("/api/v1/figures/?as_of=2025-06-30").json()[0]["text"] == "ten hoogste € 105 mln"


def test_the_operations_are_in_the_openapi_schema(world, client):
    client.force_login(world.programme)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/figures/"])
    assert "post" in paths["/api/v1/figures/{figure_id}/publish"] and "post" in paths["/api/v1/figures/{figure_id}/propose"]
