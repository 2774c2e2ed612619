"""The EEA facility releases import (E-PRTR's successor), the facility mapping and the unit check."""

import io

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from maatwerk.core.csvfiles import ImportFileError
from maatwerk.registry.models import Company, EmissionRecord, ImportRun, Installation, Operator
from maatwerk.registry.models_pollutants import Facility, FacilityRelease
from maatwerk.registry.pollutants import EEA_COLUMNS, import_eea_file, map_facilities, pollutant_code, releases_by_company

from .eea_files import CO2, NH3, NOX, PM10, PUBLICATION, SOX, release, write

F1, F2, F3, F4 = (f"NL.RIVM/00000000{i}.FACILITY" for i in range(1, 5))


@pytest.fixture
def registry(db):
    a = Company.objects.create(name="Chemie A", slug="chemie-a")
    b = Company.objects.create(name="Staal B", slug="staal-b")
    op_a = Operator.objects.create(name="Chemie A Operations B.V.", country="NL", company=a)
    op_x = Operator.objects.create(name="Houder X B.V.", country="NL")
    i1 = Installation.objects.create(eutl_id="NL-101", country="NL", name="Kraker", operator=op_a)
    i2 = Installation.objects.create(eutl_id="NL-102", country="NL", name="Hoogoven", operator=op_x, company=b)
    EmissionRecord.objects.create(installation=i1, year=2021, verified_emissions_t=500_000)
    EmissionRecord.objects.create(installation=i2, year=2021, verified_emissions_t=6_000_000)
    return {"a": a, "b": b, "i1": i1, "i2": i2}


def mapping(tmp_path, text, name="map.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path.read_bytes(), name


ROWS = [
    release(F1, 2021, NOX, "250000.5"),
    release(F1, 2021, NH3, "12000"),
    release(F1, 2021, SOX, "40000"),
    release(F1, 2021, PM10, "3500.25"),
    release(F1, 2021, CO2, "480000000"),  # 480 kt beside 500 kt in the ETS: fine
    release(F1, 2021, NOX, "999", medium="WATER"),  # not to air: not counted
    release(F1, 2022, NOX, "230000"),
    release(F2, 2021, NOX, "1000"),  # mapped directly to company A
    release(F2, 2021, "Mercury and compounds (as Hg)", "1.2"),
    release(F3, 2021, NOX, "5400000"),  # B via its installation
    release(F3, 2021, PM10, "800000"),
    release(F3, 2021, CO2, "5900000000"),
    release(F4, 2021, NOX, "700"),  # never mapped
]


def _import_and_map(tmp_path, rows=ROWS):
    report = import_eea_file(write(tmp_path, rows), user="tester")
    data, name = mapping(tmp_path, f"facility_id,installation,company\n{F1},NL-101,\n{F2},,Chemie A\n{F3},NL-102,\n")
    map_facilities(data, name)
    return report


def test_company_totals_equal_an_independent_pandas_groupby_in_tonnes(registry, tmp_path):
    _import_and_map(tmp_path)
    frame = pd.read_csv(tmp_path / "releases.csv", dtype={"Releases": float})
    frame["company"] = frame["FacilityInspireId"].map({F1: registry["a"].pk, F2: registry["a"].pk, F3: registry["b"].pk})
    code = {NOX: "NOX", NH3: "NH3", SOX: "SOX", PM10: "PM10"}
    frame = frame[(frame["TargetRelease"] == "AIR") & frame["Pollutant"].isin(code) & frame["company"].notna()]
    expected = (frame.assign(code=frame["Pollutant"].map(code)).groupby(["company", "reportingYear", "code"])["Releases"].sum() / 1000).to_dict()

    got = {}
    for company, years in releases_by_company().items():
        for cy in years:
            for c, cell in cy.cells.items():
                if cell.tonnes is not None:
                    got[(company, cy.year, c)] = cell.tonnes
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12)
    assert got[(registry["a"].pk, 2021, "NOX")] == pytest.approx(251.0005)  # F1 + F2, kg → t
    a_2021 = releases_by_company()[registry["a"].pk][0]
    assert a_2021.source == f"EEA industrial reporting, publicatie {PUBLICATION}"


