"""Issue 16, point 1: a damaged NEa file is refused with a message naming sheet, row and column, and
nothing is written; the same publication as XLSX imports to the same figures as the ODS."""

import io
import re
import zipfile

import openpyxl
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from maatwerk.registry.models import ImportRun, NeaEmission, NeaPermit
from maatwerk.registry.nea import ImportFileError, parse_nea
from maatwerk.registry.nea_import import import_nea_file

from ..conftest import nea_file

pytestmark = pytest.mark.nea

ROW = re.compile(r"<table:table-row\b[^>]*>.*?</table:table-row>", re.S)
CELL = re.compile(r"<table:table-cell\b[^>]*?(?:/>|>.*?</table:table-cell>)", re.S)


def rewrite_ods(data: bytes, change) -> bytes:
    """The ODS with content.xml passed through ``change``; the zip rebuilt as an ODS (mimetype first, stored)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "content.xml":
                content = change(content.decode("utf-8")).encode("utf-8")
            kind = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, content, compress_type=kind)
    return out.getvalue()


def replace_cell(xml: str, permit: str, column: int, new_cell: str) -> str:
    """Replace cell number ``column`` (0 = A) of the row of ``permit``."""
    for row in ROW.finditer(xml):
        if f"<text:p>{permit}</text:p>" in row.group():
            cells = list(CELL.finditer(row.group()))
            cell = cells[column]
            new_row = row.group()[: cell.start()] + new_cell + row.group()[cell.end() :]
            return xml[: row.start()] + new_row + xml[row.end() :]
    raise AssertionError(f"{permit} not in the file")


def text_cell(text: str) -> str:
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def state():
    return (
        sorted(NeaPermit.objects.values_list("permit_id", "installation_name", "operator_name", "city")),
        sorted(NeaEmission.objects.values_list("permit__permit_id", "year", "emissions_t")),
        ImportRun.objects.count(),
    )


def refused(tmp_path, data: bytes, name="emissiecijfers.ods") -> str:
    """Import ``data`` after a good import; assert the command refuses it and nothing changed; return the message."""
    path = tmp_path / name
    path.write_bytes(data)
    before = state()
    with pytest.raises(CommandError) as info:
        call_command("import_nea", str(path))
    assert state() == before
    assert "Er is niets opgeslagen" in str(info.value)
    return str(info.value)


@pytest.fixture
def imported(db):
    """A good import first: a refused file must leave it as it was."""
    path = nea_file()
    import_nea_file(path, user="test")
    assert NeaPermit.objects.count() == 489
    return path.read_bytes()


def test_truncated_ods_is_refused_and_nothing_written(imported, tmp_path):
    message = refused(tmp_path, imported[: len(imported) // 2])
    assert "emissiecijfers.ods" in message and "zip" in message and "afgebroken of beschadigd" in message
    message = refused(tmp_path, imported[:-200])  # the end (the zip's directory) cut off
    assert "zip" in message


def test_non_number_in_a_figure_cell_names_sheet_row_and_column(imported, tmp_path):
    # NL-200800059 is on row 3 of sheet Blad1; column E is 'Emissies 2013'
    data = rewrite_ods(imported, lambda xml: replace_cell(xml, "NL-200800059", 4, text_cell("ca. 63000")))
    message = refused(tmp_path, data)
    assert "blad 'Blad1', rij 3, kolom E (Emissies 2013)" in message and "'ca. 63000' is geen getal" in message
    # a fraction, a negative figure and an empty cell (the NEa writes '-') are refused the same way
    cases = {
        '<table:table-cell office:value-type="float" office:value="63616.5"><text:p>63616,5</text:p></table:table-cell>': "geen geheel aantal ton",
        '<table:table-cell office:value-type="float" office:value="-5"><text:p>-5</text:p></table:table-cell>': "negatief",
        "<table:table-cell/>": "lege cel",
    }
    for cell, expected in cases.items():
        data = rewrite_ods(imported, lambda xml: replace_cell(xml, "NL-200800059", 11, cell))
        message = refused(tmp_path, data)
        assert "blad 'Blad1', rij 3, kolom L (Emissies 2020)" in message and expected in message


def test_missing_column_is_refused_naming_it(imported, tmp_path):
    data = rewrite_ods(imported, lambda xml: xml.replace("<text:p>Plaats</text:p>", "<text:p>Regio</text:p>", 1))
    message = refused(tmp_path, data)
    assert "blad 'Blad1', rij 1, kolom Plaats" in message and "verplichte kolom(men) ontbreken" in message
    data = rewrite_ods(imported, lambda xml: xml.replace("<text:p>Vergunning-nummer</text:p>", "<text:p>Nummer</text:p>", 1))
    assert "geen kopregel met 'Vergunning-nummer'" in refused(tmp_path, data)


def test_bad_permit_numbers_and_duplicates_are_refused(imported, tmp_path):
    data = rewrite_ods(imported, lambda xml: replace_cell(xml, "NL-200800059", 0, text_cell("200800059")))
    assert "rij 3, kolom A (Vergunning-nummer): '200800059' is geen vergunningnummer" in refused(tmp_path, data)
    data = rewrite_ods(imported, lambda xml: replace_cell(xml, "NL-200800059", 0, text_cell("NL-200700012")))
    message = refused(tmp_path, data)
    assert "rij 3, kolom A (Vergunning-nummer): vergunning NL-200700012 staat dubbel (ook op blad 'Blad1', rij 2)" in message


def test_not_a_spreadsheet_is_refused(imported, tmp_path):
    assert "geen geldig ODS- of XLSX-bestand" in refused(tmp_path, b"Vergunning-nummer;Inrichtingsnaam\n", "x.csv")
    with pytest.raises(ImportFileError, match="leeg"):
        parse_nea(b"", "leeg.ods")


def test_xlsx_of_the_same_publication_imports_the_same_figures(db, tmp_path):
    ods = nea_file()
    import_nea_file(ods, user="test")
    from_ods = state()[:2]
    NeaPermit.objects.all().delete()
    # the same sheet written as XLSX by openpyxl from pandas' reading, '-' kept as text, total and footnotes included
    frame = pd.read_excel(ods, engine="odf", header=None, dtype=object)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Blad1"
    for _, row in frame.iterrows():
        sheet.append([None if pd.isna(v) else v for v in row])
    path = tmp_path / "emissiecijfers.xlsx"
    workbook.save(path)
    report = import_nea_file(path, user="test")
    assert report.counts["permits"] == 489
    assert state()[:2] == from_ods
    # and a damaged cell there is named the same way
    sheet["E3"] = "onbekend"
    workbook.save(path)
    with pytest.raises(ImportFileError, match=r"blad 'Blad1', rij 3, kolom E \(Emissies 2013\): 'onbekend' is geen getal"):
        import_nea_file(path, user="test")
