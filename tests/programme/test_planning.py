"""Milestones known to a month or a year, and expected phases: recorded by the programme team on every
route (form, import, service) and called late by monitoring only after the period's last day."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maatwerk.finance.models import Project
from maatwerk.programme import selectors, services
from maatwerk.programme.imports import import_milestones
from maatwerk.programme.models import Milestone, PhaseExpectation
from maatwerk.registry.eutl import ImportFileError
from maatwerk.trajectories.models import Event

from ..helpers import trajectory

D = dt.date
HEADER = "company,project,kind,planned,forecast,actual,note\n"


def _row(rows, kind, company):
    return next(r for r in rows if r.kind == kind and r.company.name == company)


def test_import_takes_a_year_or_a_month(demo):
    import_milestones((HEADER + "Nobian,,fid,2026,2027-03,,Besluit vanaf 2026\nAnQore,,permits,2025-11-15,,,\n").encode(), "m.csv")
    fid = Milestone.objects.get(project__trajectory__company__name="Nobian", kind="fid")
    assert (fid.planned, fid.planned_precision, fid.forecast, fid.forecast_precision) == (D(2026, 1, 1), "year", D(2027, 3, 1), "month")
    assert (fid.planned_text, fid.forecast_text, fid.planned_end) == ("2026", "maart 2027", D(2026, 12, 31))
    permits = Milestone.objects.get(project__trajectory__company__name="AnQore", kind="permits")
    assert (permits.planned, permits.planned_precision) == (D(2025, 11, 15), "day")


@pytest.mark.parametrize("planned,message", [("2026-13", "kolom planned: '2026-13': maand 13 bestaat niet"),
                                             ("2026-02-30", "kolom planned: '2026-02-30' bestaat niet: februari 2026 heeft 28 dagen"),
                                             ("1999", "kolom planned: de geplande datum 01-01-1999 ligt buiten")])
def test_import_refuses_bad_partial_dates_and_writes_nothing(demo, planned, message):
    before = sorted(Milestone.objects.values_list("pk", "planned", "planned_precision", "version"))
    with pytest.raises(ImportFileError, match=f"regel 3, {message}"):
        import_milestones((HEADER + f"Nobian,,permits,2026,,,\nNobian,,fid,{planned},,,\n").encode(), "m.csv")
    assert sorted(Milestone.objects.values_list("pk", "planned", "planned_precision", "version")) == before


def test_milestone_of_a_year_is_late_only_after_that_year(demo):
    nobian = Project.objects.get(trajectory__company__name="Nobian")
    services.record_milestone(project=nobian, kind="fid", planned=D(2026, 1, 1), planned_precision="year")

    def fid(today):
        return [r.status.code for r in services.monitoring_rows(today, tolerance_days=0) if r.milestone and r.milestone.kind == "fid"]

    assert fid(D(2026, 1, 2)) == fid(D(2026, 12, 31)) == ["on_track"]
    assert fid(D(2027, 1, 1)) == ["late"]


def test_milestone_service_refuses_with_messages(demo):
    nobian = Project.objects.get(trajectory__company__name="Nobian")
    with pytest.raises(ValidationError) as exc:
        services.record_milestone(project=nobian, kind="first_year_at_target", planned=D(2026, 5, 1), planned_precision="year")
    assert "heeft al een mijlpaal" in exc.value.message_dict["kind"][0]
    assert "eerste dag van de periode (2026-01-01)" in exc.value.message_dict["planned"][0]


def test_milestone_forms_take_a_year_and_keep_input(users, client):
    client.force_login(users["programme"])
    m = Milestone.objects.get(project__trajectory__company__name="Nobian", kind="first_year_at_target")
    url = reverse("programme:milestone_edit", args=[m.pk])
    response = client.post(url, {"planned": "2030", "forecast": "sep 2031", "actual": "", "note": "n", "source": "s", "version": m.version})
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.planned, m.planned_precision, m.forecast, m.forecast_precision) == (D(2030, 1, 1), "year", D(2031, 9, 1), "month")
    page = client.get(url).content.decode()
    assert 'value="2030"' in page and 'value="2031-09"' in page  # shown as stored, not as 01-01-2030
    bad = client.post(url, {"planned": "2030-14", "forecast": "ooit", "note": "mijn notitie", "source": "", "version": m.version})
    html = bad.content.decode()
    assert bad.status_code == 422 and 'value="2030-14"' in html and 'value="ooit"' in html and "mijn notitie" in html
    assert "maand 14 bestaat niet" in html and "&#x27;ooit&#x27; is geen datum" in html
    m.refresh_from_db()
    assert m.planned_precision == "year"
    # a new milestone
    add = reverse("programme:milestone_add", args=[m.project_id])
    assert client.get(add).status_code == 200
    assert client.post(add, {"kind": "permits", "planned": "2026-06", "note": ""}).status_code == 302
    assert Milestone.objects.get(project=m.project, kind="permits").planned_precision == "month"
    again = client.post(add, {"kind": "permits", "planned": "2027", "note": "tweede"})
    assert again.status_code == 422 and "heeft al een mijlpaal" in again.content.decode() and 'value="2027"' in again.content.decode()


def test_expected_phase_is_late_after_its_period_by_the_derived_state(demo):
    anqore, cosun = trajectory("AnQore"), trajectory("Royal Cosun")
    services.record_expectation(trajectory=anqore, phase="binding_agreement", expected=D(2025, 9, 1), precision="month",
                                stated_on=D(2025, 7, 31), source="Kamerbrief JLoI AnQore, juli 2025")
    services.record_expectation(trajectory=cosun, phase="binding_agreement", expected=D(2025, 12, 1), precision="month",
                                stated_on=D(2025, 6, 23), source="JLoI Cosun")
    assert _row(services.monitoring_rows(D(2025, 9, 30)), "expectation", "AnQore").status.code == "on_track"
    late = _row(services.monitoring_rows(D(2025, 10, 1)), "expectation", "AnQore").status
    assert late.code == "late" and "verwacht september 2025" in late.reason
    # Cosun's binding agreement came on 18 December 2025: not late before, done after, on the derived state of that day
    assert _row(services.monitoring_rows(D(2025, 12, 17)), "expectation", "Royal Cosun").status.code == "on_track"
    done = _row(services.monitoring_rows(D(2025, 12, 18)), "expectation", "Royal Cosun").status
    assert done.code == "done" and "18-12-2025" in done.reason
    # an expectation stated later does not hold before its day
    services.record_expectation(trajectory=anqore, phase="binding_agreement", expected=D(2026, 1, 1), precision="year",
                                stated_on=D(2025, 10, 15), source="nieuwe brief")
    assert _row(services.monitoring_rows(D(2025, 10, 14)), "expectation", "AnQore").status.code == "late"
    assert _row(services.monitoring_rows(D(2025, 10, 15)), "expectation", "AnQore").status.code == "on_track"
    assert PhaseExpectation.objects.filter(trajectory=anqore).count() == 2  # the old one stays in the history


def test_expectation_refusals(demo):
    nobian = trajectory("Nobian")
    before = (PhaseExpectation.objects.count(), Event.objects.count())
    cases = [
        (dict(phase="jloi_signed"), "phase", "al bereikt"),  # Nobian's JLoI is of 21 November 2023
        (dict(phase="paused"), "phase", "Onbekende fase"),
        (dict(stated_on=D(2099, 1, 1)), "stated_on", "in de toekomst"),
        (dict(expected=D(2026, 3, 1)), "expected", "eerste dag van de periode (2026-01-01)"),
        (dict(expected=D(2150, 1, 1)), "expected", "ligt buiten"),
        (dict(source=""), "source", "Geef de bron"),
    ]
    base = dict(trajectory=nobian, phase="realisation", expected=D(2026, 1, 1), precision="year", stated_on=D(2025, 1, 1), source="x")
    for change, field, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.record_expectation(**(base | change))
        assert message in " ".join(exc.value.message_dict.get(field, [])), (change, exc.value.message_dict)
    assert (PhaseExpectation.objects.count(), Event.objects.count()) == before


def test_expectation_page_monitoring_and_trajectory_page(users, client):
    client.force_login(users["programme"])
    anqore = trajectory("AnQore")
    url = reverse("programme:expectations", args=[anqore.pk])
    page = client.get(url).content.decode()
    assert 'value="binding_agreement" selected' in page  # the next phase is proposed
    bad = client.post(url, {"phase": "binding_agreement", "expected": "sept. 2025x", "stated_on": "2025-07-31", "source": "mijn bron"})
    assert bad.status_code == 422 and 'value="sept. 2025x"' in bad.content.decode() and "mijn bron" in bad.content.decode()
    refused = client.post(url, {"phase": "eop_signed", "expected": "2025-09", "stated_on": "2025-07-31", "source": "mijn bron"})
    assert refused.status_code == 422 and "al bereikt" in refused.content.decode() and not PhaseExpectation.objects.exists()
    ok = client.post(url, {"phase": "binding_agreement", "expected": "september 2025", "stated_on": "2025-07-31",
                           "source": "Kamerbrief JLoI AnQore, juli 2025"})
    assert ok.status_code == 302
    e = PhaseExpectation.objects.get()
    assert (e.expected, e.precision, e.recorded_by) == (D(2025, 9, 1), "month", users["programme"])
    monitoring = client.get(reverse("programme:monitoring"), {"bedrijf": "anqore"}).content.decode()
    assert "Verwacht: Bindende maatwerkafspraak" in monitoring and "september 2025" in monitoring and "te laat" in monitoring
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("programme:monitoring"), {"bedrijf": "anqore", "format": "csv"}).content.decode())))
    row = next(r for r in rows if r["soort"] == "expectation")
    assert (row["mijlpaal"], row["gepland"], row["status"]) == ("verwacht: Bindende maatwerkafspraak", "2025-09", "te laat")
    detail = client.get(reverse("trajectories:detail", args=[anqore.pk])).content.decode()
    planning = detail[detail.index('id="planning"'):detail.index("Tijdlijn")]
    assert "Verwacht: Bindende maatwerkafspraak" in planning and "te laat" in planning and "Eerste jaar op doelniveau" in planning
    assert reverse("programme:expectations", args=[anqore.pk]) in planning
    # the company sees the planning of its own trajectory, without the links to record
    client.force_login(users["company_a"])
    detail = client.get(reverse("trajectories:detail", args=[anqore.pk])).content.decode()
    planning = detail[detail.index('id="planning"'):detail.index("Tijdlijn")]
    assert "september 2025" in planning and reverse("programme:expectations", args=[anqore.pk]) not in planning
    assert client.get(url).status_code == 403
    assert client.post(url, {"phase": "binding_agreement", "expected": "2026", "stated_on": "2025-07-31", "source": "x"}).status_code == 403
    assert PhaseExpectation.objects.count() == 1


def test_current_expectations_as_of(demo):
    tata = trajectory("Tata Steel Nederland")
    services.record_expectation(trajectory=tata, phase="binding_agreement", expected=D(2026, 1, 1), precision="year",
                                stated_on=D(2025, 9, 29), source="JLoI Tata Steel")
    assert selectors.current_expectations(D(2025, 9, 28)) == []
    [e] = selectors.current_expectations(D(2025, 9, 29))
    assert e.expected_text == "2026" and e.expected_end == D(2026, 12, 31)
