"""The progress letter and the overviews against the programme service and the registry."""

import csv
import datetime as dt
import io
import shutil
import subprocess

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from maatwerk.figures.models import Figure
from maatwerk.finance.models import Project
from maatwerk.portal import public
from maatwerk.programme import services as programme
from maatwerk.registry.models import EmissionRecord
from maatwerk.reporting import services

AS_OF = dt.date(2025, 6, 30)


def _public_register(as_of: dt.date) -> pd.DataFrame:
    """The register's records that held in public on ``as_of``, chosen here with pandas (independently of
    figures.selectors): published, public, from a published public source, valid and published by then;
    per series the latest valid_from, then recorded_at, then pk."""
    rows = Figure.objects.filter(
        state="published", confidentiality="public", source__published=True, source__confidentiality="public",
        valid_from__lte=as_of, published_on__lte=as_of, project__isnull=False,
    ).values("pk", "project_id", "quantity", "qualifier", "low", "high", "valid_from", "recorded_at")
    df = pd.DataFrame(list(rows)).sort_values(["valid_from", "recorded_at", "pk"])
    return df.groupby(["project_id", "quantity"]).tail(1)


def test_letter_totals_are_the_published_register_figures_of_that_date(demo):
    """The letter's totals per category: the published register figures that held on the letter's
    date, added as intervals (lower ends, upper ends; an open end stays open), per the public phase."""
    ctx = services.letter_context(AS_OF)
    held = _public_register(AS_OF)
    phase_of = {c["slug"]: c["phase"] for c in ctx["companies"]}
    company_of = dict(Project.objects.values_list("pk", "trajectory__company__slug"))
    held["category"] = [programme.CATEGORY_OF.get(phase_of.get(company_of[p])) for p in held["project_id"]]
    for code, c in ctx["categories"]:
        for name, (field, _unit) in services.PUBLIC_FIGURES.items():
            quantity = public.FIGURE_FIELDS[field]
            part = held[(held["category"] == code) & (held["quantity"] == quantity)]
            total = c["sums"][name]
            if part.empty:
                assert total is None, (code, name)
                continue
            lower = sum(0.0 if q == "at_most" else lo for q, lo in zip(part["qualifier"], part["low"]))
            open_above = part["qualifier"].isin(["at_least", "more_than"]).any()
            upper = None if open_above else sum(lo if q in ("exact", "about") else hi for q, lo, hi in zip(part["qualifier"], part["low"], part["high"]))
            assert total.lower == pytest.approx(lower), (code, name)
            assert total.upper == (None if upper is None else pytest.approx(upper)), (code, name)
        assert len(c["projects"]) == int(held[held["category"] == code]["project_id"].nunique())
    cats = dict(ctx["categories"])
    # the public facts of that day: Cosun's JLoI (23 June 2025), Nobian's binding agreement (19 Dec 2024)
    assert cats["jloi"]["text"]["co2_reduction_t"] == "260 kt" and cats["jloi"]["text"]["support_max_eur"] == "ten hoogste € 105 mln"
    assert cats["binding"]["text"]["co2_reduction_t"] == "meer dan 0,5 Mt"
    assert ctx["since"] == dt.date(2024, 12, 30)
    changed = {(c.company, c.text) for c in ctx["changes"]}
    assert ("Royal Cosun", "JLoI getekend") in changed and ("Dow Benelux", "Teruggetrokken") in changed
    assert not any(c.company == "Nobian" for c in ctx["changes"])  # Nobian's binding agreement was 19 Dec 2024


def test_cosun_and_tata_follow_their_documents_on_every_date(demo):
    """Cosun: the JLoI's 260 kt and at most EUR 105 mln until the binding agreement of 18 December 2025,
    then 167 kt and at most EUR 73 mln; Tata's EUR 2 bn from its JLoI of 29 September 2025, not before."""
    def cosun(day):
        return next(p for p in public.projects("royal-cosun", as_of=day))

    def tata_support(day):
        return next(p for p in public.projects("tata-steel-nederland", as_of=day))["support_max_eur_text"]

    june, december = cosun(dt.date(2025, 6, 30)), cosun(dt.date(2025, 12, 18))
    assert (june["co2_reduction_t_text"], june["support_max_eur_text"]) == ("260 kt", "ten hoogste € 105 mln")
    assert (december["co2_reduction_t_text"], december["support_max_eur_text"]) == ("167 kt", "ten hoogste € 73 mln")
    assert cosun(dt.date(2025, 12, 17))["co2_reduction_t_low"] == 260_000
    assert tata_support(dt.date(2025, 9, 28)) == "onbekend" and tata_support(dt.date(2025, 9, 29)) == "ten hoogste € 2 mld"
    assert tata_support(dt.date(2023, 6, 30)) == "onbekend"


def test_previous_letter_date():
    assert services.previous_letter_date(dt.date(2025, 8, 31)) == dt.date(2025, 2, 28)
    assert services.previous_letter_date(dt.date(2026, 3, 15)) == dt.date(2025, 9, 15)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (Debian poppler-utils) is not installed")
def test_pdf_contains_companies_and_totals(demo, tmp_path):
    out = tmp_path / "brief.pdf"
    call_command("report", "progress", "--as-of", AS_OF.isoformat(), "--out", str(out))
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    # reading order (no -layout): a name that wraps in its cell stays one run of words
    flowing = " ".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout.split())
    for company in ("Nobian", "AnQore", "Royal Cosun", "Tata Steel Nederland", "Dow Benelux"):
        assert company in flowing
    assert "meer dan 0,5" in text  # Nobian's binding agreement ("meer dan 0,5 Mt"; a narrow cell may wrap the unit)
    shell = next(line for line in text.splitlines() if line.startswith("Shell Nederland"))
    assert "Teruggetrokken" in shell and "3,9 Mt" not in shell  # a withdrawn company's ambition is no reduction
    assert "260 kt" in text and "167 kt" not in text  # Cosun's JLoI on that day, not its later binding agreement
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
    assert float(nobian["maximale steun (EUR) bovengrens"]) == 185e6 and nobian["maximale steun (EUR) ondergrens"] == ""
    assert nobian["maximale steun (EUR) volgens de bron"] == "ten hoogste € 185 mln"
