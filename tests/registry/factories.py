"""Build small EUTL-shaped CSV files for tests (the real header's columns, a few years)."""

import csv
import io

from maatwerk.registry.eutl import REQUIRED_COLUMNS

YEARS = (2020, 2021, 2022)


def header(years=YEARS) -> list[str]:
    cols = list(REQUIRED_COLUMNS)
    for y in years:
        cols += [f"FreeAllocations_{y}", f"VerifiedEmissions_{y}", f"ComplianceCode_{y}"]
    return cols


def row(eutl_id="NL-1", holder="Holder A B.V.", name=None, activity="20", figures=None, years=YEARS) -> dict:
    figures = figures or {}
    data = dict.fromkeys(header(years), "NA")
    data.update(
        {
            "id": eutl_id,
            "InstallationOrAircraftOperatorID": eutl_id.split("-")[1],
            "AccountHolderName": holder,
            "NationalAdministratorCode": eutl_id.split("-")[0],
            "InstallationNameOrAircraftOperatorCode": name or f"Installatie {eutl_id}",
            "FirstYearOfEmissions": "2005",
            "LastYearOfEmissions": "0",
            "MainActivityTypeCode": activity,
            "MainActivityTypeCodeLookup": "Combustion of fuels",
            "City": "Rotterdam",
        }
    )
    for y, (verified, free, code) in figures.items():
        data[f"VerifiedEmissions_{y}"] = verified
        data[f"FreeAllocations_{y}"] = free
        data[f"ComplianceCode_{y}"] = code
    return data


def eutl_bytes(rows, years=YEARS, columns=None) -> bytes:
    columns = columns or header(years)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue().encode("utf-8")
