"""The NOx overview for parliament: the agreed reduction per project, and the NOx and NH3 emitted per company."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from maatwerk.portal import public
from maatwerk.registry.models import Company
from maatwerk.registry.pollutants import import_eea_file, map_facilities
from maatwerk.reporting import services

from ..registry.eea_files import NH3, NOX, PUBLICATION, release, write

F1, F2, F3 = (f"NL.RIVM/00000001{i}.FACILITY" for i in range(1, 4))
EMISSION_COLUMNS = ["emissiejaar", "NOx-emissie naar lucht (t)", "NH3-emissie naar lucht (t)", "bron emissie"]


@pytest.fixture
def released(demo, tmp_path):
    named = [c["slug"] for c in public.companies()]
    company = Company.objects.get(slug="anqore")
    assert company.slug in named
    hidden = Company.objects.exclude(slug__in=named).first()  # the public record does not name it
    assert hidden is not None
    rows = [
        release(F1, 2021, NOX, "150000"), release(F1, 2021, NH3, "2500"), release(F1, 2022, NOX, "140000.4"),
        release(F2, 2021, NOX, "50000"), release(F2, 2022, NH3, "", confidential="Article 4(2)(d)"),
        release(F3, 2021, NOX, "999999"),
    ]
    import_eea_file(write(tmp_path, rows))
    text = f"facility_id,company\n{F1},{company.name}\n{F2},{company.slug}\n"
    text += f"{F3},{hidden.slug}\n"
    (tmp_path / "map.csv").write_text(text, encoding="utf-8")
    map_facilities((tmp_path / "map.csv").read_bytes(), "map.csv")
    return company


NOX_LABEL = "NOx-reductie (t/jr)"
PROJECT_COLUMNS = ["bedrijf", "project", f"{NOX_LABEL} ondergrens", f"{NOX_LABEL} bovengrens", f"{NOX_LABEL} volgens de bron", "doeljaar"]
Y = len(PROJECT_COLUMNS)  # the emission year's column; its figures follow


def _projects_before():
    """The overview's project part as it was before the emissions were added, from the public record:
    the register's NOx figure as its two ends and as its source says it."""
    withdrawn = {c["name"] for c in public.companies() if c["phase"] in ("withdrawn", "paused")}  # no agreement: counts nowhere
    rows = [[p["company"], p["name"], *((None, None, "telt niet mee") if p["company"] in withdrawn else
                                        (p["nox_reduction_t_low"], p["nox_reduction_t_high"], p["nox_reduction_t_text"])), p["target_year"]]
            for p in public.projects()]
    return PROJECT_COLUMNS, rows


def test_stikstof_keeps_the_project_rows_and_adds_emitted_nox_and_nh3_per_company_and_year(released):
    header, rows = services.overview_nox()
    old_header, old_rows = _projects_before()
    assert header == [*old_header, *EMISSION_COLUMNS]
    project_rows = [r[: len(old_header)] for r in rows if r[1] is not None]
    assert sorted(project_rows, key=repr) == sorted(old_rows, key=repr)  # what was there stays
    emitted = {r[Y]: r for r in rows if r[0] == released.name and r[Y] is not None}
    source = f"EEA industrial reporting, publicatie {PUBLICATION}"
    assert emitted[2021][1:Y] == [None] * (Y - 1)  # no project figures on an emission row: nothing counted twice
    assert emitted[2021][Y + 1:] == [pytest.approx(200.0), pytest.approx(2.5), source]
    assert emitted[2022][Y + 1:] == [pytest.approx(140.0004), "vertrouwelijk", source]
    assert not any(r[Y + 1] == pytest.approx(999.999) for r in rows if r[Y] is not None)  # a company the record does not name


def test_stikstof_csv_and_xlsx_downloads_carry_the_emitted_figures(released, users, client):
    client.force_login(users["programme"])
    text = client.get(reverse("reporting:overview", args=["stikstof", "csv"])).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][-4:] == EMISSION_COLUMNS
    csv_rows = {r[Y]: r for r in table[1:] if r[0] == released.name and r[Y]}
    assert float(csv_rows["2021"][Y + 1]) == pytest.approx(200.0) and float(csv_rows["2021"][Y + 2]) == pytest.approx(2.5)
    assert csv_rows["2022"][Y + 2] == "vertrouwelijk"

    content = client.get(reverse("reporting:overview", args=["stikstof", "xlsx"])).content
    ws = load_workbook(io.BytesIO(content)).active
    cells = [[c.value for c in row] for row in ws.iter_rows(min_row=services.HEADER_ROW)]
    assert cells[0][-4:] == EMISSION_COLUMNS
    xlsx_rows = {r[Y]: r for r in cells[1:] if r[0] == released.name and r[Y] is not None}
    assert xlsx_rows[2021][Y + 1] == pytest.approx(200.0) and xlsx_rows[2022][Y + 1] == pytest.approx(140.0004)
    assert xlsx_rows[2022][Y + 2] == "vertrouwelijk" and xlsx_rows[2021][Y + 3].endswith(PUBLICATION)


def test_report_overview_stikstof_command_writes_the_emitted_figures(released, tmp_path):
    out = tmp_path / "stikstof.xlsx"
    call_command("report", "overview", "stikstof", "--out", str(out), stdout=io.StringIO())
    cells = [[c.value for c in row] for row in load_workbook(out).active.iter_rows(min_row=services.HEADER_ROW)]
    assert any(r[0] == released.name and r[Y] == 2021 and r[Y + 1] == pytest.approx(200.0) for r in cells[1:])
