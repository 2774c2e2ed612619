"""Optimistic locking: a stale edit is refused and shown, nothing written, nothing typed lost."""

import datetime as dt
import threading

import pytest
from django.db import connection

from maatwerk.accounts.models import Role
from maatwerk.core.locking import StaleEdit, save_versioned
from maatwerk.finance.models import BusinessCase, Project
from maatwerk.programme.models import Milestone, OutlookAssumptions

from .. import factories
from ..helpers import make_user


@pytest.fixture
def world(db):
    """Company A with a project (a business case, a milestone), company B beside it: factories, no demo."""
    a = factories.company("Bedrijf A")
    project = factories.project(factories.trajectory(a), name="Project A", co2_reduction_t=150_000.0, techniques=["process"])
    factories.business_case(project)
    factories.milestone(project, forecast=dt.date(2028, 3, 31))
    b = factories.company("Bedrijf B")
    factories.project(factories.trajectory(b), name="Project B")
    return {"a": a, "b": b, "project": project}


@pytest.fixture
def users(world):
    """The roles these tests use (this module's own: the conftest's would load the demo)."""
    return {
        "programme": make_user("t-programma", Role.PROGRAMME),
        "company_a": make_user("t-bedrijf-a", Role.COMPANY, company=world["a"]),
        "company_b": make_user("t-bedrijf-b", Role.COMPANY, company=world["b"]),
    }


def company_a_project():
    return Project.objects.get(name="Project A")


def project_post(project, version, **changes):
    """The project form as the browser would post it, from the stored values, with ``changes``."""
    from django.forms.models import model_to_dict

    from maatwerk.finance.forms import ProjectForm

    data = {k: v for k, v in model_to_dict(project, fields=ProjectForm._meta.fields).items() if v is not None and v is not False}
    data.update(changes, version=version)
    return data


def test_the_second_of_two_edits_from_the_same_version_is_refused(users, client):
    project = company_a_project()
    start = project.version
    url = f"/projecten/{project.pk}/bewerken/"
    client.force_login(users["programme"])
    first = client.post(url, project_post(project, start, baseline_emissions_t=111_000.0))
    assert first.status_code == 302
    second = client.post(url, project_post(project, start, baseline_emissions_t=222_000.0, zzs="mijn stof"))
    assert second.status_code == 409
    stored = Project.objects.get(pk=project.pk)
    assert stored.baseline_emissions_t == 111_000.0 and stored.version == start + 1  # the first edit stands
    assert stored.zzs == project.zzs  # nothing of the stale edit was written
    text = second.content.decode()
    # shown: the refused input beside the value saved meanwhile, and still in the form
    assert "Niet opgeslagen" in text and "<td>222000,0</td><td>111000,0</td>" in text
    assert 'value="mijn stof"' in text or ">mijn stof<" in text
    # the form is now based on the current version: saving again is a conscious overwrite
    assert f'name="version" value="{start + 1}"' in text
    third = client.post(url, project_post(project, start + 1, baseline_emissions_t=222_000.0))
    assert third.status_code == 302
    assert Project.objects.get(pk=project.pk).baseline_emissions_t == 222_000.0


def test_save_versioned_writes_only_when_the_version_matches(world):
    project = company_a_project()
    v = project.version
    a, b = Project.objects.get(pk=project.pk), Project.objects.get(pk=project.pk)
    a.name = "Eerste"
    save_versioned(a, v, ["name"])
    b.name = "Tweede"
    with pytest.raises(StaleEdit) as refused:
        save_versioned(b, v, ["name"])
    assert refused.value.current.name == "Eerste" and refused.value.current.version == v + 1
    assert Project.objects.get(pk=project.pk).name == "Eerste"


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_exactly_one_wins(world):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent writers need PostgreSQL (SQLite serialises writers by locking the file)")
    project = company_a_project()
    v = project.version
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def writer(k):
        from django.db import connection as conn

        try:
            mine = Project.objects.get(pk=project.pk)
            mine.name = f"schrijver {k}"
            barrier.wait()
            save_versioned(mine, v, ["name"])
            outcomes.append(f"ok {k}")
        except StaleEdit:
            outcomes.append("stale")
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if o.startswith("ok")]
    assert len(winners) == 1 and outcomes.count("stale") == 7
    stored = Project.objects.get(pk=project.pk)
    assert stored.version == v + 1 and stored.name == f"schrijver {winners[0].split()[1]}"


def test_project_form_errors_name_the_field_and_write_nothing(users, client):
    project = company_a_project()
    before = Project.objects.filter(pk=project.pk).values().get()
    client.force_login(users["programme"])
    bad = project_post(project, project.version, baseline_emissions_t=-5, acceleration_years=-1)
    response = client.post(f"/projecten/{project.pk}/bewerken/", bad)
    assert response.status_code == 422
    text = response.content.decode()
    assert text.count("Mag niet negatief zijn") >= 2  # each field its own message
    assert Project.objects.filter(pk=project.pk).values().get() == before


