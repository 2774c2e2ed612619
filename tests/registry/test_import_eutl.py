"""The EUTL import: markers stay missing, bad files are refused whole, re-imports change nothing."""

import pytest
from django.core.management import CommandError, call_command

from maatwerk.registry.eutl import ImportFileError
from maatwerk.registry.models import EmissionRecord, ImportRun, Installation, Operator
from maatwerk.registry.services import import_eutl_files

from .factories import eutl_bytes, header, row

pytestmark = pytest.mark.django_db


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def good_file(tmp_path, name="installations-XX.csv"):
    rows = [
        row("NL-1", "Alpha B.V.", figures={2020: ("1000", "800", "A"), 2021: ("Excluded", "NA", "-"), 2022: ("1200", "0", "A")}),
        row("NL-2", "Beta B.V.", figures={2020: ("Not Reported", "5", "C"), 2021: ("-", "NA", "NA"), 2022: ("Not Calculated", "NA", "NA")}),
        row("NL-3", "Alpha B.V.", activity="10", figures={2022: ("77", "NA", "A")}),
    ]
    return write(tmp_path, name, eutl_bytes(rows))


def snapshot():
    return (
        sorted(Operator.objects.values_list("country", "name", "company_id")),
        sorted(Installation.objects.values_list("eutl_id", "name", "operator__name", "activity_code", "city")),
        sorted(
            EmissionRecord.objects.values_list(
                "installation__eutl_id", "year", "verified_emissions_t", "free_allocation_t", "compliance_code"
            )
        ),
        ImportRun.objects.count(),
    )


def test_markers_are_missing_never_zero(tmp_path):
    import_eutl_files([good_file(tmp_path)])
    rec = {(r.installation.eutl_id, r.year): r for r in EmissionRecord.objects.select_related("installation")}
    assert rec[("NL-1", 2020)].verified_emissions_t == 1000
    assert rec[("NL-1", 2022)].free_allocation_t == 0  # a real zero stays zero
    assert ("NL-1", 2021) not in rec  # Excluded, NA and -: nothing to record
    assert rec[("NL-2", 2020)].verified_emissions_t is None  # Not Reported
    assert rec[("NL-2", 2020)].free_allocation_t == 5
    assert ("NL-2", 2021) not in rec  # nothing at all that year: no record
    assert ("NL-2", 2022) not in rec  # Not Calculated and NA
    assert Operator.objects.count() == 2


def test_provenance_is_recorded(tmp_path):
    path = good_file(tmp_path)
    import hashlib

    [report] = import_eutl_files([path], user="tester")
    run = ImportRun.objects.get()
    assert run.file_name == path.name
    assert run.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == report.sha256
    assert run.user == "tester" and run.finished_at is not None
    assert run.counts["installations_created"] == 3
    assert EmissionRecord.objects.filter(import_run=run).count() == EmissionRecord.objects.count()


def test_reimport_is_idempotent(tmp_path):
    path = good_file(tmp_path)
    import_eutl_files([path])
    before = snapshot()
    [report] = import_eutl_files([path])
    assert report.already_imported
    assert report.counts["records_created"] == report.counts["records_updated"] == 0
    assert snapshot() == before


def test_newer_file_updates_only_what_changed(tmp_path):
    import_eutl_files([good_file(tmp_path)])
    rows = [
        row("NL-1", "Alpha B.V.", figures={2020: ("1000", "800", "A"), 2021: ("Excluded", "NA", "-"), 2022: ("1300", "0", "A")}),
    ]
    [report] = import_eutl_files([write(tmp_path, "newer.csv", eutl_bytes(rows))])
    assert report.counts["records_updated"] == 1
    assert report.counts["records_unchanged"] == 1  # 2020; 2021 had no figures at all
    assert EmissionRecord.objects.get(installation__eutl_id="NL-1", year=2022).verified_emissions_t == 1300