def test_import_records_provenance_and_a_second_import_of_the_same_file_changes_nothing(registry, tmp_path):
    report = import_eea_file(write(tmp_path, ROWS), user="tester")
    assert report.counts["releases_created"] == len(ROWS) and report.counts["facilities_created"] == 4
    run = ImportRun.objects.get(kind="eea-releases")
    assert run.user == "tester" and run.counts["rows"] == len(ROWS)
    assert set(FacilityRelease.objects.values_list("import_run", flat=True)) == {run.pk}
    assert sorted(report.unmapped) == [F1, F2, F3, F4]  # no mapping yet: listed

    again = import_eea_file(write(tmp_path, ROWS), user="tester")
    assert again.already_imported and again.counts["releases_unchanged"] == len(ROWS)
    assert ImportRun.objects.count() == 1 and FacilityRelease.objects.count() == len(ROWS)

    changed = [*ROWS[:-1], release(F4, 2021, NOX, "701")]
    third = import_eea_file(write(tmp_path, changed, name="v2.csv"))
    assert third.counts["releases_updated"] == 1 and FacilityRelease.objects.get(facility__inspire_id=F4).releases_kg == 701


def _nothing_written():
    return Facility.objects.count() == 0 and FacilityRelease.objects.count() == 0 and ImportRun.objects.count() == 0


@pytest.mark.parametrize(
    "rows, columns, line, column, words",
    [
        ([release()], [*EEA_COLUMNS[:-1], "confidentiality"], 1, None, "confidentialityReason"),
        ([release(), release(F2, kg="1e5")], EEA_COLUMNS, 3, "Releases", "geen getal"),
        ([release(), release(F2, kg="12,5")], EEA_COLUMNS, 3, "Releases", "geen getal"),
        ([release(), release(F2, kg="-4")], EEA_COLUMNS, 3, "Releases", "buiten"),
        ([release(), release(F2, kg="")], EEA_COLUMNS, 3, "Releases", "ontbreekt"),
        ([release(), release(F2, year=20021)], EEA_COLUMNS, 3, "reportingYear", "buiten"),
        ([release(), release(F2, medium="SPACE")], EEA_COLUMNS, 3, "TargetRelease", "onbekend compartiment"),
        ([release(F1), release(F2), release(F1)], EEA_COLUMNS, 4, "Pollutant", "dubbele regel"),
        ([release(), {**release(F2), "Latitude": "123"}], EEA_COLUMNS, 3, "Latitude", "buiten"),
    ],
    ids=["wrong-header", "exponent", "decimal-comma", "negative", "empty-release", "year", "medium", "duplicate", "latitude"],
)
def test_a_bad_file_is_refused_naming_line_and_column_and_writes_nothing(db, tmp_path, rows, columns, line, column, words):
    with pytest.raises(ImportFileError) as exc:
        import_eea_file(write(tmp_path, rows, columns=columns))
    assert exc.value.line == line and exc.value.column == column and words in str(exc.value)
    assert "releases.csv" in str(exc.value)
    assert _nothing_written()


def test_an_unknown_pollutant_is_kept_and_listed_but_not_shown(registry, tmp_path):
    report = _import_and_map(tmp_path)
    assert report.pollutants["Mercury and compounds (as Hg)"] == 1
    assert FacilityRelease.objects.filter(pollutant__startswith="Mercury").exists()
    assert pollutant_code("Nitrogen oxides (NOx/NO2)") == "NOX" and pollutant_code("Mercury and compounds (as Hg)") == "ASHG"
    assert all(set(cy.cells) == {"NOX", "NH3", "SOX", "PM10"} for ys in releases_by_company().values() for cy in ys)


def test_a_co2_release_a_thousand_times_off_the_ets_figure_refuses_the_mapping_naming_its_line(registry, tmp_path):
    # 500,000 t in the ETS; the file gives 500,000,000 t (written in t·1000, i.e. a kg/t slip the other way)
    import_eea_file(write(tmp_path, [release(F1, 2021, CO2, str(500_000 * 1000 * 1000))]))
    data, name = mapping(tmp_path, f"facility_id,installation\n{F1},NL-101\n")
    with pytest.raises(ImportFileError) as exc:
        map_facilities(data, name)
    assert exc.value.line == 2 and exc.value.column == "installation" and "1.000 keer" in str(exc.value)
    assert Facility.objects.get(inspire_id=F1).installation_id is None  # nothing mapped


