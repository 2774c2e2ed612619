"""The progress letter and the overviews against the programme service and the registry."""

import csv
import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from maatwerk.programme import services as programme
from maatwerk.registry.models import EmissionRecord
from maatwerk.reporting import services

AS_OF = dt.date(2025, 6, 30)


def test_letter_totals_equal_the_programme_service(demo):
    """The letter's totals are the programme's, over the projects whose figures were published by the
    letter's date, each figure read from the public allow-list (additional: the agreement's public
    figure, not the one computed from the baseline and dispensation rights, which are not public)."""
    ctx = services.letter_context(AS_OF)
    t = programme.totals(AS_OF)
    for code, c in ctx["categories"]:
        rows = [r for r in t.by_category[code]["projects"]
                if r.project.figures_published and (r.project.figures_published_on is None or r.project.figures_published_on <= AS_OF)]
        expected = {f: sum((getattr(r.project, "additional_reduction_public_t" if f == "additional_t" else f) or 0.0) for r in rows)
                    for f in programme.FIGURES}
        assert c["sums"] == expected
        assert len(c["projects"]) == len(rows)
    assert ctx["categories"][2][1]["sums"]["co2_reduction_t"] == 500_000  # Nobian's binding agreement
    assert ctx["since"] == dt.date(2024, 12, 30)
    changed = {(c.company, c.text) for c in ctx["changes"]}
    assert ("Royal Cosun", "JLoI getekend") in changed and ("Dow Benelux", "Teruggetrokken") in changed
    assert not any(c.company == "Nobian" for c in ctx["changes"])  # Nobian's binding agreement was 19 Dec 2024


def test_previous_letter_date():
    assert services.previous_letter_date(dt.date(2025, 8, 31)) == dt.date(2025, 2, 28)
    assert services.previous_letter_date(dt.date(2026, 3, 15)) == dt.date(2025, 9, 15)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (Debian poppler-utils) is not installed")
def test_pdf_contains_companies_and_totals(demo, tmp_path):
    out = tmp_path / "brief.pdf"
    call_command("report", "progress", "--as-of", AS_OF.isoformat(), "--out", str(out))
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for company in ("Nobian", "AnQore", "Royal Cosun", "Tata Steel Nederland", "Dow Benelux"):
        assert company in text
    binding = programme.totals(AS_OF).by_category["binding"]["sums"]["co2_reduction_t"]
    assert f"{int(binding):,}".replace(",", ".") in text  # 500.000 t of Nobian's binding agreement
    assert "Voortgangsbrief" in text and "30 juni 2025" in text


def test_letter_html_and_bad_input(users, tmp_path, client):
    out = tmp_path / "brief.html"
    call_command("report", "progress", "--as-of", "2024-12-19", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    assert "Nobian: Bindende maatwerkafspraak op 19 december 2024" in html
    with pytest.raises(CommandError, match="JJJJ-MM-DD"):
        call_command("report", "progress", "--as-of", "30-6-2025", "--out", str(out))
    with pytest.raises(CommandError, match=".html of .pdf"):
        call_command("report", "progress", "--as-of", "2025-06-30", "--out", str(tmp_path / "brief.doc"))
    assert client.get(reverse("reporting:letter"), {"op": "2025-06-30", "format": "pdf"}).status_code == 302  # a draft: login
    client.force_login(users["programme"])
    assert client.get(reverse("reporting:letter"), {"op": "2025-06-30", "format": "pdf"})["Content-Type"] == "application/pdf"


def test_emission_overview_matches_the_registry(demo, tmp_path):
    out = tmp_path / "emissies.csv"
    call_command("report", "overview", "emissies", "--out", str(out))
    rows = {r["bedrijf"]: r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}
    tata_2022 = sum(EmissionRecord.objects.filter(installation__operator__name="Tata Steel IJmuiden B.V.", year=2022).values_list("verified_emissions_t", flat=True))
    assert int(rows["Tata Steel Nederland"]["2022"]) == tata_2022 == 5822618
    assert rows["AnQore"]["2022"] == ""  # no installation of its own in the EU ETS: empty, never 0


@pytest.mark.parametrize("name", sorted(services.OVERVIEWS))
def test_every_overview_exports_csv_and_xlsx(users, client, name):
    client.force_login(users["programme"])
    csv_text = client.get(reverse("reporting:overview", args=[name, "csv"])).content.decode()
    header = next(csv.reader(io.StringIO(csv_text)))
    xlsx = client.get(reverse("reporting:overview", args=[name, "xlsx"])).content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert [c.value for c in sheet[1]] == header
    assert sheet.max_row == len(list(csv.reader(io.StringIO(csv_text))))


def test_support_overview_lists_public_support(users, client):
    client.force_login(users["programme"])
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("reporting:overview", args=["steun", "csv"])).content.decode())))
    nobian = next(r for r in rows if r["bedrijf"] == "Nobian")
    assert float(nobian["maximale steun (EUR)"]) == 185e6
