"""Write small files in exactly the shape of the EEA's industrial-reporting facility releases CSV."""

import csv
import io

from maatwerk.registry.pollutants import EEA_COLUMNS

PUBLICATION = "2024-03-15"
NOX, NH3, SOX, PM10, CO2 = (
    "Nitrogen oxides (NOX)", "Ammonia (NH3)", "Sulphur oxides (SOX)", "Particulate matter (PM10)", "Carbon dioxide (CO2)",
)


def release(facility="NL.RIVM/000023301.FACILITY", year=2021, pollutant=NOX, kg="123456.7", medium="AIR", confidential="", name=None):
    return {
        "PublicationDate": PUBLICATION,
        "countryName": "Netherlands",
        "reportingYear": str(year),
        "EPRTR_SectorCode": "4",
        "EPRTR_SectorName": "Chemical industry",
        "EPRTRAnnexIMainActivity": "4(a)",
        "FacilityInspireId": facility,
        "facilityName": name or f"Fabriek {facility[-14:-9]}",
        "city": "Geleen",
        "Longitude": "5.79",
        "Latitude": "50.98",
        "addressConfidentialityReason": "",
        "TargetRelease": medium,
        "Pollutant": pollutant,
        "Releases": kg,
        "confidentialityReason": confidential,
    }


def eea_bytes(rows, columns=EEA_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return out.getvalue().encode("utf-8")


def write(tmp_path, rows, name="releases.csv", columns=EEA_COLUMNS):
    path = tmp_path / name
    path.write_bytes(eea_bytes(rows, columns))
    return path
