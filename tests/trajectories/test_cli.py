import pytest
from django.core.management import CommandError, call_command

from maatwerk.trajectories.models import Event

from ..helpers import trajectory


def test_transition_by_prefix_and_refusal(demo, capsys):
    count = Event.objects.count()
    with pytest.raises(CommandError, match="Geweigerd: .*\n.*niets gewijzigd"):
        call_command("transition", "oci", "--to", "jloi_concept", "--date", "2026-01-10")
    assert Event.objects.count() == count
    call_command("transition", "OCI", "--to", "withdrawn", "--date", "2026-01-10", "--note", "Gestopt.")
    assert trajectory("OCI Nitrogen").phase == "withdrawn"
    assert "withdrawn" in capsys.readouterr().out


@pytest.mark.parametrize(
    "key,message",
    [("Air", "meerdere bedrijven: Air Liquide, Air Products"), ("Onbekend", "geen traject"), ("", "geef een bedrijfsnaam")],
)
def test_company_lookup_errors(demo, key, message):
    with pytest.raises(CommandError, match=message):
        call_command("transition", key, "--to", "withdrawn", "--date", "2026-01-10")


def test_bad_date(demo):
    with pytest.raises(CommandError, match="geen datum"):
        call_command("transition", "tata", "--to", "withdrawn", "--date", "29-09-2025")
    with pytest.raises(CommandError, match="geen datum"):
        call_command("trajectories", "--as-of", "gisteren")
