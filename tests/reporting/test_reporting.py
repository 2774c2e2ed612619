"""The progress letter and the overviews against the programme service and the registry."""

import csv
import datetime as dt
import io
import re

import pandas as pd
import pytest
from django.core.management import call_command
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


def test_letter_html_and_login(users, tmp_path, client):
    out = tmp_path / "brief.html"
    call_command("report", "progress", "--as-of", "2024-12-19", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    assert "Met Nobian is op 19 december 2024 een bindende maatwerkafspraak gesloten." in html
    assert client.get(reverse("reporting:letter"), {"op": "2025-06-30", "format": "pdf"}).status_code == 302  # a draft: login
    client.force_login(users["programme"])
    assert client.get(reverse("reporting:letter"), {"op": "2025-06-30", "format": "pdf"})["Content-Type"] == "application/pdf"
    assert client.get(reverse("reporting:letter"), {"op": "2025-06-30", "format": "docx"})["Content-Type"].endswith("wordprocessingml.document")


def test_emission_overview_matches_the_registry(demo, tmp_path):
    out = tmp_path / "emissies.csv"
    call_command("report", "overview", "emissies", "--out", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # UTF-8 with a BOM, RFC 4180 line ends
    rows = {r["bedrijf"]: r for r in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))}
    tata_2022 = sum(EmissionRecord.objects.filter(installation__operator__name="Tata Steel IJmuiden B.V.", year=2022).values_list("verified_emissions_t", flat=True))
    assert int(rows["Tata Steel Nederland"]["2022"]) == tata_2022 == 5822618
    assert rows["AnQore"]["2022"] == ""  # no installation of its own in the EU ETS: empty, never 0


@pytest.mark.parametrize("name", sorted(services.OVERVIEWS))
def test_every_overview_exports_csv_and_xlsx(users, client, name):
    """The CSV for machines (UTF-8 with BOM, header in the first row, a data dictionary for each column); the
    XLSX for people: title, the as-of date as a date cell and the sources above a frozen header, numbers as numbers."""
    client.force_login(users["programme"])
    raw = client.get(reverse("reporting:overview", args=[name, "csv"]), {"op": "2025-06-30"}).content
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, rows = table[0], table[1:]
    words = list(csv.reader(io.StringIO(client.get(reverse("reporting:overview_dictionary", args=[name])).content.decode("utf-8-sig"))))
    assert [w[0] for w in words[1:]] == header and all(w[1] and w[2] for w in words[1:])
    xlsx = client.get(reverse("reporting:overview", args=[name, "xlsx"]), {"op": "2025-06-30"}).content
    book = load_workbook(io.BytesIO(xlsx))
    sheet = book.active
    assert sheet["A2"].value == "Stand op" and sheet["B2"].value.date() == dt.date(2025, 6, 30) and sheet["B2"].is_date
    assert sheet["A3"].value == "Bronnen" and sheet["B3"].value
    assert sheet.freeze_panes == f"A{services.HEADER_ROW + 1}"
    assert [c.value for c in sheet[services.HEADER_ROW]] == header
    assert sheet.max_row - services.HEADER_ROW == len(rows)
    assert "Woordenboek" in book.sheetnames
    # a cell that holds a number in the CSV is a number cell in the XLSX (never text)
    for csv_row, xlsx_row in zip(rows, sheet.iter_rows(min_row=services.HEADER_ROW + 1)):
        for text, cell in zip(csv_row, xlsx_row):
            if re.fullmatch(r"-?\d+(\.\d+)?", text):
                assert cell.data_type == "n" and float(text) == pytest.approx(cell.value), (name, text)


def test_overviews_for_parliament_answer_questions_61_to_65(users, client):
    """Dates per phase with the concept JLoI and the AMVI advice; support per project with its stage;
    every named company in the NOx overview, "onbekend" where no emission is known."""
    header, rows = services.overview_dates(dt.date(2025, 9, 30))
    assert "Concept-JLoI bij AMVI" in header and "AMVI-advies" in header
    anqore = dict(zip(header, next(r for r in rows if r[0] == "AnQore")))
    assert anqore["Concept-JLoI bij AMVI"] == dt.date(2025, 5, 8) and anqore["AMVI-advies"] == dt.date(2025, 6, 23)
    header, rows = services.overview_support(dt.date(2025, 6, 30))
    assert header[-5:] == ["gereserveerd (EUR)", "toegezegd (EUR)", "waarvan uitbetaald (EUR)", "stadium", "fase"]
    header, rows = services.overview_nox(dt.date(2025, 6, 30))
    named = {c["name"] for c in public.companies(dt.date(2025, 6, 30))}
    assert {r[0] for r in rows} == named
    oci = [r for r in rows if r[0] == "OCI Nitrogen" and r[1] is None]
    assert oci and oci[0][-3] == "onbekend"
    header, rows = services.overview_reductions(dt.date(2025, 6, 30))
    shell = [dict(zip(header, r)) for r in rows if r[0] == "Shell Nederland"]
    assert shell and all(r["CO2-reductie (t/jr) ondergrens"] is None and r["CO2-reductie (t/jr) volgens de bron"] == "telt niet mee" for r in shell)
    assert all(r["fase"] == "Teruggetrokken" for r in shell)


def test_support_overview_lists_public_support(users, client):
    client.force_login(users["programme"])
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("reporting:overview", args=["steun", "csv"])).content.decode("utf-8-sig"))))
    nobian = next(r for r in rows if r["bedrijf"] == "Nobian")
    assert float(nobian["maximale steun (EUR) bovengrens"]) == 185e6 and nobian["maximale steun (EUR) ondergrens"] == ""
    assert nobian["maximale steun (EUR) volgens de bron"] == "ten hoogste € 185 mln"


@pytest.mark.eutl
def test_the_emission_overview_covers_the_industrial_top_20_and_the_extensions(demo):
    """q 61: the CO2 of each company of the registry's industrial top-20 of the latest year, in the programme
    or not, and of every company in the programme (the admitted extensions such as Cosun included)."""
    from maatwerk.registry.selectors import rank_emitters

    header, rows = services.overview_emissions(AS_OF)
    latest = int(header[-1])
    assert latest == max(EmissionRecord.objects.values_list("year", flat=True))
    by_name = {r[0]: dict(zip(header, r)) for r in rows}
    top = [r for r in rank_emitters(latest, sector="industry") if r.company_slug]
    assert top
    for r in top:
        assert by_name[r.name][header[1]] == r.rank
    outside = [name for name, row in by_name.items() if row["in het programma"] == "nee"]
    assert outside and all(by_name[name][header[1]] is not None for name in outside)  # only top-20 companies outside the programme
    assert by_name["Royal Cosun"]["in het programma"] == "ja"
