"""Case intake on the web (issue 13 point 4): the programme team creates a company and records its
case from the public record; forms keep what was typed, errors name the field, nothing is written on
an error; the trajectory page shows exceptions and partial dates honestly."""

import pytest
from django.urls import reverse

from maatwerk.accounts.models import Role
from maatwerk.registry.models import Company, Installation, Operator
from maatwerk.trajectories import services
from maatwerk.trajectories.models import Event, EventKind, Trajectory

from ..helpers import make_user
from ..html_forms import assert_error_next_to, assert_kept, read

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(client):
    user = make_user("p-intake", Role.PROGRAMME)
    client.force_login(user)
    return user


@pytest.fixture
def registry():
    operator = Operator.objects.create(name="ALCO ENERGY ROTTERDAM B.V.", country="NL")
    Installation.objects.create(eutl_id="NL-439", name="Alco Energy Rotterdam", country="NL", operator=operator)
    return operator


def written():
    return Company.objects.count(), Trajectory.objects.count(), Event.objects.count()


NEW = {"name": "Alco Energy Rotterdam", "sector": "industry", "subsector": "bio-ethanol", "sites": "Europoort",
       "provinces": ["Zuid-Holland"], "installations": "NL-439", "operators": "Alco Energy Rotterdam B.V.",
       "admission_kind": "extension", "admission_reason": "Uitbreiding, voortgangsbrief maart 2024"}


def test_programme_team_creates_a_company_with_its_trajectory(programme, registry, client):
    response = client.post(reverse("trajectories:company_new"), NEW)
    t = Trajectory.objects.get(company__name="Alco Energy Rotterdam")
    assert response.status_code == 302 and response["Location"] == reverse("trajectories:detail", args=[t.pk])
    assert t.phase == "exploration" and t.admission_kind == "extension"
    registry.refresh_from_db()
    assert registry.company_id == t.company_id  # the account holder (and so NL-439) belongs to it
    page = client.get(response["Location"]).content.decode()
    assert "Uitbreiding — Uitbreiding, voortgangsbrief maart 2024" in page and "(bron niet vastgelegd)" in page


def test_bad_company_input_keeps_what_was_typed_and_names_the_field(programme, registry, client):
    before = written()
    typed = {**NEW, "installations": "NL-99999", "operators": "Bestaat Niet B.V.", "admission_reason": ""}
    response = client.post(reverse("trajectories:company_new"), typed)
    assert response.status_code == 422 and written() == before
    page = read(response)
    assert_kept(page, "bedrijf-formulier", {"name": "Alco Energy Rotterdam", "operators": "Bestaat Niet B.V.", "provinces": ["Zuid-Holland"]})
    assert_error_next_to(page, "bedrijf-operators", "Bestaat Niet B.V.")
    assert_error_next_to(page, "bedrijf-admission_reason", "reden van toelating")
    typed = {**NEW, "installations": "NL-99999"}  # caught by the service: on its field too
    response = client.post(reverse("trajectories:company_new"), typed)
    assert response.status_code == 422 and written() == before
    assert_error_next_to(read(response), "bedrijf-installations", "NL-99999 staat niet in het register")


def test_a_name_in_use_is_refused_on_the_name(programme, registry, client):
    services.create_company(name="Alco Energy Rotterdam", sector="industry")
    before = written()
    response = client.post(reverse("trajectories:company_new"), {**NEW, "operators": "", "installations": ""})
    assert response.status_code == 422 and written() == before
    assert_error_next_to(read(response), "bedrijf-name", "er is al een bedrijf")


@pytest.mark.parametrize("role", [Role.COMPANY, Role.AMVI, Role.PROVINCE, None])
def test_only_the_programme_team_creates_companies(role, client, registry):
    other = services.create_company(name="Ander", sector="industry")
    kwargs = {"company": other.company} if role == Role.COMPANY else {}
    if role == Role.PROVINCE:
        from maatwerk.trajectories.models import Party

        kwargs = {"party": Party.objects.create(name="Provincie Zeeland", kind="province")}
    client.force_login(make_user("x", role, **kwargs))
    before = written()
    assert client.get(reverse("trajectories:company_new")).status_code == 403
    assert client.post(reverse("trajectories:company_new"), NEW).status_code == 403
    assert written() == before


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(reverse("trajectories:company_new"))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_eop_by_june_2025_with_an_exception_is_shown_honestly(programme, registry, client):
    t = services.create_company(name="Alco Energy Rotterdam", sector="industry", admission_kind="extension", admission_reason="r")
    client.post(reverse("trajectories:source", args=[t.pk]), {"doc_type": "kamerbrief", "title": "Voortgangsbrief 30 juni 2025",
                                                             "date": "2025-06-30", "reference": "Kamerstuk 29 826 nr. 260", "public": "on"})
    letter = t.documents.get()
    assert (letter.reference, letter.confidentiality, letter.published) == ("Kamerstuk 29 826 nr. 260", "public", False)
    t.refresh_from_db()
    move = {"to": "eop_signed", "date": "", "not_after": "2025-06-30", "source_document": letter.pk, "note": "EoP, datum niet openbaar",
            "exception": "on", "exception_reason": "Klimaatplan en investeringsbereidheid staan niet in het openbare dossier.",
            "exception_source": letter.pk, "version": t.version}
    response = client.post(reverse("trajectories:move", args=[t.pk]), move)
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.phase == "eop_signed"
    page = read(client.get(reverse("trajectories:detail", args=[t.pk])))
    assert "uiterlijk 30 juni 2025" in page.texts["phase-since"] and "niet openbaar" in page.texts["phase-since"]
    html = client.get(reverse("trajectories:detail", args=[t.pk])).content.decode()
    assert "Uitzonderingen op poortvoorwaarden" in html
    assert "Klimaatplan en investeringsbereidheid staan niet in het openbare dossier." in html
    assert "getekende expression of principles (document)" in html.lower()  # the condition the exception covers, by name
    assert "Uiterlijk 30 juni 2025" in html and "met uitzondering" in html  # the timeline
    exception = t.events.get(kind=EventKind.GATE_EXCEPTION)
    assert exception.actor == programme and exception.source_document == letter


