import numpy as np
import pytest
from django.core.management import CommandError, call_command

from maatwerk.finance.decks import find_deck, import_deck, price_paths
from maatwerk.finance.models import PriceDeck, PricePoint
from maatwerk.registry.eutl import ImportFileError

from .conftest import deck_csv

pytestmark = pytest.mark.django_db
HEADER = "scenario,year,gas_eur_per_mwh,electricity_eur_per_mwh,ets_eur_per_t,hydrogen_eur_per_kg,co2_ts_eur_per_t\n"


def test_versions_and_idempotence():
    first = import_deck(deck_csv(), "a.csv", "AFRY")
    assert import_deck(deck_csv(), "a.csv", "AFRY").pk == first.pk  # same content: nothing new
    second = import_deck(deck_csv(gas=35), "b.csv", "AFRY")
    assert (first.version, second.version) == (1, 2)
    assert find_deck("AFRY") == second and find_deck("AFRY@1") == first
    with pytest.raises(PriceDeck.DoesNotExist, match="bekend: AFRY"):
        find_deck("Onbekend")


def test_price_paths_hold_the_edges():
    deck = import_deck(deck_csv(), "a.csv", "T")
    paths = price_paths(deck)
    assert paths.scenarios == ("central", "high")
    got = paths.for_years(np.array([2020, 2024, 2030, 2070]))
    np.testing.assert_allclose(got["ets_eur_per_t"][0], [90, 90, 96, 90 + 36])
    np.testing.assert_allclose(got["gas_eur_per_mwh"][1], [60, 60, 60, 60])
    assert np.isnan(got["hydrogen_eur_per_kg"]).all()  # not in the deck: unknown, never zero


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "leeg"),
        ("scenario,year\ncentral,2025\n", "ontbreken"),
        (HEADER + "central,twintig,1,1,1,,\n", "kolom year"),
        (HEADER + "central,2025,abc,1,1,,\n", "kolom gas_eur_per_mwh"),
        (HEADER + "central,2025,30000,1,1,,\n", "verkeerde eenheid"),
        (HEADER + "central,2025,1,1,1,,\ncentral,2025,1,1,1,,\n", "dubbel"),
        (HEADER + "central,2025,1,1,1,,\ncentral,2027,1,1,1,,\n", "mist jaren: 2026"),
        (HEADER + ",2025,1,1,1,,\n", "scenario ontbreekt"),
        (HEADER, "geen prijzen"),
        (HEADER.encode("utf-16").decode("latin-1"), "UTF-8"),
    ],
)
def test_bad_decks_are_refused_whole(text, message):
    import_deck(deck_csv(), "ok.csv", "Bestaand")
    before = (PriceDeck.objects.count(), PricePoint.objects.count())
    data = text.encode("latin-1") if isinstance(text, str) else text
    with pytest.raises(ImportFileError, match=message):
        import_deck(data, "bad.csv", "Nieuw")
    assert (PriceDeck.objects.count(), PricePoint.objects.count()) == before


def test_import_command(tmp_path, capsys):
    path = tmp_path / "deck.csv"
    path.write_bytes(deck_csv())
    call_command("import_price_deck", str(path), "--name", "CLI", "--illustrative")
    assert "CLI v1 (illustratief)" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"scenario,year\n")
    with pytest.raises(CommandError, match="bad.csv.*\n.*niets opgeslagen"):
        call_command("import_price_deck", str(bad), "--name", "X")
