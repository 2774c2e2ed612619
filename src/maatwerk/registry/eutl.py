"""Reading the EU Transaction Log per-installation export (one CSV per registry country).

Pure parsing and validation: no database. :func:`parse_eutl` turns the bytes of one file into
:class:`InstallationRow` objects or raises :class:`ImportFileError` naming file, line and column.
The markers ``NA``, ``Excluded``, ``Not Reported``, ``Not Calculated`` and ``-`` mean "no figure"
(None), never zero.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

MISSING_MARKERS = frozenset({"", "NA", "Excluded", "Not Reported", "Not Calculated", "-"})

REQUIRED_COLUMNS = (
    "id",
    "InstallationOrAircraftOperatorID",
    "AccountHolderName",
    "NationalAdministratorCode",
    "CompanyRegistrationNo",
    "InstallationNameOrAircraftOperatorCode",
    "FirstYearOfEmissions",
    "LastYearOfEmissions",
    "PermitOrPlanID",
    "Address1",
    "ZipCode",
    "City",
    "MainActivityTypeCode",
    "MainActivityTypeCodeLookup",
)
_YEAR_COLUMN = re.compile(r"^(VerifiedEmissions|FreeAllocations|ComplianceCode)_(\d{4})$")


class ImportFileError(ValueError):
    """A file that cannot be imported; the message names the file, the line and the column."""

    def __init__(self, file_name: str, message: str, line: int | None = None, column: str | None = None):
        self.file_name, self.line, self.column, self.detail = file_name, line, column, message
        where = file_name
        if line is not None:
            where += f", regel {line}"
        if column is not None:
            where += f", kolom {column}"
        super().__init__(f"{where}: {message}")


@dataclass(slots=True)
class YearFigures:
    verified_emissions_t: int | None
    free_allocation_t: int | None
    compliance_code: str


@dataclass(slots=True)
class InstallationRow:
    line: int
    eutl_id: str
    country: str
    name: str
    account_holder: str
    registration_no: str
    activity_code: int | None
    activity_label: str
    permit_id: str
    address: str
    zip_code: str
    city: str
    first_year: int | None
    last_year: int | None
    years: dict[int, YearFigures] = field(default_factory=dict)


def _text(value: str) -> str:
    value = value.strip()
    return "" if value in MISSING_MARKERS else value


def _tonnes(value: str, file_name: str, line: int, column: str) -> int | None:
    """A whole number of tonnes, or None for a missing marker; anything else is an error."""
    value = value.strip()
    if value in MISSING_MARKERS:
        return None
    try:
        number = int(value)
    except ValueError:
        try:
            as_float = float(value)
        except ValueError:
            raise ImportFileError(file_name, f"{value!r} is geen getal", line, column) from None
        if not as_float.is_integer():
            raise ImportFileError(file_name, f"{value!r} is geen geheel aantal ton", line, column) from None
        number = int(as_float)
    if number < 0:
        raise ImportFileError(file_name, f"{value!r} is negatief", line, column)
    return number


def _year(value: str, file_name: str, line: int, column: str) -> int | None:
    """A calendar year; the registry writes 0 or a marker where there is none."""
    number = _tonnes(value, file_name, line, column)
    if number in (None, 0):
        return None
    if not 1990 <= number <= 2100:
        raise ImportFileError(file_name, f"{value!r} is geen geldig jaar", line, column)
    return number


def _decode(data: bytes, file_name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            file_name, f"het bestand is geen UTF-8 (ongeldige byte 0x{data[exc.start]:02x} op positie {exc.start})", line
        ) from None


def _year_columns(header: list[str]) -> dict[int, dict[str, int]]:
    years: dict[int, dict[str, int]] = {}
    for index, name in enumerate(header):
        match = _YEAR_COLUMN.match(name)
        if match:
            years.setdefault(int(match.group(2)), {})[match.group(1)] = index
    return years


def _check_header(header: list[str], file_name: str) -> tuple[dict[str, int], dict[int, dict[str, int]]]:
    if not header or all(not h.strip() for h in header):
        raise ImportFileError(file_name, "de kopregel ontbreekt", 1)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportFileError(
            file_name, "verplichte kolom(men) ontbreken in de kopregel: " + ", ".join(missing), 1
        )
    seen: dict[str, int] = {}
    for index, name in enumerate(header):
        if name in seen:
            raise ImportFileError(file_name, f"kolom {name!r} staat twee keer in de kopregel", 1, name)
        seen[name] = index
    years = _year_columns(header)
    years = {y: cols for y, cols in years.items() if "VerifiedEmissions" in cols}
    if not years:
        raise ImportFileError(file_name, "geen kolommen VerifiedEmissions_JJJJ in de kopregel", 1)
    return seen, years


def parse_eutl(data: bytes, file_name: str) -> list[InstallationRow]:
    """Parse and validate one EUTL export; raise :class:`ImportFileError` at the first problem."""
    if not data.strip():
        raise ImportFileError(file_name, "het bestand is leeg")
    text = _decode(data, file_name)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise ImportFileError(file_name, f"onleesbare kopregel ({exc})", 1) from None
    columns, years = _check_header(header, file_name)
    width = len(header)
    rows: list[InstallationRow] = []
    first_line_of: dict[str, int] = {}
    c = columns
    try:
        for record in reader:
            line = reader.line_num
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            if len(record) != width:
                raise ImportFileError(
                    file_name,
                    f"{len(record)} velden gevonden, {width} verwacht (afgebroken of beschadigd bestand?)",
                    line,
                )
            eutl_id = record[c["id"]].strip()
            if not eutl_id:
                raise ImportFileError(file_name, "leeg installatie-id", line, "id")
            if eutl_id in first_line_of:
                raise ImportFileError(
                    file_name, f"installatie-id {eutl_id} staat dubbel (ook op regel {first_line_of[eutl_id]})", line, "id"
                )
            first_line_of[eutl_id] = line
            code_text = record[c["MainActivityTypeCode"]].strip()
            activity_code = _tonnes(code_text, file_name, line, "MainActivityTypeCode")
            row = InstallationRow(
                line=line,
                eutl_id=eutl_id,
                country=(_text(record[c["NationalAdministratorCode"]]) or eutl_id.split("-")[0])[:2].upper(),
                name=_text(record[c["InstallationNameOrAircraftOperatorCode"]]) or eutl_id,
                account_holder=_text(record[c["AccountHolderName"]]) or "(onbekend)",
                registration_no=_text(record[c["CompanyRegistrationNo"]]),
                activity_code=activity_code,
                activity_label=_text(record[c["MainActivityTypeCodeLookup"]]),
                permit_id=_text(record[c["PermitOrPlanID"]]),
                address=_text(record[c["Address1"]]),
                zip_code=_text(record[c["ZipCode"]]),
                city=_text(record[c["City"]]),
                first_year=_year(record[c["FirstYearOfEmissions"]], file_name, line, "FirstYearOfEmissions"),
                last_year=_year(record[c["LastYearOfEmissions"]], file_name, line, "LastYearOfEmissions"),
            )
            for year, cols in years.items():
                verified = _tonnes(record[cols["VerifiedEmissions"]], file_name, line, f"VerifiedEmissions_{year}")
                free = (
                    _tonnes(record[cols["FreeAllocations"]], file_name, line, f"FreeAllocations_{year}")
                    if "FreeAllocations" in cols
                    else None
                )
                compliance = _text(record[cols["ComplianceCode"]]) if "ComplianceCode" in cols else ""
                if verified is not None or free is not None or compliance:
                    row.years[year] = YearFigures(verified, free, compliance[:10])
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(file_name, f"onleesbare CSV ({exc}); afgebroken bestand?", reader.line_num) from None
    if not rows:
        raise ImportFileError(file_name, "het bestand bevat een kopregel maar geen installaties")
    return rows
