import pytest
from django.core.management import CommandError, call_command

from maatwerk.programme.imports import import_milestones
from maatwerk.programme.models import Milestone
from maatwerk.registry.eutl import ImportFileError

HEADER = "company,project,kind,planned,forecast,actual,note\n"


def state():
    return sorted(Milestone.objects.values_list("project__name", "kind", "planned", "forecast", "actual"))


def test_import_creates_and_updates(demo):
    counts = import_milestones((HEADER + "Nobian,,fid,2024-12-19,,2024-12-19,Besluit\nNobian,,first_year_at_target,2030-01-01,2031-01-01,,\n").encode(), "m.csv")
    assert counts == {"created": 1, "updated": 1}
    m = Milestone.objects.get(project__trajectory__company__name="Nobian", kind="first_year_at_target")
    assert m.forecast.year == 2031


@pytest.mark.parametrize(
    "rows,message",
    [
        ("Onbekend,,fid,2025-01-01,,,\n", "regel 2, kolom company: onbekend bedrijf"),
        ("Nobian,Geen,fid,2025-01-01,,,\n", "kolom project: onbekend project"),
        ("Nobian,,bouw,2025-01-01,,,\n", "kolom kind: onbekende mijlpaal"),
        ("Nobian,,fid,,,,\n", "kolom planned: datum ontbreekt"),
        ("Nobian,,fid,19-12-2024,,,\n", "kolom planned: '19-12-2024' is geen datum"),
        ("Nobian,,fid,2024-12-19,,2099-01-01,\n", "kolom actual: een gerealiseerde datum"),
        ("Nobian,,fid,2024-12-19,,\n", "regel 2: aantal velden"),
    ],
)
def test_bad_rows_change_nothing(demo, rows, message):
    before = state()
    good = "Nobian,,permits,2023-01-01,,,\n"
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(")):
        import_milestones((HEADER + rows + good).encode(), "m.csv")
    assert state() == before


def test_command(demo, tmp_path):
    bad = tmp_path / "m.csv"
    bad.write_text(HEADER + "Nobian,,fid,morgen,,,\n")
    with pytest.raises(CommandError, match="m.csv, regel 2, kolom planned.*\n.*niets opgeslagen"):
        call_command("import_milestones", str(bad))