def test_a_co2_release_a_thousandth_of_the_ets_figure_refuses_the_import_naming_its_line(registry, tmp_path):
    _import_and_map(tmp_path)
    before = list(FacilityRelease.objects.order_by("pk").values_list("pk", "releases_kg"))
    runs = ImportRun.objects.count()
    # the same facility a year on, its CO2 written in tonnes in the kg column: 500 t against 500,000 t
    EmissionRecord.objects.create(installation=registry["i1"], year=2022, verified_emissions_t=500_000)
    rows = [release(F1, 2022, NOX, "1"), release(F1, 2022, CO2, "500000")]
    with pytest.raises(ImportFileError) as exc:
        import_eea_file(write(tmp_path, rows, name="v2.csv"))
    assert exc.value.line == 3 and exc.value.column == "Releases" and "1/1.000 van" in str(exc.value)
    assert list(FacilityRelease.objects.order_by("pk").values_list("pk", "releases_kg")) == before
    assert ImportRun.objects.count() == runs
    # within a factor 100 either way it is accepted (an ETS boundary rarely equals the facility's)
    import_eea_file(write(tmp_path, [release(F1, 2022, CO2, str(500_000 * 1000 * 50))], name="v3.csv"))


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        (f"facility_id,installation\n{F1},NL-101\nNL.RIVM/999.FACILITY,NL-101\n", 3, "facility_id", "onbekend"),
        (f"facility_id,installation\n{F1},NL-999\n", 2, "installation", "niet in het register"),
        (f"facility_id,installation\n{F1},NL 101\n", 2, "installation", "geen EUTL-id"),
        (f"facility_id,installation,company\n{F1},NL-101,Chemie A\n", 2, "installation", "precies één"),
        (f"facility_id,company\n{F1},Bestaat Niet\n", 2, "company", "niet in het register"),
        (f"facility_id,installation\n{F1},NL-101\n{F1},NL-102\n", 3, "facility_id", "ook op regel 2"),
        (f"facility_id,bedrijf\n{F1},Chemie A\n", 1, None, "installation of company"),
        ("facility_id,installation\n", None, None, "geen regels"),
    ],
)
def test_a_bad_mapping_is_refused_naming_line_and_maps_nothing(registry, tmp_path, text, line, column, words):
    import_eea_file(write(tmp_path, ROWS))
    data, name = mapping(tmp_path, text)
    with pytest.raises(ImportFileError) as exc:
        map_facilities(data, name)
    assert exc.value.line == line and exc.value.column == column and words in str(exc.value)
    assert not Facility.objects.filter(installation__isnull=False).exists() and not Facility.objects.filter(company__isnull=False).exists()


def test_a_confidential_release_keeps_its_reason_never_its_value_and_hides_the_total(registry, tmp_path, client):
    rows = [*ROWS, release(F2, 2022, NOX, "777777", confidential="Article 4(2)(d) of Directive 2003/4/EC")]
    _import_and_map(tmp_path, rows)
    stored = FacilityRelease.objects.get(facility__inspire_id=F2, year=2022)
    assert stored.releases_kg is None and stored.confidentiality_reason.startswith("Article 4")
    a_2022 = releases_by_company()[registry["a"].pk][1]
    assert a_2022.year == 2022 and a_2022.cells["NOX"].confidential and a_2022.cells["NOX"].tonnes is None
    assert a_2022.cells["NOX"].shown() == "vertrouwelijk"  # not F1's 230 t as if it were the company's total
    page = client.get(reverse("registry:company", args=["chemie-a"])).content.decode()
    assert "vertrouwelijk" in page and "777" not in page and "1.007,8" not in page and "230,0" not in page


def test_the_company_page_shows_nox_nh3_sox_pm10_in_tonnes_with_the_source(registry, tmp_path, client):
    _import_and_map(tmp_path)
    page = client.get(reverse("registry:company", args=["chemie-a"])).content.decode()
    section = page[page.index('id="leefomgeving"'):]
    for label in ("NOx (t)", "NH3 (t)", "SOx (t)", "PM10 (t)"):
        assert label in section
    # 2021: NOx 250,000.5 + 1,000 kg = 251.0 t; NH3 12.0; SOx 40.0; PM10 3.5 (3,500.25 kg)
    row_2021 = section[section.index("<td>2021</td>"): section.index("</tr>", section.index("<td>2021</td>"))]
    assert [c for c in ("251,0", "12,0", "40,0", "3,5") if c in row_2021] == ["251,0", "12,0", "40,0", "3,5"]
    assert f"EEA industrial reporting, publicatie {PUBLICATION}" in section
    steel = client.get(reverse("registry:company", args=["staal-b"])).content.decode()
    assert "5.400,0" in steel and "800,0" in steel  # B's facility through its installation's company


def test_the_commands_import_map_and_refuse_with_nothing_saved(registry, tmp_path):
    out = io.StringIO()
    call_command("import_eea", str(write(tmp_path, ROWS)), "--user", "tester", stdout=out)
    assert f"{len(ROWS)} regels" in out.getvalue() and F4 in out.getvalue()
    path = tmp_path / "map.csv"
    path.write_text(f"facility_id,installation\n{F1},NL-101\n", encoding="utf-8")
    out = io.StringIO()
    call_command("map_facilities", str(path), stdout=out)
    assert "1 faciliteiten aan een installatie" in out.getvalue()
    with pytest.raises(CommandError, match=r"regel 2, kolom Releases.*\n.*niets opgeslagen"):
        call_command("import_eea", str(write(tmp_path, [release(F1, kg="abc")], name="bad.csv")), stdout=io.StringIO())
