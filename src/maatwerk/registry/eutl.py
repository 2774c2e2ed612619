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

from maatwerk.core.csvfiles import ImportFileError, check_header, check_text, parse_int

__all__ = ["ImportFileError", "InstallationRow", "YearFigures", "parse_eutl"]

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
_YEAR_COLUMN = re.compile(r"(VerifiedEmissions|FreeAllocations|ComplianceCode)_([0-9]{4})")


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


# Bounds that fit the columns (Installation, Operator, EmissionRecord) and the registry's own code lists.
TONNES_MAX = 10**10  # 10 Gt: several times the whole EU ETS in a year; far inside a BigIntegerField
YEAR_RANGE = (1990, 2100)
ACTIVITY_CODES = frozenset(range(1, 11)) | frozenset(range(20, 100))  # 1-10 (2005-2012), 20-99 (since 2013)
COMPLIANCE_CODE = re.compile(r"[A-EX]\*?|-\*")  # A-E and X, '*' = corrected after the deadline
EUTL_ID = re.compile(r"[A-Z]{2}-[0-9]{1,30}")
COUNTRY = re.compile(r"[A-Z]{2}")
TEXT_LIMITS = {  # column: max_length of the field it is stored in
    "AccountHolderName": 300,
    "CompanyRegistrationNo": 100,
    "InstallationNameOrAircraftOperatorCode": 300,
    "MainActivityTypeCodeLookup": 200,
    "PermitOrPlanID": 100,
    "Address1": 300,
    "ZipCode": 40,
    "City": 200,
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NEGATIVE = re.compile(r"-[0-9]+(?:\.[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")
_ZEROS = re.compile(r"0+")


def _text(value: str) -> str:
    value = value.strip()
    return "" if value in MISSING_MARKERS else value


def _tonnes(value: str, file_name: str, line: int, column: str) -> int | None:
    """A whole number of tonnes in ASCII digits, or None for a missing marker; anything else is an error.

    The registry writes plain digits; a zero fraction ('1000.0') is accepted, an exponent ('1e20'),
    '_', other scripts' digits ('１２３') and figures beyond TONNES_MAX are not.
    """
    value = value.strip()
    if value in MISSING_MARKERS:
        return None
    if _NEGATIVE.fullmatch(value):
        raise ImportFileError(file_name, f"{value!r} is negatief", line, column)
    whole, dot, fraction = value.partition(".")
    if dot:
        if not _ZEROS.fullmatch(fraction):
            if _DIGITS.fullmatch(fraction) and _DIGITS.fullmatch(whole):
                raise ImportFileError(file_name, f"{value!r} is geen geheel aantal ton", line, column)
            whole = value  # parse_int refuses it and names the whole text
    return parse_int(whole, file_name, line, column, 0, TONNES_MAX, what="getal")


def _year(value: str, file_name: str, line: int, column: str) -> int | None:
    """A calendar year; the registry writes 0 or a marker where there is none."""
    value = value.strip()
    if value in MISSING_MARKERS or value == "0":
        return None
    try:
        return parse_int(value, file_name, line, column, *YEAR_RANGE, what="jaartal")
    except ImportFileError:
        raise ImportFileError(file_name, f"{value[:40]!r} is geen geldig jaar ({YEAR_RANGE[0]}-{YEAR_RANGE[1]})", line, column) from None


def _activity(value: str, file_name: str, line: int) -> int | None:
    value = value.strip()
    if value in MISSING_MARKERS:
        return None
    code = parse_int(value, file_name, line, "MainActivityTypeCode", 0, 999, what="activiteitcode")
    if code not in ACTIVITY_CODES:
        raise ImportFileError(file_name, f"onbekende activiteitcode {code} (geldig: 1-10 en 20-99)", line, "MainActivityTypeCode")
    return code


def _compliance(value: str, file_name: str, line: int, column: str) -> str:
    value = _text(value)
    if value and not COMPLIANCE_CODE.fullmatch(value):
        raise ImportFileError(file_name, f"onbekende nalevingscode {value[:40]!r} (geldig: A-E of X, eventueel met *)", line, column)
    return value


def _check_record(record: list[str], header: list[str], columns: dict[str, int], file_name: str, line: int) -> None:
    """No control characters (NUL included) in any field; stored text within its column's length."""
    if _CONTROL.search("".join(record)):
        for name, value in zip(header, record):
            check_text(value, file_name, line, name)
    for name, limit in TEXT_LIMITS.items():
        check_text(record[columns[name]].strip(), file_name, line, name, limit)


def _decode(data: bytes, file_name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            file_name, f"het bestand is geen UTF-8 (ongeldige byte 0x{data[exc.start]:02x} op positie {exc.start})", line
        ) from None


def _year_columns(header: list[str], file_name: str) -> dict[int, dict[str, int]]:
    years: dict[int, dict[str, int]] = {}
    for index, name in enumerate(header):
        match = _YEAR_COLUMN.fullmatch(name)
        if match:
            if not YEAR_RANGE[0] <= int(match.group(2)) <= YEAR_RANGE[1]:
                raise ImportFileError(file_name, f"jaar in kolomnaam {name!r} ligt buiten {YEAR_RANGE[0]}-{YEAR_RANGE[1]}", 1, name)
            years.setdefault(int(match.group(2)), {})[match.group(1)] = index
    return years


def _check_header(header: list[str], file_name: str) -> tuple[dict[str, int], dict[int, dict[str, int]]]:
    if not header or all(not h.strip() for h in header):
        raise ImportFileError(file_name, "de kopregel ontbreekt", 1)
    for name in header:
        check_text(name, file_name, 1, name[:40], max_length=200)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ImportFileError(
            file_name, "verplichte kolom(men) ontbreken in de kopregel: " + ", ".join(missing), 1
        )
    check_header(header, file_name)
    seen = {name: index for index, name in enumerate(header)}
    years = _year_columns(header, file_name)
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
        next_line = reader.line_num + 1
        for record in reader:
            line, next_line = next_line, reader.line_num + 1  # where the record starts (a quoted field may span lines)
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            if len(record) != width:
                raise ImportFileError(
                    file_name,
                    f"{len(record)} velden gevonden, {width} verwacht (afgebroken of beschadigd bestand?)",
                    line,
                )
            _check_record(record, header, columns, file_name, line)
            eutl_id = record[c["id"]].strip()
            if not eutl_id:
                raise ImportFileError(file_name, "leeg installatie-id", line, "id")
            if not EUTL_ID.fullmatch(eutl_id):
                raise ImportFileError(
                    file_name, f"installatie-id {eutl_id[:40]!r} heeft niet de vorm LL-nummer (bijv. NL-340)", line, "id"
                )
            country = _text(record[c["NationalAdministratorCode"]]) or eutl_id.split("-")[0]
            if not COUNTRY.fullmatch(country):
                raise ImportFileError(
                    file_name, f"{country[:40]!r} is geen landcode van twee hoofdletters", line, "NationalAdministratorCode"
                )
            if eutl_id in first_line_of:
                raise ImportFileError(
                    file_name, f"installatie-id {eutl_id} staat dubbel (ook op regel {first_line_of[eutl_id]})", line, "id"
                )
            first_line_of[eutl_id] = line
            row = InstallationRow(
                line=line,
                eutl_id=eutl_id,
                country=country,
                name=_text(record[c["InstallationNameOrAircraftOperatorCode"]]) or eutl_id,
                account_holder=_text(record[c["AccountHolderName"]]) or "(onbekend)",
                registration_no=_text(record[c["CompanyRegistrationNo"]]),
                activity_code=_activity(record[c["MainActivityTypeCode"]], file_name, line),
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
                compliance = (
                    _compliance(record[cols["ComplianceCode"]], file_name, line, f"ComplianceCode_{year}")
                    if "ComplianceCode" in cols
                    else ""
                )
                if verified is not None or free is not None or compliance:
                    row.years[year] = YearFigures(verified, free, compliance)
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(file_name, f"onleesbare CSV ({exc}); afgebroken bestand?", reader.line_num) from None
    if not rows:
        raise ImportFileError(file_name, "het bestand bevat een kopregel maar geen installaties")
    return rows