def test_business_case_company_may_edit_its_own_stale_refused(users, client):
    project = company_a_project()
    case = project.business_case
    url = f"/projecten/{project.pk}/businesscase/"
    client.force_login(users["company_b"])
    assert client.get(url).status_code == 404  # company B does not see company A's project at all
    client.force_login(users["company_a"])
    page = client.get(url)
    assert page.status_code == 200 and f'name="version" value="{case.version}"' in page.content.decode()
    post = {
        "start_year": case.start_year, "lifetime_years": case.lifetime_years, "hurdle_rate": case.hurdle_rate,
        "capex_schedule": "[1000000, 2000000]", "opex_delta_eur_per_year": 5.0, "gas_delta_mwh_per_year": 0,
        "electricity_delta_mwh_per_year": 0, "hydrogen_delta_kg_per_year": 0, "co2_stored_t_per_year": 0,
        "ets_covered_reduction_t_per_year": 0, "other_income_eur_per_year": 0, "notes": "door het bedrijf",
        "version": case.version,
    }
    assert client.post(url, post).status_code == 302
    saved = BusinessCase.objects.get(pk=case.pk)
    assert saved.capex_schedule == [1000000, 2000000] and saved.updated_by == users["company_a"] and saved.version == case.version + 1
    stale = client.post(url, post | {"notes": "verouderd"})
    assert stale.status_code == 409
    assert BusinessCase.objects.get(pk=case.pk).notes == "door het bedrijf"
    bad = client.post(url, post | {"capex_schedule": "[1, -2]", "version": saved.version})
    assert bad.status_code == 422 and "niet-negatieve bedragen" in bad.content.decode()
    assert BusinessCase.objects.get(pk=case.pk).capex_schedule == [1000000, 2000000]


def test_milestone_edit_refuses_a_future_actual_and_a_stale_version(users, client):
    milestone = Milestone.objects.select_related("project").first()
    url = f"/monitoring/mijlpalen/{milestone.pk}/"
    client.force_login(users["programme"])
    base = {"planned": milestone.planned.isoformat(), "note": "", "source": "", "version": milestone.version}
    future = client.post(url, base | {"actual": (dt.date.today() + dt.timedelta(days=30)).isoformat()})
    assert future.status_code == 422 and "niet in de toekomst" in future.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).actual == milestone.actual
    assert client.post(url, base | {"forecast": "2031-06-30"}).status_code == 302
    assert client.post(url, base | {"forecast": "2032-01-01"}).status_code == 409
    assert Milestone.objects.get(pk=milestone.pk).forecast == dt.date(2031, 6, 30)


def test_assumptions_stale_edit_is_refused(users, client):
    client.force_login(users["programme"])
    current = OutlookAssumptions.current()
    if current.pk is None:  # the one row, stored (the demo stores it; without it the first save creates it)
        current.save()
    base = {"delay_mean_years": 2.0, "reduction_sd": 0.1, "additional_share_when_unknown": 0.2, "conversion_overrides": "",
            "version": current.version}
    assert client.post("/programma/aannames/", base).status_code == 302
    again = client.post("/programma/aannames/", base | {"delay_mean_years": 3.0})
    assert again.status_code == 409
    assert OutlookAssumptions.current().delay_mean_years == 2.0


def test_api_patch_answers_200_409_422_403(users, client):
    project = company_a_project()
    url = f"/api/v1/projects/{project.pk}"
    client.force_login(users["company_a"])
    assert client.patch(url, {"version": project.version, "baseline_emissions_t": 1.0}, content_type="application/json").status_code == 403
    client.force_login(users["programme"])
    ok = client.patch(url, {"version": project.version, "baseline_emissions_t": 123_456.0}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == project.version + 1
    assert Project.objects.get(pk=project.pk).baseline_emissions_t == 123_456.0
    stale = client.patch(url, {"version": project.version, "baseline_emissions_t": 9.0}, content_type="application/json")
    assert stale.status_code == 409 and "versie" in stale.json()["detail"]
    invalid = client.patch(
        url, {"version": project.version + 1, "acceleration_years": -1.0}, content_type="application/json"
    )
    assert invalid.status_code == 422 and "acceleration_years" in str(invalid.json())
    # a figure is a record of the register, not a field of the project: refused, named
    figure = client.patch(url, {"version": project.version + 1, "co2_reduction_t": 9.0}, content_type="application/json")
    assert figure.status_code == 422 and "co2_reduction_t" in str(figure.json())
    assert Project.objects.get(pk=project.pk).baseline_emissions_t == 123_456.0


def test_admin_refuses_a_stale_edit(world, admin_client):
    milestone = Milestone.objects.first()
    url = f"/admin/programme/milestone/{milestone.pk}/change/"
    form = {"project": milestone.project_id, "kind": milestone.kind, "planned": milestone.planned.isoformat(),
            "planned_precision": milestone.planned_precision, "forecast_precision": milestone.forecast_precision, "note": "eerste",
            "source": "", "version": milestone.version}
    assert admin_client.post(url, form).status_code == 302
    stale = admin_client.post(url, form | {"note": "tweede"})
    assert stale.status_code == 200 and "intussen door iemand anders gewijzigd" in stale.content.decode()
    stored = Milestone.objects.get(pk=milestone.pk)
    assert stored.note == "eerste" and stored.version == milestone.version + 1