def test_accepts_a_newer_year_of_the_same_shape(tmp_path):
    years = (2022, 2023)
    data = eutl_bytes([row("NL-9", figures={2023: ("4321", "10", "A")}, years=years)], years=years)
    import_eutl_files([write(tmp_path, "nea-2023.csv", data)])
    assert EmissionRecord.objects.get(year=2023).verified_emissions_t == 4321


def _valid_text():
    return eutl_bytes([row("NL-1", figures={2020: ("10", "1", "A")}), row("NL-2", figures={2020: ("20", "2", "A")})])


BAD_FILES = {
    "empty": (b"", "leeg", None),
    "header only": (eutl_bytes([]), "geen installaties", None),
    "truncated": (_valid_text()[:-60], "velden gevonden", 3),
    "missing header": (_valid_text().split(b"\n", 1)[1], "ontbreken", 1),
    "wrong header": (_valid_text().replace(b"AccountHolderName", b"Holder", 1), "AccountHolderName", 1),
    "no year columns": (
        eutl_bytes([row()], columns=[c for c in header() if not c.startswith(("Verified", "Free", "Compliance"))]),
        "VerifiedEmissions_JJJJ",
        1,
    ),
    "non-numeric emission": (
        eutl_bytes([row("NL-1", figures={2020: ("10", "1", "A")}), row("NL-2", figures={2021: ("12a", "1", "A")})]),
        "'12a' is geen getal",
        3,
    ),
    "negative emission": (eutl_bytes([row("NL-1", figures={2020: ("-5", "1", "A")})]), "negatief", 2),
    "duplicate id": (eutl_bytes([row("NL-1"), row("NL-2"), row("NL-1")]), "dubbel (ook op regel 2)", 4),
    "not utf-8": (_valid_text().replace(b"Holder A", "H\u00f6lder".encode("latin-1")), "geen UTF-8", 2),
    "unterminated quote": (_valid_text() + b'"NL-3,"broken\n', "", None),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_is_refused_whole_and_names_the_place(tmp_path, case):
    data, needle, line = BAD_FILES[case]
    import_eutl_files([good_file(tmp_path, "earlier.csv")])
    before = snapshot()
    good = write(tmp_path, "good-first.csv", eutl_bytes([row("NL-77", "Gamma B.V.", figures={2020: ("5", "5", "A")})]))
    bad = write(tmp_path, "bad.csv", data)
    with pytest.raises(ImportFileError) as info:
        import_eutl_files([good, bad])  # the good file in the same call is not written either
    message = str(info.value)
    assert message.startswith("bad.csv")
    assert needle in message
    if line is not None:
        assert info.value.line == line and f"regel {line}" in message
    assert snapshot() == before


def test_column_is_named_for_a_bad_figure(tmp_path):
    data = eutl_bytes([row("NL-1", figures={2021: ("abc", "1", "A")})])
    with pytest.raises(ImportFileError) as info:
        import_eutl_files([write(tmp_path, "x.csv", data)])
    assert info.value.column == "VerifiedEmissions_2021"
    assert "kolom VerifiedEmissions_2021" in str(info.value)


def test_command_exits_nonzero_with_reason_and_writes_nothing(tmp_path):
    bad = write(tmp_path, "bad.csv", eutl_bytes([row("NL-1"), row("NL-1")]))
    with pytest.raises(CommandError, match=r"bad.csv, regel 3, kolom id: .*dubbel.*\n.*niets opgeslagen"):
        call_command("import_eutl", str(bad), "--no-progress")
    assert Installation.objects.count() == 0 and ImportRun.objects.count() == 0


def test_command_reports_counts(tmp_path, capsys):
    call_command("import_eutl", str(good_file(tmp_path)), "--no-progress")
    out = capsys.readouterr().out
    assert "3 installaties (3 nieuw, 0 gewijzigd)" in out
    call_command("import_eutl", str(good_file(tmp_path)), "--no-progress")
    assert "niets gewijzigd" in capsys.readouterr().out


def test_command_refuses_missing_file(tmp_path):
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("import_eutl", str(tmp_path / "nope.csv"))
