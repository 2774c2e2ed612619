"""Issue 12 (security), programme: every write path raises the optimistic-lock version (M4), numbers of
the outlook's assumptions are real numbers (M5), planning dates lie in a plausible range (low)."""

import datetime as dt

import pytest

from maatwerk.accounts.models import Role
from maatwerk.finance.models import Project
from maatwerk.programme.imports import import_milestones
from maatwerk.programme.models import Milestone, OutlookAssumptions
from maatwerk.registry.eutl import ImportFileError

HEADER = "company,project,kind,planned,forecast,actual,note\n"


@pytest.fixture
def milestone(users):
    project = Project.objects.get(trajectory__company__name="Nobian")
    return Milestone.objects.get(project=project, kind="first_year_at_target")


def milestone_post(m, version, **changes):
    post = {"planned": m.planned.isoformat(), "forecast": "", "actual": "", "note": "uit de browser", "source": "", "version": version}
    return post | changes


def test_m4_import_milestones_raises_the_version(milestone, users, client):
    """Open the edit form, import, submit the stale form: 409 side by side, the import's forecast stays."""
    client.force_login(users["programme"])
    url = f"/monitoring/mijlpalen/{milestone.pk}/"
    opened = client.get(url).context["form"].initial["version"]
    import_milestones((HEADER + "Nobian,,first_year_at_target,2030-01-01,2031-06-30,,rapportage\n").encode(), "m.csv")
    assert Milestone.objects.get(pk=milestone.pk).version == opened + 1
    response = client.post(url, milestone_post(milestone, opened, forecast="2030-03-01"))
    assert response.status_code == 409
    text = response.content.decode()
    assert "intussen door iemand anders gewijzigd" in text
    assert "2031" in text  # the imported forecast, beside the refused input
    assert Milestone.objects.get(pk=milestone.pk).forecast == dt.date(2031, 6, 30)
    # a conscious second save (on the new version) goes through
    again = client.post(url, milestone_post(milestone, opened + 1, forecast="2030-03-01"))
    assert again.status_code == 302 and Milestone.objects.get(pk=milestone.pk).forecast == dt.date(2030, 3, 1)


def test_m4_demo_loader_and_services_raise_the_version(milestone, users):
    assumptions = OutlookAssumptions.current()
    v = assumptions.version
    assumptions.delay_mean_years = 2.0
    assumptions.save()
    assert OutlookAssumptions.objects.get(pk=assumptions.pk).version == v + 1 == assumptions.version
    m = Milestone.objects.get(pk=milestone.pk)
    v = m.version
    Milestone.objects.update_or_create(project=m.project, kind=m.kind, defaults={"note": "bijgewerkt"})
    assert Milestone.objects.get(pk=m.pk).version == v + 1


@pytest.mark.parametrize("overrides", ['{"eop_signed": true}', '{"eop_signed": NaN}', '{"eop_signed": "0.5"}', '[0.5]'])
def test_m5_outlook_assumptions_refuse_booleans_and_non_numbers(users, client, overrides):
    client.force_login(users["programme"])
    a = OutlookAssumptions.current()
    before = OutlookAssumptions.objects.filter(pk=a.pk).values().get()
    response = client.post("/programma/aannames/", {"conversion_overrides": overrides, "delay_mean_years": 1, "reduction_sd": 0.1,
                                                    "additional_share_when_unknown": 0.2, "version": a.version})
    assert response.status_code == 422
    assert OutlookAssumptions.objects.filter(pk=a.pk).values().get() == before


@pytest.mark.parametrize("field,value,shown,label", [("planned", "0001-01-01", "01-01-0001", "De geplande datum"),
                                                     ("forecast", "9999-12-31", "31-12-9999", "De prognose"),
                                                     ("actual", "1999-12-31", "31-12-1999", "De gerealiseerde datum")])
def test_planning_dates_outside_the_plausible_range_refused_in_the_form(milestone, users, client, field, value, shown, label):
    client.force_login(users["programme"])
    before = Milestone.objects.filter(pk=milestone.pk).values().get()
    response = client.post(f"/monitoring/mijlpalen/{milestone.pk}/", milestone_post(milestone, milestone.version, **{field: value}))
    assert response.status_code == 422
    assert f"{label} {shown} ligt buiten 01-01-2000 tot 31-12-2100" in response.content.decode()
    assert Milestone.objects.filter(pk=milestone.pk).values().get() == before


@pytest.mark.parametrize("row,column", [("Nobian,,fid,0001-01-01,,,\n", "planned"), ("Nobian,,fid,2025-01-01,9999-12-31,,\n", "forecast"),
                                        ("Nobian,,fid,2025-01-01,,1900-01-01,\n", "actual")])
def test_planning_dates_outside_the_plausible_range_refused_by_the_import(milestone, row, column):
    before = sorted(Milestone.objects.values_list("pk", "planned", "forecast", "actual", "version"))
    with pytest.raises(ImportFileError, match=f"regel 2, kolom {column}: de .* ligt buiten 01-01-2000 tot 31-12-2100"):
        import_milestones((HEADER + row).encode(), "m.csv")
    assert sorted(Milestone.objects.values_list("pk", "planned", "forecast", "actual", "version")) == before


def test_a_publication_date_outside_the_plausible_range_is_refused(users, client):
    """The day a figure became public is the register's (the project form has no such field): 31-12-9999
    is refused with the field named, and the figure stays unpublished."""
    from django.core.exceptions import ValidationError

    from maatwerk.figures import services as figure_services
    from maatwerk.trajectories import services as trajectory_services

    from ..helpers import make_user

    project = Project.objects.get(trajectory__company__name="Nobian")
    source = trajectory_services.add_document(project.trajectory, "news", "Bericht", "public", document_date=dt.date(2025, 1, 2), published=True)
    figure = figure_services.record_figure(
        company=project.trajectory.company, project=project, quantity="gas_reduction_m3_per_year", low=1e6, high=1e6, qualifier="about",
        source=source, valid_from=dt.date(2025, 1, 2), confidentiality="public", actor=users["programme"],
    )
    with pytest.raises(ValidationError) as refused:
        figure_services.publish(figure, make_user("t-programma-2", Role.PROGRAMME), published_on=dt.date(9999, 12, 31))
    assert "published_on" in refused.value.message_dict
    figure.refresh_from_db()
    assert figure.state == "draft"


