"""Reading the NEa's yearly publication of verified emissions per Dutch ETS permit (ODS or XLSX).

Pure parsing and validation: no database. :func:`parse_nea` turns the bytes of one spreadsheet into
:class:`PermitRow` objects or raises :class:`ImportFileError` naming file, sheet, row and column.

The shape (NEa, "Emissiecijfers 2013-2020"): a header row ``Vergunning-nummer, Inrichtingsnaam,
Drijvernaam*, Plaats, Emissies 2013, Emissie 2014, …`` (the NEa writes "Emissie" and "Emissies" and
trailing spaces), one row per permit, then an empty row, a total row ("Totale uitstoot …") and
footnotes. ``-`` means "no figure" (None), never zero. The total row and the footnotes are not
installations: the total is checked against the sum of the rows and a difference is reported, not
refused (the 2020 total of the 2013-2020 file is 1 t below the sum of its rows, a rounding of the NEa).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from maatwerk.core.csvfiles import ImportFileError, check_text

__all__ = ["ImportFileError", "PermitRow", "NeaFile", "parse_nea", "SheetError"]

PERMIT = re.compile(r"[A-Z]{2}-[0-9]{1,20}[A-Za-z]?")
YEAR_HEADER = re.compile(r"emissies?\s*([0-9]{4})", re.IGNORECASE)
NO_FIGURE = "-"
TONNES_MAX = 10**10  # as for the EUTL import: far above any installation, inside a BigIntegerField
YEAR_RANGE = (2005, 2100)
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # a larger content.xml / sheet is a broken or hostile file
MAX_ROWS = 100_000
MAX_COLUMNS = 200

# header label (normalised: lower case, letters only) -> our field; with the field's max_length
TEXT_COLUMNS = {
    "permit_id": (("vergunningnummer", "vergunning"), 40),
    "installation_name": (("inrichtingsnaam", "inrichting", "installatienaam"), 300),
    "operator_name": (("drijvernaam", "drijver"), 300),
    "city": (("plaats", "vestigingsplaats"), 200),
}
COLUMN_LABELS = {
    "permit_id": "Vergunning-nummer",
    "installation_name": "Inrichtingsnaam",
    "operator_name": "Drijvernaam",
    "city": "Plaats",
}


@dataclass(slots=True)
class PermitRow:
    sheet: str
    row: int
    permit_id: str
    installation_name: str
    operator_name: str
    city: str
    years: dict[int, int | None] = field(default_factory=dict)  # None: '-' (no figure)


@dataclass
class NeaFile:
    rows: list[PermitRow]
    years: list[int]
    warnings: list[str] = field(default_factory=list)


class SheetError(ImportFileError):
    """An error at a place in a spreadsheet: file, sheet, row and column (letter and header)."""

    def __init__(self, file_name: str, sheet: str | None, message: str, row: int | None = None, column: str | None = None):
        self.file_name, self.sheet, self.line, self.column, self.detail = file_name, sheet, row, column, message
        where = file_name
        if sheet is not None:
            where += f", blad {sheet!r}"
        if row is not None:
            where += f", rij {row}"
        if column is not None:
            where += f", kolom {column}"
        ValueError.__init__(self, f"{where}: {message}")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- reading the cells of a spreadsheet ---------------------------------------------------------

Cell = str | int | float | bool | None


def _is_empty(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _ods_sheets(data: bytes, file_name: str) -> Iterator[tuple[str, Iterator[tuple[int, list[Cell]]]]]:
    from odf import opendocument, teletype
    from odf.namespaces import OFFICENS, TABLENS

    try:
        document = opendocument.load(io.BytesIO(data))
    except Exception as exc:  # odfpy raises whatever its XML parser raises
        raise SheetError(file_name, None, f"het ODS-bestand is onleesbaar ({type(exc).__name__}); beschadigd bestand?") from None

    def number(element, name):
        value = element.attributes.get((TABLENS, name))
        try:
            return max(int(value), 1) if value else 1
        except ValueError:
            return 1

    def cell_value(cell) -> Cell:
        kind = cell.attributes.get((OFFICENS, "value-type"))
        if kind in ("float", "percentage", "currency"):
            raw = cell.attributes.get((OFFICENS, "value"), "")
            try:
                number_value = float(raw)
            except ValueError:
                return raw
            return int(number_value) if number_value.is_integer() and abs(number_value) < 2**63 else number_value
        if kind == "boolean":
            return cell.attributes.get((OFFICENS, "boolean-value")) == "true"
        if kind in ("date", "time"):
            return cell.attributes.get((OFFICENS, "date-value")) or cell.attributes.get((OFFICENS, "time-value")) or ""
        text = teletype.extractText(cell)
        return text if text != "" else None

    def rows_of(table, sheet_name: str) -> Iterator[tuple[int, list[Cell]]]:
        row_number = 0
        for row in _table_rows(table):
            repeat = number(row, "number-rows-repeated")
            values: list[Cell] = []
            for cell in row.childNodes:
                if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                    continue
                value = cell_value(cell) if cell.qname[1] == "table-cell" else None
                span = number(cell, "number-columns-repeated")
                if _is_empty(value):
                    values.extend([None] * min(span, MAX_COLUMNS + 1))
                else:
                    values.extend([value] * span)
                if len(values) > MAX_COLUMNS:
                    if any(not _is_empty(v) for v in values[MAX_COLUMNS:]):
                        raise SheetError(file_name, sheet_name, f"meer dan {MAX_COLUMNS} gevulde kolommen", row_number + 1)
                    del values[MAX_COLUMNS:]
            while values and _is_empty(values[-1]):
                values.pop()
            if not values:
                row_number += repeat  # empty rows (LibreOffice writes a million of them): skip, count
                continue
            for _ in range(repeat):
                row_number += 1
                if row_number > MAX_ROWS:
                    raise SheetError(file_name, sheet_name, f"meer dan {MAX_ROWS} gevulde rijen", row_number)
                yield row_number, values

    for table in document.spreadsheet.childNodes:
        if table.qname != (TABLENS, "table"):
            continue
        sheet_name = table.attributes.get((TABLENS, "name"), "?")
        yield sheet_name, rows_of(table, sheet_name)


def _table_rows(table):
    """The rows of a table, also those inside row groups and header rows."""
    from odf.namespaces import TABLENS

    for child in table.childNodes:
        if child.qname == (TABLENS, "table-row"):
            yield child
        elif child.qname[0] == TABLENS and child.qname[1] in ("table-row-group", "table-header-rows", "table-rows"):
            yield from _table_rows(child)


def _xlsx_sheets(data: bytes, file_name: str) -> Iterator[tuple[str, Iterator[tuple[int, list[Cell]]]]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise SheetError(file_name, None, f"het XLSX-bestand is onleesbaar ({type(exc).__name__}); beschadigd bestand?") from None

    def rows_of(sheet) -> Iterator[tuple[int, list[Cell]]]:
        for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if row_number > MAX_ROWS:
                raise SheetError(file_name, sheet.title, f"meer dan {MAX_ROWS} rijen", row_number)
            values = [v if isinstance(v, (str, int, float, bool)) or v is None else str(v) for v in row[: MAX_COLUMNS + 1]]
            values = [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]
            while values and _is_empty(values[-1]):
                values.pop()
            if len(values) > MAX_COLUMNS:
                raise SheetError(file_name, sheet.title, f"meer dan {MAX_COLUMNS} gevulde kolommen", row_number)
            if values:
                yield row_number, values

    for sheet in workbook.worksheets:
        yield sheet.title, rows_of(sheet)


def _spreadsheet(data: bytes, file_name: str):
    """Which reader: decided by the content (the zip's members), not by the file name."""
    if not data:
        raise SheetError(file_name, None, "het bestand is leeg")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        too_big = [i.filename for i in archive.infolist() if i.file_size > MAX_UNCOMPRESSED]
        broken = archive.testzip()
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise SheetError(
            file_name, None, f"geen geldig ODS- of XLSX-bestand: het zip-archief is afgebroken of beschadigd ({exc})"
        ) from None
    if broken is not None:
        raise SheetError(file_name, None, f"het zip-archief is beschadigd (onderdeel {broken!r} klopt niet met zijn controlesom)")
    if too_big:
        raise SheetError(file_name, None, f"onderdeel {too_big[0]!r} is uitgepakt groter dan {MAX_UNCOMPRESSED // 2**20} MB")
    if "mimetype" in names and archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.spreadsheet":
        return _ods_sheets(data, file_name)
    if "xl/workbook.xml" in names:
        return _xlsx_sheets(data, file_name)
    raise SheetError(file_name, None, "geen rekenblad: verwacht een ODS- of XLSX-bestand")


# --- the NEa's layout ------------------------------------------------------------------------------


def _label(value: Cell) -> str:
    return re.sub(r"[^a-z]", "", str(value).casefold()) if isinstance(value, str) else ""


def _header_columns(values: list[Cell], file_name: str, sheet: str, row: int) -> tuple[dict[str, int], dict[int, int]]:
    """Columns of the text fields and of the years, from a header row; a missing column is an error."""
    text: dict[str, int] = {}
    years: dict[int, int] = {}
    for index, value in enumerate(values):
        if not isinstance(value, str):
            continue
        _checked(value, file_name, sheet, row, column_letter(index), 200)
        match = YEAR_HEADER.fullmatch(value.strip())
        if match:
            year = int(match.group(1))
            where = f"{column_letter(index)} ({value.strip()})"
            if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
                raise SheetError(file_name, sheet, f"jaar {year} in de kop ligt buiten {YEAR_RANGE[0]}-{YEAR_RANGE[1]}", row, where)
            if year in years:
                raise SheetError(
                    file_name, sheet, f"het jaar {year} staat twee keer in de kop (ook kolom {column_letter(years[year])})", row, where
                )
            years[year] = index
            continue
        label = _label(value)
        for name, (labels, _limit) in TEXT_COLUMNS.items():
            if label in labels:
                if name in text:
                    raise SheetError(
                        file_name, sheet, f"kolom {COLUMN_LABELS[name]!r} staat twee keer in de kop", row, column_letter(index)
                    )
                text[name] = index
    missing = [COLUMN_LABELS[n] for n in TEXT_COLUMNS if n not in text]
    if missing:
        raise SheetError(file_name, sheet, "verplichte kolom(men) ontbreken in de kopregel: " + ", ".join(missing), row, missing[0])
    if not years:
        raise SheetError(file_name, sheet, "geen kolommen 'Emissies JJJJ' in de kopregel", row, "Emissies JJJJ")
    return text, years


def _is_header(values: list[Cell]) -> bool:
    return any(_label(v) in TEXT_COLUMNS["permit_id"][0] for v in values[:3])


def _figure(value: Cell, file_name: str, sheet: str, row: int, where: str) -> int | None:
    """Tonnes: a whole non-negative number, or None for '-'. An empty cell, text or a fraction is an error."""
    if isinstance(value, bool):
        raise SheetError(file_name, sheet, f"{value!r} is geen aantal ton", row, where)
    if isinstance(value, str):
        text = value.strip()
        if text == NO_FIGURE or text in ("\u2013", "\u2014"):  # '-' (some editors turn it into a dash)
            return None
        if re.fullmatch(r"[0-9]{1,15}", text):
            value = int(text)
        else:
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise SheetError(file_name, sheet, f"{shown!r} is geen getal (verwacht: een aantal ton, of '-' voor geen cijfer)", row, where)
    if value is None:
        raise SheetError(file_name, sheet, "lege cel; de NEa schrijft '-' als er geen cijfer is", row, where)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise SheetError(file_name, sheet, f"{value!r} is geen getal", row, where)
        raise SheetError(file_name, sheet, f"{value:g} is geen geheel aantal ton", row, where)
    if value < 0:
        raise SheetError(file_name, sheet, f"{value} is negatief", row, where)
    if value > TONNES_MAX:
        raise SheetError(file_name, sheet, f"{value} ton is onwaarschijnlijk groot (meer dan {TONNES_MAX:,} t)".replace(",", "."), row, where)
    return value


def _checked(value: str, file_name: str, sheet: str, row: int, where: str, limit: int) -> str:
    """check_text, with the error naming the sheet, row and column."""
    try:
        return check_text(value, file_name, row, where, limit)
    except ImportFileError as exc:
        raise SheetError(file_name, sheet, exc.detail, row, where) from None


def _text(values: list[Cell], index: int) -> str:
    value = values[index] if index < len(values) else None
    if value is None:
        return ""
    return str(value).strip()


def parse_nea(data: bytes, file_name: str) -> NeaFile:
    """Parse and validate one NEa publication; raise :class:`ImportFileError` at the first problem."""
    rows: list[PermitRow] = []
    first_seen: dict[str, tuple[str, int]] = {}
    warnings: list[str] = []
    all_years: set[int] = set()
    found_header = False
    for sheet, sheet_rows in _spreadsheet(data, file_name):
        header: tuple[dict[str, int], dict[int, int]] | None = None
        totals: dict[int, int] = {}
        for row, values in sheet_rows:
            if header is None:
                if _is_header(values):
                    _checked(sheet, file_name, sheet[:40], row, "(naam van het blad)", 100)  # NeaPermit.sheet
                    header = _header_columns(values, file_name, sheet, row)
                    labels = {i: " ".join(str(v).split()) for i, v in enumerate(values) if isinstance(v, str)}
                    found_header = True
                continue
            text, years = header
            permit_col = text["permit_id"]
            first = _text(values, permit_col)
            figures_given = [y for y, i in years.items() if i < len(values) and not _is_empty(values[i])]
            others = [i for i, v in enumerate(values) if i != permit_col and not _is_empty(v)]
            if first.casefold().startswith("totaal") or first.casefold().startswith("totale"):
                for year, index in years.items():  # the total row: checked, never an installation
                    if index < len(values) and isinstance(values[index], int) and not isinstance(values[index], bool):
                        totals[year] = values[index]
                continue
            if not PERMIT.fullmatch(first):
                if not figures_given and not (set(others) & {text["installation_name"], text["operator_name"], text["city"]}):
                    continue  # a footnote or a remark: text in one cell, nothing in the columns of an installation
                where = f"{column_letter(permit_col)} ({COLUMN_LABELS['permit_id']})"
                if not first:
                    raise SheetError(file_name, sheet, "vergunningnummer ontbreekt in een rij met gegevens", row, where)
                shown = first if len(first) <= 40 else first[:40] + "…"
                raise SheetError(
                    file_name, sheet, f"{shown!r} is geen vergunningnummer (verwacht zoals NL-200400186 of NL-200400161a)", row, where
                )
            key = first.upper()
            if key in first_seen:
                other_sheet, other_row = first_seen[key]
                raise SheetError(
                    file_name,
                    sheet,
                    f"vergunning {first} staat dubbel (ook op blad {other_sheet!r}, rij {other_row})",
                    row,
                    f"{column_letter(permit_col)} ({COLUMN_LABELS['permit_id']})",
                )
            first_seen[key] = (sheet, row)
            fields = {}
            for name, index in text.items():
                value = _text(values, index)
                where = f"{column_letter(index)} ({COLUMN_LABELS[name]})"
                fields[name] = _checked(value, file_name, sheet, row, where, TEXT_COLUMNS[name][1])
            if not fields["installation_name"]:
                raise SheetError(
                    file_name, sheet, "inrichtingsnaam ontbreekt", row,
                    f"{column_letter(text['installation_name'])} ({COLUMN_LABELS['installation_name']})",
                )
            permit = PermitRow(sheet=sheet, row=row, **fields)
            for year, index in sorted(years.items()):
                where = f"{column_letter(index)} ({labels[index]})"
                permit.years[year] = _figure(values[index] if index < len(values) else None, file_name, sheet, row, where)
            all_years.update(years)
            rows.append(permit)
        if header is not None:
            sheet_rows_here = [r for r in rows if r.sheet == sheet]
            for year, total in sorted(totals.items()):
                computed = sum(r.years.get(year) or 0 for r in sheet_rows_here)
                if computed != total:
                    warnings.append(
                        f"blad {sheet!r}: totaalrij {year} is {total} t, de som van de installaties {computed} t "
                        f"(verschil {total - computed:+d} t); de cijfers per installatie zijn overgenomen"
                    )
    if not found_header:
        raise SheetError(
            file_name, None, "geen kopregel met 'Vergunning-nummer' gevonden op een van de bladen (kolom Vergunning-nummer ontbreekt?)"
        )
    if not rows:
        raise SheetError(file_name, None, "het bestand bevat een kopregel maar geen vergunningen")
    return NeaFile(rows=rows, years=sorted(all_years), warnings=warnings)
