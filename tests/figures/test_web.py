"""The register's pages for the person at the desk: figures with history, recording, four eyes, the queue."""

import re

import pytest

from maatwerk.figures import services
from maatwerk.figures.models import Figure
from maatwerk.trajectories.models import Event

from .conftest import D


def record(w, actor, **over):
    fields = dict(company=w.cosun, quantity="co2_reduction_t_per_year", low=224e3, high=263e3, qualifier="range", year=2030,
                  base_period="2021", source=w.jloi, valid_from=D("2025-06-23"), confidentiality="public", actor=actor)
    return services.record_figure(**(fields | over))


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


FORM = {"quantity": "co2_reduction_t_per_year", "project": "", "qualifier": "range", "low": "224.000", "high": "263.000",
        "year": "2030", "base_period": "2021", "valid_from": "", "confidentiality": "public", "note": "", "supersedes": ""}


def test_the_register_page_shows_current_value_source_and_struck_through_history(world, client):
    w = world
    jloi = record(w, w.programme)
    binding = record(w, w.programme, qualifier="exact", low=167e3, high=None, base_period="2018-2021", source=w.binding,
                     valid_from=D("2025-12-18"), supersedes=jloi)
    client.force_login(w.programme2)
    page = client.get(f"/cijfers/bedrijven/{w.cosun.slug}/")
    assert page.status_code == 200
    body = text(page)
    assert "167 kt in 2030, ten opzichte van 2018-2021" in body
    assert re.search(r"<del>\s*224–263 kt\s*</del>\s*<span class=\"badge\">vervangen</span>", page.content.decode())
    assert "kenmerk JLoI Cosun" in body and "23 juni 2025" in body
    assert 'href="https://example.org/JLoI-Cosun"' in page.content.decode()
    # as of 30 June 2025: the JLoI's range holds, the binding agreement comes later
    then = client.get(f"/cijfers/bedrijven/{w.cosun.slug}/?op=2025-06-30")
    assert "224–263 kt in 2030" in text(then)
    assert "geldt pas later" in text(then)
    assert "Publiceren" not in text(then)  # no buttons on a past view
    assert binding.pk


def test_record_form_keeps_input_and_names_the_field_on_error(world, client):
    w = world
    client.force_login(w.programme)
    url = f"/cijfers/bedrijven/{w.cosun.slug}/vastleggen/"
    assert client.get(url).status_code == 200
    bad = client.post(url, FORM | {"qualifier": "at_least", "source": w.jloi.pk})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "Bij &#x27;ten minste&#x27; en &#x27;meer dan&#x27; is er geen bovengrens." in html
    assert 'id="cijfer-high_error"' in html
    assert 'value="224.000"' in html and 'value="263.000"' in html  # what was typed is still there
    assert Figure.objects.count() == 0 and Event.objects.count() == 0
    ok = client.post(url, FORM | {"source": w.jloi.pk})
    assert ok.status_code == 302
    f = Figure.objects.get()
    assert (f.low, f.high, f.qualifier, f.valid_from, f.recorded_by) == (224e3, 263e3, "range", D("2025-06-23"), w.programme)


def test_a_correction_is_prefilled_and_supersedes(world, client):
    w = world
    old = record(w, w.programme, qualifier="about", low=26e3, high=None)
    client.force_login(w.programme)
    url = f"/cijfers/bedrijven/{w.cosun.slug}/vastleggen/?vervangt={old.pk}"
    form = client.get(url).content.decode()
    assert 'value="26.000"' in form and f'<option value="{old.pk}" selected>' in form
    response = client.post(url, FORM | {"qualifier": "about", "low": "260.000", "high": "", "source": w.jloi.pk, "supersedes": old.pk})
    assert response.status_code == 302
    new = Figure.objects.exclude(pk=old.pk).get()
    assert new.supersedes == old and new.low == 260e3


def test_four_eyes_in_the_buttons_and_the_refusal(world, client):
    w = world
    f = record(w, w.programme)
    client.force_login(w.programme)
    page = text(client.get(f"/cijfers/bedrijven/{w.cosun.slug}/"))
    assert "U heeft dit cijfer vastgelegd; een ander lid van het programmateam publiceert het." in page
    assert client.post(f"/cijfers/{f.pk}/voorstellen/").status_code == 302
    page = text(client.get(f"/cijfers/bedrijven/{w.cosun.slug}/"))
    assert "U heeft dit cijfer voorgesteld; een ander lid van het programmateam publiceert het." in page
    refused = client.post(f"/cijfers/{f.pk}/publiceren/")
    assert refused.status_code == 409 and "een ander lid van het programmateam" in text(refused)
    f.refresh_from_db()
    assert f.state == "proposed"
    client.force_login(w.programme2)
    queue = client.get("/cijfers/te-publiceren/")
    assert queue.status_code == 200 and "224–263 kt" in text(queue)
    assert client.post(f"/cijfers/{f.pk}/publiceren/", {"terug": "/cijfers/te-publiceren/"})["Location"] == "/cijfers/te-publiceren/"
    f.refresh_from_db()
    assert (f.state, f.published_by) == ("published", w.programme2)
    assert "Niets te publiceren" in text(client.get("/cijfers/te-publiceren/"))