def test_a_refused_move_keeps_the_bounds_and_a_bad_month_names_its_field(programme, registry, client):
    t = services.create_company(name="Alco Energy Rotterdam", sector="industry", admission_kind="extension", admission_reason="r")
    before = written()
    typed = {"to": "eop_signed", "date": "", "not_after": "2025-06-30", "note": "EoP"}
    response = client.post(reverse("trajectories:move", args=[t.pk]), {**typed, "version": t.version})
    assert response.status_code == 409 and written() == before  # no exception: the gate stays strict
    page = read(response)
    assert_kept(page, "transition-form", typed)
    assert "klimaatplan" in page.texts["transition-form-fouten"].lower()
    response = client.post(reverse("trajectories:move", args=[t.pk]), {**typed, "not_after": "2025-13", "version": t.version})
    assert response.status_code == 422 and written() == before
    page = read(response)
    assert_kept(page, "transition-form", {**typed, "not_after": "2025-13"})
    assert_error_next_to(page, "overgang-not_after", "Uiterlijk op: '2025-13' is geen geldige maand")
    response = client.post(reverse("trajectories:move", args=[t.pk]), {**typed, "exception": "on", "version": t.version})
    assert response.status_code == 422 and written() == before
    assert_error_next_to(read(response), "overgang-exception_reason", "reden van de uitzondering")


def test_parliament_informed_date_unknown_and_a_note_in_a_year(programme, registry, client):
    t = services.create_company(name="Alco Energy Rotterdam", sector="industry")
    assert client.post(reverse("trajectories:parliament", args=[t.pk]), {"informed_on": "", "kamerstuk": ""}).status_code == 302
    assert client.post(reverse("trajectories:note", args=[t.pk]), {"note": "Eerste gesprekken", "date": "2021"}).status_code == 302
    html = client.get(reverse("trajectories:detail", args=[t.pk])).content.decode()
    assert "Datum onbekend</strong>" in html and "In 2021</strong>" in html
    notices = read(client.get(reverse("trajectories:detail", args=[t.pk]))).texts["notices"]
    assert "datum onbekend" in notices and "Kamerstuknummer onbekend" in notices


def test_parties_are_added_and_removed_on_the_page(programme, registry, client):
    t = services.create_company(name="Alco Energy Rotterdam", sector="industry")
    assert client.post(reverse("trajectories:party_add", args=[t.pk]), {"name": "Provincie Zuid-Holland", "role": "province"}).status_code == 302
    party = t.parties.get()
    assert party.kind == "province"
    response = client.post(reverse("trajectories:party_add", args=[t.pk]), {"name": "Provincie Zuid-Holland", "role": "company"})
    assert response.status_code == 422
    assert_error_next_to(read(response), "partij-role", "bestaat al als provincie")
    assert client.post(reverse("trajectories:party_remove", args=[t.pk, party.pk])).status_code == 302
    assert not t.parties.exists()


def test_a_project_is_created_under_the_trajectory(programme, registry, client):
    from maatwerk.finance.models import Project

    t = services.create_company(name="Alco Energy Rotterdam", sector="industry")
    url = reverse("finance:project_new", args=[t.pk])
    response = client.post(url, {"name": "Elektrische boiler 45 MW", "description": "e-boiler", "techniques": ["electrification"]})
    project = Project.objects.get(trajectory=t)
    assert response.status_code == 302 and response["Location"] == reverse("finance:project", args=[project.pk])
    assert project.techniques == ["electrification"]
    response = client.post(url, {"name": "elektrische boiler 45 mw"})
    assert response.status_code == 409 and Project.objects.filter(trajectory=t).count() == 1
    assert_error_next_to(read(response), "project-name", "heeft al een project")
