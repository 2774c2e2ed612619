"""Issue 15, point 4, the project and business-case edit pages: refused input is kept, errors are shown
next to their field, numbers are typed and shown the Dutch way (see tests/trajectories/test_forms_keep_input.py)."""

import re

import pytest
from django.urls import reverse

from maatwerk.finance.models import BusinessCase, Project

from ..helpers import trajectory
from ..html_forms import assert_error_next_to, assert_kept, assert_summary, read

# --- edit pages: project and business case -----------------------------------------------------------


def _anqore_project():
    return Project.objects.get(trajectory=trajectory("AnQore"))


def test_project_form_keeps_input_and_shows_numbers_with_dutch_separators(users, client):
    client.force_login(users["programme"])
    project = _anqore_project()
    Project.objects.filter(pk=project.pk).update(baseline_emissions_t=1500000.0, acceleration_years=2.5)
    url = reverse("finance:project_edit", args=[project.pk])
    shown = read(client.get(url)).forms["bewerken"]
    assert shown["baseline_emissions_t"] == "1.500.000" and shown["acceleration_years"] == "2,5"
    assert not re.search(r'value="-?[0-9]+\.[0-9]"', client.get(url).content.decode())  # never 1500000.0
    project.refresh_from_db()
    typed = {"name": "Nieuwe naam", "description": "Mijn omschrijving", "levy_regime": project.levy_regime,
             "baseline_emissions_t": "veel", "acceleration_years": "2,5", "version": str(project.version)}
    response = client.post(url, typed)
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "bewerken", typed)
    assert_error_next_to(page, "id_baseline_emissions_t", "getal")
    assert_summary(page, "bewerken-fouten", "Niet opgeslagen")


def test_project_form_reads_dutch_numbers(users, client):
    client.force_login(users["programme"])
    project = _anqore_project()
    data = {"name": project.name, "levy_regime": project.levy_regime, "baseline_emissions_t": "1.200.000,5",
            "acceleration_years": "1,5", "version": project.version}
    assert client.post(reverse("finance:project_edit", args=[project.pk]), data).status_code == 302
    project.refresh_from_db()
    assert (project.baseline_emissions_t, project.acceleration_years) == (1200000.5, 1.5)


def _case_post(case, **changes):
    data = {"start_year": str(case.start_year), "lifetime_years": str(case.lifetime_years), "hurdle_rate": "8",
            "opex_delta_eur_per_year": "0", "gas_delta_mwh_per_year": "0", "electricity_delta_mwh_per_year": "0",
            "hydrogen_delta_kg_per_year": "0", "co2_stored_t_per_year": "0", "ets_covered_reduction_t_per_year": "0",
            "other_income_eur_per_year": "0", "notes": "mijn notitie", "version": str(case.version),
            "capex-TOTAL_FORMS": "4", "capex-INITIAL_FORMS": "0", "capex-0-amount": "40.000.000", "capex-1-amount": "60.000.000,50"}
    return data | changes


def test_business_case_capex_rows_round_trip(users, client):
    client.force_login(users["programme"])
    project = _anqore_project()
    case = BusinessCase.objects.get(project=project)
    url = reverse("finance:business_case_edit", args=[project.pk])
    assert client.post(url, _case_post(case, **{"capex-2-amount": "5.000.000", "capex-2-DELETE": "on"})).status_code == 302
    case.refresh_from_db()
    assert case.capex_schedule == [40_000_000.0, 60_000_000.5]
    assert case.hurdle_rate == pytest.approx(0.08)
    shown = read(client.get(url)).forms["bewerken"]
    assert (shown["capex-0-amount"], shown["capex-1-amount"], shown["capex-2-amount"]) == ("40.000.000", "60.000.000,5", "")
    assert shown["hurdle_rate"] == "8"
    assert shown["capex-TOTAL_FORMS"] == "4"  # two years and two empty rows to add years
    # removing a year: delete its row
    case.refresh_from_db()
    post = _case_post(case, **{"capex-TOTAL_FORMS": "2", "capex-INITIAL_FORMS": "2", "capex-1-DELETE": "on", "capex-1-amount": "60.000.000,5"})
    assert client.post(url, post).status_code == 302
    case.refresh_from_db()
    assert case.capex_schedule == [40_000_000.0]


def test_business_case_with_a_bad_row_keeps_every_row_and_field(users, client):
    client.force_login(users["programme"])
    project = _anqore_project()
    case = BusinessCase.objects.get(project=project)
    before = BusinessCase.objects.filter(pk=case.pk).values().get()
    typed = _case_post(case, **{"capex-2-amount": "veel", "hurdle_rate": "8,5%"})
    response = client.post(reverse("finance:business_case_edit", args=[project.pk]), typed)
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "bewerken", {k: v for k, v in typed.items() if not k.endswith("FORMS") and k != "version"})
    assert_error_next_to(page, "id_capex-2-amount", "getal")
    assert "Voer een geldige JSON in" not in response.content.decode()
    assert "ten minste één jaar" not in response.content.decode()  # the rows are there; one is wrong
    assert BusinessCase.objects.filter(pk=case.pk).values().get() == before


@pytest.mark.parametrize("rows,where,message", [
    ({"capex-0-amount": "", "capex-1-amount": "5"}, "id_capex-0-amount_error", "Vul een bedrag in"),
    ({"capex-0-amount": "-5", "capex-1-amount": ""}, "id_capex-0-amount_error", "ligt buiten"),
    ({"capex-0-amount": "", "capex-1-amount": ""}, "capex_error", "ten minste één jaar"),
])
def test_business_case_capex_row_errors(users, client, rows, where, message):
    client.force_login(users["programme"])
    project = _anqore_project()
    case = BusinessCase.objects.get(project=project)
    response = client.post(reverse("finance:business_case_edit", args=[project.pk]), _case_post(case, **rows))
    assert response.status_code == 422
    assert message in read(response).texts.get(where, "")