def test_a_company_user_records_and_proposes_but_gets_no_publish_button(world, client):
    w = world
    client.force_login(w.company)
    url = f"/cijfers/bedrijven/{w.cosun.slug}/vastleggen/"
    assert client.post(url, FORM | {"source": w.jloi.pk}).status_code == 302
    f = Figure.objects.get()
    assert client.post(f"/cijfers/{f.pk}/voorstellen/").status_code == 302
    page = text(client.get(f"/cijfers/bedrijven/{w.cosun.slug}/"))
    assert "het programmateam publiceert het" in page
    assert client.post(f"/cijfers/{f.pk}/publiceren/").status_code == 403
    # another company's register is not there for it
    assert client.get(f"/cijfers/bedrijven/{w.alco.slug}/").status_code == 404
    assert client.get(f"/cijfers/bedrijven/{w.alco.slug}/vastleggen/").status_code == 404


def test_province_sees_no_confidential_figure_amvi_records_nothing(world, client):
    w = world
    record(w, w.programme, source=w.business_case, valid_from=D("2025-03-01"), confidentiality="confidential", low=1e3, high=2e3)
    client.force_login(w.province)
    page = client.get(f"/cijfers/bedrijven/{w.cosun.slug}/")
    assert page.status_code == 200 and "1–2 kt" not in text(page) and "Businesscase" not in text(page)
    form = client.get(f"/cijfers/bedrijven/{w.cosun.slug}/vastleggen/")  # not in the "vervangt" choices either
    assert form.status_code == 200 and "1–2 kt" not in text(form) and "Businesscase" not in text(form)
    client.force_login(w.company)
    assert "1–2 kt" in text(client.get(f"/cijfers/bedrijven/{w.cosun.slug}/"))
    client.force_login(w.nobody)
    assert client.get(f"/cijfers/bedrijven/{w.cosun.slug}/").status_code == 404
    assert client.get("/cijfers/te-publiceren/").status_code == 403


def test_documents_are_proposed_and_published_with_four_eyes_from_the_register(world, client):
    w = world
    client.force_login(w.company)
    assert client.post(f"/cijfers/documenten/{w.internal.pk}/voorstellen/").status_code == 302
    client.force_login(w.programme)
    assert "Concept-afspraak" in text(client.get("/cijfers/te-publiceren/"))
    assert client.post(f"/cijfers/documenten/{w.internal.pk}/publiceren/").status_code == 302
    w.internal.refresh_from_db()
    assert w.internal.is_public and w.internal.published_by == w.programme


@pytest.mark.parametrize("role, status", [("company", 403), ("province", 403), ("amvi", 404), ("nobody", 404)])
def test_publishing_a_document_is_for_the_programme_team(world, client, role, status):
    w = world
    client.force_login(getattr(w, role))
    assert client.post(f"/cijfers/documenten/{w.internal.pk}/publiceren/").status_code == status
    w.internal.refresh_from_db()
    assert not w.internal.published


def test_amvi_reads_the_figures_of_a_trajectory_put_to_it_and_records_none(world, client):
    w = world
    internal = record(w, w.programme, confidentiality="internal", quantity="investment_eur", qualifier="exact", low=250e6, high=None)
    client.force_login(w.amvi)
    assert client.get(f"/cijfers/bedrijven/{w.cosun.slug}/").status_code == 404  # not put to the AMVI yet
    Event.objects.create(trajectory=w.t_cosun, kind="transition", to_phase="jloi_concept", effective_date=D("2025-05-01"))
    page = client.get(f"/cijfers/bedrijven/{w.cosun.slug}/")
    assert page.status_code == 200 and "€ 250 mln" in text(page)
    assert client.get(f"/cijfers/bedrijven/{w.cosun.slug}/vastleggen/").status_code == 403
    assert client.post(f"/cijfers/{internal.pk}/voorstellen/").status_code == 403
