"""Issue 12, low finding "formula injection in CSV/XLSX exports": a company named like a formula comes
out of every export as inert text (CSV: a leading quote; XLSX: a string cell, never a formula), while
numbers stay numbers. Also: a download's file name built from data cannot break its header."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from maatwerk.core.cli import render
from maatwerk.core.exports import append_row, attachment, safe_cell
from maatwerk.registry.models import Company, Installation

EVIL = ['=HYPERLINK("http://x","y")', "@SUM(1)"]


def rename(old: str, new: str) -> None:
    company = Company.objects.get(name=old)
    company.name = new
    company.save()


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_inert_in_csv(text: str, name: str) -> None:
    cells = csv_cells(text)
    assert "'" + name in cells, f"{name!r} not found escaped"
    assert name not in cells
    assert not any(c.startswith(("=", "@", "+")) for c in cells)


@pytest.mark.parametrize("value", [*EVIL, "+1", "-1+1", "\tx", "\rx", "=1"])
def test_formula_injection_safe_cell_quotes_text_that_starts_like_a_formula(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", [-5, -1.5, 0, 3, None, "Tata Steel", "a=b", "", "'quoted"])
def test_formula_injection_safe_cell_leaves_numbers_and_plain_text(value):
    assert safe_cell(value) == value


def test_formula_injection_cli_csv_keeps_negative_numbers_as_numbers():
    from decimal import Decimal

    out = render([{"naam": "=1+1", "delta": -5, "prijs": Decimal("-1.50"), "lijst": ["@a", "b"]}], "csv")
    assert out.splitlines() == ["naam,delta,prijs,lijst", "'=1+1,-5,-1.5,'@a; b"]


def test_formula_injection_cli_table_shows_no_terminal_escapes():
    out = render([{"naam": "Rotter\x1b[2Jdam"}], "table")
    assert "\x1b" not in out and "Rotter?[2Jdam" in out


@pytest.mark.parametrize("name", EVIL)
def test_formula_injection_registry_csv_and_emitters_command(db, client, capsys, name):
    call_command("load_demo", stdout=io.StringIO())
    rename("Tata Steel Nederland", name)
    response = client.get(reverse("registry:ranking"), {"year": 2022, "format": "csv"})
    assert response.status_code == 200
    assert_inert_in_csv(response.content.decode(), name)
    call_command("emitters", "--year", "2022", "--format", "csv")
    assert_inert_in_csv(capsys.readouterr().out, name)


@pytest.mark.parametrize("name", EVIL)
def test_formula_injection_reporting_overviews_csv_and_xlsx(users, client, name):
    rename("AnQore", name)
    client.force_login(users["programme"])
    for overview in ("emissies", "reducties", "data"):
        text = client.get(reverse("reporting:overview", args=[overview, "csv"])).content.decode("utf-8-sig")
        assert_inert_in_csv(text, name)
        sheet = load_workbook(io.BytesIO(client.get(reverse("reporting:overview", args=[overview, "xlsx"])).content)).active
        cells = [cell for row in sheet.iter_rows() for cell in row]
        evil = [c for c in cells if c.value == name]
        assert evil, f"{name!r} not in the {overview} sheet"
        assert all(c.data_type == "s" for c in evil)
        assert not any(c.data_type == "f" for c in cells)
        numbers = [c for c in cells if isinstance(c.value, (int, float))]
        assert all(c.data_type == "n" for c in numbers)


def test_formula_injection_emission_overview_keeps_numbers(users, client):
    client.force_login(users["programme"])
    sheet = load_workbook(io.BytesIO(client.get(reverse("reporting:overview", args=["emissies", "xlsx"])).content)).active
    tata = next(row for row in sheet.iter_rows() if row[0].value == "Tata Steel Nederland")
    assert any(c.data_type == "n" and c.value == 5822618 for c in tata)


@pytest.mark.parametrize("name", EVIL)
def test_formula_injection_open_data_csv(demo, client, name):
    rename("Nobian", name)
    for dataset in ("bedrijven", "projecten", "documenten"):
        response = client.get(reverse("portal:download", args=[dataset, "csv"]))
        assert response.status_code == 200
        assert_inert_in_csv(response.content.decode(), name)


@pytest.mark.parametrize("name", EVIL)
def test_formula_injection_monitoring_csv(users, client, name):
    rename("Nobian", name)
    client.force_login(users["programme"])
    response = client.get(reverse("programme:monitoring"), {"format": "csv"})
    assert response.status_code == 200
    assert_inert_in_csv(response.content.decode(), name)


def test_formula_injection_append_row_writes_strings_never_formulas():
    wb = Workbook()
    append_row(wb.active, ["=1+1", -5, 2.5, None, "tekst"])
    out = io.BytesIO()
    wb.save(out)
    row = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [(c.value, c.data_type) for c in row] == [("=1+1", "s"), (-5, "n"), (2.5, "n"), (None, "n"), ("tekst", "s")]


@pytest.mark.parametrize("raw", ['a"b', "a\nContent-Type: x", "a\r\nb", "../../etc", "ü\x00"])
def test_download_name_cannot_break_the_header(raw):
    value = attachment(f"uitstoters-{raw}.csv")
    assert value.startswith('attachment; filename="') and value.count('"') == 2
    assert not any(ch in value for ch in "\r\n\x00/")


def test_download_name_from_registry_data_is_safe(db, client):
    call_command("load_demo", stdout=io.StringIO())
    Installation.objects.filter(eutl_id="NL-144").update(country='"\n')
    response = client.get(reverse("registry:ranking"), {"country": '"\n', "year": 2022, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="uitstoters-_-2022-company.csv"'
